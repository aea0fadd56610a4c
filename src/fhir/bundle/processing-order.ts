// The spec's transaction processing order: DELETE, POST, PUT/PATCH, then GET/HEAD.
import type { HttpMethod } from '../request.js';

const WEIGHT: Record<HttpMethod, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

/**
 * Within DELETE and PUT/PATCH the spec leaves the order open, so those entries go in resource order:
 * concurrent transactions then lock shared rows in the same order instead of deadlocking.
 * POST and GET keep their listed order.
 */
function lockKey(item: { method: HttpMethod; path?: string[] }): string {
  return item.method === 'DELETE' || item.method === 'PUT' || item.method === 'PATCH' ? (item.path ?? []).join('/') : '';
}

export function processingOrder<T extends { method: HttpMethod; path?: string[] }>(items: T[]): number[] {
  return items
    .map((item, index) => ({ index, weight: WEIGHT[item.method], key: lockKey(item) }))
    .sort((a, b) => a.weight - b.weight || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.index - b.index)
    .map((x) => x.index);
}
