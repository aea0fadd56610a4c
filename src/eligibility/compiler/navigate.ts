// Member access as fhirpath.js does it with the R4 model: choice types (value -> valueBoolean...), element paths and types.
import r4 from 'fhirpath/fhir-context/r4';
import { FastPathUnsupported, isResource, NotCompilable, type Coll, type Compiled, type Static } from './runtime.js';

interface Key {
  key: string;
  /** The primitive-extension twin ("_key"). */
  twin: string;
  /** Model path of the values found under this key (fhirpath.js's path after path2TypeWithoutElements). */
  path: string;
  type?: string;
}

const model = r4 as unknown as {
  choiceTypePaths: Record<string, string[]>;
  pathsDefinedElsewhere: Record<string, string>;
  path2Type: Record<string, string>;
  path2TypeWithoutElements: Record<string, string>;
};

const plans = new Map<string, Key[]>();

/** The keys to try, in fhirpath.js's order, for `name` on an item at `parentPath` (see its makeChildResNodes). */
function plan(parentPath: string, name: string): Key[] {
  const cacheKey = `${parentPath}|${name}`;
  let keys = plans.get(cacheKey);
  if (keys) return keys;
  let childPath = `${parentPath}.${name}`;
  childPath = model.pathsDefinedElsewhere[childPath] ?? childPath;
  const choices = model.choiceTypePaths[childPath];
  const raw = choices ? choices.map((t) => ({ key: name + t, path: childPath + t })) : [{ key: name, path: name === 'extension' ? 'Extension' : childPath }];
  keys = raw.map(({ key, path }) => ({ key, twin: `_${key}`, type: model.path2Type[path], path: model.path2TypeWithoutElements[path] ?? path }));
  plans.set(cacheKey, keys);
  return keys;
}

/** Paths of objects whose model path is not known statically (after a choice or on mixed input), set when they are read. */
const objectPaths = new WeakMap<object, string>();

function pathOf(item: object, st: Static): string {
  if (isResource(item)) return item.resourceType;
  if (st.kind === 'element' && st.paths?.length === 1) return st.paths[0];
  const known = objectPaths.get(item);
  if (known === undefined) throw new FastPathUnsupported('element of unknown type');
  return known;
}

export function compileMember(name: string, input: Static): Compiled {
  if (!/^[a-z][A-Za-z0-9_]*$/.test(name)) throw new NotCompilable(`member "${name}" (type names and delimited identifiers are left to fhirpath.js)`);
  if (input.kind === 'value') throw new NotCompilable(`member "${name}" of a computed value`);
  let out: Static = { kind: 'element' };
  if (input.paths) {
    const keys = input.paths.flatMap((p) => plan(p, name));
    out = { kind: 'element', paths: [...new Set(keys.map((k) => k.path))], types: keys.some((k) => !k.type) ? undefined : [...new Set(keys.map((k) => k.type as string))] };
  }
  const record = !(out.paths?.length === 1);
  const fixed = input.kind === 'element' && input.paths?.length === 1 ? plan(input.paths[0], name) : undefined;
  const local = new Map<string, Key[]>();
  const keysFor = (item: object): Key[] => {
    if (fixed && !isResource(item)) return fixed;
    const path = pathOf(item, input);
    let keys = local.get(path);
    if (!keys) local.set(path, (keys = plan(path, name)));
    return keys;
  };
  return {
    st: out,
    fn: (_scope, coll) => {
      const result: Coll = [];
      for (const item of coll) {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
          // fhirpath.js reads data[name] even on a primitive: nothing, unless the name is a JavaScript property ("length").
          if (item !== null && item !== undefined && name in Object(item)) throw new FastPathUnsupported('member of a primitive');
          continue;
        }
        const keys = keysFor(item);
        for (const { key, twin, path } of keys) {
          const value = (item as Record<string, unknown>)[key];
          if ((item as Record<string, unknown>)[twin] !== undefined) throw new FastPathUnsupported('primitive extension');
          if (value === undefined || value === null) continue;
          if (Array.isArray(value)) {
            for (const v of value) {
              if (v === null || v === undefined) throw new FastPathUnsupported('null in an array');
              if (record && typeof v === 'object') objectPaths.set(v, path);
              result.push(v);
            }
          } else {
            if (record && typeof value === 'object') objectPaths.set(value, path);
            result.push(value);
          }
          break;
        }
      }
      return result;
    },
  };
}

/** fhirpath.js's extension(url): the item's extensions with that url (objects only; primitives' _x extensions are left to it). */
export function extensionsOf(coll: Coll, url: string): Coll {
  const out: Coll = [];
  for (const item of coll) {
    if (typeof item !== 'object' || item === null) throw new FastPathUnsupported('extension() of a primitive');
    const extensions = (item as { extension?: unknown }).extension;
    if (extensions === undefined) continue;
    if (!Array.isArray(extensions)) throw new FastPathUnsupported('extension is not an array');
    for (const e of extensions) {
      if (typeof e !== 'object' || e === null) throw new FastPathUnsupported('malformed extension');
      if ((e as { url?: unknown }).url === url) out.push(e);
    }
  }
  return out;
}
