// The validation entry point shared by the write pipeline and $validate: the base specification, then claimed profiles.
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { isContentLoad } from '../content/load.js';
import { invalidResource } from '../fhir/errors.js';
import type { Repository, WriteHooks } from '../storage/repository.js';
import { terminologyFor } from '../terminology/source.js';
import { requiredBindingIssues } from './base-bindings.js';
import { validateBase } from './base-validator.js';
import { validateProfiles, type ProfileValidationOptions } from './profile-validator.js';

export function isError(i: OperationOutcomeIssue): boolean {
  return i.severity === 'error' || i.severity === 'fatal';
}

/** All issues for a resource against the base specification (with its required bindings) and its profiles (meta.profile, or options.profiles). */
export async function validate(repo: Repository, ctx: RequestContext, resource: Resource, options: ProfileValidationOptions = {}): Promise<OperationOutcomeIssue[]> {
  const bindings = await requiredBindingIssues(resource, () => terminologyFor(repo, ctx, options.cache));
  const issues = [...validateBase(resource), ...bindings];
  // Profiles say nothing useful about a resource the base specification already rejects.
  if (issues.some(isError)) return issues;
  if (options.profiles === undefined && !resource.meta?.profile?.length) return issues;
  return [...issues, ...(await validateProfiles(repo, ctx, resource, options))];
}

/** Write-pipeline step: refuse invalid resources with 422 and every error's expression path. Profiles are read in the write's transaction. */
export function validationHook(options: Omit<ProfileValidationOptions, 'profiles'> = {}): WriteHooks {
  return {
    async beforeWrite(ctx, resource, _previous, write) {
      if (resource.resourceType === 'StructureDefinition' && isContentLoad(ctx)) return;
      const errors = (await validate(write.repo, ctx, resource, options)).filter(isError);
      if (errors.length > 0) throw invalidResource(errors);
    },
  };
}
