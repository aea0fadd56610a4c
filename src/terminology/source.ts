// Resolves code systems and value sets by canonical URL: stored in the server first (so API updates count), then the R4 core.
import type { CodeSystem, ValueSet } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { findStoredCanonical } from '../content/canonical.js';
import { conformanceCacheOf, type CacheScope, type VersionedCache } from '../content/versioned-cache.js';
import type { Repository } from '../storage/repository.js';
import { CodeSystemIndex } from './code-system-index.js';
import { compileValueSet, type CompiledValueSet } from './compile-value-set.js';
import { coreCodeSystem, coreValueSet } from './core-terminology.js';

export interface TerminologySource {
  codeSystem(url: string): Promise<CodeSystemIndex | undefined>;
  valueSet(url: string): Promise<ValueSet | undefined>;
  /**
   * The value set compiled for membership tests and expansion; undefined when the value set is unknown.
   * `trail` lists the value sets being compiled that import this one (imports are compiled unshared, so a cycle cannot wait on itself).
   */
  compiled(url: string, trail?: string[]): Promise<CompiledValueSet | undefined>;
}

export function terminologySource(repo: Repository, ctx: RequestContext, scope: CacheScope): TerminologySource {
  const source: TerminologySource = {
    codeSystem: (url) =>
      scope.memo(`CodeSystem|${url}`, async () => {
        const resource = (await findStoredCanonical<CodeSystem>(repo, ctx, 'CodeSystem', url)) ?? coreCodeSystem(url);
        return resource ? new CodeSystemIndex(resource) : undefined;
      }),
    valueSet: (url) => scope.memo(`ValueSet|${url}`, async () => (await findStoredCanonical<ValueSet>(repo, ctx, 'ValueSet', url)) ?? coreValueSet(url)),
    compiled: (url, trail = []) => {
      const compile = async () => {
        const vs = await source.valueSet(url);
        return vs ? compileValueSet(vs, source, [...trail, url]) : undefined;
      };
      return trail.length === 0 ? scope.memo(`compiled|${url}`, compile) : compile();
    },
  };
  return source;
}

/** The terminology this repository sees, cached per server and refreshed when any process changes a conformance resource. */
export async function terminologyFor(repo: Repository, ctx: RequestContext, cache: VersionedCache = conformanceCacheOf(repo)): Promise<TerminologySource> {
  return terminologySource(repo, ctx, await cache.scope(repo, ctx));
}
