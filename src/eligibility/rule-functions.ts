// The functions the engine adds to FHIRPath for rules (contract conventions on dates, ICD-10-CM, attestations, ages, references).
import type { Patient, Resource } from '@medplum/fhirtypes';
import { possibleAges, restrictToColumn, type AgeRange, type Column } from './age.js';
import { decidingAttestations } from './attestations.js';
import { dayRange, minusMonths, parseFullDate, type Day } from './calendar.js';
import { ATTESTATION_SYSTEM, ICD10CM_SYSTEM } from './codes.js';
import { dateText } from './date-value.js';
import { icdMatcher, normalizeIcd } from './icd.js';
import type { MemberData } from './member.js';
import { abatementDate, eventDate } from './resource-dates.js';

/** What the functions may read besides their input: the evaluation date, the member, and the column being evaluated. */
export interface FunctionEnv {
  asOf: Day;
  member: MemberData;
  /** The member's possible ages, narrowed to the column being evaluated (PoF rules) or not (CS and Library). */
  ages: AgeRange;
  column?: Column;
}

export type ArgType = 'string' | 'integer' | 'date';
export type ResultType = 'boolean' | 'integer' | 'date' | 'resource';

export interface RuleFunction {
  name: string;
  /** Accepted argument lists; a trailing '...' repeats the last type. */
  arities: ArgType[][];
  variadic?: ArgType;
  returns: ResultType;
  impl: (env: FunctionEnv, input: readonly unknown[], args: readonly unknown[]) => unknown[];
}

type Loose = Record<string, unknown>;

function isResource(value: unknown): value is Resource {
  return typeof value === 'object' && value !== null && typeof (value as Loose).resourceType === 'string';
}

/** Every coding of the input CodeableConcepts (or the input Codings themselves). */
function codings(input: readonly unknown[]): Loose[] {
  const out: Loose[] = [];
  for (const item of input) {
    if (typeof item !== 'object' || item === null) continue;
    const coding = (item as Loose).coding;
    if (Array.isArray(coding)) for (const c of coding) if (typeof c === 'object' && c !== null) out.push(c as Loose);
    if ('system' in item || 'code' in item) out.push(item as Loose);
  }
  return out;
}

function icd(_env: FunctionEnv, input: readonly unknown[], patterns: readonly unknown[]): unknown[] {
  const matches = icdMatcher(patterns as string[]);
  return [codings(input).some((c) => c.system === ICD10CM_SYSTEM && typeof c.code === 'string' && matches(normalizeIcd(c.code)))];
}

/** A date test holds when the input is not empty and, for every item, for every day the item covers. */
function dateTest(input: readonly unknown[], test: (lo: Day, hi: Day) => boolean): unknown[] {
  if (input.length === 0) return [false];
  return [
    input.every((item) => {
      const text = dateText(item);
      const range = text === undefined ? undefined : dayRange(text);
      return range !== undefined && test(range.lo, range.hi);
    }),
  ];
}

function dayArg(value: unknown, fn: string): Day {
  const day = parseFullDate(dateText(value));
  if (day === undefined) throw new Error(`${fn}() needs a full date argument (YYYY-MM-DD), got ${String(value)}`);
  return day;
}

function attested(env: FunctionEnv, input: readonly unknown[], args: readonly unknown[], onlyTrue: boolean): unknown[] {
  const [system, code] = args.length === 1 ? [ATTESTATION_SYSTEM, args[0]] : args;
  const deciding = decidingAttestations(input.filter(isResource), system as string, code as string, env.asOf);
  return onlyTrue ? deciding.filter((o) => o.valueBoolean === true) : deciding;
}

function agesOf(env: FunctionEnv, patient: unknown): AgeRange | undefined {
  if (!isResource(patient) || patient.resourceType !== 'Patient') return undefined;
  if (patient === env.member.patient) return env.ages;
  return restrictToColumn(possibleAges((patient as Patient).birthDate, env.asOf), env.column);
}

function ageTest(env: FunctionEnv, input: readonly unknown[], test: (ages: AgeRange) => boolean): unknown[] {
  if (input.length === 0) return [false];
  return [
    input.every((p) => {
      const ages = agesOf(env, p);
      return ages !== undefined && test(ages);
    }),
  ];
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

const datesOf = (pick: (r: Resource) => unknown) => (_env: FunctionEnv, input: readonly unknown[]) =>
  input.filter(isResource).map(pick).filter((d): d is string => typeof d === 'string');

export const RULE_FUNCTIONS: RuleFunction[] = [
  { name: 'icd', arities: [['string']], variadic: 'string', returns: 'boolean', impl: icd },
  { name: 'eventDate', arities: [[]], returns: 'date', impl: datesOf(eventDate) },
  { name: 'abatementDate', arities: [[]], returns: 'date', impl: datesOf(abatementDate) },
  {
    name: 'withinMonths',
    arities: [['integer']],
    returns: 'boolean',
    impl: (env, input, [n]) => dateTest(input, (lo, hi) => lo >= minusMonths(env.asOf, n as number) && hi <= env.asOf),
  },
  {
    name: 'withinDays',
    arities: [['integer']],
    returns: 'boolean',
    impl: (env, input, [n]) => dateTest(input, (lo, hi) => lo >= env.asOf - (n as number) && hi <= env.asOf),
  },
  { name: 'onOrBefore', arities: [['date']], returns: 'boolean', impl: (_e, input, [d]) => dateTest(input, (_lo, hi) => hi <= dayArg(d, 'onOrBefore')) },
  { name: 'onOrAfter', arities: [['date']], returns: 'boolean', impl: (_e, input, [d]) => dateTest(input, (lo) => lo >= dayArg(d, 'onOrAfter')) },
  { name: 'after', arities: [['date']], returns: 'boolean', impl: (_e, input, [d]) => dateTest(input, (lo) => lo > dayArg(d, 'after')) },
  { name: 'countDates', arities: [[]], returns: 'integer', impl: (_e, input) => countDates(input) },
  { name: 'attested', arities: [['string'], ['string', 'string']], returns: 'resource', impl: (env, input, args) => attested(env, input, args, true) },
  { name: 'latestAttestation', arities: [['string'], ['string', 'string']], returns: 'resource', impl: (env, input, args) => attested(env, input, args, false) },
  { name: 'ageAtLeast', arities: [['integer']], returns: 'boolean', impl: (env, input, [n]) => ageTest(env, input, (a) => a.min >= (n as number)) },
  { name: 'ageUnder', arities: [['integer']], returns: 'boolean', impl: (env, input, [n]) => ageTest(env, input, (a) => a.max < (n as number)) },
  { name: 'resolve', arities: [[]], returns: 'resource', impl: resolve },
];

export const RULE_FUNCTION_BY_NAME = new Map(RULE_FUNCTIONS.map((f) => [f.name, f]));
