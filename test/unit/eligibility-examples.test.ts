// The example member Bundles in bundles/examples/ (used by the README walkthrough) give the results they describe.
import { readFileSync } from 'node:fs';
import type { Bundle } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { evaluate, met, population, support } from '../helpers/eligibility.js';

const ASOF = '2026-06-15';
const load = (name: string) => JSON.parse(readFileSync(new URL(`../../bundles/examples/eligibility-${name}.json`, import.meta.url), 'utf8')) as Bundle;

interface Expected {
  met: string[];
  eligible: boolean;
  exclusions?: string[];
  supports?: Record<string, string>;
  evidence?: Record<string, string[]>;
}

const EXAMPLES: Record<string, Expected> = {
  'homelessness-adult': {
    met: ['homelessness'],
    eligible: true,
    supports: { 'housing-transition-navigation': 'eligible', 'sobering-center': 'eligible', 'medically-tailored-meals': 'eligible' },
    evidence: { homelessness: ['Condition/ex-homeless-adult-diabetes', 'Condition/ex-homeless-adult-unsheltered'] },
  },
  'homelessness-child': { met: ['homelessness'], eligible: true, supports: { 'housing-deposits': 'eligible', 'sobering-center': 'not-eligible' } },
  'avoidable-utilization-adult': { met: ['avoidable-utilization'], eligible: true },
  'avoidable-utilization-child': {
    met: ['avoidable-utilization'],
    eligible: true,
    evidence: { 'avoidable-utilization': ['Encounter/ex-child-stays-admission1', 'Encounter/ex-child-stays-admission2'] },
  },
  'smh-sud-adult': { met: ['smh-sud'], eligible: true, supports: { 'housing-tenancy-sustaining': 'eligible' } },
  'justice-involved-adult': { met: ['justice-involved'], eligible: true, supports: { 'medically-tailored-meals': 'eligible' } },
  'birth-equity-postpartum': { met: ['birth-equity'], eligible: true, evidence: { 'birth-equity': ['Condition/ex-birth-equity-delivery', 'Patient/ex-birth-equity'] } },
  'ltc-risk-adult': { met: ['ltc-risk'], eligible: true },
  'nf-transition-adult': { met: ['nf-transition'], eligible: true },
  'ccs-wcm-child': { met: ['ccs-wcm'], eligible: true },
  'child-welfare-aged-out': { met: ['child-welfare'], eligible: true, evidence: { 'child-welfare': ['Observation/ex-aged-out-attested', 'Patient/ex-aged-out'] } },
  'exclusion-hospice': {
    met: ['homelessness'],
    eligible: false,
    exclusions: ['hospice'],
    supports: { 'medically-tailored-meals': 'not-eligible', 'housing-deposits': 'eligible' },
  },
  'cs-recuperative-care': {
    met: [],
    eligible: false,
    supports: { 'recuperative-care': 'eligible', 'short-term-post-hospitalization-housing': 'not-eligible', 'housing-transition-navigation': 'eligible' },
  },
  'cs-medically-tailored-meals': { met: [], eligible: false, supports: { 'medically-tailored-meals': 'eligible' } },
  'cs-asthma-remediation': { met: [], eligible: false, supports: { 'asthma-remediation': 'needs-assessment' } },
  'cs-attested-decisions': {
    met: [],
    eligible: false,
    supports: { respite: 'eligible', 'transitional-rent': 'not-eligible', 'sobering-center': 'needs-assessment', 'day-habilitation': 'needs-assessment' },
  },
};

describe(`example member Bundles (asOf ${ASOF})`, () => {
  for (const [name, expected] of Object.entries(EXAMPLES)) {
    it(name, () => {
      const result = evaluate(load(name), ASOF);
      expect(met(result)).toEqual(expected.met);
      expect(result.eligible).toBe(expected.eligible);
      expect(result.exclusions.map((x) => x.code)).toEqual(expected.exclusions ?? []);
      for (const [code, status] of Object.entries(expected.supports ?? {})) expect(support(result, code).status, code).toBe(status);
      for (const [code, evidence] of Object.entries(expected.evidence ?? {})) expect(population(result, code).evidence, code).toEqual(evidence);
    });
  }
});
