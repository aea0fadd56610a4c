// The contract's canonical URLs and code lists (eligibility-rules v1.1); outputs follow this order.

export const CANONICAL_BASE = 'https://calaim-fhir.dev/fhir';
export const codeSystemUrl = (name: string): string => `${CANONICAL_BASE}/CodeSystem/${name}`;

export const POF_SYSTEM = codeSystemUrl('ecm-population-of-focus');
export const CS_SYSTEM = codeSystemUrl('community-support');
export const EXCLUDED_PROGRAM_SYSTEM = codeSystemUrl('ecm-excluded-program');
export const ATTESTATION_SYSTEM = codeSystemUrl('ecm-attestation');

export const ICD10CM_SYSTEM = 'http://hl7.org/fhir/sid/icd-10-cm';

export const POPULATIONS = [
  'homelessness',
  'avoidable-utilization',
  'smh-sud',
  'justice-involved',
  'birth-equity',
  'ltc-risk',
  'nf-transition',
  'ccs-wcm',
  'child-welfare',
] as const;

export const COMMUNITY_SUPPORTS = [
  'housing-transition-navigation',
  'housing-deposits',
  'housing-tenancy-sustaining',
  'short-term-post-hospitalization-housing',
  'recuperative-care',
  'respite',
  'day-habilitation',
  'assisted-living-transition',
  'community-transition',
  'personal-care-homemaker',
  'home-modifications',
  'medically-tailored-meals',
  'sobering-center',
  'asthma-remediation',
  'transitional-rent',
] as const;

export const EXCLUDED_PROGRAMS = [
  'hospice',
  'pace',
  'ccm',
  'cct',
  '1915c-hiv-aids',
  '1915c-hcba',
  '1915c-alw',
  '1915c-hcbs-dd',
  '1915c-mssp',
  'self-determination',
] as const;

export const CS_STATUSES = ['eligible', 'not-eligible', 'needs-assessment'] as const;
export type CsStatus = (typeof CS_STATUSES)[number];

/** Ids of the definition resources the engine reads (one per PoF and per CS, plus the shared Library). */
export const populationGroupId = (code: string): string => `pof-${code}`;
export const supportPlanId = (code: string): string => `cs-${code}`;
export const DEFINITIONS_LIBRARY_ID = 'ecm-eligibility-definitions';

/** The Library variable whose EpisodeOfCare resources are the exclusions in force. */
export const EXCLUSIONS_VARIABLE = 'ecmExclusions';
