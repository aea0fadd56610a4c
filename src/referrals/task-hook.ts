// The referral Task write step: enforces the workflow on every write of a referral Task and records the notifications it owes.
import type { Resource, Task } from '@medplum/fhirtypes';
import type { VersionedCache } from '../content/versioned-cache.js';
import { ruleSetCache } from '../eligibility/current-rules.js';
import { conflict, unprocessable } from '../fhir/errors.js';
import type { SearchParameterRegistry } from '../search/parameters.js';
import { noExpansion, type SearchServices } from '../search/service.js';
import type { WriteHooks } from '../storage/repository.js';
import { CHANGED_BY_EXTENSION } from './codes.js';
import type { EligibilityCaches } from './eligibility.js';
import { buildNotification, notificationEvents } from './notifications.js';
import type { ReferralPolicy } from './policy.js';
import { organizationOf } from './references.js';
import { callerOrganization } from './roles.js';
import { isOutsideClosedLoop, isReferralTask, referralService } from './service.js';
import { onCreate } from './task-create.js';
import { onUpdate } from './task-update.js';
import { REFERRAL_STATUSES } from './transitions.js';

export interface ReferralHookOptions {
  policy: ReferralPolicy;
  parameters: SearchParameterRegistry;
  /** The server's conformance cache, where the eligibility rules' ValueSets compile (the hook sees a repository bound to each write). */
  conformanceCache?: VersionedCache;
}

/** Who made this version, kept on the version itself so Task/[id]/_history is the audit trail. */
function stampChangedBy(task: Task, org: string, clientId: string): void {
  const others = (task.extension ?? []).filter((e) => e.url !== CHANGED_BY_EXTENSION);
  task.extension = [...others, { url: CHANGED_BY_EXTENSION, extension: [{ url: 'organization', valueReference: { reference: org } }, { url: 'client', valueString: clientId }] }];
}

export function referralTaskHook(options: ReferralHookOptions): WriteHooks {
  const search: SearchServices = { parameters: options.parameters, expand: noExpansion };
  const eligibility: EligibilityCaches = { rules: ruleSetCache(), conformance: options.conformanceCache };
  return {
    async beforeWrite(ctx, resource: Resource, previous, write) {
      if (resource.resourceType !== 'Task') return;
      const task = resource as Task;
      const prev = previous?.resourceType === 'Task' ? (previous as Task) : undefined;
      if (!isReferralTask(task) && !(prev && isReferralTask(prev))) return;
      // Server-internal loads (demo data) run as the system with no organization: a new Task gets the server-kept elements as if its requester wrote it.
      const system = ctx.caller.clientId === 'system' && !ctx.caller.organization;
      if (system && prev) return;
      const org = system ? ((await organizationOf(write.repo, ctx, task.requester)) ?? 'Organization/unknown') : callerOrganization(ctx);
      if (!REFERRAL_STATUSES.includes(task.status)) {
        throw unprocessable(`Task.status ${task.status} is not a referral status (allowed: ${REFERRAL_STATUSES.join(', ')})`, 'Task.status');
      }
      const service = await referralService(write.repo, ctx, task);
      // A Task that becomes a referral Task (focus or profile added) is a new referral: it meets the rules of a submission.
      if (prev && isReferralTask(prev)) await onUpdate({ repo: write.repo, ctx, search, policy: options.policy, org, clientIfMatch: write.clientIfMatch }, prev, task, service);
      else await onCreate({ repo: write.repo, ctx, policy: options.policy, org, eligibility }, task, service);
      stampChangedBy(task, org, ctx.caller.clientId);
      if (isOutsideClosedLoop(service)) return;
      for (const event of notificationEvents(task, prev)) await write.repo.create(ctx, buildNotification(event, task, service, ctx.now()));
    },
    beforeDelete(_ctx, previous: Resource) {
      // The loop must stay auditable: a referral ends through its status (entered-in-error, cancelled), never by deletion.
      if (previous.resourceType === 'Task' && isReferralTask(previous as Task)) {
        throw conflict('A referral Task cannot be deleted; the requester marks it entered-in-error or cancelled instead', 'Task');
      }
    },
  };
}
