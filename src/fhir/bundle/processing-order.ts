// The order Bundle entries are processed in: the spec's DELETE, POST, PUT/PATCH, then GET/HEAD, and what a transaction adds.
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

interface OrderedItem {
  method: HttpMethod;
  path?: string[];
  ifNoneExist?: string;
}

function order<T extends OrderedItem>(items: T[], weight: (item: T) => number): number[] {
  return items
    .map((item, index) => ({ index, weight: weight(item), key: lockKey(item) }))
    .sort((a, b) => a.weight - b.weight || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.index - b.index)
    .map((x) => x.index);
}

export function processingOrder<T extends OrderedItem>(items: T[]): number[] {
  return order(items, (item) => WEIGHT[item.method]);
}

/** A POST with If-None-Exist: whether it creates or matches, its id is only known once it has run. */
export function isConditionalCreate(item: OrderedItem): boolean {
  return item.method === 'POST' && (item.path ?? []).length === 1 && item.ifNoneExist !== undefined;
}

/**
 * A transaction's order: DELETEs; conditional creates, so the other entries can use their ids; the other writes; Task
 * writes after every other write, because a Task is a workflow step over the other resources and its write step (the
 * referral workflow: service, eligibility over the member's evidence) must see all of them wherever they are listed;
 * then GET/HEAD. R4 leaves the order within a method open and forbids overlapping identities, so only such steps can tell.
 */
export function transactionOrder<T extends OrderedItem>(items: T[]): number[] {
  return order(items, (item) => {
    if (item.method === 'DELETE') return 0;
    if (isConditionalCreate(item)) return 1;
    if (item.method === 'GET' || item.method === 'HEAD') return 4;
    return item.path?.[0] === 'Task' ? 3 : 2;
  });
}
