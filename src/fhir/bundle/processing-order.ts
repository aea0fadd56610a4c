// The spec's transaction processing order: DELETE, POST, PUT/PATCH, then GET/HEAD; stable within each group.
import type { HttpMethod } from '../request.js';

const WEIGHT: Record<HttpMethod, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

export function processingOrder<T extends { method: HttpMethod }>(items: T[]): number[] {
  return items.map((item, index) => ({ index, weight: WEIGHT[item.method] })).sort((a, b) => a.weight - b.weight || a.index - b.index).map((x) => x.index);
}
