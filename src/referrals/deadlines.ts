// Decision deadlines: routine referrals within N business days (weekends and configured holidays skipped), expedited within H hours.
import type { Task } from '@medplum/fhirtypes';

export interface DeadlinePolicy {
  routineBusinessDays: number;
  expeditedHours: number;
  /** Plan holidays as YYYY-MM-DD (America/Los_Angeles calendar days). */
  holidays: string[];
}

const ZONE = 'America/Los_Angeles';
const DAY_MS = 86_400_000;
const localDate = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const localHour = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', hourCycle: 'h23' });

/** The California calendar day of an instant, YYYY-MM-DD. */
export function pacificDate(instant: Date): string {
  return localDate.format(instant);
}

/** The instant a California calendar day starts (PST or PDT, whichever holds at that midnight). */
export function pacificMidnight(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  for (const offsetHours of [8, 7]) {
    const candidate = new Date(Date.UTC(y, m - 1, d, offsetHours));
    if (pacificDate(candidate) === date && localHour.format(candidate) === '00') return candidate;
  }
  return new Date(Date.UTC(y, m - 1, d, 8));
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

export function isBusinessDay(date: string, holidays: ReadonlySet<string>): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(date);
}

/** The end of the n-th business day after the day of `received` (the day of receipt does not count). */
export function businessDaysAfter(received: Date, n: number, holidays: readonly string[]): Date {
  const closed = new Set(holidays);
  let day = pacificDate(received);
  for (let counted = 0; counted < n; ) {
    day = addDays(day, 1);
    if (isBusinessDay(day, closed)) counted++;
  }
  return new Date(pacificMidnight(addDays(day, 1)).getTime() - 1);
}

export function isExpedited(task: Task): boolean {
  return task.priority === 'urgent' || task.priority === 'asap' || task.priority === 'stat';
}

/** When the plan's decision is due for a referral received at `received`. */
export function decisionDeadline(task: Task, received: Date, policy: DeadlinePolicy): Date {
  if (isExpedited(task)) return new Date(received.getTime() + policy.expeditedHours * 3_600_000);
  return businessDaysAfter(received, policy.routineBusinessDays, policy.holidays);
}
