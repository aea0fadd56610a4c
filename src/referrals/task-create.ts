// Rules and server-set elements for a new referral Task: who may create it, its plan, deadline, presumptive authorization.
import type { Task } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { Repository } from '../storage/repository.js';
import { BUSINESS_STATUS_SYSTEM, codeIn, PLAN_EXTENSION, WORKFLOW_SYSTEM } from './codes.js';
import { eligibilityOutputs } from './eligibility.js';
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

export async function onCreate(repo: Repository, ctx: RequestContext, org: string, task: Task, service: ReferralService, policy: ReferralPolicy): Promise<void> {
  const retrospective = isOutsideClosedLoop(service);
  const allowed = retrospective ? [...CREATE_STATUSES, ...RETROSPECTIVE_CREATE] : CREATE_STATUSES;
  if (!allowed.includes(task.status)) {
    throw transitionConflict(`A referral Task is created as ${allowed.join(' or ')}, not ${task.status}`);
  }
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
  task.businessStatus = withBusinessStatus(task, detail);
  if (!retrospective) {
    const own = (task.output ?? []).filter((o) => !o.type?.coding?.some((c) => c.system === WORKFLOW_SYSTEM));
    const evaluated = await eligibilityOutputs(repo, ctx, task, service);
    if (own.length + evaluated.length) task.output = [...own, ...evaluated];
  }
}
