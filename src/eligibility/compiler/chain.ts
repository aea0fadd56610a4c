// Member access and chains (`status`, `period.start`, `type.coding.system`) on statically known paths, as one generated function.
import { plan, type Key } from './navigate.js';
import { EMPTY, FastPathUnsupported, type Coll, type Compiled, type Static } from './runtime.js';

/**
 * The same semantics as compileMember step by step, without the intermediate collections and closure calls: a
 * function is generated per chain so each property read has its own (monomorphic) cache. Only chains without
 * choice elements, starting from one resource type or one element path, are fused; anything else is left to
 * compileMember. Data the fused code does not expect (another resource type, an extension-only primitive, a null
 * in an array, a JavaScript property of a primitive) hands over to fhirpath.js as elsewhere.
 */
export function compileChain(names: string[], input: Static): Compiled | undefined {
  if (names.length === 0 || input.kind === 'value' || input.paths?.length !== 1) return undefined;
  const resourceType = input.kind === 'resource' ? input.paths[0] : undefined;
  const keys: Key[] = [];
  let path = input.paths[0];
  for (const name of names) {
    if (!/^[a-z][A-Za-z0-9_]*$/.test(name)) return undefined;
    const step = plan(path, name);
    if (step.length !== 1) return undefined;
    keys.push(step[0]);
    path = step[0].path;
  }
  const last = keys[keys.length - 1];
  const st: Static = { kind: 'element', paths: [last.path], types: last.type ? [last.type] : undefined };
  return { st, fn: generated(resourceType, names, keys) };
}

const cache = new Map<string, (coll: Coll) => Coll>();

function generated(resourceType: string | undefined, names: string[], keys: Key[]): Compiled['fn'] {
  const signature = `${resourceType ?? ''}|${keys.map((k) => k.key).join('.')}`;
  let fn = cache.get(signature);
  if (!fn) {
    fn = new Function('U', 'EMPTY', source(resourceType, names, keys))(FastPathUnsupported, EMPTY) as (coll: Coll) => Coll;
    cache.set(signature, fn);
  }
  const run = fn;
  return (_scope, coll) => run(coll);
}

/** Step i reads keys[i] of x and hands each value to step i + 1 (the last step collects). Names are checked identifiers. */
function source(resourceType: string | undefined, names: string[], keys: Key[]): string {
  const steps = keys.map((k, i) => {
    // [w] allocates a one-element array; push() on an empty one reserves 17 slots.
    const next = i === keys.length - 1 ? 'if (out === null) out = [w]; else out.push(w);' : `s${i + 1}(w);`;
    return `
function s${i}(x) {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) {
    if (x !== null && x !== undefined && ${JSON.stringify(names[i])} in Object(x)) throw new U('member of a primitive');
    return;
  }
  const v = x.${k.key};
  if (v === undefined || v === null) {
    if (x.${k.twin} !== undefined) throw new U('primitive extension without a value');
    return;
  }
  if (Array.isArray(v)) {
    for (let j = 0; j < v.length; j++) {
      const w = v[j];
      if (w === null || w === undefined) throw new U('null in an array');
      ${next}
    }
  } else {
    const w = v;
    ${next}
  }
}`;
  });
  const check = resourceType ? `if (x === null || typeof x !== 'object' || x.resourceType !== ${JSON.stringify(resourceType)}) throw new U('another resource type');` : '';
  // \`out\` is allocated only when something is found: most members lack most elements. A chain never calls itself.
  return `'use strict';
let out = null;
${steps.join('\n')}
return function chain(coll) {
  out = null;
  try {
    for (let i = 0; i < coll.length; i++) {
      const x = coll[i];
      ${check}
      s0(x);
    }
    return out === null ? EMPTY : out;
  } finally {
    out = null;
  }
};`;
}
