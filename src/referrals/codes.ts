// Canonical URLs and codes the referral workflow reads and writes (content-author CodeSystems plus the workflow's own).
import type { CodeableConcept, Coding } from '@medplum/fhirtypes';

export const BASE = 'https://calaim-fhir.dev/fhir';

export const REFERRAL_TASK_PROFILE = `${BASE}/StructureDefinition/referral-task`;
/** Profiles the workflow's own writes claim: the authorization decision (ClaimResponse) and the member's CS benefit accumulator (Basic). */
export const AUTHORIZATION_PROFILE = `${BASE}/StructureDefinition/referral-authorization`;
export const ACCUMULATOR_PROFILE = `${BASE}/StructureDefinition/cs-benefit-accumulator`;
export const TASK_CODE_SYSTEM = 'http://hl7.org/fhir/CodeSystem/task-code';

/** DHCS CLR "Referral Status" (valueSets/CodeSystem-referral-status.json). */
export const DHCS_STATUS_SYSTEM = `${BASE}/CodeSystem/referral-status`;
/** DHCS CLR "Reason for Referral Loop Closure" (valueSets/CodeSystem-loop-closure-reason.json). */
export const CLOSURE_REASON_SYSTEM = `${BASE}/CodeSystem/loop-closure-reason`;
/** CalAIM detail of the referral's business state, modelled on BSeR (valueSets/CodeSystem-referral-business-status.json). */
export const BUSINESS_STATUS_SYSTEM = `${BASE}/CodeSystem/referral-business-status`;
export const PROGRAM_SYSTEM = `${BASE}/CodeSystem/calaim-program`;
export const CS_SYSTEM = `${BASE}/CodeSystem/community-support`;
export const CIN_SYSTEM = `${BASE}/sid/cin`;
export const NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';

/** Extension on the referral Task naming the plan responsible for it; set by the server on create. */
export const PLAN_EXTENSION = `${BASE}/StructureDefinition/referral-plan`;
/** Extension on each referral Task version: the organization and client that wrote it (history is the audit trail). */
export const CHANGED_BY_EXTENSION = `${BASE}/StructureDefinition/referral-changed-by`;
/** Organization.meta.tag marking organizations the plan designated for ECM presumptive authorization (valueSets/CodeSystem-referral-designation.json). */
export const DESIGNATION_SYSTEM = `${BASE}/CodeSystem/referral-designation`;
export const PRESUMPTIVE_DESIGNATION = 'ecm-presumptive-authorization';
/** Task.meta.tag for members moving from JI reentry pre-release care management, no new eligibility determination (valueSets/CodeSystem-referral-flag.json). */
export const REFERRAL_FLAG_SYSTEM = `${BASE}/CodeSystem/referral-flag`;
export const JI_REENTRY_FLAG = 'ji-reentry-warm-handoff';

/** The authorization decision recorded on a ClaimResponse (extension, profiles/) and its code system (valueSets/CodeSystem-authorization-decision.json). */
export const DECISION_EXTENSION = `${BASE}/StructureDefinition/authorization-decision`;
export const DECISION_SYSTEM = `${BASE}/CodeSystem/authorization-decision`;
export const CHANGE_OF_CIRCUMSTANCES_EXTENSION = `${BASE}/StructureDefinition/change-of-circumstances`;
export const DECISIONS = ['approved', 'approved-modified', 'denied', 'presumptive'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Task output types, notification Communication category and reasons, and the accumulator's Basic.code (valueSets/CodeSystem-referral-workflow.json). */
export const WORKFLOW_SYSTEM = `${BASE}/CodeSystem/referral-workflow`;
export const NOTIFICATION_CATEGORY = 'referral-notification';

export const BUSINESS_STATUSES = [
  'received',
  'pending-authorization',
  'authorized',
  'authorized-modified',
  'authorized-presumptive',
  'presumptive-ended',
  'denied',
  'assigned',
  'member-contacted',
  'unable-to-reach',
  'declined',
  'services-received',
  'closed',
] as const;
export type BusinessStatus = (typeof BUSINESS_STATUSES)[number];
/** Detail codes only the server sets: an authorization decision ($authorize), presumptive designation, or a presumption's end. */
export const DECISION_BUSINESS_STATUSES: readonly string[] = ['authorized', 'authorized-modified', 'authorized-presumptive', 'denied', 'presumptive-ended'];

export function coding(system: string, code: string, display?: string): Coding {
  return display ? { system, code, display } : { system, code };
}

/** The first code of `system` in a CodeableConcept (or list of them). */
export function codeIn(concept: CodeableConcept | CodeableConcept[] | undefined, system: string): string | undefined {
  const list = Array.isArray(concept) ? concept : concept ? [concept] : [];
  for (const c of list) for (const cd of c.coding ?? []) if (cd.system === system && cd.code) return cd.code;
  return undefined;
}
