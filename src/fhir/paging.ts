// Shared parsing of _count and instant parameters for paged interactions (history now, search later).
import type { Config } from '../config.js';
import { badRequest } from './errors.js';

/** _count within [0, max]; values above the maximum are clamped, as the spec allows. */
export function parseCount(raw: string | undefined, config: Config): number {
  if (raw === undefined) return config.defaultCount;
  if (!/^\d{1,9}$/.test(raw)) throw badRequest(`_count must be a non-negative integer, got "${raw}"`, '_count');
  return Math.min(Number(raw), config.maxCount);
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function parseInstant(raw: string | undefined, name: string): Date | undefined {
  if (raw === undefined) return undefined;
  const date = new Date(raw);
  if (!INSTANT.test(raw) || Number.isNaN(date.getTime())) throw badRequest(`${name} must be an instant with time zone, e.g. 2025-07-01T00:00:00Z`, name);
  return date;
}
