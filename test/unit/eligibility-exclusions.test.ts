// Exclusions: an EpisodeOfCare for a duplicative program in force at asOf blocks ECM but not the populations or CS.
import { describe, expect, it } from 'vitest';
import { member } from '../helpers/eligibility-builder.js';
import { evaluate, met, support } from '../helpers/eligibility.js';

const ASOF = '2026-06-15';
const eligibleChild = () => {
  const m = member('2012-01-01');
  m.condition('Z59.01');
  return m;
};
const exclusions = (m: ReturnType<typeof member>, asOf = ASOF) => evaluate(m.bundle(), asOf).exclusions.map((x) => `${x.code}:${x.evidence.map((e) => e.reference).join('+')}`);

describe('exclusions', () => {
  it('an active episode covering asOf excludes; the populations stay met', () => {
    const m = eligibleChild();
    m.episode('hospice', { id: 'h', start: '2026-01-01' });
    const result = evaluate(m.bundle(), ASOF);
    expect(result.eligible).toBe(false);
    expect(met(result)).toEqual(['homelessness']);
    expect(result.exclusions).toEqual([{ code: 'hospice', evidence: [{ reference: 'EpisodeOfCare/h' }] }]);
  });

  it('an episode ending the day before asOf no longer excludes; one ending on asOf does', () => {
    const m = eligibleChild();
    m.episode('pace', { status: 'finished', start: '2025-01-01', end: '2026-06-14' });
    expect(evaluate(m.bundle(), ASOF).eligible).toBe(true);
    m.episode('pace', { id: 'p', status: 'finished', start: '2025-01-01', end: '2026-06-15' });
    expect(exclusions(m)).toEqual(['pace:EpisodeOfCare/p']);
  });

  it('an episode starting after asOf, or with a partial start in the month of asOf, does not exclude yet', () => {
    const m = eligibleChild();
    m.episode('ccm', { start: '2026-06-16' });
    m.episode('ccm', { start: '2026-06' });
    expect(exclusions(m)).toEqual([]);
    m.episode('ccm', { id: 'ok', start: '2026-05' });
    expect(exclusions(m)).toEqual(['ccm:EpisodeOfCare/ok']);
  });

  it('status: active and onhold exclude, finished only with a period.end; planned, waitlist, cancelled do not', () => {
    const m = eligibleChild();
    m.episode('cct', { status: 'planned' });
    m.episode('cct', { status: 'waitlist' });
    m.episode('cct', { status: 'cancelled' });
    m.episode('cct', { status: 'finished' });
    m.episode('cct', { status: 'entered-in-error' });
    expect(exclusions(m)).toEqual([]);
    m.episode('cct', { id: 'hold', status: 'onhold', end: '2026-12-31' });
    expect(exclusions(m)).toEqual(['cct:EpisodeOfCare/hold']);
  });

  it('one exclusion per program, in code-system order, with every matching episode as evidence', () => {
    const m = eligibleChild();
    m.episode('self-determination', { id: 'sd' });
    m.episode('hospice', { id: 'h1' });
    m.episode('1915c-mssp', { id: 'w' });
    m.episode('hospice', { id: 'h2', status: 'onhold' });
    expect(exclusions(m)).toEqual(['hospice:EpisodeOfCare/h1+EpisodeOfCare/h2', '1915c-mssp:EpisodeOfCare/w', 'self-determination:EpisodeOfCare/sd']);
  });

  it("an episode of another patient, or with a code outside ecm-excluded-program, does not exclude", () => {
    const m = eligibleChild();
    m.add({ resourceType: 'EpisodeOfCare', id: 'other', status: 'active', patient: { reference: 'Patient/someone-else' }, type: [{ coding: [{ system: 'https://calaim-fhir.dev/fhir/CodeSystem/ecm-excluded-program', code: 'hospice' }] }] });
    m.add({ resourceType: 'EpisodeOfCare', id: 'unknown', status: 'active', patient: { reference: m.ref }, type: [{ coding: [{ system: 'http://example.org/programs', code: 'hospice' }] }] });
    expect(evaluate(m.bundle(), ASOF).eligible).toBe(true);
  });

  it('exclusions do not change Community Supports', () => {
    const m = eligibleChild();
    m.episode('pace');
    expect(support(evaluate(m.bundle(), ASOF), 'housing-deposits').status).toBe('eligible');
  });

  it('not eligible when no population is met', () => {
    expect(evaluate(member().bundle(), ASOF).eligible).toBe(false);
  });
});
