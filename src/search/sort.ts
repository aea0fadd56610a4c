// _sort keys and keyset paging: opaque cursors hold the boundary row's sort values, so deep pages never OFFSET.
import { badRequest } from '../fhir/errors.js';
import type { ParamType, SearchParameterIndex } from './parameters.js';
import type { SortSpec } from './query.js';
import { or, type SqlParams, type Target } from './sql.js';

export interface SortKey {
  expr: string;
  descending: boolean;
  cast: 'text' | 'timestamptz' | 'numeric';
}

export interface Cursor {
  /** Sort values of the boundary row (null when it had none), then its id. */
  values: (string | null)[];
  id: string;
  /** 'next' pages after the boundary row, 'prev' before it. */
  direction: 'next' | 'prev';
  /** The _sort the cursor was made for; a cursor is only valid with the same sort. */
  sort: string;
}

type Aggregate = (s: string) => string;
const refText: Aggregate = (s) => `coalesce(${s}.target_type || '/' || ${s}.target_id, ${s}.target_url)`;

/** Multi-valued parameters sort ascending by their lowest value and descending by their highest. */
const SORT_COLUMNS: Partial<Record<ParamType, { table: string; asc: Aggregate; desc: Aggregate; cast: SortKey['cast'] }>> = {
  string: { table: 'idx_string', asc: (s) => `min(${s}.value_norm)`, desc: (s) => `max(${s}.value_norm)`, cast: 'text' },
  token: { table: 'idx_token', asc: (s) => `min(${s}.code)`, desc: (s) => `max(${s}.code)`, cast: 'text' },
  date: { table: 'idx_date', asc: (s) => `min(${s}.low)`, desc: (s) => `max(${s}.high)`, cast: 'timestamptz' },
  number: { table: 'idx_number', asc: (s) => `min(${s}.value)`, desc: (s) => `max(${s}.value)`, cast: 'numeric' },
  quantity: { table: 'idx_quantity', asc: (s) => `min(${s}.value)`, desc: (s) => `max(${s}.value)`, cast: 'numeric' },
  uri: { table: 'idx_uri', asc: (s) => `min(${s}.value)`, desc: (s) => `max(${s}.value)`, cast: 'text' },
  reference: { table: 'idx_reference', asc: (s) => `min(${refText(s)})`, desc: (s) => `max(${refText(s)})`, cast: 'text' },
};

export function sortKeys(sql: SqlParams, index: SearchParameterIndex, target: Target, sort: SortSpec[]): SortKey[] {
  return sort.map(({ param, descending }) => {
    if (param === '_id') return { expr: `${target.alias}.id`, descending, cast: 'text' };
    if (param === '_lastUpdated') return { expr: `${target.alias}.last_updated`, descending, cast: 'timestamptz' };
    const def = index.get(target.types[0], param);
    const column = def && SORT_COLUMNS[def.type];
    if (!def || !column) throw badRequest(`Cannot sort by "${param}" for ${target.types.join(', ')}`, '_sort');
    const s = sql.alias('s');
    const aggregate = (descending ? column.desc : column.asc)(s);
    return {
      expr: `(SELECT ${aggregate} FROM ${column.table} ${s} WHERE ${s}.resource_type = ${target.typeSql} AND ${s}.id = ${target.alias}.id AND ${s}.param = ${sql.add(param)})`,
      descending,
      cast: column.cast,
    };
  });
}

/** ORDER BY with missing values last and the id as the final tie-breaker; reversed for 'prev' pages. */
export function orderBy(keys: SortKey[], alias: string, reverse: boolean): string {
  const parts = keys.flatMap((k) => {
    const desc = k.descending !== reverse;
    return [`(${k.expr}) IS NULL ${reverse ? 'DESC' : 'ASC'}`, `(${k.expr}) ${desc ? 'DESC' : 'ASC'}`];
  });
  parts.push(`${alias}.id ${reverse ? 'DESC' : 'ASC'}`);
  return parts.join(', ');
}

/** Rows strictly after (or, for 'prev', before) the cursor's row in the order above. */
export function keysetCondition(sql: SqlParams, keys: SortKey[], alias: string, cursor: Cursor): string {
  const reverse = cursor.direction === 'prev';
  const alternatives: string[] = [];
  const equal: string[] = [];
  keys.forEach((key, i) => {
    const value = cursor.values[i];
    const expr = `(${key.expr})`;
    if (value === null) {
      // Missing values sort last: going forward only other missing rows follow; going back every present row precedes.
      if (reverse) alternatives.push([...equal, `${expr} IS NOT NULL`].join(' AND '));
      equal.push(`${expr} IS NULL`);
      return;
    }
    const placeholder = sql.add(value, key.cast);
    const after = key.descending !== reverse ? '<' : '>';
    alternatives.push([...equal, reverse ? `${expr} ${after} ${placeholder}` : `(${expr} ${after} ${placeholder} OR ${expr} IS NULL)`].join(' AND '));
    equal.push(`${expr} = ${placeholder}`);
  });
  alternatives.push([...equal, `${alias}.id ${reverse ? '<' : '>'} ${sql.add(cursor.id)}`].join(' AND '));
  return or(alternatives.map((a) => `(${a})`));
}

export function sortSignature(sort: SortSpec[]): string {
  return sort.map((s) => (s.descending ? '-' : '') + s.param).join(',');
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.direction, cursor.sort, cursor.id, cursor.values])).toString('base64url');
}

export function decodeCursor(raw: string, sort: SortSpec[]): Cursor {
  try {
    const [direction, signature, id, values] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [string, string, string, (string | null)[]];
    if ((direction === 'next' || direction === 'prev') && signature === sortSignature(sort) && typeof id === 'string' && Array.isArray(values) && values.length === sort.length) {
      return { direction, sort: signature, id, values };
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest('Invalid or outdated paging cursor; start again from the first page', '_cursor');
}
