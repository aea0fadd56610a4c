// date parameters: prefixes with the spec's range semantics (the value's precision defines its range).
import { badRequest } from '../../fhir/errors.js';
import { dateRange, type Range } from '../normalize.js';
import { splitPrefix, type Prefix } from '../prefixes.js';
import { existsIn, or, type SqlParams } from '../sql.js';
import type { FilterBuilder } from './types.js';

const DAY_MS = 86_400_000;

/** SQL comparing a stored [low, high] range with a search range under a prefix. */
export function rangeCondition(sql: SqlParams, low: string, high: string, prefix: Prefix, range: Range, now: Date = new Date()): string {
  const sLow = () => sql.add(range.low, 'timestamptz');
  const sHigh = () => sql.add(range.high, 'timestamptz');
  switch (prefix) {
    case 'eq': {
      // low <= high for every stored range (a Period that ends before it starts breaks FHIR invariant per-1), so
      // low <= search high is implied; it bounds the index range on low, which otherwise runs to the end of time.
      const h = sHigh();
      return `(${low} >= ${sLow()} AND ${low} <= ${h} AND ${high} <= ${h})`;
    }
    case 'ne':
      return `(${low} < ${sLow()} OR ${high} > ${sHigh()})`;
    case 'gt':
      return `${high} > ${sHigh()}`;
    case 'lt':
      return `${low} < ${sLow()}`;
    case 'ge':
      return `(${high} > ${sHigh()} OR (${low} >= ${sLow()} AND ${high} <= ${sHigh()}))`;
    case 'le':
      return `(${low} < ${sLow()} OR (${low} >= ${sLow()} AND ${high} <= ${sHigh()}))`;
    case 'sa':
      return `${low} > ${sHigh()}`;
    case 'eb':
      return `${high} < ${sLow()}`;
    case 'ap': {
      // Approximately: within 10% of the distance from now, and at least a day either side.
      const lowMs = Date.parse(range.low);
      const highMs = Date.parse(range.high);
      const margin = Math.max(DAY_MS, 0.1 * Math.abs(now.getTime() - lowMs));
      const from = new Date(lowMs - margin).toISOString();
      const to = new Date(highMs + margin).toISOString();
      return `(${low} <= ${sql.add(to, 'timestamptz')} AND ${high} >= ${sql.add(from, 'timestamptz')})`;
    }
  }
}

export function parseDateValue(raw: string, key: string): { prefix: Prefix; range: Range } {
  const { prefix, value } = splitPrefix(raw);
  const range = dateRange(value);
  if (!range) throw badRequest(`Invalid date "${raw}" (expected [prefix]YYYY[-MM[-DD[Thh:mm[:ss][zone]]]])`, key);
  return { prefix, range };
}

export const dateFilter: FilterBuilder = ({ sql, target, def, modifier, values, key }) => {
  if (modifier !== undefined) throw badRequest(`Modifier :${modifier} is not supported for date parameter ${def.code}`, key);
  const parsed = values.map((v) => parseDateValue(v, key));
  if (def.code === '_lastUpdated') {
    const column = `${target.alias}.last_updated`;
    return or(parsed.map(({ prefix, range }) => rangeCondition(sql, column, column, prefix, range)));
  }
  return existsIn(sql, target, 'idx_date', def.code, (a) => or(parsed.map(({ prefix, range }) => rangeCondition(sql, `${a}.low`, `${a}.high`, prefix, range))));
};
