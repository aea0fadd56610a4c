// Ages at asOf from a (possibly partial or absent) birthDate, and the adult/child columns they fall in.
import { dayRange, ymdOf, type Day } from './calendar.js';

/** Every age the member may have at asOf, both ends inclusive (max is Infinity when birthDate is unknown). */
export interface AgeRange {
  min: number;
  max: number;
}

export type Column = 'adult' | 'child';

export const ADULT_AGE = 21;
const UNKNOWN: AgeRange = { min: 0, max: Number.POSITIVE_INFINITY };

/** year(asOf) - year(birth), minus 1 before the birthday; a 29 February birthday comes on 1 March in common years. */
export function ageOn(birth: Day, asOf: Day): number {
  const b = ymdOf(birth);
  const a = ymdOf(asOf);
  const beforeBirthday = a.month < b.month || (a.month === b.month && a.day < b.day);
  return a.year - b.year - (beforeBirthday ? 1 : 0);
}

/** A birthDate with a time is not a FHIR date and counts as absent. */
export function possibleAges(birthDate: unknown, asOf: Day): AgeRange {
  if (typeof birthDate !== 'string' || birthDate.includes('T')) return UNKNOWN;
  const range = dayRange(birthDate);
  if (!range) return UNKNOWN;
  return { min: ageOn(range.hi, asOf), max: ageOn(range.lo, asOf) };
}

/** The columns to evaluate: both when the ages straddle 21 (a PoF is then met only when both columns are met). */
export function columnsFor(ages: AgeRange): Column[] {
  const columns: Column[] = [];
  if (ages.max >= ADULT_AGE) columns.push('adult');
  if (ages.min < ADULT_AGE) columns.push('child');
  return columns;
}

/** The ages left inside one column. */
export function restrictToColumn(ages: AgeRange, column: Column | undefined): AgeRange {
  if (column === 'adult') return { min: Math.max(ages.min, ADULT_AGE), max: ages.max };
  if (column === 'child') return { min: ages.min, max: Math.min(ages.max, ADULT_AGE - 1) };
  return ages;
}
