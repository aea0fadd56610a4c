// Calendar days: FHIR date/dateTime/instant values as ranges of America/Los_Angeles calendar days, and month arithmetic.

/** Days since 1970-01-01 (a proleptic Gregorian calendar day, no time zone). */
export type Day = number;

/** Every calendar day a (possibly partial) date stands for, both ends inclusive. */
export interface DayRange {
  lo: Day;
  hi: Day;
}

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;

/** Days from civil (H. Hinnant's algorithm): exact for every proleptic Gregorian year, no Date objects. */
export function dayOf(year: number, month: number, day: number): Day {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function ymdOf(days: Day): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function dayToIso(day: Day): string {
  const { year, month, day: d } = ymdOf(day);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The same day N calendar months earlier, or that month's last day when it has no such day. */
export function minusMonths(day: Day, months: number): Day {
  const { year, month, day: d } = ymdOf(day);
  const index = year * 12 + (month - 1) - months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return dayOf(y, m, Math.min(d, daysInMonth(y, m)));
}

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A full date YYYY-MM-DD, or undefined when it is not one (partial, with a time, or impossible like 2026-02-30). */
export function parseFullDate(text: unknown): Day | undefined {
  if (typeof text !== 'string') return undefined;
  const match = FULL_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return dayOf(year, month, day);
}

// FHIR date, dateTime and instant: YYYY[-MM[-DD[Thh:mm:ss[.fff][Z|(+|-)hh:mm]]]]
const DATE_TIME = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Partial dates ("2026", "2026-06") cover every day of their year or month; a time counts as its Los Angeles date. */
export function parseDayRange(text: string): DayRange | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (year < 1) return undefined;
  if (m[2] === undefined) return { lo: dayOf(year, 1, 1), hi: dayOf(year, 12, 31) };
  const month = Number(m[2]);
  if (month < 1 || month > 12) return undefined;
  if (m[3] === undefined) return { lo: dayOf(year, month, 1), hi: dayOf(year, month, daysInMonth(year, month)) };
  const day = Number(m[3]);
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  const date = dayOf(year, month, day);
  if (m[4] === undefined) return { lo: date, hi: date };
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const zone = m[7];
  // Without a zone (not valid FHIR) the wall-clock date is taken as the Los Angeles date.
  if (zone === undefined) return { lo: date, hi: date };
  const offsetMinutes = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  if (Math.abs(offsetMinutes) > 14 * 60) return undefined;
  const utcMs = date * MS_PER_DAY + hour * MS_PER_HOUR + minute * 60_000 + Math.min(second, 59) * 1000 - offsetMinutes * 60_000;
  const la = losAngelesDay(utcMs);
  return { lo: la, hi: la };
}

const laFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Los Angeles has always been between UTC-8 and UTC-7, so only instants from 07:00 to 08:00 UTC need the time-zone database. */
export function losAngelesDay(utcMs: number): Day {
  const utcDay = Math.floor(utcMs / MS_PER_DAY);
  const hourOfDay = (utcMs - utcDay * MS_PER_DAY) / MS_PER_HOUR;
  if (hourOfDay >= 8) return utcDay;
  if (hourOfDay < 7) return utcDay - 1;
  return parseFullDate(laFormat.format(new Date(utcMs))) as Day;
}

/** Today's date in America/Los_Angeles, the default asOf. */
export function todayInLosAngeles(now: Date): string {
  return dayToIso(losAngelesDay(now.getTime()));
}

const cache = new Map<string, DayRange | null>();
const CACHE_LIMIT = 100_000;
const singleDays = new Map<Day, DayRange>();

const digit = (text: string, at: number): number => {
  const c = text.charCodeAt(at) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
};
const two = (text: string, at: number): number => digit(text, at) * 10 + digit(text, at + 1);

/**
 * "YYYY-MM-DD" read without a regular expression or a string-keyed cache: members bring thousands of fresh date strings,
 * and hashing each one for a cache lookup cost more than reading it. Anything else goes the general way.
 */
function fullDateDay(text: string): Day | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const year = two(text, 0) * 100 + two(text, 2);
  const month = two(text, 5);
  const day = two(text, 8);
  if (!(year >= 1) || !(month >= 1 && month <= 12) || !(day >= 1 && day <= daysInMonth(year, month))) return undefined;
  return dayOf(year, month, day);
}

function single(day: Day): DayRange {
  let range = singleDays.get(day);
  if (!range) {
    if (singleDays.size > CACHE_LIMIT) singleDays.clear();
    singleDays.set(day, (range = { lo: day, hi: day }));
  }
  return range;
}

/** The day range of a date-like value (a FHIR date, dateTime or instant string); undefined when absent or invalid. */
export function dayRange(value: unknown): DayRange | undefined {
  if (typeof value !== 'string') return undefined;
  const day = fullDateDay(value);
  if (day !== undefined) return single(day);
  let range = cache.get(value);
  if (range === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    range = parseDayRange(value) ?? null;
    cache.set(value, range);
  }
  return range ?? undefined;
}
