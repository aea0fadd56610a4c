// The validation entry point shared by the write pipeline and $validate.
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { invalidResource } from '../fhir/errors.js';
import type { WriteHooks } from '../storage/repository.js';
import { validateBase } from './base-validator.js';

export function isError(i: OperationOutcomeIssue): boolean {
  return i.severity === 'error' || i.severity === 'fatal';
}

/** All issues for a resource against the base specification (profiles join here later). */
export function validate(resource: Resource): OperationOutcomeIssue[] {
  return validateBase(resource);
}

/** Write-pipeline step: refuse invalid resources with 422 and every error's expression path. */
export const validationHook: WriteHooks = {
  beforeWrite(_ctx, resource) {
    const errors = validate(resource).filter(isError);
    if (errors.length > 0) throw invalidResource(errors);
  },
};
