// number and quantity parameters: prefixes, with the implicit precision of the search value for eq/ne.
import { badRequest } from '../../fhir/errors.js';
import { decimals, NUMBER_RE } from '../normalize.js';
import { splitPrefix, type Prefix } from '../prefixes.js';
import { splitEscaped } from '../query.js';
import { and, existsIn, or, type SqlParams } from '../sql.js';
import type { FilterBuilder } from './types.js';

/** SQL comparing a numeric column with a search number under a prefix. */
export function numberCondition(sql: SqlParams, column: string, prefix: Prefix, value: string): string {
  const v = () => sql.add(value, 'numeric');
  // Half a unit of the last written digit: "100" means [99.5, 100.5).
  const half = () => sql.add(`0.${'0'.repeat(decimals(value))}5`, 'numeric');
  switch (prefix) {
    case 'eq':
      return `(${column} >= ${v()} - ${half()} AND ${column} < ${v()} + ${half()})`;
    case 'ne':
      return `(${column} < ${v()} - ${half()} OR ${column} >= ${v()} + ${half()})`;
    case 'gt':
    case 'sa':
      return `${column} > ${v()}`;
    case 'lt':
    case 'eb':
      return `${column} < ${v()}`;
    case 'ge':
      return `${column} >= ${v()}`;
    case 'le':
      return `${column} <= ${v()}`;
    case 'ap':
      return `(${column} >= ${v()} - abs(${v()}) * 0.1 AND ${column} <= ${v()} + abs(${v()}) * 0.1)`;
  }
}

function parseNumber(raw: string, key: string): { prefix: Prefix; value: string } {
  const { prefix, value } = splitPrefix(raw);
  if (!NUMBER_RE.test(value)) throw badRequest(`Invalid number "${raw}"`, key);
  return { prefix, value };
}

export const numberFilter: FilterBuilder = ({ sql, target, def, modifier, values, key }) => {
  if (modifier !== undefined) throw badRequest(`Modifier :${modifier} is not supported for number parameter ${def.code}`, key);
  const parsed = values.map((v) => parseNumber(v, key));
  return existsIn(sql, target, 'idx_number', def.code, (a) => or(parsed.map(({ prefix, value }) => numberCondition(sql, `${a}.value`, prefix, value))));
};

export const quantityFilter: FilterBuilder = ({ sql, target, def, modifier, values, key }) => {
  if (modifier !== undefined) throw badRequest(`Modifier :${modifier} is not supported for quantity parameter ${def.code}`, key);
  return existsIn(sql, target, 'idx_quantity', def.code, (a) =>
    or(
      values.map((raw) => {
        const [number, system, code] = splitEscaped(raw, '|');
        const { prefix, value } = parseNumber(number, key);
        const parts = [numberCondition(sql, `${a}.value`, prefix, value)];
        if (system) parts.push(`${a}.system = ${sql.add(system)}`);
        if (code) parts.push(system ? `${a}.code = ${sql.add(code)}` : `(${a}.code = ${sql.add(code)} OR ${a}.unit = ${sql.add(code)})`);
        return and(parts);
      }),
    ),
  );
};
