// The referral Task state machine as data: the Gravity SDOH referral transitions and which party may make each.
import type { Task } from '@medplum/fhirtypes';

export type TaskStatus = Task['status'];
/** requester: the referring organization; owner: the organization the Task is assigned to; plan: the plan responsible for it. */
export type Role = 'requester' | 'owner' | 'plan';

/** Statuses of the SDOH referral value set (R4 task-status without ready and received). */
export const REFERRAL_STATUSES: TaskStatus[] = ['draft', 'requested', 'accepted', 'rejected', 'cancelled', 'in-progress', 'on-hold', 'failed', 'completed', 'entered-in-error'];

/** Statuses a Task may be created in, and by whom (sobering centers are recorded after the fact: see RETROSPECTIVE_CREATE). */
export const CREATE_STATUSES: TaskStatus[] = ['draft', 'requested'];
export const RETROSPECTIVE_CREATE: TaskStatus[] = ['completed'];
export const CREATE_ROLES: Role[] = ['requester'];

/** Closing statuses need a Reason for Referral Loop Closure in statusReason. */
export const CLOSING: TaskStatus[] = ['completed', 'rejected', 'cancelled', 'failed'];
/** Nothing may change once a Task is here, except marking it entered-in-error (from the closing ones). */
export const TERMINAL: TaskStatus[] = [...CLOSING, 'entered-in-error'];

const ANY_PARTY: Role[] = ['requester', 'owner', 'plan'];

/** from -> to -> who may. Updates that keep the status are in SAME_STATUS_EDITORS. */
export const TRANSITIONS: Partial<Record<TaskStatus, Partial<Record<TaskStatus, Role[]>>>> = {
  draft: { requested: ['requester'], 'entered-in-error': ['requester'] },
  requested: { accepted: ['owner'], rejected: ['owner'], cancelled: ANY_PARTY, 'entered-in-error': ['requester'] },
  accepted: { 'in-progress': ['owner'], 'on-hold': ['owner'], completed: ['owner'], failed: ['owner'], cancelled: ANY_PARTY, 'entered-in-error': ['requester'] },
  'in-progress': { 'on-hold': ['owner'], completed: ['owner'], failed: ['owner'], cancelled: ANY_PARTY, 'entered-in-error': ['requester'] },
  'on-hold': { 'in-progress': ['owner'], completed: ['owner'], failed: ['owner'], cancelled: ANY_PARTY, 'entered-in-error': ['requester'] },
  completed: { 'entered-in-error': ['requester'] },
  rejected: { 'entered-in-error': ['requester'] },
  cancelled: { 'entered-in-error': ['requester'] },
  failed: { 'entered-in-error': ['requester'] },
};

/** Who may change other elements while the status stays the same (terminal Tasks are frozen). */
export const SAME_STATUS_EDITORS: Partial<Record<TaskStatus, Role[]>> = {
  draft: ['requester'],
  requested: ['requester', 'owner', 'plan'],
  accepted: ['owner', 'plan'],
  'in-progress': ['owner', 'plan'],
  'on-hold': ['owner', 'plan'],
};

/** Only the plan may move a Task to another owner (assignment to the ECM/CS provider, or reassignment). */
export const OWNER_CHANGE_ROLES: Role[] = ['plan'];

export function allowedNext(from: TaskStatus): TaskStatus[] {
  return Object.keys(TRANSITIONS[from] ?? {}) as TaskStatus[];
}

export function rolesFor(from: TaskStatus, to: TaskStatus): Role[] | undefined {
  return from === to ? SAME_STATUS_EDITORS[from] : TRANSITIONS[from]?.[to];
}
