// Member access as fhirpath.js does it with the R4 model: choice types (value -> valueBoolean...), element paths and types.
import r4 from 'fhirpath/fhir-context/r4';
import { EMPTY, FastPathUnsupported, isResource, NotCompilable, type Coll, type Compiled, type Static } from './runtime.js';

export interface Key {
  key: string;
  /** The primitive-extension twin ("_key"). */
  twin: string;
  /** Reads the key: a function per key keeps V8's property caches monomorphic (keys are model element names). */
  get: (item: Record<string, unknown>) => unknown;
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
const getters = new Map<string, Key['get']>();

function getter(key: string): Key['get'] {
  let get = getters.get(key);
  if (!get) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) throw new NotCompilable(`element name ${key}`);
    get = new Function('o', `return o.${key};`) as Key['get'];
    getters.set(key, get);
  }
  return get;
}

/** The keys to try, in fhirpath.js's order, for `name` on an item at `parentPath` (see its makeChildResNodes). */
export function plan(parentPath: string, name: string): Key[] {
  const cacheKey = `${parentPath}|${name}`;
  let keys = plans.get(cacheKey);
  if (keys) return keys;
  let childPath = `${parentPath}.${name}`;
  childPath = model.pathsDefinedElsewhere[childPath] ?? childPath;
  const choices = model.choiceTypePaths[childPath];
  const raw = choices ? choices.map((t) => ({ key: name + t, path: childPath + t })) : [{ key: name, path: name === 'extension' ? 'Extension' : childPath }];
  keys = raw.map(({ key, path }) => ({ key, twin: `_${key}`, get: getter(key), type: model.path2Type[path], path: model.path2TypeWithoutElements[path] ?? path }));
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

/** The first key of a choice element present on the item, in fhirpath.js's (model) order: a scan of the item's few keys. */
function choiceKey(item: Record<string, unknown>, keys: Key[], order: Map<string, number>): Key | undefined {
  let best = -1;
  for (const k in item) {
    const at = order.get(k[0] === '_' ? k.slice(1) : k);
    if (at !== undefined && (best < 0 || at < best)) best = at;
  }
  return best < 0 ? undefined : keys[best];
}

function push(result: Coll, value: unknown, path: string, record: boolean): void {
  if (Array.isArray(value)) {
    for (const v of value) {
      if (v === null || v === undefined) throw new FastPathUnsupported('null in an array');
      if (record && typeof v === 'object') objectPaths.set(v, path);
      result.push(v);
    }
  } else {
    if (record && typeof value === 'object') objectPaths.set(value as object, path);
    result.push(value);
  }
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
  // Resources of one known type (%Condition, $this in %Condition.where(...)): the plan is known unless the item is another type.
  const oneType = input.kind === 'resource' && input.paths?.length === 1 ? input.paths[0] : undefined;
  const oneTypeKeys = oneType ? plan(oneType, name) : undefined;
  const local = new Map<string, Key[]>();
  const orders = new Map<Key[], Map<string, number>>();
  const keysFor = (item: object): Key[] => {
    if (oneTypeKeys && (item as { resourceType?: unknown }).resourceType === oneType) return oneTypeKeys;
    if (fixed && !isResource(item)) return fixed;
    const path = pathOf(item, input);
    let keys = local.get(path);
    if (!keys) local.set(path, (keys = plan(path, name)));
    return keys;
  };
  const orderOf = (keys: Key[]): Map<string, number> => {
    let order = orders.get(keys);
    if (!order) orders.set(keys, (order = new Map(keys.map((k, i) => [k.key, i]))));
    return order;
  };
  return {
    st: out,
    fn: (_scope, coll) => {
      // Most members lack most elements: allocate only when something is found.
      let result: Coll | undefined;
      for (const item of coll) {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
          // fhirpath.js reads data[name] even on a primitive: nothing, unless the name is a JavaScript property ("length").
          if (item !== null && item !== undefined && name in Object(item)) throw new FastPathUnsupported('member of a primitive');
          continue;
        }
        const record_ = item as Record<string, unknown>;
        const keys = keysFor(item);
        const key = keys.length === 1 ? keys[0] : choiceKey(record_, keys, orderOf(keys));
        if (!key) continue;
        const value = key.get(record_);
        if (value === undefined || value === null) {
          // Only an extension-only primitive ("_birthDate" without "birthDate") yields something here in fhirpath.js.
          if (record_[key.twin] !== undefined) throw new FastPathUnsupported('primitive extension without a value');
          continue;
        }
        if (result === undefined && !Array.isArray(value)) {
          if (record && typeof value === 'object') objectPaths.set(value as object, key.path);
          result = [value];
        } else push((result ??= []), value, key.path, record);
      }
      return result ?? EMPTY;
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
