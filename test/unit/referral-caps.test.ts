// Community Supports caps at their boundaries: once per lifetime, $7,500 lifetime, 6 months in any rolling 12.
import { describe, expect, it } from 'vitest';
import { CAP_RULES } from '../../src/referrals/cap-rules.js';
import { checkCaps, type BenefitUse } from '../../src/referrals/caps.js';

const use = (service: string, extra: Partial<BenefitUse> = {}): BenefitUse => ({ service, authorization: 'ClaimResponse/x', ...extra });
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('once-per-lifetime services', () => {
  it('a second housing deposit is refused, allowed once with a change of circumstances, never a third time', () => {
    const first = [use('housing-deposits')];
    expect(checkCaps(CAP_RULES, [], { service: 'housing-deposits', changeOfCircumstances: false })).toBeUndefined();
    expect(checkCaps(CAP_RULES, first, { service: 'housing-deposits', changeOfCircumstances: false })?.message).toMatch(/once per lifetime.*Used 1.*remaining 0/);
    expect(checkCaps(CAP_RULES, first, { service: 'housing-deposits', changeOfCircumstances: true })).toBeUndefined();
    expect(checkCaps(CAP_RULES, [...first, use('housing-deposits')], { service: 'housing-deposits', changeOfCircumstances: true })).toBeDefined();
  });
});

describe('$7,500 lifetime caps', () => {
  for (const service of ['community-transition', 'home-modifications', 'asthma-remediation']) {
    it(`${service}: exactly $7,500 in total is allowed; one cent more is refused with used and remaining`, () => {
      const earlier = [use(service, { cents: 500_000 })];
      expect(checkCaps(CAP_RULES, earlier, { service, cents: 250_000, changeOfCircumstances: false })).toBeUndefined();
      const refusal = checkCaps(CAP_RULES, earlier, { service, cents: 250_001, changeOfCircumstances: false });
      expect(refusal?.message).toContain('$7,500 per lifetime');
      expect(refusal?.message).toContain('Used $5,000.00, remaining $2,500.00, requested $2,500.01');
    });
  }

  it('home modifications may exceed with a documented change of circumstances; community transition may not', () => {
    const full = (s: string) => [use(s, { cents: 750_000 })];
    expect(checkCaps(CAP_RULES, full('home-modifications'), { service: 'home-modifications', cents: 1, changeOfCircumstances: true })).toBeUndefined();
    expect(checkCaps(CAP_RULES, full('community-transition'), { service: 'community-transition', cents: 1, changeOfCircumstances: true })).toBeDefined();
  });
});

describe('6 months in any rolling 12 across STPHH, recuperative care and transitional rent', () => {
  const A = '2025-01-01';
  const earlier = [use('recuperative-care', { start: A, end: addDays(A, 179) })]; // 180 days
  it('a day one day outside the 365-day window of the first day used is allowed', () => {
    const day = addDays(A, 365);
    expect(checkCaps(CAP_RULES, earlier, { service: 'transitional-rent', start: day, end: day, changeOfCircumstances: false })).toBeUndefined();
  });
  it('a day one day inside it is refused, stating the cap, used and remaining', () => {
    const day = addDays(A, 364);
    const refusal = checkCaps(CAP_RULES, earlier, { service: 'short-term-post-hospitalization-housing', start: day, end: day, changeOfCircumstances: false });
    expect(refusal?.message).toMatch(/Used 180 days in the window 2025-01-01 to 2025-12-31, remaining 0, requested 1/);
  });
  it('overlapping days count once', () => {
    expect(checkCaps(CAP_RULES, earlier, { service: 'recuperative-care', start: A, end: addDays(A, 179), changeOfCircumstances: false })).toBeUndefined();
  });
  it('services outside the group do not count', () => {
    expect(checkCaps(CAP_RULES, [use('respite', { start: A, end: addDays(A, 300) })], { service: 'transitional-rent', start: A, end: addDays(A, 179), changeOfCircumstances: false })).toBeUndefined();
  });
});
