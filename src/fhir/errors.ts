// The one error type the server throws: an HTTP status plus a FHIR OperationOutcome.
import { OperationOutcomeError } from '@medplum/core';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

export type IssueCode = OperationOutcomeIssue['code'];

export class FhirError extends Error {
  readonly status: number;
  readonly outcome: OperationOutcome;
  /** Response headers the status needs (Allow on a 405). */
  readonly headers: Record<string, string>;

  constructor(status: number, outcome: OperationOutcome, headers: Record<string, string> = {}) {
    super(outcome.issue?.map((i) => i.diagnostics ?? i.details?.text).join('; ') || `HTTP ${status}`);
    this.status = status;
    this.outcome = outcome;
    this.headers = headers;
  }
}

export function outcome(issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

export function issue(code: IssueCode, diagnostics: string, expression?: string | string[], severity: OperationOutcomeIssue['severity'] = 'error'): OperationOutcomeIssue {
  const result: OperationOutcomeIssue = { severity, code, diagnostics };
  if (expression !== undefined) result.expression = Array.isArray(expression) ? expression : [expression];
  return result;
}

function fail(status: number, code: IssueCode) {
  return (diagnostics: string, expression?: string | string[]): FhirError => new FhirError(status, outcome([issue(code, diagnostics, expression)]));
}

export const badRequest = fail(400, 'invalid');
export const notFound = fail(404, 'not-found');
export const notAcceptable = fail(406, 'not-supported');
export const conflict = fail(409, 'conflict');
export const gone = fail(410, 'deleted');
export const preconditionFailed = fail(412, 'conflict');
export const payloadTooLarge = fail(413, 'too-costly');
export const unsupportedMediaType = fail(415, 'not-supported');
export const unprocessable = fail(422, 'processing');
export const notSupported = fail(501, 'not-supported');
/** A write that lost to concurrent transactions (deadlock, serialization failure) even after storage retried it. */
export const transientConflict = fail(409, 'transient');

/** SQLSTATEs of serialization failure and deadlock: the client may simply send the request again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/** 405 with the Allow header the HTTP spec requires: the methods the path does accept (HEAD wherever GET is). */
export function methodNotAllowed(diagnostics: string, allowed: string[]): FhirError {
  const methods = allowed.includes('GET') && !allowed.includes('HEAD') ? [...allowed, 'HEAD'] : allowed;
  return new FhirError(405, outcome([issue('not-supported', diagnostics)]), { Allow: methods.join(', ') });
}

/** 422 carrying the validator's own issues (each with its expression path). */
export function invalidResource(issues: OperationOutcomeIssue[]): FhirError {
  return new FhirError(422, outcome(issues));
}

export function informational(diagnostics: string): OperationOutcome {
  return outcome([issue('informational', diagnostics, undefined, 'information')]);
}

/** Maps anything thrown to a FhirError; unknown errors become 500 without internals. */
export function toFhirError(err: unknown, requestId: string): FhirError {
  if (err instanceof FhirError) return err;
  if (err instanceof OperationOutcomeError) {
    const codes = err.outcome.issue?.map((i) => i.code) ?? [];
    const status = codes.includes('not-found') ? 404 : codes.includes('conflict') ? 409 : 400;
    return new FhirError(status, err.outcome);
  }
  const sqlState = (err as { code?: unknown } | null)?.code;
  if (typeof sqlState === 'string' && RETRYABLE_SQLSTATES.has(sqlState)) {
    return transientConflict(`The request conflicted with concurrent writes and was rolled back; retry it (request id ${requestId})`);
  }
  return new FhirError(500, outcome([issue('exception', `Internal server error (request id ${requestId})`)]));
}
