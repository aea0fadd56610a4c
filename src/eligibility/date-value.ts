// A FHIRPath Date value as the fast path holds it (%asOf, @date literals, date arithmetic): the text and its calendar day.
import { dayToIso, parseFullDate, type Day } from './calendar.js';

export class DateValue {
  constructor(
    readonly day: Day,
    readonly text: string = dayToIso(day),
  ) {}

  static parse(text: string): DateValue | undefined {
    const day = parseFullDate(text);
    return day === undefined ? undefined : new DateValue(day, text);
  }

  toString(): string {
    return this.text;
  }
}

/** The text of a date-like item from either evaluator: a string, our DateValue, or a fhirpath.js FP_Date/FP_DateTime. */
export function dateText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof DateValue) return value.text;
  if (typeof value === 'object' && value !== null && typeof (value as { asStr?: unknown }).asStr === 'string') return (value as { asStr: string }).asStr;
  return undefined;
}
