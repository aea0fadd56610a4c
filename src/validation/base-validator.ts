// Validates resources against the base R4 StructureDefinitions (via @medplum/core's validator).
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { loadDefinitions } from '../fhir/definitions.js';
import { shapeIssues } from './shape-guard.js';

/** Returns all issues (errors and warnings) for a resource; never throws for an invalid resource. */
export function validateBase(resource: Resource): OperationOutcomeIssue[] {
  loadDefinitions();
  const malformed = shapeIssues(resource);
  if (malformed.length > 0) return malformed;
  try {
    return validateResource(resource);
  } catch (err) {
    if (err instanceof OperationOutcomeError) return err.outcome.issue ?? [];
    throw err;
  }
}
