// Every Population of Focus row of eligibility rules v1.1, at its boundaries, adult and child/youth columns.
import { describe, expect, it } from 'vitest';
import { member, SNOMED } from '../helpers/eligibility-builder.js';
import { evaluate, met, population } from '../helpers/eligibility.js';

const ASOF = '2026-06-15';
const ADULT = '1980-06-15';
const CHILD = '2012-01-01';
const is = (m: ReturnType<typeof member>, code: string, asOf = ASOF) => population(evaluate(m.bundle(), asOf), code);

describe('homelessness', () => {
  it('adult: H and a health need; H alone is not enough', () => {
    const m = member(ADULT);
    m.condition('Z59.01', { id: 'h' });
    expect(is(m, 'homelessness').met).toBe(false);
    m.condition('E11.9', { id: 'need' });
    expect(is(m, 'homelessness')).toEqual({ met: true, evidence: ['Condition/h', 'Condition/need'] });
  });

  it('child/youth: H alone', () => {
    const m = member(CHILD);
    m.condition('Z59.02', { id: 'h' });
    expect(is(m, 'homelessness')).toEqual({ met: true, evidence: ['Condition/h'] });
  });

  it('H: Z59.00/.01/.02, legacy Z59.0 exactly, SNOMED 32911000, or the attestation; not Z59.1 nor an inactive Condition', () => {
    for (const code of ['Z59.0', 'Z59.00', 'Z5901', 'z59.02']) {
      const m = member(CHILD);
      m.condition(code);
      expect(is(m, 'homelessness').met, code).toBe(true);
    }
    for (const code of ['Z59.1', 'Z59.09', 'Z59.811']) {
      const m = member(CHILD);
      m.condition(code);
      expect(is(m, 'homelessness').met, code).toBe(false);
    }
    const snomed = member(CHILD);
    snomed.condition('32911000', { system: SNOMED });
    expect(is(snomed, 'homelessness').met).toBe(true);
    const inactive = member(CHILD);
    inactive.condition('Z59.01', { clinicalStatus: 'resolved' });
    expect(is(inactive, 'homelessness').met).toBe(false);
    const attested = member(CHILD);
    attested.attest('homelessness', true, '2025-01-01');
    expect(is(attested, 'homelessness').met).toBe(true);
  });

  it('active at asOf: clinicalStatus absent, active, recurrence or relapse, or any status with an abatement date after asOf', () => {
    const cases: [Parameters<ReturnType<typeof member>['condition']>[1], boolean][] = [
      [{ clinicalStatus: null }, true],
      [{ clinicalStatus: 'recurrence' }, true],
      [{ clinicalStatus: 'relapse' }, true],
      [{ clinicalStatus: 'inactive' }, false],
      [{ clinicalStatus: 'resolved', abatement: '2026-06-16' }, true],
      [{ clinicalStatus: 'resolved', abatement: '2026-06-15' }, false],
      [{ clinicalStatus: 'remission', abatement: '2026-07' }, true],
      [{ clinicalStatus: 'remission', abatement: '2026-06' }, false],
    ];
    for (const [options, expected] of cases) {
      const m = member(CHILD);
      m.condition('Z59.01', options);
      expect(is(m, 'homelessness').met, JSON.stringify(options)).toBe(expected);
    }
  });

  it('health need: any A-U diagnosis, a SNOMED-only Condition unless sdoh or 32911000, or the attestation; not V-Z codes', () => {
    const withNeed = (add: (m: ReturnType<typeof member>) => void) => {
      const m = member(ADULT);
      m.condition('Z59.01');
      add(m);
      return is(m, 'homelessness').met;
    };
    expect(withNeed((m) => m.condition('U07.1'))).toBe(true);
    expect(withNeed((m) => m.condition('A00.0'))).toBe(true);
    expect(withNeed((m) => m.condition('V00.01XA'))).toBe(false);
    expect(withNeed((m) => m.condition('Z60.2'))).toBe(false);
    expect(withNeed((m) => m.condition('44054006', { system: SNOMED }))).toBe(true);
    expect(withNeed((m) => m.condition('44054006', { system: SNOMED, category: { system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-category', code: 'sdoh' } }))).toBe(false);
    expect(withNeed((m) => m.condition('44054006', { system: SNOMED, category: { system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-tags', code: 'sdoh' } }))).toBe(false);
    expect(withNeed((m) => m.condition('32911000', { system: SNOMED }))).toBe(false);
    expect(withNeed((m) => m.attest('complex-health-need', true, '2026-01-01'))).toBe(true);
  });
});

describe('avoidable utilization', () => {
  const edVisits = (birthDate: string, dates: string[]) => {
    const m = member(birthDate);
    dates.forEach((d) => m.ed(d));
    return m;
  };

  it('adult: 4 ED visits within 6 months is not enough, 5 is', () => {
    const four = ['2026-01-10', '2026-02-10', '2026-03-10', '2026-04-10'];
    expect(is(edVisits(ADULT, four), 'avoidable-utilization').met).toBe(false);
    expect(is(edVisits(ADULT, [...four, '2026-06-15']), 'avoidable-utilization').met).toBe(true);
  });

  it('a visit exactly 6 months before asOf counts; one day earlier does not', () => {
    const four = ['2026-02-10', '2026-03-10', '2026-04-10', '2026-05-10'];
    expect(is(edVisits(ADULT, [...four, '2025-12-15']), 'avoidable-utilization').met).toBe(true);
    expect(is(edVisits(ADULT, [...four, '2025-12-14']), 'avoidable-utilization').met).toBe(false);
  });

  it('from an asOf of 31 August the window starts on 28 February (month-end clamping)', () => {
    const four = ['2026-03-10', '2026-04-10', '2026-05-10', '2026-06-10'];
    expect(is(edVisits(ADULT, [...four, '2026-02-28']), 'avoidable-utilization', '2026-08-31').met).toBe(true);
    expect(is(edVisits(ADULT, [...four, '2026-02-27']), 'avoidable-utilization', '2026-08-31').met).toBe(false);
  });

  it('two ED Encounters on one date are one visit; both are evidence', () => {
    const m = edVisits(ADULT, ['2026-02-10', '2026-03-10', '2026-04-10', '2026-05-10']);
    m.ed('2026-05-10T20:00:00Z', { id: 'same-day' });
    expect(is(m, 'avoidable-utilization').met).toBe(false);
    m.ed('2026-06-01', { id: 'fifth' });
    const result = is(m, 'avoidable-utilization');
    expect(result.met).toBe(true);
    expect(result.evidence).toHaveLength(6);
    expect(result.evidence).toContain('Encounter/same-day');
  });

  it('a UTC time that moves the Los Angeles date changes the count', () => {
    const four = ['2026-02-10', '2026-03-10', '2026-04-10', '2026-05-10'];
    // 2026-05-11T03:00Z is 10 May in Los Angeles: the same day as a visit already counted.
    expect(is(edVisits(ADULT, [...four, '2026-05-11T03:00:00Z']), 'avoidable-utilization').met).toBe(false);
    expect(is(edVisits(ADULT, [...four, '2026-05-11T09:00:00Z']), 'avoidable-utilization').met).toBe(true);
    // 2025-12-15T05:00Z is 14 December in Los Angeles: outside the window.
    expect(is(edVisits(ADULT, [...four, '2025-12-15T05:00:00Z']), 'avoidable-utilization').met).toBe(false);
  });

  it('a visit with a partial date counts only when all of it lies in the window', () => {
    const four = ['2026-02-10', '2026-03-10', '2026-04-10', '2026-05-10'];
    expect(is(edVisits(ADULT, [...four, '2026-01']), 'avoidable-utilization').met).toBe(true);
    expect(is(edVisits(ADULT, [...four, '2025-12']), 'avoidable-utilization').met).toBe(false);
  });

  it('ED visit: class EMER with system v3-ActCode or absent; other systems do not count', () => {
    const m = edVisits(ADULT, ['2026-02-10', '2026-03-10', '2026-04-10', '2026-05-10']);
    m.ed('2026-06-01', { classSystem: 'http://example.org/other' });
    expect(is(m, 'avoidable-utilization').met).toBe(false);
    m.ed('2026-06-02', { classSystem: null });
    expect(is(m, 'avoidable-utilization').met).toBe(true);
  });

  it('adult: 3 unplanned stays within 6 months; an elective (EL) stay does not count', () => {
    const m = member(ADULT);
    m.stay('2026-01-10');
    m.encounter('ACUTE', '2026-02-10');
    m.stay('2026-03-10', { priority: 'EL' });
    expect(is(m, 'avoidable-utilization').met).toBe(false);
    m.encounter('NONAC', '2026-04-10', { status: 'in-progress' });
    expect(is(m, 'avoidable-utilization').met).toBe(true);
  });

  it('an ED visit followed by an admission counts once as each', () => {
    const m = member(CHILD);
    m.ed('2026-03-01');
    m.stay('2026-03-01');
    m.ed('2026-04-01');
    m.stay('2026-04-01');
    expect(is(m, 'avoidable-utilization').met).toBe(true);
    expect(is(m, 'avoidable-utilization').evidence).toHaveLength(2);
  });

  it('child/youth: 3 ED visits within 12 months, or 2 unplanned stays within 12 months', () => {
    expect(is(edVisits(CHILD, ['2025-06-15', '2025-12-01', '2026-06-15']), 'avoidable-utilization').met).toBe(true);
    expect(is(edVisits(CHILD, ['2025-06-14', '2025-12-01', '2026-06-15']), 'avoidable-utilization').met).toBe(false);
    const stays = member(CHILD);
    stays.stay('2025-07-01');
    expect(is(stays, 'avoidable-utilization').met).toBe(false);
    stays.stay('2026-01-01');
    expect(is(stays, 'avoidable-utilization').met).toBe(true);
  });

  it('a stay counts from its admission date, even while in progress, and never from a date after asOf', () => {
    const m = member(CHILD);
    m.stay('2026-05-01', { status: 'in-progress' });
    m.stay('2026-06-16');
    expect(is(m, 'avoidable-utilization').met).toBe(false);
    m.stay('2026-06-15T06:00:00Z');
    expect(is(m, 'avoidable-utilization').met).toBe(true);
  });
});

describe('age columns', () => {
  const threeVisits = (birthDate: string | null) => {
    const m = member(birthDate);
    ['2026-01-10', '2026-02-10', '2026-03-10'].forEach((d) => m.ed(d));
    return m;
  };

  it('age 20 uses the child column; on the 21st birthday the adult column', () => {
    expect(is(threeVisits('2005-06-16'), 'avoidable-utilization').met).toBe(true);
    expect(is(threeVisits('2005-06-15'), 'avoidable-utilization').met).toBe(false);
  });

  it('a 29 February birthday: 21 on 1 March in a common year', () => {
    const m = member('2004-02-29');
    ['2024-10-01', '2024-11-01', '2025-01-10'].forEach((d) => m.ed(d));
    expect(is(m, 'avoidable-utilization', '2025-02-28').met).toBe(true);
    expect(is(m, 'avoidable-utilization', '2025-03-01').met).toBe(false);
  });

  it('an age that may fall on either side of 21 needs both columns; a column with no criteria is never met', () => {
    expect(is(threeVisits('2005'), 'avoidable-utilization').met).toBe(false);
    expect(is(threeVisits(null), 'avoidable-utilization').met).toBe(false);
    const both = member('2005');
    ['2026-01-10', '2026-02-10', '2026-03-10', '2026-04-10', '2026-05-10'].forEach((d) => both.ed(d));
    expect(is(both, 'avoidable-utilization').met).toBe(true);
    const ltc = member(null);
    ltc.attest('nf-level-of-care', true, '2026-01-01');
    ltc.condition('Z59.811');
    expect(is(ltc, 'ltc-risk').met).toBe(false);
  });
});

describe('serious mental health and SUD', () => {
  const adult = () => {
    const m = member(ADULT);
    m.attest('smhs-access', true, '2026-01-01', { id: 'smhs' });
    m.condition('Z60.2', { id: 'social' });
    return m;
  };

  it('adult: access, a social factor and 2 ED visits with a behavioral reason (reasonCode, reasonReference or diagnosis)', () => {
    const m = adult();
    m.condition('F32.9', { id: 'dep', clinicalStatus: 'resolved' });
    m.ed('2026-02-01', { id: 'v1', reasons: ['F10.20'] });
    expect(is(m, 'smh-sud').met).toBe(false);
    m.ed('2026-03-01', { id: 'v2', reasonRefs: ['dep'] });
    expect(is(m, 'smh-sud')).toEqual({ met: true, evidence: ['Condition/social', 'Encounter/v1', 'Encounter/v2', 'Observation/smhs'] });
    const viaDiagnosis = adult();
    viaDiagnosis.condition('F20.9', { id: 'scz' });
    viaDiagnosis.ed('2026-02-01', { diagnoses: ['scz'] });
    viaDiagnosis.ed('2026-03-01', { diagnoses: ['scz'] });
    expect(is(viaDiagnosis, 'smh-sud').met).toBe(true);
  });

  it('a refuted reason Condition, or a reason that resolves to nothing, is no reason', () => {
    const m = adult();
    m.condition('F32.9', { id: 'refuted', verificationStatus: 'refuted' });
    m.ed('2026-02-01', { reasonRefs: ['refuted'] });
    m.ed('2026-03-01', { reasonRefs: ['missing'] });
    expect(is(m, 'smh-sud').met).toBe(false);
  });

  it('ED visits and stays are not added together', () => {
    const m = adult();
    m.ed('2026-02-01', { reasons: ['F10.20'] });
    m.stay('2026-03-01', { reasons: ['F10.20'] });
    expect(is(m, 'smh-sud').met).toBe(false);
    m.stay('2026-04-01', { reasons: ['F10.20'] });
    expect(is(m, 'smh-sud').met).toBe(true);
  });

  it('an elective behavioral stay does not count; smh-sud-high-risk does instead of visits', () => {
    const m = adult();
    m.stay('2026-03-01', { reasons: ['F10.20'], priority: 'EL' });
    m.stay('2026-04-01', { reasons: ['F10.20'] });
    expect(is(m, 'smh-sud').met).toBe(false);
    m.attest('smh-sud-high-risk', true, '2026-05-01', { id: 'risk' });
    expect(is(m, 'smh-sud').evidence).toEqual(['Condition/social', 'Observation/risk', 'Observation/smhs']);
  });

  it('adult without a social factor is not met; child/youth needs only smhs-access or dmc-access', () => {
    const m = member(ADULT);
    m.attest('dmc-access', true, '2026-01-01');
    m.attest('smh-sud-high-risk', true, '2026-01-01');
    expect(is(m, 'smh-sud').met).toBe(false);
    const child = member(CHILD);
    child.attest('dmc-access', true, '2026-01-01', { id: 'dmc' });
    expect(is(child, 'smh-sud')).toEqual({ met: true, evidence: ['Observation/dmc'] });
  });
});

describe('transitioning from incarceration', () => {
  it('adult: release within 12 months and (health need or pregnant)', () => {
    const m = member(ADULT);
    m.attest('incarceration-release', true, '2025-06-15', { id: 'rel' });
    expect(is(m, 'justice-involved').met).toBe(false);
    m.condition('O26.891', { id: 'preg' });
    expect(is(m, 'justice-involved')).toEqual({ met: true, evidence: ['Condition/preg', 'Observation/rel'] });
  });

  it('a release 12 months and a day ago is too old; child/youth needs only the release', () => {
    const m = member(CHILD);
    m.attest('incarceration-release', true, '2025-06-14');
    expect(is(m, 'justice-involved').met).toBe(false);
    m.attest('incarceration-release', true, '2025-06-15', { id: 'rel' });
    expect(is(m, 'justice-involved')).toEqual({ met: true, evidence: ['Observation/rel'] });
  });
});

describe('birth equity', () => {
  const raced = (birthDate = ADULT) => member(birthDate).race('2054-5');

  it('race of focus and pregnant; the Patient is evidence for race', () => {
    const m = raced();
    m.condition('Z34.00', { id: 'preg' });
    expect(is(m, 'birth-equity')).toEqual({ met: true, evidence: ['Condition/preg', 'Patient/member'] });
    const other = member(ADULT).race('2106-3');
    other.condition('Z34.00');
    expect(is(other, 'birth-equity').met).toBe(false);
    const detailed = member(ADULT);
    detailed.patient.extension = [{ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race', extension: [{ url: 'detailed', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2058-6' } }] }];
    detailed.condition('Z34.00');
    expect(is(detailed, 'birth-equity').met).toBe(false);
  });

  it('postpartum: Z39.* dated within 12 months; 12 months + 1 day is too late', () => {
    const m = raced(CHILD);
    m.condition('Z39.2', { onset: '2025-06-15', clinicalStatus: 'resolved', id: 'pp' });
    expect(is(m, 'birth-equity')).toEqual({ met: true, evidence: ['Condition/pp', 'Patient/member'] });
    const late = raced(CHILD);
    late.condition('Z39.2', { onset: '2025-06-14', clinicalStatus: 'resolved' });
    expect(is(late, 'birth-equity').met).toBe(false);
  });

  it('postpartum: a pregnancy Condition of any status whose abatement is within 12 months', () => {
    const m = raced();
    m.condition('O80', { clinicalStatus: 'resolved', abatement: '2025-06-15' });
    expect(is(m, 'birth-equity').met).toBe(true);
    const late = raced();
    late.condition('O80', { clinicalStatus: 'resolved', abatement: '2025-06-14T12:00:00-07:00' });
    expect(is(late, 'birth-equity').met).toBe(false);
  });

  it('a resolved pregnancy Condition without abatement is neither pregnant nor postpartum', () => {
    const m = raced();
    m.condition('Z33.1', { clinicalStatus: 'resolved' });
    expect(is(m, 'birth-equity').met).toBe(false);
  });
});

describe('long-term care and nursing facility populations (adults only)', () => {
  it('ltc-risk: nf-level-of-care and a social factor', () => {
    const m = member(ADULT);
    m.attest('nf-level-of-care', true, '2026-01-01', { id: 'loc' });
    expect(is(m, 'ltc-risk').met).toBe(false);
    m.condition('Z59.811', { id: 'sf' });
    expect(is(m, 'ltc-risk')).toEqual({ met: true, evidence: ['Condition/sf', 'Observation/loc'] });
    const child = member(CHILD);
    child.attest('nf-level-of-care', true, '2026-01-01');
    child.condition('Z59.811');
    expect(is(child, 'ltc-risk').met).toBe(false);
  });

  it('nf-transition: nf-resident-transition, adults only', () => {
    const m = member(ADULT);
    m.attest('nf-resident-transition', true, '2026-01-01', { id: 'nf' });
    expect(is(m, 'nf-transition')).toEqual({ met: true, evidence: ['Observation/nf'] });
    const child = member(CHILD);
    child.attest('nf-resident-transition', true, '2026-01-01');
    expect(is(child, 'nf-transition').met).toBe(false);
  });
});

describe('CCS / CCS WCM (children only)', () => {
  it('ccs-enrolled and (social factor, ccs-additional-needs, or a behavioral ED visit within 12 months)', () => {
    const m = member(CHILD);
    m.attest('ccs-enrolled', true, '2026-01-01', { id: 'ccs' });
    expect(is(m, 'ccs-wcm').met).toBe(false);
    m.ed('2025-06-14', { reasons: ['F43.10'] });
    expect(is(m, 'ccs-wcm').met).toBe(false);
    m.ed('2025-06-15', { id: 'bh', reasons: ['F43.10'] });
    expect(is(m, 'ccs-wcm')).toEqual({ met: true, evidence: ['Encounter/bh', 'Observation/ccs'] });
    const adult = member(ADULT);
    adult.attest('ccs-enrolled', true, '2026-01-01');
    adult.attest('ccs-additional-needs', true, '2026-01-01');
    expect(is(adult, 'ccs-wcm').met).toBe(false);
  });
});

describe('child welfare', () => {
  it('child: foster care now, or former within 12 months', () => {
    const current = member(CHILD);
    current.attest('foster-care-current', true, '2020-01-01');
    expect(is(current, 'child-welfare').met).toBe(true);
    const former = member(CHILD);
    former.attest('foster-care-former', true, '2025-06-14');
    expect(is(former, 'child-welfare').met).toBe(false);
    former.attest('foster-care-former', true, '2025-06-15', { id: 'ff' });
    expect(is(former, 'child-welfare').evidence).toEqual(['Observation/ff']);
  });

  it('under 18: adoption assistance, or family maintenance within 12 months; the Patient is evidence for the age limit', () => {
    const m = member('2008-06-16');
    m.attest('adoption-assistance', true, '2020-01-01', { id: 'aap' });
    expect(is(m, 'child-welfare')).toEqual({ met: true, evidence: ['Observation/aap', 'Patient/member'] });
    const eighteen = member('2008-06-15');
    eighteen.attest('adoption-assistance', true, '2020-01-01');
    expect(is(eighteen, 'child-welfare').met).toBe(false);
    const fm = member('2010-01-01');
    fm.attest('family-maintenance', true, '2025-06-14');
    expect(is(fm, 'child-welfare').met).toBe(false);
    fm.attest('family-maintenance', true, '2025-06-15');
    expect(is(fm, 'child-welfare').met).toBe(true);
    const maybeEighteen = member('2008');
    maybeEighteen.attest('adoption-assistance', true, '2020-01-01');
    expect(is(maybeEighteen, 'child-welfare').met).toBe(false);
  });

  it('aged out of foster care: met under 26 (adult) and under 21 (child)', () => {
    const young = member('2001-06-16');
    young.attest('foster-care-aged-out', true, '2019-06-16', { id: 'out' });
    expect(is(young, 'child-welfare')).toEqual({ met: true, evidence: ['Observation/out', 'Patient/member'] });
    const twentySix = member('2000-06-15');
    twentySix.attest('foster-care-aged-out', true, '2019-06-16');
    expect(is(twentySix, 'child-welfare').met).toBe(false);
    const child = member(CHILD);
    child.attest('foster-care-aged-out', true, '2025-01-01', { id: 'out' });
    expect(is(child, 'child-welfare')).toEqual({ met: true, evidence: ['Observation/out'] });
  });

  it('nothing else qualifies an adult', () => {
    const m = member(ADULT);
    m.attest('foster-care-current', true, '2026-01-01');
    m.attest('adoption-assistance', true, '2026-01-01');
    expect(met(evaluate(m.bundle(), ASOF))).toEqual([]);
  });
});
