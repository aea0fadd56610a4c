// What a referral is for: the program (ECM or Community Supports) and service code of the Task's focus ServiceRequest.
import type { ServiceRequest, Task } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { Repository } from '../storage/repository.js';
import { codeIn, CS_SYSTEM, PROGRAM_SYSTEM, REFERRAL_TASK_PROFILE, TASK_CODE_SYSTEM } from './codes.js';
import { refId } from './references.js';

export interface ReferralService {
  program?: 'ecm' | 'community-supports';
  /** 'ecm' or the community-support code. */
  code?: string;
  display?: string;
  serviceRequest?: ServiceRequest;
}

/** A Task takes part in the referral workflow when it claims the referral profile or is a fulfill Task for a ServiceRequest. */
export function isReferralTask(task: Task): boolean {
  if (task.meta?.profile?.includes(REFERRAL_TASK_PROFILE)) return true;
  const fulfill = task.code?.coding?.some((c) => c.system === TASK_CODE_SYSTEM && c.code === 'fulfill');
  return !!fulfill && /(^|\/)ServiceRequest\//.test(task.focus?.reference ?? '');
}

export function serviceOf(sr: ServiceRequest | undefined): ReferralService {
  if (!sr) return {};
  const cs = codeIn(sr.code, CS_SYSTEM);
  if (cs) return { program: 'community-supports', code: cs, display: sr.code?.coding?.find((c) => c.code === cs)?.display ?? sr.code?.text, serviceRequest: sr };
  const program = codeIn(sr.code, PROGRAM_SYSTEM) ?? codeIn(sr.category, PROGRAM_SYSTEM);
  if (program === 'ecm') return { program: 'ecm', code: 'ecm', display: 'Enhanced Care Management', serviceRequest: sr };
  return { program: program === 'community-supports' ? 'community-supports' : undefined, serviceRequest: sr };
}

export async function referralService(repo: Repository, ctx: RequestContext, task: Task): Promise<ReferralService> {
  const id = refId(task.focus?.reference, 'ServiceRequest');
  if (!id) return {};
  const current = await repo.readCurrent(ctx, 'ServiceRequest', id);
  return serviceOf(current?.resource as ServiceRequest | undefined);
}

/** Sobering centers are authorized retrospectively and sit outside closed-loop tracking (DHCS CLR FAQ). */
export function isOutsideClosedLoop(service: ReferralService): boolean {
  return service.code === 'sobering-center';
}
