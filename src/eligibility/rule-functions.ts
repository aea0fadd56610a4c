// The functions the engine adds to FHIRPath for rules (contract conventions on dates, ICD-10-CM, attestations, ages, references).
import type { Patient, Resource } from '@medplum/fhirtypes';
import { possibleAges, restrictToColumn, type AgeRange, type Column } from './age.js';
import { decidingAttestations } from './attestations.js';
import { dayRange, minusMonths, parseFullDate, type Day } from './calendar.js';
import { ATTESTATION_SYSTEM, ICD10CM_SYSTEM } from './codes.js';
import { DateValue, dateText } from './date-value.js';
import { icdMatcher, normalizeIcd } from './icd.js';
import type { MemberData } from './member.js';
import { abatementDate, eventDate } from './resource-dates.js';

/** Membership in a loaded ValueSet: true, false, or undefined when the server cannot tell. */
export type ValueSetTest = (system: string | undefined, code: string) => boolean | undefined;

/** What the functions may read besides their input: the evaluation date, the member, and the column being evaluated. */
export interface FunctionEnv {
  /** The ValueSets memberOf() may name, loaded before evaluation (by canonical URL). */
  valueSets?: ReadonlyMap<string, ValueSetTest>;
  asOf: Day;
  member: MemberData;
  /** The member's possible ages, narrowed to the column being evaluated (PoF rules) or not (CS and Library). */
  ages: AgeRange;
  column?: Column;
}

export type ArgType = 'string' | 'integer' | 'date';
export type ResultType = 'boolean' | 'integer' | 'date' | 'resource';

export type Impl = (env: FunctionEnv, input: readonly unknown[], args: readonly unknown[]) => unknown[];

export interface RuleFunction {
  name: string;
  /** Accepted argument lists. */
  arities: ArgType[][];
  /** Any number (at least one) of arguments of this type. */
  variadic?: ArgType;
  returns: ResultType;
  impl: Impl;
  /** For arguments known when the rule is compiled: does the per-argument work once (the fast path uses it). */
  prepare?: (args: readonly unknown[]) => (env: FunctionEnv, input: readonly unknown[]) => unknown[];
}

type Loose = Record<string, unknown>;

function isResource(value: unknown): value is Resource {
  return typeof value === 'object' && value !== null && typeof (value as Loose).resourceType === 'string';
}

function icd(_env: FunctionEnv, input: readonly unknown[], patterns: readonly unknown[]): unknown[] {
  return icdTest(icdMatcher(patterns as string[]), input);
}

function icdTest(matches: (code: string) => boolean, input: readonly unknown[]): unknown[] {
  for (const item of input) {
    if (typeof item !== 'object' || item === null) continue;
    const coding = (item as Loose).coding;
    if (Array.isArray(coding)) {
      for (const c of coding) if (isIcd(c) && matches(normalizeIcd(c.code))) return TRUE;
    }
    if (isIcd(item) && matches(normalizeIcd(item.code))) return TRUE;
  }
  return FALSE;
}

/** Any code, Coding or CodeableConcept of the input is in the ValueSet (an unknown answer counts as no). */
function memberOf(env: FunctionEnv, input: readonly unknown[], [url]: readonly unknown[]): unknown[] {
  const test = env.valueSets?.get(url as string);
  if (!test) throw new Error(`memberOf(): ValueSet ${String(url)} is not loaded`);
  const inSet = (c: unknown): boolean => {
    if (typeof c === 'string') return test(undefined, c) === true;
    if (typeof c !== 'object' || c === null) return false;
    const { system, code } = c as Loose;
    return typeof code === 'string' && test(typeof system === 'string' ? system : undefined, code) === true;
  };
  for (const item of input) {
    const coding = typeof item === 'object' && item !== null ? (item as Loose).coding : undefined;
    if (Array.isArray(coding) ? coding.some(inSet) : inSet(item)) return TRUE;
  }
  return FALSE;
}

function isIcd(c: unknown): c is { code: string } {
  return typeof c === 'object' && c !== null && (c as Loose).system === ICD10CM_SYSTEM && typeof (c as Loose).code === 'string';
}

/** A date test holds when the input is not empty and, for every item, for every day the item covers: lo >= from and hi <= to. */
function dateTest(input: readonly unknown[], from: number, to: number): unknown[] {
  if (input.length === 0) return FALSE;
  for (const item of input) {
    const text = typeof item === 'string' ? item : dateText(item);
    const range = text === undefined ? undefined : dayRange(text);
    if (range === undefined || range.lo < from || range.hi > to) return FALSE;
  }
  return TRUE;
}

const windowStarts = new Map<number, Day>();
/** asOf - n months, cached (rules ask it for every item of a collection). */
function monthsBefore(asOf: Day, n: number): Day {
  const key = asOf * 1024 + n;
  let day = windowStarts.get(key);
  if (day === undefined) {
    if (windowStarts.size > 10_000) windowStarts.clear();
    windowStarts.set(key, (day = minusMonths(asOf, n)));
  }
  return day;
}

const TRUE: unknown[] = Object.freeze([true]) as unknown as unknown[];
const NONE: unknown[] = Object.freeze([]) as unknown as unknown[];
const FALSE: unknown[] = Object.freeze([false]) as unknown as unknown[];
const NEVER = Number.NEGATIVE_INFINITY;
const EVER = Number.POSITIVE_INFINITY;

function dayArg(value: unknown, fn: string): Day {
  if (value instanceof DateValue) return value.day;
  const day = parseFullDate(dateText(value));
  if (day === undefined) throw new Error(`${fn}() needs a full date argument (YYYY-MM-DD), got ${String(value)}`);
  return day;
}

function attested(env: FunctionEnv, input: readonly unknown[], args: readonly unknown[], onlyTrue: boolean): unknown[] {
  const [system, code] = args.length === 1 ? [ATTESTATION_SYSTEM, args[0]] : args;
  const deciding = decidingAttestations(input as readonly Resource[], system as string, code as string, env.asOf);
  return onlyTrue ? deciding.filter((o) => o.valueBoolean === true) : deciding;
}

function agesOf(env: FunctionEnv, patient: unknown): AgeRange | undefined {
  if (!isResource(patient) || patient.resourceType !== 'Patient') return undefined;
  if (patient === env.member.patient) return env.ages;
  return restrictToColumn(possibleAges((patient as Patient).birthDate, env.asOf), env.column);
}

function ageTest(env: FunctionEnv, input: readonly unknown[], test: (ages: AgeRange) => boolean): unknown[] {
  if (input.length === 0) return FALSE;
  for (const p of input) {
    const ages = agesOf(env, p);
    if (ages === undefined || !test(ages)) return FALSE;
  }
  return TRUE;
}

function countDates(input: readonly unknown[]): unknown[] {
  const days = new Set<string | number>();
  for (const item of input) {
    if (!isResource(item)) continue;
    const range = dayRange(eventDate(item));
    if (range) days.add(range.lo === range.hi ? range.lo : `${range.lo}-${range.hi}`);
  }
  return [days.size];
}

function resolve(env: FunctionEnv, input: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of input) {
    const reference = typeof item === 'string' ? item : typeof item === 'object' && item !== null ? (item as Loose).reference : undefined;
    const found = env.member.resolve(reference);
    if (found) out.push(found);
  }
  return out;
}

const datesOf = (pick: (r: Resource) => unknown) => (_env: FunctionEnv, input: readonly unknown[]) => {
  if (input.length === 1) {
    const date = isResource(input[0]) ? pick(input[0]) : undefined;
    return typeof date === 'string' ? [date] : NONE;
  }
  const out: unknown[] = [];
  for (const item of input) {
    if (!isResource(item)) continue;
    const date = pick(item);
    if (typeof date === 'string') out.push(date);
  }
  return out;
};

export const RULE_FUNCTIONS: RuleFunction[] = [
  {
    name: 'icd',
    arities: [['string']],
    variadic: 'string',
    returns: 'boolean',
    impl: icd,
    prepare: (patterns) => {
      const matches = icdMatcher(patterns as string[]);
      return (_env, input) => icdTest(matches, input);
    },
  },
  { name: 'eventDate', arities: [[]], returns: 'date', impl: datesOf(eventDate) },
  { name: 'abatementDate', arities: [[]], returns: 'date', impl: datesOf(abatementDate) },
  {
    name: 'withinMonths',
    arities: [['integer']],
    returns: 'boolean',
    impl: (env, input, [n]) => dateTest(input, monthsBefore(env.asOf, n as number), env.asOf),
  },
  {
    name: 'withinDays',
    arities: [['integer']],
    returns: 'boolean',
    impl: (env, input, [n]) => dateTest(input, env.asOf - (n as number), env.asOf),
  },
  { name: 'onOrBefore', arities: [['date']], returns: 'boolean', impl: (_e, input, [d]) => dateTest(input, NEVER, dayArg(d, 'onOrBefore')) },
  { name: 'onOrAfter', arities: [['date']], returns: 'boolean', impl: (_e, input, [d]) => dateTest(input, dayArg(d, 'onOrAfter'), EVER) },
  { name: 'after', arities: [['date']], returns: 'boolean', impl: (_e, input, [d]) => dateTest(input, dayArg(d, 'after') + 1, EVER) },
  { name: 'countDates', arities: [[]], returns: 'integer', impl: (_e, input) => countDates(input) },
  { name: 'attested', arities: [['string'], ['string', 'string']], returns: 'resource', impl: (env, input, args) => attested(env, input, args, true) },
  { name: 'latestAttestation', arities: [['string'], ['string', 'string']], returns: 'resource', impl: (env, input, args) => attested(env, input, args, false) },
  { name: 'ageAtLeast', arities: [['integer']], returns: 'boolean', impl: (env, input, [n]) => ageTest(env, input, (a) => a.min >= (n as number)) },
  { name: 'ageUnder', arities: [['integer']], returns: 'boolean', impl: (env, input, [n]) => ageTest(env, input, (a) => a.max < (n as number)) },
  { name: 'resolve', arities: [[]], returns: 'resource', impl: resolve },
  { name: 'memberOf', arities: [['string']], returns: 'boolean', impl: memberOf },
];

export const RULE_FUNCTION_BY_NAME = new Map(RULE_FUNCTIONS.map((f) => [f.name, f]));
