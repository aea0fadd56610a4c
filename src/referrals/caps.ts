// The CS caps check: a requested approval against the member's earlier approvals, refused with what the cap is, used and remaining.
import type { CapRule } from './cap-rules.js';

/** One approved use of a Community Support, as the accumulator keeps it. */
export interface BenefitUse {
  service: string;
  /** Inclusive dates YYYY-MM-DD. */
  start?: string;
  end?: string;
  cents?: number;
  authorization: string;
  changeOfCircumstances?: boolean;
}

export interface CapRequest {
  service: string;
  start?: string;
  end?: string;
  cents?: number;
  changeOfCircumstances: boolean;
}

export interface CapRefusal {
  rule: CapRule;
  status: 422;
  message: string;
  expression?: string;
}

const DAY_MS = 86_400_000;
const day = (date: string): number => Math.floor(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / DAY_MS);
const iso = (d: number): string => new Date(d * DAY_MS).toISOString().slice(0, 10);
const dollars = (cents: number): string => `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function refuse(rule: CapRule, message: string, expression?: string): CapRefusal {
  return { rule, status: 422, message, expression };
}

function checkOnce(rule: Extract<CapRule, { kind: 'once-per-lifetime' }>, uses: BenefitUse[], request: CapRequest): CapRefusal | undefined {
  const used = uses.length;
  const allowed = 1 + (request.changeOfCircumstances ? rule.extraWithChange : 0);
  if (used < allowed) return undefined;
  const exception = request.changeOfCircumstances ? '' : rule.extraWithChange ? `; ${rule.extraWithChange} more with a documented change of circumstances` : '';
  return refuse(rule, `Cap exceeded: ${rule.label}. Used ${used} approval(s), remaining ${Math.max(0, 1 + rule.extraWithChange * (request.changeOfCircumstances ? 1 : 0) - used)}${exception}`);
}

function checkDollars(rule: Extract<CapRule, { kind: 'lifetime-dollars' }>, uses: BenefitUse[], request: CapRequest): CapRefusal | undefined {
  if (request.cents === undefined) return refuse(rule, `${rule.label}: the approval must state the amount (parameter amount)`, 'amount');
  if (request.changeOfCircumstances && rule.exceptionWithChange) return undefined;
  const used = uses.reduce((sum, u) => sum + (u.cents ?? 0), 0);
  if (used + request.cents <= rule.limitCents) return undefined;
  return refuse(rule, `Cap exceeded: ${rule.label}. Used ${dollars(used)}, remaining ${dollars(Math.max(0, rule.limitCents - used))}, requested ${dollars(request.cents)}`, 'amount');
}

function checkDays(rule: Extract<CapRule, { kind: 'rolling-days' }>, uses: BenefitUse[], request: CapRequest): CapRefusal | undefined {
  if (!request.start || !request.end) return refuse(rule, `${rule.label}: the approval must state the service period (parameter period with start and end dates)`, 'period');
  const ns = day(request.start);
  const ne = day(request.end);
  if (ne < ns) return refuse(rule, 'The service period ends before it starts', 'period');
  const W = rule.windowDays;
  const from = ns - W + 1;
  const length = ne + W - from;
  const old = new Uint8Array(length);
  for (const u of uses) {
    if (!u.start || !u.end) continue;
    for (let d = Math.max(day(u.start), from); d <= Math.min(day(u.end), from + length - 1); d++) old[d - from] = 1;
  }
  // Every window of W days that overlaps the requested period, counting each covered day once.
  let worst: { start: number; used: number; total: number } | undefined;
  for (let w = from; w <= ne; w++) {
    let used = 0;
    let total = 0;
    for (let d = w; d < w + W; d++) {
      const isOld = old[d - from] === 1;
      const isNew = d >= ns && d <= ne;
      if (isOld) used++;
      if (isOld || isNew) total++;
    }
    if (total > rule.limitDays && (!worst || total > worst.total)) worst = { start: w, used, total };
  }
  if (!worst) return undefined;
  const requested = ne - ns + 1;
  return refuse(
    rule,
    `Cap exceeded: ${rule.label}. Used ${worst.used} days in the window ${iso(worst.start)} to ${iso(worst.start + W - 1)}, remaining ${Math.max(0, rule.limitDays - worst.used)}, requested ${requested}`,
    'period',
  );
}

/** The first cap the request would break, or undefined when it fits (or no cap applies to the service). */
export function checkCaps(rules: CapRule[], uses: BenefitUse[], request: CapRequest): CapRefusal | undefined {
  for (const rule of rules) {
    if (!rule.services.includes(request.service)) continue;
    const counted = uses.filter((u) => rule.services.includes(u.service));
    const refusal = rule.kind === 'once-per-lifetime' ? checkOnce(rule, counted, request) : rule.kind === 'lifetime-dollars' ? checkDollars(rule, counted, request) : checkDays(rule, counted, request);
    if (refusal) return refusal;
  }
  return undefined;
}

export function toCents(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 100);
}
