// Rules and server-set elements for a new referral Task: who may create it, its plan, deadline, presumptive authorization.
import type { Task } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { Repository } from '../storage/repository.js';
import { unprocessable } from '../fhir/errors.js';
import { BUSINESS_STATUS_SYSTEM, codeIn, CS_SYSTEM, DECISION_BUSINESS_STATUSES, PLAN_EXTENSION, WORKFLOW_SYSTEM } from './codes.js';
import { eligibilityOutputs, type EligibilityCaches } from './eligibility.js';
import { withBusinessStatus } from './dhcs-status.js';
import { decisionDeadline } from './deadlines.js';
import { forbidden, transitionConflict } from './errors.js';
import type { ReferralPolicy } from './policy.js';
import { isDesignated, presumptiveAuthorization } from './presumptive.js';
import { organizationOf, refId } from './references.js';
import { planOf, rolesOn } from './roles.js';
import { isOutsideClosedLoop, type ReferralService } from './service.js';
import { CREATE_STATUSES, RETROSPECTIVE_CREATE, TERMINAL } from './transitions.js';

async function parentOf(repo: Repository, ctx: RequestContext, task: Task): Promise<Task | undefined> {
  const ref = task.partOf?.[0]?.reference;
  if (!ref) return undefined;
  const id = refId(ref, 'Task');
  const current = id ? await repo.readCurrent(ctx, 'Task', id) : undefined;
  if (!current?.resource) throw transitionConflict(`partOf ${ref} is not a Task on this server`, 'Task.partOf');
  return current.resource as Task;
}

export interface CreateInput {
  repo: Repository;
  ctx: RequestContext;
  policy: ReferralPolicy;
  org: string;
  eligibility: EligibilityCaches;
}

/** What a submitted referral may not claim: a status past the state machine's start, a server-owned business status, a service the plan cannot name. */
function checkSubmission(task: Task, service: ReferralService): void {
  const allowed = isOutsideClosedLoop(service) ? [...CREATE_STATUSES, ...RETROSPECTIVE_CREATE] : CREATE_STATUSES;
  if (!allowed.includes(task.status)) {
    throw transitionConflict(`A referral Task is created as ${allowed.join(' or ')}, not ${task.status}`);
  }
  // As on update: decisions are recorded by $authorize (or presumptive designation), never claimed by the referrer.
  const detail = codeIn(task.businessStatus, BUSINESS_STATUS_SYSTEM);
  if (detail && DECISION_BUSINESS_STATUSES.includes(detail)) {
    throw unprocessable(`businessStatus ${detail} records an authorization decision; a referral is submitted undecided and the plan decides with POST Task/[id]/$authorize`, 'Task.businessStatus');
  }
  // A decision names the service it authorizes; a Community Supports referral that names none could only be decided as something else.
  if (service.program === 'community-supports' && !service.code) {
    throw unprocessable(
      `${task.focus?.reference} is a Community Supports referral without a Community Support: ServiceRequest.code needs a code from ${CS_SYSTEM}`,
      'Task.focus.resolve().code',
    );
  }
}

export async function onCreate(input: CreateInput, task: Task, service: ReferralService): Promise<void> {
  const { repo, ctx, org, policy } = input;
  checkSubmission(task, service);
  const retrospective = isOutsideClosedLoop(service);
  const roles = await rolesOn(repo, ctx, task, org);
  if (!roles.has('requester')) throw forbidden(`Only the requester's organization may create a referral Task (caller ${org}, requester ${task.requester?.reference ?? 'none'})`, 'Task.requester');
  const parent = await parentOf(repo, ctx, task);
  if (parent) {
    if (TERMINAL.includes(parent.status)) throw transitionConflict(`Parent Task/${parent.id} is ${parent.status}; no new child referrals`, 'Task.partOf');
    const parentRoles = await rolesOn(repo, ctx, parent, org);
    if (!parentRoles.has('owner') && !parentRoles.has('plan')) throw forbidden(`Only the owner or plan of Task/${parent.id} may split it into child referrals`, 'Task.partOf');
  }
  const now = ctx.now();
  const plan = (parent && planOf(parent)) ?? (await organizationOf(repo, ctx, task.owner)) ?? planOf(task);
  task.extension = (task.extension ?? []).filter((e) => e.url !== PLAN_EXTENSION);
  if (plan) task.extension.push({ url: PLAN_EXTENSION, valueReference: { reference: plan } });
  if (task.extension.length === 0) delete task.extension;
  if (task.status === 'requested' && !retrospective) task.restriction = { ...task.restriction, period: { start: now.toISOString(), end: decisionDeadline(task, now, policy).toISOString() } };
  task.lastModified = now.toISOString();
  let detail = codeIn(task.businessStatus, BUSINESS_STATUS_SYSTEM) ?? (retrospective && task.status === 'completed' ? 'services-received' : 'received');
  if (service.program === 'ecm' && task.status === 'requested' && (await isDesignated(repo, ctx, task))) {
    const decision = presumptiveAuthorization(task, service, policy.presumptiveDays, now);
    await repo.create(ctx, decision, { id: decision.id });
    task.insurance = [...(task.insurance ?? []), { reference: `ClaimResponse/${decision.id}` }];
    detail = 'authorized-presumptive';
  }
  task.businessStatus = withBusinessStatus(task, detail, retrospective);
  if (!retrospective) {
    const own = (task.output ?? []).filter((o) => !o.type?.coding?.some((c) => c.system === WORKFLOW_SYSTEM));
    const evaluated = await eligibilityOutputs(repo, ctx, task, service, input.eligibility);
    if (own.length + evaluated.length) task.output = [...own, ...evaluated];
  }
}
