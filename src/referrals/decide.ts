// Records a plan's authorization decision on a referral: caps, the ClaimResponse, the Task's status and business status.
import { randomUUID } from 'node:crypto';
import type { ClaimResponse, Task } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { notFound, preconditionFailed, unprocessable } from '../fhir/errors.js';
import type { Repository } from '../storage/repository.js';
import { appendUse, ensureAccumulator, readAccumulator } from './accumulator.js';
import { buildDecision, businessStatusFor, isApproval, type DecisionInput } from './authorization.js';
import { CAP_RULES } from './cap-rules.js';
import { checkCaps, toCents } from './caps.js';
import { BUSINESS_STATUS_SYSTEM, CLOSURE_REASON_SYSTEM, codeIn, CS_SYSTEM, PROGRAM_SYSTEM } from './codes.js';
import { businessRule, forbidden, transitionConflict } from './errors.js';
import { refId } from './references.js';
import { callerOrganization, rolesOn } from './roles.js';
import { isOutsideClosedLoop, isReferralTask, referralService } from './service.js';

export const DECISION_WORKFLOW = 'authorization-decision';
const DECIDABLE: Task['status'][] = ['requested', 'accepted', 'in-progress', 'on-hold'];

export interface DecisionResult {
  authorization: ClaimResponse;
  task: Task;
}

async function loadTask(repo: Repository, ctx: RequestContext, taskId: string, ifMatch: string | undefined): Promise<Task> {
  const current = await repo.readCurrent(ctx, 'Task', taskId);
  if (!current?.resource || current.deleted) throw notFound(`Task/${taskId} not found`);
  if (ifMatch !== undefined && ifMatch !== current.versionId) throw preconditionFailed(`If-Match version ${ifMatch} does not match current version ${current.versionId} of Task/${taskId}`);
  const task = current.resource as Task;
  if (!isReferralTask(task)) throw unprocessable(`Task/${taskId} is not a referral Task`, 'Task');
  return task;
}

function nextStatus(task: Task, approve: boolean, retrospective: boolean): Task['status'] {
  if (retrospective) return task.status;
  if (approve) return task.status === 'requested' ? 'accepted' : task.status;
  return task.status === 'requested' ? 'rejected' : 'cancelled';
}

/** Only the plan decides. Prepares the member's accumulator outside the decision's own transaction. */
export async function prepareDecision(repo: Repository, ctx: RequestContext, taskId: string): Promise<void> {
  const task = await loadTask(repo, ctx, taskId, undefined);
  const patientId = refId(task.for?.reference, 'Patient');
  // Only capped services append to the member's accumulator; the others need no row to serialise on.
  const service = await referralService(repo, ctx, task);
  if (patientId && CAP_RULES.some((r) => service.code !== undefined && r.services.includes(service.code))) await ensureAccumulator(repo, ctx, patientId);
}

export async function decide(repo: Repository, callerCtx: RequestContext, taskId: string, input: DecisionInput, ifMatch: string | undefined): Promise<DecisionResult> {
  const ctx: RequestContext = { ...callerCtx, workflow: DECISION_WORKFLOW };
  const task = await loadTask(repo, ctx, taskId, ifMatch);
  const org = callerOrganization(ctx);
  if (!(await rolesOn(repo, ctx, task, org)).has('plan')) throw forbidden(`Only the plan responsible for Task/${taskId} may record an authorization decision; the caller is ${org}`);
  const service = await referralService(repo, ctx, task);
  const retrospective = isOutsideClosedLoop(service);
  if (!DECIDABLE.includes(task.status) && !(retrospective && task.status === 'completed')) {
    throw transitionConflict(`A ${task.status} referral cannot receive an authorization decision. Current status: ${task.status}; decisions are taken while ${DECIDABLE.join(', ')}`);
  }
  if (input.decision === 'presumptive') throw unprocessable('Presumptive authorization is granted by designation, not by decision', 'decision');
  // The ClaimResponse names the service it decides; one the server cannot name is refused, never recorded as another (ECM).
  if (!service.code) {
    throw unprocessable(
      `Task/${taskId} asks for no service the plan can name: ${task.focus?.reference ?? 'its focus'} needs ServiceRequest.code from ${CS_SYSTEM} (a Community Support) or ${PROGRAM_SYSTEM}#ecm`,
      'Task.focus.resolve().code',
    );
  }
  const approve = isApproval(input.decision);
  if (!approve && !codeIn(input.reason, CLOSURE_REASON_SYSTEM)) throw unprocessable(`A denial needs a reason from ${CLOSURE_REASON_SYSTEM}`, 'reason');
  const id = randomUUID();
  const patientId = refId(task.for?.reference, 'Patient');
  if (approve && service.program === 'community-supports' && service.code && patientId) {
    const ledger = await readAccumulator(repo, ctx, patientId);
    const request = { service: service.code, start: input.period?.start, end: input.period?.end, cents: toCents(input.amount?.value), changeOfCircumstances: !!input.changeOfCircumstances };
    const refusal = checkCaps(CAP_RULES, ledger.uses, request);
    if (refusal) throw businessRule(refusal.status, refusal.message, refusal.expression);
    if (CAP_RULES.some((r) => r.services.includes(request.service))) await appendUse(repo, ctx, ledger, { ...request, authorization: `ClaimResponse/${id}` });
  }
  const authorization = await repo.create(ctx, buildDecision(id, task, service, input, ctx.now()), { id });
  const next: Task = {
    ...task,
    status: nextStatus(task, approve, retrospective),
    insurance: [...(task.insurance ?? []), { reference: `ClaimResponse/${id}` }],
    businessStatus: { coding: [...(task.businessStatus?.coding ?? []).filter((c) => c.system !== BUSINESS_STATUS_SYSTEM), { system: BUSINESS_STATUS_SYSTEM, code: businessStatusFor(input.decision) }] },
  };
  if (!approve) next.statusReason = input.reason;
  const { resource } = await repo.update(ctx, next, { ifMatch: task.meta?.versionId });
  return { authorization, task: resource as Task };
}
