// Communications the plan owes members and referrers (authorization, assignment, denial, closure), built from a Task change.
import type { Communication, Task } from '@medplum/fhirtypes';
import { BUSINESS_STATUS_SYSTEM, CLOSURE_REASON_SYSTEM, codeIn, NOTIFICATION_CATEGORY, WORKFLOW_SYSTEM } from './codes.js';
import { planOf } from './roles.js';
import type { ReferralService } from './service.js';
import { CLOSING } from './transitions.js';

export type NotificationEvent = 'authorization' | 'assignment' | 'denial' | 'closure';

const AUTHORIZED = ['authorized', 'authorized-modified', 'authorized-presumptive'];

/** The events a write causes, comparing the stored Task with the one being written. */
export function notificationEvents(next: Task, previous: Task | undefined): NotificationEvent[] {
  const events: NotificationEvent[] = [];
  const now = codeIn(next.businessStatus, BUSINESS_STATUS_SYSTEM);
  const before = previous ? codeIn(previous.businessStatus, BUSINESS_STATUS_SYSTEM) : undefined;
  if (now !== before && now && AUTHORIZED.includes(now)) events.push('authorization');
  if (previous?.owner?.reference && next.owner?.reference && previous.owner.reference !== next.owner.reference) events.push('assignment');
  const denied = (now === 'denied' && before !== 'denied') || (next.status === 'rejected' && previous?.status !== 'rejected');
  if (denied) events.push('denial');
  else if (CLOSING.includes(next.status) && next.status !== previous?.status) events.push('closure');
  return events;
}

function text(event: NotificationEvent, task: Task, service: ReferralService): string {
  const what = service.display ?? 'the referred service';
  const reason = task.statusReason?.text ?? task.statusReason?.coding?.find((c) => c.system === CLOSURE_REASON_SYSTEM)?.display ?? codeIn(task.statusReason, CLOSURE_REASON_SYSTEM);
  switch (event) {
    case 'authorization':
      return `The referral for ${what} was authorized by the plan.`;
    case 'assignment':
      return `The referral for ${what} was assigned to ${task.owner?.display ?? task.owner?.reference}.`;
    case 'denial':
      return `The referral for ${what} was not authorized. Reason: ${reason ?? 'not stated'}.`;
    case 'closure':
      return `The referral loop for ${what} was closed (${task.status}). Reason: ${reason ?? 'not stated'}.`;
  }
}

/** Member and referrer for authorization, assignment and denial; the referrer for closure (DHCS CLR notification duties). */
export function buildNotification(event: NotificationEvent, task: Task, service: ReferralService, sent: Date): Communication {
  const recipients: NonNullable<Communication['recipient']> = [];
  if (event !== 'closure' && task.for?.reference) recipients.push({ reference: task.for.reference });
  if (task.requester?.reference) recipients.push({ reference: task.requester.reference });
  const plan = planOf(task);
  const comm: Communication = {
    resourceType: 'Communication',
    status: 'completed',
    category: [{ coding: [{ system: WORKFLOW_SYSTEM, code: NOTIFICATION_CATEGORY }] }],
    reasonCode: [{ coding: [{ system: WORKFLOW_SYSTEM, code: event }] }],
    about: [{ reference: `Task/${task.id}` }],
    sent: sent.toISOString(),
    recipient: recipients,
    payload: [{ contentString: text(event, task, service) }],
  };
  if (task.for?.reference) comm.subject = { reference: task.for.reference };
  if (task.focus?.reference) comm.basedOn = [{ reference: task.focus.reference }];
  if (plan) comm.sender = { reference: plan };
  return comm;
}
