// Rules for a change to a referral Task: If-Match, the transition table, roles, fixed elements, loop-closure reason, partOf closure.
import type { Task } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { unprocessable } from '../fhir/errors.js';
import type { SearchServices } from '../search/service.js';
import type { Repository } from '../storage/repository.js';
import { openChildren } from './children.js';
import { BUSINESS_STATUS_SYSTEM, CLOSURE_REASON_SYSTEM, codeIn, DECISION_BUSINESS_STATUSES, PLAN_EXTENSION } from './codes.js';
import { withBusinessStatus } from './dhcs-status.js';
import { decisionDeadline } from './deadlines.js';
import { forbidden, preconditionRequired, transitionConflict } from './errors.js';
import type { ReferralPolicy } from './policy.js';
import { presumptionEnded } from './presumptive.js';
import { rolesOn } from './roles.js';
import { isOutsideClosedLoop, type ReferralService } from './service.js';
import { allowedNext, CLOSING, OWNER_CHANGE_ROLES, rolesFor, TRANSITIONS, type Role } from './transitions.js';

/** Elements fixed at creation: changing them would make it another referral. */
const FIXED: (keyof Task)[] = ['for', 'focus', 'requester', 'partOf', 'intent', 'authoredOn'];

export interface UpdateInput {
  repo: Repository;
  ctx: RequestContext;
  search: SearchServices;
  policy: ReferralPolicy;
  org: string;
  clientIfMatch?: string;
}

function describeRoles(roles: Set<Role>): string {
  return roles.size ? [...roles].join(' and ') : 'no party to this referral';
}

function nextSummary(task: Task): string {
  const next = allowedNext(task.status);
  const parts = next.map((s) => `${s} (by ${TRANSITIONS[task.status]?.[s]?.join('/')})`);
  return parts.length ? parts.join(', ') : 'none (the Task is closed)';
}

function checkTransition(prev: Task, next: Task, roles: Set<Role>): void {
  const who = rolesFor(prev.status, next.status);
  if (!who) {
    const verb = prev.status === next.status ? `A ${prev.status} referral Task cannot be changed` : `Task status cannot go from ${prev.status} to ${next.status}`;
    throw transitionConflict(`${verb}. Current status: ${prev.status}; allowed next: ${nextSummary(prev)}`);
  }
  if (!who.some((r) => roles.has(r))) {
    const action = prev.status === next.status ? `change a ${prev.status} Task` : `move it from ${prev.status} to ${next.status}`;
    throw forbidden(`Only the ${who.join(' or ')} organization may ${action}; the caller is ${describeRoles(roles)}. Current status: ${prev.status}; allowed next: ${nextSummary(prev)}`, 'Task.status');
  }
  if (prev.owner?.reference !== next.owner?.reference && !OWNER_CHANGE_ROLES.some((r) => roles.has(r))) {
    throw forbidden(`Only the plan may assign or reassign the owner; the caller is ${describeRoles(roles)}`, 'Task.owner');
  }
}

function checkFixed(prev: Task, next: Task): void {
  for (const key of FIXED) {
    if (JSON.stringify(prev[key] ?? null) !== JSON.stringify(next[key] ?? null)) throw unprocessable(`Task.${key} is fixed once the referral exists`, `Task.${key}`);
  }
}

export function requireClosureReason(task: Task): void {
  if (CLOSING.includes(task.status) && !codeIn(task.statusReason, CLOSURE_REASON_SYSTEM)) {
    throw unprocessable(`A referral Task cannot be ${task.status} without a Reason for Referral Loop Closure: statusReason needs a code from ${CLOSURE_REASON_SYSTEM}`, 'Task.statusReason');
  }
}

/** Business status when the writer did not pick one: assignment, or what the closing status implies. */
function impliedDetail(prev: Task, next: Task, detail: string | undefined): string | undefined {
  const prevDetail = codeIn(prev.businessStatus, BUSINESS_STATUS_SYSTEM);
  if (detail !== prevDetail) return detail;
  if (next.status === 'rejected' && prev.status !== 'rejected') return 'declined';
  if (CLOSING.includes(next.status) && next.status !== prev.status) return codeIn(next.statusReason, CLOSURE_REASON_SYSTEM) === 'services-received' ? 'services-received' : 'closed';
  if (prev.owner?.reference !== next.owner?.reference && next.owner?.reference) return 'assigned';
  return detail;
}

export async function onUpdate(input: UpdateInput, prev: Task, next: Task, service: ReferralService): Promise<void> {
  const { repo, ctx, org } = input;
  const byDecision = ctx.workflow === 'authorization-decision';
  if (input.clientIfMatch === undefined && !byDecision) throw preconditionRequired(`Updates to referral Tasks must carry If-Match with the version they were made from (current: W/"${prev.meta?.versionId}")`);
  const roles = await rolesOn(repo, ctx, prev, org);
  if (!byDecision) checkTransition(prev, next, roles);
  checkFixed(prev, next);
  const outside = isOutsideClosedLoop(service);
  if (!outside) requireClosureReason(next);
  let detail = codeIn(next.businessStatus, BUSINESS_STATUS_SYSTEM);
  const prevDetail = codeIn(prev.businessStatus, BUSINESS_STATUS_SYSTEM);
  if (!byDecision && detail !== prevDetail && detail && DECISION_BUSINESS_STATUSES.includes(detail)) {
    throw unprocessable(`businessStatus ${detail} records an authorization decision; the plan sets it with POST Task/${prev.id}/$authorize`, 'Task.businessStatus');
  }
  if (CLOSING.includes(next.status) && next.status !== prev.status && prev.id) {
    const open = await openChildren(input.search, repo, ctx, prev.id);
    if (open.length) throw transitionConflict(`Task/${prev.id} has open child referrals (${open.map((t) => `Task/${t.id} ${t.status}`).join(', ')}); close them first`, 'Task.status');
  }
  if (!byDecision && detail === 'authorized-presumptive' && (await presumptionEnded(repo, ctx, next))) detail = 'presumptive-ended';
  detail = impliedDetail(prev, next, detail);
  // Server-kept elements: the plan, the decision deadline, and the Date of Referral Status Update.
  next.extension = [...(next.extension ?? []).filter((e) => e.url !== PLAN_EXTENSION), ...(prev.extension ?? []).filter((e) => e.url === PLAN_EXTENSION)];
  if (next.extension.length === 0) delete next.extension;
  if (prev.status === 'draft' && next.status === 'requested' && !outside) {
    const now = ctx.now();
    next.restriction = { ...next.restriction, period: { start: now.toISOString(), end: decisionDeadline(next, now, input.policy).toISOString() } };
  } else if (prev.restriction?.period) next.restriction = { ...next.restriction, period: prev.restriction.period };
  next.businessStatus = withBusinessStatus(next, detail, outside);
  const changed = prev.status !== next.status || JSON.stringify(prev.businessStatus ?? null) !== JSON.stringify(next.businessStatus ?? null);
  next.lastModified = changed ? ctx.now().toISOString() : prev.lastModified;
  if (!next.lastModified) delete next.lastModified;
}
