// Community Supports v1.1: computable rules at their boundaries, needs-assessment cases, and attested decisions.
import { describe, expect, it } from 'vitest';
import { CS, member } from '../helpers/eligibility-builder.js';
import { evaluate, support } from '../helpers/eligibility.js';

const ASOF = '2026-06-15';
const cs = (m: ReturnType<typeof member>, code: string, asOf = ASOF) => support(evaluate(m.bundle(), asOf), code);

describe('housing supports', () => {
  it('navigation, deposits and tenancy: H or R; evidence from both when both hold', () => {
    const m = member();
    for (const code of ['housing-transition-navigation', 'housing-deposits', 'housing-tenancy-sustaining']) expect(cs(m, code).status).toBe('not-eligible');
    m.condition('Z59.812', { id: 'r' });
    expect(cs(m, 'housing-deposits')).toEqual({ status: 'eligible', evidence: ['Condition/r'] });
    m.attest('homelessness', true, '2026-01-01', { id: 'h' });
    expect(cs(m, 'housing-tenancy-sustaining')).toEqual({ status: 'eligible', evidence: ['Condition/r', 'Observation/h'] });
  });

  it('recuperative care: H or R and a stay that ended within the last 30 days', () => {
    const m = member();
    m.condition('Z59.819', { id: 'r' });
    m.stay('2026-05-01', { end: '2026-05-15' });
    m.stay('2026-06-01', { status: 'in-progress' });
    expect(cs(m, 'recuperative-care').status).toBe('not-eligible');
    m.stay('2026-05-01', { id: 'planned-stay', end: '2026-05-16', priority: 'EL' });
    expect(cs(m, 'recuperative-care')).toEqual({ status: 'eligible', evidence: ['Condition/r', 'Encounter/planned-stay'] });
    m.encounter('NONAC', '2026-06-10', { end: '2026-06-16' });
    expect(cs(m, 'recuperative-care').evidence).toHaveLength(2);
  });

  it('short-term post-hospitalization housing needs H, not R', () => {
    const m = member();
    m.condition('Z59.811');
    m.stay('2026-06-01', { end: '2026-06-15' });
    expect(cs(m, 'short-term-post-hospitalization-housing').status).toBe('not-eligible');
    m.condition('Z59.01');
    expect(cs(m, 'short-term-post-hospitalization-housing').status).toBe('eligible');
  });
});

describe('medically tailored meals', () => {
  it('an active qualifying Condition', () => {
    for (const code of ['E11.9', 'E13.10', 'I50.9', 'N18.6', 'J44.1', 'B20', 'C50.911', 'O24.410']) {
      const m = member();
      m.condition(code, { id: 'c' });
      expect(cs(m, 'medically-tailored-meals'), code).toEqual({ status: 'eligible', evidence: ['Condition/c'] });
    }
    for (const code of ['E14', 'I51', 'O24.3', 'C97']) {
      const m = member();
      m.condition(code);
      expect(cs(m, 'medically-tailored-meals').status, code).toBe('not-eligible');
    }
  });

  it('not with a hospice exclusion in force, nor during a NONAC stay covering asOf', () => {
    const hospice = member();
    hospice.condition('I50.9');
    hospice.episode('hospice', { status: 'finished', end: '2026-06-15' });
    expect(cs(hospice, 'medically-tailored-meals').status).toBe('not-eligible');
    const pace = member();
    pace.condition('I50.9');
    pace.episode('pace');
    expect(cs(pace, 'medically-tailored-meals').status).toBe('eligible');
    const snf = member();
    snf.condition('I50.9');
    snf.encounter('NONAC', '2026-06-01', { end: '2026-06-14' });
    expect(cs(snf, 'medically-tailored-meals').status).toBe('eligible');
    snf.encounter('NONAC', '2026-06-10', { end: '2026-06-15' });
    expect(cs(snf, 'medically-tailored-meals').status).toBe('not-eligible');
  });
});

describe('asthma remediation', () => {
  const asthma = () => {
    const m = member();
    m.condition('J45.909', { id: 'asthma' });
    m.ed('2025-08-01', { id: 'visit', reasons: ['J45.901'] });
    return m;
  };

  it('before 2026: an active J45 Condition and a J45 visit or stay within 12 months', () => {
    expect(cs(asthma(), 'asthma-remediation', '2025-12-31')).toEqual({ status: 'eligible', evidence: ['Condition/asthma', 'Encounter/visit'] });
    const noVisit = member();
    noVisit.condition('J45.909');
    noVisit.ed('2025-08-01', { reasons: ['J44.1'] });
    expect(cs(noVisit, 'asthma-remediation', '2025-12-31').status).toBe('not-eligible');
    expect(cs(asthma(), 'asthma-remediation', '2026-08-02').status).toBe('not-eligible');
  });

  it('from 1 January 2026 a trigger assessment within 12 months is needed, else needs-assessment (with what held as evidence)', () => {
    const m = asthma();
    expect(cs(m, 'asthma-remediation', '2026-01-01')).toEqual({ status: 'needs-assessment', evidence: ['Condition/asthma', 'Encounter/visit'] });
    m.attest('asthma-trigger-assessment', true, '2024-12-31');
    expect(cs(m, 'asthma-remediation', '2026-01-01').status).toBe('needs-assessment');
    m.attest('asthma-trigger-assessment', true, '2025-01-01', { id: 'aps' });
    expect(cs(m, 'asthma-remediation', '2026-01-01')).toEqual({ status: 'eligible', evidence: ['Condition/asthma', 'Encounter/visit', 'Observation/aps'] });
  });

  it('a stay (planned or not) with a J45 diagnosis counts as well', () => {
    const m = member();
    m.condition('J45.50', { id: 'asthma' });
    m.stay('2026-03-01', { priority: 'EL', diagnoses: ['asthma'] });
    m.attest('asthma-trigger-assessment', true, '2026-03-02');
    expect(cs(m, 'asthma-remediation').status).toBe('eligible');
  });
});

describe('sobering center', () => {
  it('18 or older is eligible with the Patient as evidence; under 18 is not; an uncertain age needs assessment', () => {
    expect(cs(member('2008-06-15'), 'sobering-center')).toEqual({ status: 'eligible', evidence: ['Patient/member'] });
    expect(cs(member('2008-06-16'), 'sobering-center')).toEqual({ status: 'not-eligible', evidence: [] });
    expect(cs(member('2008'), 'sobering-center')).toEqual({ status: 'needs-assessment', evidence: [] });
    expect(cs(member(null), 'sobering-center')).toEqual({ status: 'needs-assessment', evidence: [] });
    expect(cs(member('2007'), 'sobering-center').status).toBe('eligible');
  });
});

describe('supports decided by an attestation', () => {
  const others = ['respite', 'day-habilitation', 'assisted-living-transition', 'community-transition', 'personal-care-homemaker', 'home-modifications', 'transitional-rent'];

  it('need an assessment unless the latest community-support attestation decides', () => {
    for (const code of others) {
      const m = member();
      expect(cs(m, code), code).toEqual({ status: 'needs-assessment', evidence: [] });
      m.attest(code, true, '2026-01-01', { system: CS, id: 'yes' });
      expect(cs(m, code), code).toEqual({ status: 'eligible', evidence: ['Observation/yes'] });
      m.attest(code, false, '2026-02-01', { system: CS, id: 'no' });
      expect(cs(m, code), code).toEqual({ status: 'not-eligible', evidence: ['Observation/no'] });
    }
  });

  it('do not override the computable supports', () => {
    const m = member();
    m.attest('housing-deposits', true, '2026-01-01', { system: CS });
    m.attest('sobering-center', false, '2026-01-01', { system: CS });
    expect(cs(m, 'housing-deposits').status).toBe('not-eligible');
    expect(cs(m, 'sobering-center').status).toBe('eligible');
  });
});
