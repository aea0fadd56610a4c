// Which roles the caller holds on a referral Task, from the caller's organization in the request context.
import type { Task } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { forbidden } from './errors.js';
import type { Repository } from '../storage/repository.js';
import { PLAN_EXTENSION } from './codes.js';
import { localRef, organizationOf } from './references.js';
import type { Role } from './transitions.js';

export function planOf(task: Task): string | undefined {
  return localRef(task.extension?.find((e) => e.url === PLAN_EXTENSION)?.valueReference?.reference);
}

/** The caller's organization as "Organization/id"; refuses callers without one (no header, no DEFAULT_ORGANIZATION). */
export function callerOrganization(ctx: RequestContext): string {
  const org = localRef(ctx.caller.organization) ?? (ctx.caller.organization && /^[A-Za-z0-9\-.]{1,64}$/.test(ctx.caller.organization) ? `Organization/${ctx.caller.organization}` : undefined);
  if (!org) throw forbidden('Referral Tasks need the caller\'s organization (from authentication; in development DEFAULT_ORGANIZATION or, with DEV_ORG_HEADER=true, the X-Calaim-Organization header)');
  return org;
}

/** The roles `org` holds on the Task as it stands (previous version for updates). */
export async function rolesOn(repo: Repository, ctx: RequestContext, task: Task, org: string): Promise<Set<Role>> {
  const roles = new Set<Role>();
  if ((await organizationOf(repo, ctx, task.requester)) === org) roles.add('requester');
  if ((await organizationOf(repo, ctx, task.owner)) === org) roles.add('owner');
  if (planOf(task) === org) roles.add('plan');
  return roles;
}
