// FHIRPath functions of the compiled subset, with fhirpath.js's semantics (where/select/exists/count/ofType/...).
import { isKnownResourceType } from './resource-types.js';
import { fresh } from './fresh.js';
import { extensionsOf } from './navigate.js';
import { distinct } from './operators.js';
import { bool, BOOLEAN, EMPTY, FALSE, TRUE, FastPathUnsupported, INTEGER, isResource, merge, NotCompilable, toBoolean3, type Coll, type Compiled, type FastScope, type Fn, type Static } from './runtime.js';

/** How a function's parameters are compiled: criteria run per item ($this), values run on the function's input. */
export interface ParamCompiler {
  criteria: (index: number, itemStatic: Static) => Compiled;
  value: (index: number) => Compiled;
  typeName: (index: number) => string;
  count: number;
}

type Builtin = (input: Compiled, p: ParamCompiler) => Compiled;

function arity(name: string, p: ParamCompiler, ...allowed: number[]): void {
  if (!allowed.includes(p.count)) throw new NotCompilable(`${name}() with ${p.count} parameters`);
}

/** fhirpath.js's where() keeps an item when the first criteria result is truthy; we only compile criteria that yield booleans. */
function criteria(name: string, p: ParamCompiler, st: Static): Compiled {
  const c = p.criteria(0, st);
  if (!c.st.boolean) throw new NotCompilable(`${name}() criteria that are not a boolean test`);
  return c;
}

/** exists()/empty(): from where()'s early-stopping test when there is one, else from the input's length. */
const anyTest = fresh(
  (any: (s: FastScope, coll: Coll) => boolean, negate: boolean, T: Coll, F: Coll): Fn =>
    (s, coll) =>
      any(s, coll) !== negate ? T : F,
);
const lengthTest = fresh(
  (inputFn: Fn, negate: boolean, T: Coll, F: Coll): Fn =>
    (s, coll) =>
      inputFn(s, coll).length > 0 !== negate ? T : F,
);

// One buffer for the item under test: the criteria's result is read at once and nothing keeps the buffer.
const makeFilter = fresh((inputFn: Fn, test: Fn, empty: Coll): Fn => {
  const one: Coll = [undefined];
  return (s, coll) => {
    const items = inputFn(s, coll);
    let out: Coll | undefined;
    for (let i = 0; i < items.length; i++) {
      one[0] = items[i];
      if (test(s, one)[0] === true) {
        if (out === undefined) out = [items[i]];
        else out.push(items[i]);
      }
    }
    return out ?? empty;
  };
});

function filter(input: Compiled, c: Compiled): Fn {
  return makeFilter(input.fn, c.fn, EMPTY);
}

const makeAny = fresh((inputFn: Fn, test: Fn) => {
  const one: Coll = [undefined];
  return (s: FastScope, coll: Coll): boolean => {
    const items = inputFn(s, coll);
    for (let i = 0; i < items.length; i++) {
      one[0] = items[i];
      if (test(s, one)[0] === true) return true;
    }
    return false;
  };
});

function anyPasses(input: Compiled, c: Compiled): (s: FastScope, coll: Coll) => boolean {
  return makeAny(input.fn, c.fn);
}

/** A string argument fixed at compile time (a literal), as most of these functions take. */
function literalString(p: ParamCompiler, index: number, name: string): Compiled {
  const v = p.value(index);
  if (!v.st.types?.includes('System.String')) throw new NotCompilable(`${name}() with a non-string argument`);
  return v;
}

function singleString(coll: Coll, name: string): string | undefined {
  if (coll.length === 0) return undefined;
  if (coll.length > 1) throw new Error(`${name}() needs a single string`);
  if (typeof coll[0] !== 'string') throw new FastPathUnsupported(`${name}() of a non-string`);
  return coll[0];
}

function stringTest(name: string, test: (s: string, arg: string) => boolean): Builtin {
  return (input, p) => {
    arity(name, p, 1);
    const arg = literalString(p, 0, name);
    return {
      st: BOOLEAN,
      fn: (s, coll) => {
        const items = input.fn(s, coll);
        const str = singleString(items, name);
        const a = arg.fn(s, items);
        if (str === undefined || a.length === 0) return EMPTY;
        return bool(test(str, a[0] as string));
      },
    };
  };
}

const regexCache = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let r = regexCache.get(pattern);
  if (!r) regexCache.set(pattern, (r = new RegExp(pattern, 'su')));
  return r;
}

export const BUILTINS: Record<string, Builtin> = {
  where: (input, p) => {
    arity('where', p, 1);
    const c = criteria('where', p, input.st);
    return { st: input.st, fn: filter(input, c), any: anyPasses(input, c) };
  },
  exists: (input, p) => {
    arity('exists', p, 0, 1);
    const any = p.count ? anyPasses(input, criteria('exists', p, input.st)) : input.any;
    if (any) return { st: BOOLEAN, fn: anyTest(any, false, TRUE, FALSE) };
    return { st: BOOLEAN, fn: lengthTest(input.fn, false, TRUE, FALSE) };
  },
  empty: (input, p) => {
    arity('empty', p, 0);
    const any = input.any;
    if (any) return { st: BOOLEAN, fn: anyTest(any, true, TRUE, FALSE) };
    return { st: BOOLEAN, fn: lengthTest(input.fn, true, TRUE, FALSE) };
  },
  count: (input, p) => {
    arity('count', p, 0);
    const inputFn = input.fn;
    return { st: INTEGER, fn: (s, coll) => [inputFn(s, coll).length] };
  },
  not: (input, p) => {
    arity('not', p, 0);
    const inputFn = input.fn;
    return {
      st: BOOLEAN,
      fn: (s, coll) => {
        const v = toBoolean3(inputFn(s, coll));
        return v === undefined ? EMPTY : bool(!v);
      },
    };
  },
  first: (input, p) => {
    arity('first', p, 0);
    return { st: input.st, fn: (s, coll) => input.fn(s, coll).slice(0, 1) };
  },
  last: (input, p) => {
    arity('last', p, 0);
    return { st: input.st, fn: (s, coll) => input.fn(s, coll).slice(-1) };
  },
  distinct: (input, p) => {
    arity('distinct', p, 0);
    return { st: input.st, fn: (s, coll) => distinct(input.fn(s, coll)) };
  },
  select: (input, p) => {
    arity('select', p, 1);
    const projection = p.criteria(0, input.st);
    return {
      st: projection.st,
      fn: (s, coll) => {
        const out: Coll = [];
        for (const item of input.fn(s, coll)) for (const v of projection.fn(s, [item])) out.push(v);
        return out;
      },
    };
  },
  ofType: (input, p) => {
    arity('ofType', p, 1);
    const type = p.typeName(0);
    if (!isKnownResourceType(type)) throw new NotCompilable(`ofType(${type}): only resource types are compiled`);
    return { st: { kind: 'resource', paths: [type] }, fn: (s, coll) => input.fn(s, coll).filter((r) => isResource(r) && r.resourceType === type) };
  },
  extension: (input, p) => {
    arity('extension', p, 1);
    const url = literalString(p, 0, 'extension');
    return {
      st: { kind: 'element', paths: ['Extension'] },
      fn: (s, coll) => {
        const items = input.fn(s, coll);
        const u = url.fn(s, items);
        return u.length && u[0] ? extensionsOf(items, u[0] as string) : [];
      },
    };
  },
  startsWith: stringTest('startsWith', (s, a) => s.startsWith(a)),
  endsWith: stringTest('endsWith', (s, a) => s.endsWith(a)),
  matches: stringTest('matches', (s, a) => regex(a).test(s)),
  iif: (input, p) => {
    arity('iif', p, 2, 3);
    const cond = p.value(0);
    const then = p.value(1);
    const otherwise = p.count === 3 ? p.value(2) : undefined;
    return {
      st: otherwise ? merge(then.st, otherwise.st) : then.st,
      fn: (s, coll) => {
        const items = input.fn(s, coll);
        const c = cond.fn(s, items);
        // fhirpath.js's util.isTrue: exactly one item, and it is true.
        return c.length === 1 && c[0] === true ? then.fn(s, items) : otherwise ? otherwise.fn(s, items) : [];
      },
    };
  },
};
