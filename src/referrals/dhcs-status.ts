// The DHCS CLR "Referral Status" a Task reports, derived from Task.status and businessStatus so it cannot drift.
import type { CodeableConcept, Coding, Task } from '@medplum/fhirtypes';
import { BUSINESS_STATUS_SYSTEM, codeIn, DHCS_STATUS_SYSTEM } from './codes.js';

const DISPLAY: Record<string, string> = { pending: 'Pending', accepted: 'Accepted', declined: 'Declined', closed: 'Closed' };

/** Declined when the plan denied or the member/provider declined; other closings are Closed. */
export function dhcsStatus(task: Task): string | undefined {
  const business = codeIn(task.businessStatus, BUSINESS_STATUS_SYSTEM);
  switch (task.status) {
    case 'requested':
      return 'pending';
    case 'accepted':
    case 'in-progress':
    case 'on-hold':
      return business === 'denied' ? 'declined' : 'accepted';
    case 'rejected':
      return 'declined';
    case 'completed':
    case 'failed':
    case 'cancelled':
      return business === 'denied' || business === 'declined' ? 'declined' : 'closed';
    default:
      return undefined;
  }
}

/**
 * businessStatus with the given CalAIM detail code (when set) and the derived DHCS coding, other codings kept. A
 * referral outside closed-loop tracking (sobering centers) reports no DHCS status: it is not a CLR referral.
 */
export function withBusinessStatus(task: Task, detail?: string, outsideClosedLoop = false): CodeableConcept | undefined {
  const keep = (task.businessStatus?.coding ?? []).filter((c) => c.system !== DHCS_STATUS_SYSTEM && (detail === undefined || c.system !== BUSINESS_STATUS_SYSTEM));
  const codings: Coding[] = [];
  if (detail) codings.push({ system: BUSINESS_STATUS_SYSTEM, code: detail });
  codings.push(...keep);
  const dhcs = outsideClosedLoop ? undefined : dhcsStatus({ ...task, businessStatus: { coding: codings } });
  if (dhcs) codings.push({ system: DHCS_STATUS_SYSTEM, code: dhcs, display: DISPLAY[dhcs] });
  if (codings.length === 0) return undefined;
  const text = task.businessStatus?.text;
  return text && detail === undefined ? { coding: codings, text } : { coding: codings };
}
