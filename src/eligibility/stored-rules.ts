// The rules the server stores: each definition resource as currently stored, or the packaged one when the server holds none.
import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { Repository } from '../storage/repository.js';
import { COMMUNITY_SUPPORTS, DEFINITIONS_LIBRARY_ID, POPULATIONS, populationGroupId, supportPlanId } from './codes.js';
import { buildRuleSet, type RuleSet } from './definitions.js';
import { packagedDefinitions } from './packaged-rules.js';

/** Type/id of every definition resource the engine reads. */
export function definitionIds(): [string, string][] {
  return [
    ['Library', DEFINITIONS_LIBRARY_ID],
    ...POPULATIONS.map((code): [string, string] => ['Group', populationGroupId(code)]),
    ...COMMUNITY_SUPPORTS.map((code): [string, string] => ['PlanDefinition', supportPlanId(code)]),
  ];
}

/**
 * Reads the current definitions (one primary-key read each) and builds the RuleSet. A definition the server does not
 * hold, or holds deleted, is taken from bundles/; the RuleSet version names which versions were used.
 */
export async function storedRuleSet(repo: Repository, ctx: RequestContext): Promise<RuleSet> {
  const packaged = new Map(packagedDefinitions().resources.map((r) => [`${r.resourceType}/${r.id}`, r]));
  const versions: string[] = [];
  const resources = await Promise.all(
    definitionIds().map(async ([type, id]): Promise<Resource | undefined> => {
      const current = await repo.readCurrent(ctx, type, id);
      if (current && !current.deleted && current.resource) {
        versions.push(`${type}/${id}/${current.versionId}`);
        return current.resource;
      }
      versions.push(`${type}/${id}/packaged`);
      return packaged.get(`${type}/${id}`);
    }),
  );
  return buildRuleSet(
    resources.filter((r): r is Resource => r !== undefined),
    versions.sort().join(','),
  );
}
