// Operators with fhirpath.js's semantics on the compiled subset: = != < <= > >= in contains and or xor implies | and date +/-.
import { minusMonths } from '../calendar.js';
import { DateValue } from '../date-value.js';
import { fresh } from './fresh.js';
import { bool, BOOLEAN, EMPTY, FALSE, FastPathUnsupported, isResource, merge, NotCompilable, toBoolean3, TRUE, type Coll, type Compiled, type Fn, type Static } from './runtime.js';

const DATE_TYPES = new Set(['date', 'dateTime', 'instant', 'time', 'System.Date', 'System.DateTime', 'System.Time']);
const LOOKS_TEMPORAL = /^(\d{4}(-\d{2}(-\d{2}(T.*)?)?)?|T?\d{2}:\d{2}.*)$/;

/** Could a string item be a FHIR date/time (which fhirpath.js compares as a date, not as text)? */
function mayBeTemporal(st: Static): boolean {
  return st.kind !== 'value' && (st.types === undefined || st.types.some((t) => DATE_TYPES.has(t)));
}

/** One pair of items under fhirpath.js's deepEqual, for the primitive cases we handle; undefined = not comparable. */
function equalItems(a: unknown, b: unknown, temporalA: boolean, temporalB: boolean): boolean | undefined {
  if (typeof a === 'string' && typeof b === 'string') {
    if ((temporalA && LOOKS_TEMPORAL.test(a)) || (temporalB && LOOKS_TEMPORAL.test(b))) throw new FastPathUnsupported('date compared by =');
    return a === b;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    if (!Number.isInteger(a) || !Number.isInteger(b)) throw new FastPathUnsupported('decimal compared by =');
    return a === b;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b;
  if (a instanceof DateValue && b instanceof DateValue) return a.day === b.day;
  if (typeof a === 'object' || typeof b === 'object') throw new FastPathUnsupported('object compared by =');
  return false;
}

function equalColls(a: Coll, b: Coll, ta: boolean, tb: boolean): boolean | undefined {
  if (a.length !== b.length) return false;
  if (a.length === 1) return equalItems(a[0], b[0], ta, tb);
  for (let i = 0; i < a.length; i++) if (!equalItems(a[i], b[i], ta, tb)) return false;
  return true;
}

const makeEquality = fresh(
  (lf: Fn, rf: Fn, eqColls: typeof equalColls, ta: boolean, tb: boolean, negate: boolean, T: Coll, F: Coll, E: Coll): Fn =>
    (s, input) => {
      const a = lf(s, input);
      if (a.length === 0) return E;
      const b = rf(s, input);
      if (b.length === 0) return E;
      const eq = eqColls(a, b, ta, tb);
      return eq === undefined ? E : (negate ? !eq : eq) ? T : F;
    },
);

export function equality(op: string, l: Compiled, r: Compiled): Compiled {
  if (op !== '=' && op !== '!=') throw new NotCompilable(`operator ${op}`);
  // Two values read from data are also compared on their primitive extensions by fhirpath.js.
  if (l.st.kind !== 'value' && r.st.kind !== 'value') throw new NotCompilable('= between two data values');
  const negate = op === '!=';
  return { st: BOOLEAN, fn: makeEquality(l.fn, r.fn, equalColls, mayBeTemporal(l.st), mayBeTemporal(r.st), negate, TRUE, FALSE, EMPTY) };
}

function compareItems(a: unknown, b: unknown, sa: Static, sb: Static): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a instanceof DateValue && b instanceof DateValue) return a.day - b.day;
  if (typeof a === 'string' && typeof b === 'string') {
    if ((mayBeTemporal(sa) && LOOKS_TEMPORAL.test(a)) || (mayBeTemporal(sb) && LOOKS_TEMPORAL.test(b))) throw new FastPathUnsupported('date compared by <');
    return a < b ? -1 : a > b ? 1 : 0;
  }
  throw new FastPathUnsupported('comparison of these types');
}

export function inequality(op: string, l: Compiled, r: Compiled): Compiled {
  const test: Record<string, (c: number) => boolean> = { '<': (c) => c < 0, '<=': (c) => c <= 0, '>': (c) => c > 0, '>=': (c) => c >= 0 };
  const check = test[op];
  if (!check) throw new NotCompilable(`operator ${op}`);
  return {
    st: BOOLEAN,
    fn: (s, input) => {
      const a = l.fn(s, input);
      const b = r.fn(s, input);
      if (a.length === 0 || b.length === 0) return EMPTY;
      if (a.length > 1 || b.length > 1) throw new Error(`${op} needs single items`);
      return bool(check(compareItems(a[0], b[0], l.st, r.st)));
    },
  };
}

/** `x in coll` / `coll contains x`. */
export function membership(op: string, l: Compiled, r: Compiled): Compiled {
  if (op !== 'in' && op !== 'contains') throw new NotCompilable(`operator ${op}`);
  const [item, coll] = op === 'in' ? [l, r] : [r, l];
  const [tx, tc] = [mayBeTemporal(item.st), mayBeTemporal(coll.st)];
  return {
    st: BOOLEAN,
    fn: (s, input) => {
      const x = item.fn(s, input);
      const c = coll.fn(s, input);
      if (x.length === 0) return EMPTY;
      if (x.length > 1) throw new Error(`${op} needs a single item`);
      if (c.length === 0) return FALSE;
      return bool(c.some((v) => equalItems(x[0], v, tx, tc) === true));
    },
  };
}

// Each factory gets a fresh copy per node (see fresh.ts); helpers come in as parameters.
type Tri3 = (coll: Coll) => boolean | undefined;
const LOGIC = {
  and: fresh((lf: Fn, rf: Fn, tri: Tri3, T: Coll, F: Coll, E: Coll): Fn => (s, input) => {
    const a = tri(lf(s, input));
    if (a === false) return F;
    const b = tri(rf(s, input));
    return b === false ? F : a === true && b === true ? T : E;
  }),
  or: fresh((lf: Fn, rf: Fn, tri: Tri3, T: Coll, F: Coll, E: Coll): Fn => (s, input) => {
    const a = tri(lf(s, input));
    if (a === true) return T;
    const b = tri(rf(s, input));
    return b === true ? T : a === false && b === false ? F : E;
  }),
  xor: fresh((lf: Fn, rf: Fn, tri: Tri3, T: Coll, F: Coll, E: Coll): Fn => (s, input) => {
    const a = tri(lf(s, input));
    const b = tri(rf(s, input));
    return a === undefined || b === undefined ? E : a !== b ? T : F;
  }),
  implies: fresh((lf: Fn, rf: Fn, tri: Tri3, T: Coll, F: Coll, E: Coll): Fn => (s, input) => {
    const a = tri(lf(s, input));
    if (a === false) return T;
    const b = tri(rf(s, input));
    return b === true ? T : a === true && b === false ? F : E;
  }),
};

/** and/or/xor/implies with fhirpath.js's three-valued logic; the second operand is skipped when the first decides (only errors differ). */
export function logic(op: string, l: Compiled, r: Compiled): Compiled {
  const make = LOGIC[op as keyof typeof LOGIC];
  if (!make) throw new NotCompilable(`operator ${op}`);
  return { st: BOOLEAN, fn: make(l.fn, r.fn, toBoolean3, TRUE, FALSE, EMPTY) };
}

/** A canonical text of a value for fhirpath.js's deep equality of objects (keys sorted). */
function canonical(value: unknown): string {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    // A Reference with nothing but a reference (the usual case) needs no sorting.
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'reference' && typeof (value as { reference: unknown }).reference === 'string') return `{"reference":${JSON.stringify((value as { reference: string }).reference)}}`;
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    if (value instanceof DateValue) return `@${value.text}`;
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isInteger(value)) throw new FastPathUnsupported('decimal in a union');
  return JSON.stringify(value) ?? 'null';
}

/** The common case, checked without allocating: different resources with ids, no two with the same Type/id. */
function allDistinctResources(coll: Coll): boolean {
  if (coll.length > 16) return false;
  for (let i = 0; i < coll.length; i++) {
    const a = coll[i] as { resourceType?: unknown; id?: unknown } | null;
    if (typeof a !== 'object' || a === null || typeof a.resourceType !== 'string' || typeof a.id !== 'string') return false;
    for (let j = 0; j < i; j++) {
      const b = coll[j] as { resourceType: string; id: string };
      if (b.id === a.id && b.resourceType === a.resourceType) return false;
    }
  }
  return true;
}

/** JSON values compared as fhirpath.js's deepEqual does (same keys, equal values; decimals are left to fhirpath.js). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    if (typeof a === 'number' && typeof b === 'number' && !(Number.isInteger(a) && Number.isInteger(b))) throw new FastPathUnsupported('decimal in a union');
    return false;
  }
  if (Array.isArray(a) !== Array.isArray(b) || a instanceof DateValue || b instanceof DateValue) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/** Small collections (the usual case: a few references or codes) compared pair by pair, stopping at the first difference. */
function distinctSmall(coll: Coll): Coll {
  const out: Coll = [];
  for (const item of coll) if (!out.some((seen) => sameJson(seen, item))) out.push(item);
  return out.length === coll.length ? coll : out;
}

/** fhirpath.js's distinct: first occurrences kept; objects are equal when deeply equal. */
export function distinct(coll: Coll): Coll {
  if (coll.length < 2 || allDistinctResources(coll)) return coll;
  if (coll.length <= 12) return distinctSmall(coll);
  const out: Coll = [];
  const primitives = new Set<unknown>();
  const objects = new Set<unknown>();
  // Resources with different ids can never be deeply equal, so bodies are only compared within one Type/id.
  const byIdentity = new Map<string, unknown[]>();
  const bodies = new Set<string>();
  const isNew = (item: object): boolean => {
    if (isResource(item) && typeof (item as { id?: unknown }).id === 'string') {
      const key = `${item.resourceType}/${(item as unknown as { id: string }).id}`;
      const same = byIdentity.get(key);
      if (!same) {
        byIdentity.set(key, [item]);
        return true;
      }
      const body = canonical(item);
      if (same.some((other) => canonical(other) === body)) return false;
      same.push(item);
      return true;
    }
    const body = canonical(item);
    if (bodies.has(body)) return false;
    bodies.add(body);
    return true;
  };
  for (const item of coll) {
    if (typeof item !== 'object' || item === null) {
      if (typeof item === 'number' && !Number.isInteger(item)) throw new FastPathUnsupported('decimal in a union');
      if (primitives.has(item)) continue;
      primitives.add(item);
      out.push(item);
    } else if (!objects.has(item)) {
      objects.add(item);
      if (isNew(item)) out.push(item);
    }
  }
  return out;
}

export function union(l: Compiled, r: Compiled): Compiled {
  const [lf, rf] = [l.fn, r.fn];
  return { st: merge(l.st, r.st), fn: (s, input) => distinct(lf(s, input).concat(rf(s, input))) };
}

const CALENDAR_UNITS: Record<string, number> = { year: 12, years: 12, month: 1, months: 1 };
const DAY_UNITS: Record<string, number> = { week: 7, weeks: 7, day: 1, days: 1 };

/** Date +/- a calendar duration (`%asOf - 6 months`), with fhirpath.js's end-of-month clamping. */
export function dateArithmetic(op: string, date: Compiled, amount: number, unit: string): Compiled {
  if (op !== '+' && op !== '-') throw new NotCompilable(`operator ${op}`);
  if (!Number.isInteger(amount) || !(unit in CALENDAR_UNITS || unit in DAY_UNITS)) throw new NotCompilable(`duration ${amount} ${unit}`);
  if (!date.st.types?.every((t) => t === 'System.Date')) throw new NotCompilable('date arithmetic on something that is not a Date');
  const sign = op === '-' ? 1 : -1;
  return {
    st: date.st,
    fn: (s, input) => {
      const d = date.fn(s, input);
      if (d.length === 0) return [];
      if (d.length > 1 || !(d[0] instanceof DateValue)) throw new FastPathUnsupported('date arithmetic input');
      const day = (d[0] as DateValue).day;
      const result = unit in CALENDAR_UNITS ? minusMonths(day, sign * amount * CALENDAR_UNITS[unit]) : day - sign * amount * DAY_UNITS[unit];
      return [new DateValue(result)];
    },
  };
}
