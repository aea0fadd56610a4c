// string parameters: starts-with by default (case- and accent-insensitive), :exact, :contains.
import { badRequest } from '../../fhir/errors.js';
import { clipForIndex, escapeLike, normalizeString } from '../normalize.js';
import { existsIn, or, unescapeValue } from '../sql.js';
import type { FilterBuilder } from './types.js';

export const stringFilter: FilterBuilder = ({ sql, target, def, modifier, values, key }) => {
  const texts = values.map(unescapeValue);
  switch (modifier) {
    case undefined:
      return existsIn(sql, target, 'idx_string', def.code, (a) => or(texts.map((v) => `${a}.value_norm LIKE ${sql.add(escapeLike(normalizeString(v)) + '%')}`)));
    case 'contains':
      return existsIn(sql, target, 'idx_string', def.code, (a) => or(texts.map((v) => `${a}.value_norm LIKE ${sql.add('%' + escapeLike(normalizeString(v)) + '%')}`)));
    case 'exact':
      return existsIn(sql, target, 'idx_string', def.code, (a) => or(texts.map((v) => `${a}.value_raw = ${sql.add(clipForIndex(v))}`)));
    default:
      throw badRequest(`Modifier :${modifier} is not supported for string parameter ${def.code}`, key);
  }
};
