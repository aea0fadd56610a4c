// Value matching for fixed[x] (exact) and pattern[x] (the value holds at least what the pattern says).
import { isDeepStrictEqual } from 'node:util';

export function matchesFixed(value: unknown, fixed: unknown): boolean {
  return isDeepStrictEqual(value, fixed);
}

/** Objects: every pattern property matches; arrays: every pattern item matches some value item; primitives: equal. */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) {
    const values = Array.isArray(value) ? value : [value];
    return pattern.every((p) => values.some((v) => matchesPattern(v, p)));
  }
  if (pattern !== null && typeof pattern === 'object') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const record = value as Record<string, unknown>;
    return Object.entries(pattern as Record<string, unknown>).every(([k, p]) => record[k] !== undefined && matchesPattern(record[k], p));
  }
  return value === pattern;
}
