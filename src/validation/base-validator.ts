// Validates resources against the base R4 StructureDefinitions: shapes refused outright, then the structural walk.
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { loadDefinitions } from '../fhir/definitions.js';
import { shapeIssues } from './shape-guard.js';
import { structureIssues } from './structure/validator.js';

/** Returns all issues (errors and warnings) for a resource; never throws for an invalid resource. */
export function validateBase(resource: Resource): OperationOutcomeIssue[] {
  loadDefinitions();
  const malformed = shapeIssues(resource);
  if (malformed.length > 0) return malformed;
  return structureIssues(resource);
}
