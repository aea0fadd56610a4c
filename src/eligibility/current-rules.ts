// The eligibility RuleSet a request should use (the stored definitions, rebuilt only when one changes, as seen by any server process) and its ValueSets.
import type { RequestContext } from '../context.js';
import { VersionedCache } from '../content/versioned-cache.js';
import { terminologyFor } from '../terminology/source.js';
import { WATCHED_TYPES } from '../storage/cache-version.js';
import type { Repository } from '../storage/repository.js';
import { DEFINITIONS_LIBRARY_ID } from './codes.js';
import { DefinitionError, type RuleSet } from './definitions.js';
import type { ValueSetTest } from './rule-functions.js';
import { storedRuleSet } from './stored-rules.js';

/** The stored definitions cannot be evaluated (a broken definition, or a ValueSet the server does not know): a server-side fault, not the caller's. */
export class RulesUnusableError extends Error {}

const DEFINITION_TYPES = ['Group', 'Library', 'PlanDefinition'];

/** A cache of built RuleSets; one per server, so writers bound to a transaction (a new repository object each) share it. */
export function ruleSetCache(): VersionedCache {
  return new VersionedCache(DEFINITION_TYPES);
}

const looseCaches = new WeakMap<Repository, VersionedCache>();

/** Storage counts writes of these types; a Library write is only seen through its versionId until it counts them too. */
const LIBRARY_COUNTED = WATCHED_TYPES.has('Library');

/**
 * One indexed query (the cache_version rows of Group, PlanDefinition and Library, bumped in the same transaction as any
 * write of them), plus a primary-key read of the Library while storage does not count Library writes. Any process's write
 * of a definition changes the key, so the next request here rebuilds (only the expressions that changed are compiled again).
 */
export async function currentRuleSet(repo: Repository, ctx: RequestContext, cache?: VersionedCache): Promise<RuleSet> {
  if (!cache) {
    cache = looseCaches.get(repo);
    if (!cache) looseCaches.set(repo, (cache = ruleSetCache()));
  }
  const [scope, library] = await Promise.all([cache.scope(repo, ctx), LIBRARY_COUNTED ? undefined : repo.readCurrent(ctx, 'Library', DEFINITIONS_LIBRARY_ID)]);
  const key = `eligibility-rules:${library ? `${library.versionId}${library.deleted ? '-deleted' : ''}` : 'counted'}`;
  try {
    return await scope.memo(key, () => storedRuleSet(repo, ctx));
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    throw new RulesUnusableError(`The stored eligibility definitions cannot be used: ${err.message}`);
  }
}

/** The ValueSets the rules name in memberOf(), compiled by the terminology module (stored first, then the R4 core). */
export async function ruleValueSets(repo: Repository, ctx: RequestContext, rules: RuleSet, conformanceCache?: VersionedCache): Promise<ReadonlyMap<string, ValueSetTest> | undefined> {
  if (rules.valueSetUrls.length === 0) return undefined;
  const source = await terminologyFor(repo, ctx, conformanceCache);
  const tests = new Map<string, ValueSetTest>();
  for (const url of rules.valueSetUrls) {
    const compiled = await source.compiled(url);
    if (!compiled) throw new RulesUnusableError(`The eligibility rules name ValueSet ${url} in memberOf(), and the server does not know it`);
    tests.set(url, (system, code) => compiled.contains(system, code));
  }
  return tests;
}
