// The eligibility RuleSet a request should use: rebuilt only when a definition changes, as seen by any server process.
import type { RequestContext } from '../../context.js';
import { VersionedCache } from '../../content/versioned-cache.js';
import { DEFINITIONS_LIBRARY_ID } from '../../eligibility/codes.js';
import { DefinitionError, type RuleSet } from '../../eligibility/definitions.js';
import type { ValueSetTest } from '../../eligibility/rule-functions.js';
import { storedRuleSet } from '../../eligibility/stored-rules.js';
import { terminologyFor } from '../../terminology/source.js';
import { WATCHED_TYPES } from '../../storage/cache-version.js';
import type { Repository } from '../../storage/repository.js';
import { FhirError, issue, outcome } from '../errors.js';

const caches = new WeakMap<Repository, VersionedCache>();

/** Storage counts writes of these types; a Library write is only seen through its versionId until it counts them too. */
const LIBRARY_COUNTED = WATCHED_TYPES.has('Library');

/**
 * One indexed query (the cache_version rows of Group, PlanDefinition and Library, bumped in the same transaction as any
 * write of them), plus a primary-key read of the Library while storage does not count Library writes. Any process's write
 * of a definition changes the key, so the next request here rebuilds (only the expressions that changed are compiled again).
 */
export async function currentRuleSet(repo: Repository, ctx: RequestContext): Promise<RuleSet> {
  let cache = caches.get(repo);
  if (!cache) caches.set(repo, (cache = new VersionedCache(['Group', 'Library', 'PlanDefinition'])));
  const [scope, library] = await Promise.all([cache.scope(repo, ctx), LIBRARY_COUNTED ? undefined : repo.readCurrent(ctx, 'Library', DEFINITIONS_LIBRARY_ID)]);
  const key = `eligibility-rules:${library ? `${library.versionId}${library.deleted ? '-deleted' : ''}` : 'counted'}`;
  try {
    return await scope.memo(key, () => storedRuleSet(repo, ctx));
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    throw new FhirError(500, outcome([issue('processing', `The stored eligibility definitions cannot be used: ${err.message}`)]));
  }
}

/** The ValueSets the rules name in memberOf(), compiled by the terminology module (stored first, then the R4 core). */
export async function ruleValueSets(repo: Repository, ctx: RequestContext, rules: RuleSet): Promise<ReadonlyMap<string, ValueSetTest> | undefined> {
  if (rules.valueSetUrls.length === 0) return undefined;
  const source = await terminologyFor(repo, ctx);
  const tests = new Map<string, ValueSetTest>();
  for (const url of rules.valueSetUrls) {
    const compiled = await source.compiled(url);
    if (!compiled) throw new FhirError(500, outcome([issue('processing', `The eligibility rules name ValueSet ${url} in memberOf(), and the server does not know it`)]));
    tests.set(url, (system, code) => compiled.contains(system, code));
  }
  return tests;
}
