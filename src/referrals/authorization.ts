// Authorization decisions as ClaimResponse (use = preauthorization): approved, approved as modified, denied, presumptive.
import type { ClaimResponse, CodeableConcept, Money, Period, Task } from '@medplum/fhirtypes';
import { AUTHORIZATION_PROFILE, CHANGE_OF_CIRCUMSTANCES_EXTENSION, CS_SYSTEM, DECISION_EXTENSION, DECISION_SYSTEM, PROGRAM_SYSTEM, type Decision } from './codes.js';
import { planOf } from './roles.js';
import type { ReferralService } from './service.js';

export const DECISION_REASON_EXTENSION = `${DECISION_EXTENSION}-reason`;

export interface DecisionInput {
  decision: Decision;
  reason?: CodeableConcept;
  /** Authorized service period (dates); needed for day-counted caps. */
  period?: Period;
  /** Authorized amount; needed for dollar caps. */
  amount?: Money;
  /** Documentation of a change of circumstances, where policy allows an exception to a cap. */
  changeOfCircumstances?: string;
  note?: string;
}

const OUTCOME: Record<Decision, ClaimResponse['outcome']> = { approved: 'complete', 'approved-modified': 'partial', denied: 'complete', presumptive: 'queued' };

export function isApproval(decision: Decision): boolean {
  return decision === 'approved' || decision === 'approved-modified';
}

/** Task.businessStatus detail code a decision sets. */
export function businessStatusFor(decision: Decision): string {
  return { approved: 'authorized', 'approved-modified': 'authorized-modified', denied: 'denied', presumptive: 'authorized-presumptive' }[decision];
}

export function buildDecision(id: string, task: Task, service: ReferralService, input: DecisionInput, now: Date): ClaimResponse {
  // decide() refuses a service it cannot name, so there is no fallback here: a coding is only ever the service asked for.
  const serviceCoding = service.program === 'ecm' ? { system: PROGRAM_SYSTEM, code: 'ecm' } : { system: CS_SYSTEM, code: service.code };
  const extension: ClaimResponse['extension'] = [{ url: DECISION_EXTENSION, valueCodeableConcept: { coding: [{ system: DECISION_SYSTEM, code: input.decision }] } }];
  if (input.reason) extension.push({ url: DECISION_REASON_EXTENSION, valueCodeableConcept: input.reason });
  if (input.changeOfCircumstances) extension.push({ url: CHANGE_OF_CIRCUMSTANCES_EXTENSION, valueString: input.changeOfCircumstances });
  const response: ClaimResponse = {
    resourceType: 'ClaimResponse',
    id,
    meta: { profile: [AUTHORIZATION_PROFILE] },
    extension,
    status: 'active',
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
    use: 'preauthorization',
    patient: { reference: task.for?.reference },
    created: now.toISOString(),
    insurer: { reference: planOf(task) ?? task.owner?.reference },
    outcome: OUTCOME[input.decision],
    disposition: input.note ?? input.reason?.text ?? input.decision,
    preAuthRef: `PA-${id.slice(0, 8).toUpperCase()}`,
  };
  if (task.requester?.reference) response.requestor = { reference: task.requester.reference };
  if (input.period) response.preAuthPeriod = input.period;
  if (input.decision !== 'denied') {
    response.addItem = [
      {
        productOrService: { coding: [serviceCoding] },
        ...(input.period ? { servicedPeriod: input.period } : {}),
        ...(input.amount ? { net: input.amount } : {}),
        adjudication: [{ category: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adjudication', code: 'eligible' }] }, ...(input.amount ? { amount: input.amount } : {}) }],
      },
    ];
  }
  if (input.note) response.processNote = [{ text: input.note }];
  return response;
}

/** The presumptive period of the latest presumptive ClaimResponse, when one is linked. */
export function decisionOf(response: ClaimResponse): Decision | undefined {
  return response.extension?.find((e) => e.url === DECISION_EXTENSION)?.valueCodeableConcept?.coding?.find((c) => c.system === DECISION_SYSTEM)?.code as Decision | undefined;
}
