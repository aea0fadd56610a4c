// Conditional interactions: find what a search criteria string matches (strictly: unknown parameters are 400).
import type { Resource } from '@medplum/fhirtypes';
import { parseSearchQuery } from '../search/query.js';
import { runSearch } from '../search/service.js';
import { badRequest, preconditionFailed } from './errors.js';
import type { HandlerContext } from './request.js';

export function criteriaQuery(criteria: string): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [key, value] of new URLSearchParams(criteria.replace(/^.*\?/, ''))) (query[key] ??= []).push(value);
  return query;
}

/** Up to two matches for the criteria (two is enough to tell "more than one"). */
export async function findMatches(hc: HandlerContext, resourceType: string, query: Record<string, string[]>, where: string): Promise<Resource[]> {
  const filters = Object.keys(query).filter((k) => !k.startsWith('_') || k === '_id' || k === '_lastUpdated' || k.startsWith('_has') || k === '_tag' || k === '_profile' || k === '_security' || k === '_source');
  if (filters.length === 0) throw badRequest(`${where} needs search criteria`, where);
  const parsed = parseSearchQuery([resourceType], query, 2);
  const result = await runSearch(hc.search, hc.repo, hc.ctx, { query: { ...parsed, include: [], revinclude: [], total: 'none', summaryCount: false }, count: 2, baseUrl: hc.baseUrl, strict: true });
  return result.matches.map((doc) => doc.resource);
}

/** Exactly zero or one match; several is a 412, as the spec requires for conditional writes. */
export async function findSingle(hc: HandlerContext, resourceType: string, query: Record<string, string[]>, where: string): Promise<Resource | undefined> {
  const matches = await findMatches(hc, resourceType, query, where);
  if (matches.length > 1) throw preconditionFailed(`${where} matched more than one ${resourceType}`, where);
  return matches[0];
}
