// Validates a resource against the profiles it claims in meta.profile (or those asked for by $validate?profile=).
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { VersionedCache } from '../content/versioned-cache.js';
import type { Repository } from '../storage/repository.js';
import { checkProfile } from './profile/check.js';
import { resolveProfile } from './profile/profiles.js';

export type UnknownProfilePolicy = 'warn' | 'reject';

export interface ProfileValidationOptions {
  /** What an unknown profile is: a warning (default) or an error. */
  unknownProfile?: UnknownProfilePolicy;
  /** Profiles to check instead of meta.profile. */
  profiles?: string[];
  /** The server's conformance cache (the repository's own otherwise). */
  cache?: VersionedCache;
}

export async function validateProfiles(repo: Repository, ctx: RequestContext, resource: Resource, options: ProfileValidationOptions = {}): Promise<OperationOutcomeIssue[]> {
  const explicit = options.profiles !== undefined;
  const urls = options.profiles ?? resource.meta?.profile ?? [];
  const issues: OperationOutcomeIssue[] = [];
  for (const [i, url] of urls.entries()) {
    const where = explicit ? 'profile' : `${resource.resourceType}.meta.profile[${i}]`;
    const { profile, context } = await resolveProfile(repo, ctx, url, options.cache);
    if (!profile) {
      const severity = explicit || options.unknownProfile === 'reject' ? 'error' : 'warning';
      issues.push({ severity, code: 'not-supported', diagnostics: `Profile ${url} is not known to this server`, expression: [where] });
    } else if (profile.type !== resource.resourceType) {
      issues.push({ severity: 'error', code: 'invalid', diagnostics: `Profile ${url} constrains ${profile.type}, not ${resource.resourceType}`, expression: [where] });
    } else issues.push(...checkProfile(resource, profile, context));
  }
  return issues;
}
