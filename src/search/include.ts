// _include and _revinclude (with :iterate and *): resources referenced by, or referencing, the page's matches.
import type { RequestContext } from '../context.js';
import { badRequest } from '../fhir/errors.js';
import { StoredJson } from '../fhir/stored-json.js';
import type { Repository } from '../storage/repository.js';
import type { SearchParameterIndex } from './parameters.js';
import type { IncludeSpec } from './query.js';

const MAX_ITERATIONS = 5;
const MAX_INCLUDED = 2000;

const key = (r: StoredJson) => `${r.resourceType}/${r.id}`;

function paramsOf(index: SearchParameterIndex, spec: IncludeSpec, name: string): string[] {
  if (spec.param === '*') return [...index.all(spec.sourceType).values()].filter((d) => d.type === 'reference').map((d) => d.code);
  const def = index.get(spec.sourceType, spec.param);
  if (!def || def.type !== 'reference') throw badRequest(`${name}: ${spec.sourceType} has no reference parameter "${spec.param}"`, name);
  return [spec.param];
}

async function loadResources(repo: Repository, ctx: RequestContext, sql: string, params: unknown[]): Promise<StoredJson[]> {
  const rows = await repo.select<{ resource_type: string; id: string; content: string }>(ctx, sql, params);
  return rows.map((r) => new StoredJson(r.resource_type, r.id, r.content));
}

async function forward(repo: Repository, ctx: RequestContext, index: SearchParameterIndex, spec: IncludeSpec, from: StoredJson[]): Promise<StoredJson[]> {
  const ids = from.filter((r) => r.resourceType === spec.sourceType).map((r) => r.id as string);
  if (ids.length === 0) return [];
  return loadResources(
    repo,
    ctx,
    `SELECT r.resource_type, r.id, r.content::text AS content FROM resource r
      WHERE NOT r.deleted AND (r.resource_type, r.id) IN (
        SELECT x.target_type, x.target_id FROM idx_reference x
         WHERE x.resource_type = $1 AND x.id = ANY($2::text[]) AND x.param = ANY($3::text[]) AND x.target_type IS NOT NULL
           AND ($4::text IS NULL OR x.target_type = $4::text))
      LIMIT ${MAX_INCLUDED}`,
    [spec.sourceType, ids, paramsOf(index, spec, '_include'), spec.targetType ?? null],
  );
}

async function reverse(repo: Repository, ctx: RequestContext, index: SearchParameterIndex, spec: IncludeSpec, from: StoredJson[]): Promise<StoredJson[]> {
  const out: StoredJson[] = [];
  const params = paramsOf(index, spec, '_revinclude');
  const byType = new Map<string, string[]>();
  for (const r of from) byType.set(r.resourceType, [...(byType.get(r.resourceType) ?? []), r.id as string]);
  for (const [type, ids] of byType) {
    if (spec.targetType && spec.targetType !== type) continue;
    out.push(
      ...(await loadResources(
        repo,
        ctx,
        `SELECT DISTINCT r.resource_type, r.id, r.content::text AS content FROM idx_reference x
           JOIN resource r ON r.resource_type = x.resource_type AND r.id = x.id
          WHERE x.resource_type = $1 AND x.param = ANY($2::text[]) AND x.target_type = $3 AND x.target_id = ANY($4::text[]) AND NOT r.deleted
          LIMIT ${MAX_INCLUDED}`,
        [spec.sourceType, params, type, ids],
      )),
    );
  }
  return out;
}

export async function resolveIncludes(
  repo: Repository,
  ctx: RequestContext,
  index: SearchParameterIndex,
  matches: StoredJson[],
  include: IncludeSpec[],
  revinclude: IncludeSpec[],
): Promise<StoredJson[]> {
  if (matches.length === 0 || (include.length === 0 && revinclude.length === 0)) return [];
  const seen = new Set(matches.map(key));
  const included: StoredJson[] = [];
  const add = (resources: StoredJson[]) => {
    const fresh = resources.filter((r) => !seen.has(key(r)));
    fresh.forEach((r) => seen.add(key(r)));
    included.push(...fresh);
    return fresh;
  };
  const round = async (from: StoredJson[], iterateOnly: boolean) => {
    const found: StoredJson[] = [];
    for (const spec of include) if (!iterateOnly || spec.iterate) found.push(...add(await forward(repo, ctx, index, spec, from)));
    for (const spec of revinclude) if (!iterateOnly || spec.iterate) found.push(...add(await reverse(repo, ctx, index, spec, from)));
    return found;
  };
  let frontier = await round(matches, false);
  for (let i = 0; i < MAX_ITERATIONS && frontier.length > 0 && included.length < MAX_INCLUDED; i++) frontier = await round(frontier, true);
  return included;
}
