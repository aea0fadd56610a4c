// composite parameters (token$value), e.g. Observation?code-value-quantity=http://loinc.org|8480-6$gt140.
import { badRequest } from '../../fhir/errors.js';
import { escapeLike, normalizeString } from '../normalize.js';
import { splitPrefix } from '../prefixes.js';
import { splitEscaped, splitKeepingEscapes } from '../query.js';
import { and, existsIn, or, unescapeValue } from '../sql.js';
import { parseDateValue, rangeCondition } from './date.js';
import { numberCondition } from './number.js';
import { tokenMatch } from './token.js';
import type { FilterArgs, FilterBuilder } from './types.js';

function secondCondition(args: FilterArgs, a: string, value: string): string {
  const { sql, def, key } = args;
  const type = def.resolved?.[1]?.type;
  switch (type) {
    case 'token':
      return tokenMatch(sql, `${a}.system2`, `${a}.code2`, value, key);
    case 'reference':
      return `${a}.code2 = ${sql.add(unescapeValue(value))}`;
    case 'string':
      return `${a}.text2 LIKE ${sql.add(escapeLike(normalizeString(unescapeValue(value))) + '%')}`;
    case 'date': {
      const { prefix, range } = parseDateValue(value, key);
      return rangeCondition(sql, `${a}.low2`, `${a}.high2`, prefix, range);
    }
    case 'number':
    case 'quantity': {
      const [number, system, code] = splitEscaped(value, '|');
      const { prefix, value: n } = splitPrefix(number);
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(n)) throw badRequest(`Invalid number "${number}" in composite value`, key);
      return and([numberCondition(sql, `${a}.number2`, prefix, n), ...(system ? [`${a}.system2 = ${sql.add(system)}`] : []), ...(code ? [`${a}.code2 = ${sql.add(code)}`] : [])]);
    }
    default:
      throw badRequest(`Composite parameter ${def.code} is not searchable`, key);
  }
}

export const compositeFilter: FilterBuilder = (args) => {
  const { sql, target, def, modifier, values, key } = args;
  if (modifier !== undefined) throw badRequest(`Modifier :${modifier} is not supported for composite parameter ${def.code}`, key);
  return existsIn(sql, target, 'idx_composite', def.code, (a) =>
    or(
      values.map((v) => {
        const parts = splitKeepingEscapes(v, '$');
        if (parts.length !== 2) throw badRequest(`Composite value must be first$second, got "${v}"`, key);
        return and([tokenMatch(sql, `${a}.system1`, `${a}.code1`, parts[0], key), secondCondition(args, a, parts[1])]);
      }),
    ),
  );
};
