// Attestations: the latest dated on or before asOf decides; on a tie false wins; a later false withdraws a true.
import { describe, expect, it } from 'vitest';
import { decidingAttestations } from '../../src/eligibility/attestations.js';
import { parseFullDate } from '../../src/eligibility/calendar.js';
import { ATTESTATION, member } from '../helpers/eligibility-builder.js';
import { evaluate, population } from '../helpers/eligibility.js';

const asOf = parseFullDate('2026-06-15') as number;
const decide = (m: ReturnType<typeof member>) =>
  decidingAttestations(
    (m.bundle().entry ?? []).map((e) => e.resource as never),
    ATTESTATION,
    'homelessness',
    asOf,
  ).map((o) => `${o.id}:${o.valueBoolean}`);

describe('attestations', () => {
  it('the latest decides, so a later false withdraws an earlier true', () => {
    const m = member();
    m.attest('homelessness', true, '2026-01-10', { id: 'yes' });
    m.attest('homelessness', false, '2026-03-01', { id: 'withdrawn' });
    expect(decide(m)).toEqual(['withdrawn:false']);
    m.attest('homelessness', true, '2026-04-01', { id: 'again' });
    expect(decide(m)).toEqual(['again:true']);
  });

  it('on a tie by calendar date false wins, whatever the times', () => {
    const m = member();
    m.attest('homelessness', true, '2026-03-01T20:00:00Z', { id: 'later-time' });
    m.attest('homelessness', false, '2026-03-01T18:00:00Z', { id: 'same-day' });
    expect(decide(m)).toEqual(['same-day:false']);
  });

  it('ignores attestations dated after asOf, undated ones, non-final ones and non-boolean values', () => {
    const m = member();
    m.attest('homelessness', true, '2026-01-01', { id: 'counts' });
    m.attest('homelessness', false, '2026-06-16', { id: 'future' });
    m.attest('homelessness', false, '2026-06', { id: 'partial-month-of-asof' });
    m.attest('homelessness', false, undefined, { id: 'undated' });
    m.attest('homelessness', false, '2026-02-01', { id: 'preliminary', status: 'preliminary' });
    m.add({ resourceType: 'Observation', id: 'string', status: 'final', code: { coding: [{ system: ATTESTATION, code: 'homelessness' }] }, subject: { reference: m.ref }, effectiveDateTime: '2026-03-01', valueString: 'no' });
    expect(decide(m)).toEqual(['counts:true']);
  });

  it('the date is effectiveDateTime, else effectivePeriod.start; a partial date counts as its last day when ordering', () => {
    const m = member();
    m.attest('homelessness', false, '2026-03', { id: 'march' });
    m.attest('homelessness', true, '2026-03-30', { id: 'march-30', period: true });
    expect(decide(m)).toEqual(['march:false']);
    m.attest('homelessness', true, '2026-03-31', { id: 'march-31', period: true });
    expect(decide(m)).toEqual(['march:false']);
    m.attest('homelessness', true, '2026-04-01', { id: 'april' });
    expect(decide(m)).toEqual(['april:true']);
  });

  it('a withdrawn attestation no longer makes a child homeless', () => {
    const m = member('2012-01-01');
    m.attest('homelessness', true, '2026-01-10', { id: 'yes' });
    expect(population(evaluate(m.bundle(), '2026-06-15'), 'homelessness')).toEqual({ met: true, evidence: ['Observation/yes'] });
    m.attest('homelessness', false, '2026-05-01', { id: 'no' });
    expect(population(evaluate(m.bundle(), '2026-06-15'), 'homelessness').met).toBe(false);
    // Evaluated before the withdrawal, the true one still decides.
    expect(population(evaluate(m.bundle(), '2026-04-30'), 'homelessness').met).toBe(true);
  });
});
