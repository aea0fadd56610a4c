// Resolves profiles by canonical URL (stored first, then core), compiled once per conformance generation with all they depend on.
import type { StructureDefinition } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { findStoredCanonical } from '../../content/canonical.js';
import { conformanceCacheOf, type CacheScope, type VersionedCache } from '../../content/versioned-cache.js';
import type { Repository } from '../../storage/repository.js';
import type { CompiledValueSet } from '../../terminology/compile-value-set.js';
import { terminologySource } from '../../terminology/source.js';
import type { ProfileContext } from './check.js';
import { compileProfile, type CompiledProfile } from './compile.js';
import { coreStructureDefinition } from './core-definitions.js';

export interface ResolvedProfile {
  /** Undefined when the profile is not known to the server. */
  profile?: CompiledProfile;
  context: ProfileContext;
}

async function loadProfile(repo: Repository, ctx: RequestContext, scope: CacheScope, url: string): Promise<CompiledProfile | undefined> {
  return scope.memo(`profile|${url}`, async () => {
    const sd = (await findStoredCanonical<StructureDefinition>(repo, ctx, 'StructureDefinition', url)) ?? coreStructureDefinition(url);
    return sd?.snapshot?.element?.length ? compileProfile(sd) : undefined;
  });
}

/** The compiled profile plus every profile and value set it mentions, transitively. */
async function resolveClosure(repo: Repository, ctx: RequestContext, scope: CacheScope, url: string): Promise<ResolvedProfile> {
  const profiles = new Map<string, CompiledProfile | undefined>();
  const valueSets = new Map<string, CompiledValueSet | undefined>();
  const terminology = terminologySource(repo, ctx, scope);
  let pending = [url];
  while (pending.length > 0) {
    const batch = pending.filter((u) => !profiles.has(u));
    pending = [];
    const loaded = await Promise.all(batch.map((u) => loadProfile(repo, ctx, scope, u)));
    batch.forEach((u, i) => profiles.set(u, loaded[i]));
    for (const p of loaded) {
      if (!p) continue;
      pending.push(...p.profiles, ...p.targetProfiles);
      const wanted = p.valueSets.filter((v) => !valueSets.has(v));
      const compiled = await Promise.all(wanted.map((v) => terminology.compiled(v)));
      wanted.forEach((v, i) => valueSets.set(v, compiled[i]));
    }
  }
  const context: ProfileContext = {
    profile: (u) => profiles.get(u),
    profileType: (u) => profiles.get(u)?.type,
    valueSet: (u) => valueSets.get(u),
  };
  return { profile: profiles.get(url), context };
}

/** A profile ready to check, cached per server and refreshed when any process changes a StructureDefinition, ValueSet or CodeSystem. */
export async function resolveProfile(repo: Repository, ctx: RequestContext, url: string, cache: VersionedCache = conformanceCacheOf(repo)): Promise<ResolvedProfile> {
  const scope = await cache.scope(repo, ctx);
  return scope.memo(`closure|${url}`, () => resolveClosure(repo, ctx, scope, url));
}
