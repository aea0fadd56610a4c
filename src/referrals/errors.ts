// Workflow refusals not covered by the shared helpers: 403 for the wrong party, 428 for a missing If-Match.
import { FhirError, issue, outcome } from '../fhir/errors.js';

export function forbidden(diagnostics: string, expression?: string): FhirError {
  return new FhirError(403, outcome([issue('forbidden', diagnostics, expression)]));
}

/** RFC 6585 428 Precondition Required: the update must name the version it was made from. */
export function preconditionRequired(diagnostics: string): FhirError {
  return new FhirError(428, outcome([issue('required', diagnostics, 'If-Match')]));
}

/** 409 naming the current status and what may follow it. */
export function transitionConflict(diagnostics: string, expression = 'Task.status'): FhirError {
  return new FhirError(409, outcome([issue('business-rule', diagnostics, expression)]));
}

export function businessRule(status: number, diagnostics: string, expression?: string): FhirError {
  return new FhirError(status, outcome([issue('business-rule', diagnostics, expression)]));
}
