// Whose data counts: reference resolution inside the Bundle, the one Patient, and the Condition/Encounter conventions.
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { parseFullDate } from '../../src/eligibility/calendar.js';
import { memberFromBundle, MemberInputError } from '../../src/eligibility/member.js';
import { typeIdOf } from '../../src/eligibility/references.js';
import { member } from '../helpers/eligibility-builder.js';

const asOf = parseFullDate('2026-06-15') as number;
const ids = (resources: Resource[] | undefined) => (resources ?? []).map((r) => r.id);

describe('references', () => {
  it('Type/id from relative and absolute references, _history removed', () => {
    expect(typeIdOf('Patient/123')).toBe('Patient/123');
    expect(typeIdOf('https://other.example/fhir/Patient/123/_history/4')).toBe('Patient/123');
    expect(typeIdOf('urn:uuid:0b6c')).toBeUndefined();
    expect(typeIdOf('#contained')).toBeUndefined();
  });

  it('a subject resolves by fullUrl first, else by Type/id; other patients and unresolvable subjects are ignored', () => {
    const m = member('1980-01-01', 'p1');
    const entries = [
      { fullUrl: 'urn:uuid:abc', resource: m.patient },
      { resource: { resourceType: 'Condition', id: 'by-uuid', subject: { reference: 'urn:uuid:abc' } } },
      { resource: { resourceType: 'Condition', id: 'by-id', subject: { reference: 'Patient/p1' } } },
      { resource: { resourceType: 'Condition', id: 'absolute', subject: { reference: 'https://ehr.example/fhir/Patient/p1/_history/2' } } },
      { resource: { resourceType: 'Condition', id: 'other', subject: { reference: 'Patient/p2' } } },
      { resource: { resourceType: 'Condition', id: 'nobody', subject: { display: 'someone' } } },
      { resource: { resourceType: 'Condition', id: 'no-subject' } },
      { resource: { resourceType: 'EpisodeOfCare', id: 'eoc', patient: { reference: 'Patient/p1' } } },
      { resource: { resourceType: 'Observation', id: 'patient-field', patient: { reference: 'Patient/p1' } } },
      { request: { method: 'GET', url: 'Patient/p1' } },
    ];
    const data = memberFromBundle(entries, asOf);
    expect(ids(data.byType.get('Condition'))).toEqual(['by-uuid', 'by-id', 'absolute']);
    expect(ids(data.byType.get('EpisodeOfCare'))).toEqual(['eoc']);
    expect(data.byType.get('Observation')).toBeUndefined();
    expect(data.resolve('Condition/other')).toBeUndefined();
    expect(data.resolve('Condition/by-id')?.id).toBe('by-id');
    expect(data.resolve('Condition/missing')).toBeUndefined();
  });

  it('a fullUrl match wins over a Type/id match', () => {
    const m = member('1980-01-01', 'p1');
    const data = memberFromBundle(
      [
        { fullUrl: 'Patient/p1', resource: m.patient },
        { fullUrl: 'Condition/x', resource: { resourceType: 'Condition', id: 'y', subject: { reference: 'Patient/p1' } } },
        { resource: { resourceType: 'Condition', id: 'x', subject: { reference: 'Patient/p1' } } },
      ],
      asOf,
    );
    expect(data.resolve('Condition/x')?.id).toBe('y');
  });

  it('a Bundle with no Patient, or two, is refused', () => {
    expect(() => memberFromBundle([{ resource: { resourceType: 'Condition' } }], asOf)).toThrow(MemberInputError);
    expect(() => memberFromBundle([{ resource: { resourceType: 'Patient', id: 'a' } }, { resource: { resourceType: 'Patient', id: 'b' } }], asOf)).toThrow(/2 Patients/);
  });
});

describe('which Conditions count', () => {
  it('refuted and entered-in-error Conditions count for nothing', () => {
    const m = member();
    m.condition('Z59.01', { id: 'ok' });
    m.condition('Z59.01', { id: 'refuted', verificationStatus: 'refuted' });
    m.condition('Z59.01', { id: 'eie', verificationStatus: 'entered-in-error' });
    m.condition('Z59.01', { id: 'unconfirmed', verificationStatus: 'unconfirmed' });
    expect(ids(memberFromBundle(m.bundle().entry ?? [], asOf).byType.get('Condition'))).toEqual(['ok', 'unconfirmed']);
  });

  it('a Condition counts when it has no date or its date (onset, else onsetPeriod.start, else recordedDate) is on or before asOf', () => {
    const m = member();
    m.condition('Z59.01', { id: 'no-date' });
    m.condition('Z59.01', { id: 'on-asof', onset: '2026-06-15' });
    m.condition('Z59.01', { id: 'after', onset: '2026-06-16' });
    m.condition('Z59.01', { id: 'period-after', onsetPeriodStart: '2026-06-16' });
    m.condition('Z59.01', { id: 'recorded-after', recorded: '2026-07-01' });
    m.condition('Z59.01', { id: 'partial-month', onset: '2026-06' });
    m.condition('Z59.01', { id: 'partial-earlier', onset: '2026-05' });
    m.condition('Z59.01', { id: 'utc-next-day', onset: '2026-06-16T05:00:00Z' });
    m.condition('Z59.01', { id: 'invalid', onset: 'last spring' });
    expect(ids(memberFromBundle(m.bundle().entry ?? [], asOf).byType.get('Condition'))).toEqual(['no-date', 'on-asof', 'partial-earlier', 'utc-next-day']);
  });
});

describe('which Encounters count', () => {
  it('not cancelled, entered-in-error or planned; period.start present and not after asOf', () => {
    const m = member();
    m.ed('2026-06-01', { id: 'finished' });
    m.ed('2026-06-01', { id: 'in-progress', status: 'in-progress' });
    m.ed('2026-06-01', { id: 'cancelled', status: 'cancelled' });
    m.ed('2026-06-01', { id: 'eie', status: 'entered-in-error' });
    m.ed('2026-06-01', { id: 'planned', status: 'planned' });
    m.encounter('EMER', undefined, { id: 'no-start', end: '2026-06-01' });
    m.ed('2026-06-16', { id: 'future' });
    m.ed('2026-06-16T06:59:00Z', { id: 'still-15th-in-LA' });
    expect(ids(memberFromBundle(m.bundle().entry ?? [], asOf).byType.get('Encounter'))).toEqual(['finished', 'in-progress', 'still-15th-in-LA']);
  });
});
