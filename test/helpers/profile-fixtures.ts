// Valid and invalid example instances of the CalAIM profiles (test/fixtures/profiles), with the error paths each invalid one must produce.
import { readFileSync } from 'node:fs';
import type { Resource } from '@medplum/fhirtypes';

export const BASE = 'https://calaim-fhir.dev/fhir';
export const profileUrl = (id: string): string => `${BASE}/StructureDefinition/${id}`;

export function profileFixture(name: string): Resource {
  return JSON.parse(readFileSync(new URL(`../fixtures/profiles/${name}.json`, import.meta.url), 'utf8')) as Resource;
}

/** For each profile with fixture files: the expression of every error its invalid instance must produce, in any order. */
export const INVALID_PATHS: Record<string, string[]> = {
  'medi-cal-member': ['Patient.extension[0].extension[0].valueCoding', 'Patient.extension[0].extension', 'Patient.identifier', 'Patient.name', 'Patient.gender'],
  'medi-cal-coverage': ['Coverage.subscriberId', 'Coverage.payor[0]', 'Coverage.class'],
  'ecm-referral': ['ServiceRequest.category', 'ServiceRequest.code', 'ServiceRequest.subject', 'ServiceRequest.requester', 'ServiceRequest.reasonCode[0]'],
  'cs-referral': ['ServiceRequest.code', 'ServiceRequest.authoredOn'],
  'referral-task': ['Task', 'Task.status', 'Task.intent', 'Task.focus'],
  attestation: ['Observation', 'Observation.status', 'Observation.code', 'Observation.subject', 'Observation.valueString'],
  'excluded-program-episode': ['EpisodeOfCare', 'EpisodeOfCare.type[0]'],
  // A denial with no reason that still authorizes a service (calaim-auth-1 and -2), use not preauthorization, no preAuthRef, a CPT code.
  'referral-authorization': ['ClaimResponse', 'ClaimResponse', 'ClaimResponse.use', 'ClaimResponse.preAuthRef', 'ClaimResponse.addItem[0].productOrService'],
  'cs-benefit-accumulator': ['Basic.code', 'Basic.subject'],
};

/** SDOH category each per-service Community Supports profile requires (none where no category fits). */
export const CS_SDOH_CATEGORY: Record<string, string | undefined> = {
  'housing-transition-navigation': 'housing-instability',
  'housing-deposits': 'housing-instability',
  'housing-tenancy-sustaining': 'housing-instability',
  'short-term-post-hospitalization-housing': 'homelessness',
  'recuperative-care': 'housing-instability',
  respite: undefined,
  'day-habilitation': 'housing-instability',
  'assisted-living-transition': undefined,
  'community-transition': undefined,
  'personal-care-homemaker': undefined,
  'home-modifications': undefined,
  'medically-tailored-meals': 'food-insecurity',
  'sobering-center': undefined,
  'asthma-remediation': 'inadequate-housing',
  'transitional-rent': 'housing-instability',
};

/** A referral for one Community Support claiming its per-service profile. */
export function csReferral(code: string, category: string | undefined): Resource {
  const base = profileFixture('cs-referral.valid') as Resource & { category: unknown[]; code: unknown; meta: { profile: string[] } };
  const sdoh = 'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes';
  return {
    ...base,
    meta: { profile: [profileUrl(`cs-referral-${code}`)] },
    category: [base.category[0], ...(category ? [{ coding: [{ system: sdoh, code: category }] }] : [])],
    code: { coding: [{ system: `${BASE}/CodeSystem/community-support`, code }] },
  } as Resource;
}
