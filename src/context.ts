// The request context: who is calling and for which request; passed explicitly down to storage.

export interface Caller {
  /** OAuth client id (SMART backend services) or a configured development identity. */
  clientId: string;
  /** Reference to the caller's Organization, e.g. "Organization/plan-a". */
  organization?: string;
  /** Granted scopes, e.g. "system/*.rs". */
  scopes: string[];
}

export interface RequestContext {
  requestId: string;
  caller: Caller;
  /** The clock; injectable so tests and batch jobs can pin time. */
  now: () => Date;
  /** Set when a server-side workflow step (e.g. an authorization decision) writes on the caller's behalf, so write hooks can tell it from a client write. */
  workflow?: string;
}

export function systemContext(requestId = 'system'): RequestContext {
  return { requestId, caller: { clientId: 'system', scopes: ['system/*.*'] }, now: () => new Date() };
}
