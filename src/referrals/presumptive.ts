// ECM presumptive authorization: organizations the plan tagged may start ECM at once, for a limited period.
import { randomUUID } from 'node:crypto';
import type { ClaimResponse, Organization, Task } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { Repository } from '../storage/repository.js';
import { buildDecision, decisionOf } from './authorization.js';
import { DESIGNATION_SYSTEM, PRESUMPTIVE_DESIGNATION } from './codes.js';
import { organizationOf, refId } from './references.js';
import type { ReferralService } from './service.js';

const DAY_MS = 86_400_000;

export async function isDesignated(repo: Repository, ctx: RequestContext, task: Task): Promise<boolean> {
  const org = refId(await organizationOf(repo, ctx, task.requester), 'Organization');
  if (!org) return false;
  const current = await repo.readCurrent(ctx, 'Organization', org);
  const tags = (current?.resource as Organization | undefined)?.meta?.tag ?? [];
  return tags.some((t) => t.system === DESIGNATION_SYSTEM && t.code === PRESUMPTIVE_DESIGNATION);
}

/** The presumptive period runs from the referral date (when the provider started) for `days` days. */
export function presumptiveAuthorization(task: Task, service: ReferralService, days: number, now: Date): ClaimResponse {
  const start = task.authoredOn ? new Date(task.authoredOn) : now;
  const end = new Date(start.getTime() + days * DAY_MS);
  const period = { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
  return buildDecision(randomUUID(), task, service, { decision: 'presumptive', period, note: `ECM presumptive authorization until ${period.end}` }, now);
}

/** Expired when the day after the period's last day has begun (UTC, as the preauth-period search reads a date-only end). */
export function presumptionExpired(response: ClaimResponse, now: Date): boolean {
  const end = response.preAuthPeriod?.end;
  return !!end && now.toISOString().slice(0, 10) > end.slice(0, 10);
}

/** Whether a presumptive authorization linked from the Task (Task.insurance) has expired at ctx.now(). */
export async function presumptionEnded(repo: Repository, ctx: RequestContext, task: Task): Promise<boolean> {
  for (const ref of task.insurance ?? []) {
    const id = refId(ref.reference, 'ClaimResponse');
    const response = id ? ((await repo.readCurrent(ctx, 'ClaimResponse', id))?.resource as ClaimResponse | undefined) : undefined;
    if (response && decisionOf(response) === 'presumptive' && presumptionExpired(response, ctx.now())) return true;
  }
  return false;
}
