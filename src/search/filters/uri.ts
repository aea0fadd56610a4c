// uri parameters: exact match, :below (prefix) and :above (the stored URI is a prefix of the value).
import { badRequest } from '../../fhir/errors.js';
import { escapeLike } from '../normalize.js';
import { existsIn, or, unescapeValue } from '../sql.js';
import type { FilterBuilder } from './types.js';

export const uriFilter: FilterBuilder = ({ sql, target, def, modifier, values, key }) => {
  const uris = values.map(unescapeValue);
  switch (modifier) {
    case undefined:
      return existsIn(sql, target, 'idx_uri', def.code, (a) => or(uris.map((v) => `${a}.value = ${sql.add(v)}`)));
    case 'below':
      return existsIn(sql, target, 'idx_uri', def.code, (a) => or(uris.map((v) => `${a}.value LIKE ${sql.add(escapeLike(v) + '%')}`)));
    case 'above':
      return existsIn(sql, target, 'idx_uri', def.code, (a) => or(uris.map((v) => `${sql.add(v)} LIKE replace(replace(${a}.value, '%', '\\%'), '_', '\\_') || '%'`)));
    default:
      throw badRequest(`Modifier :${modifier} is not supported for uri parameter ${def.code}`, key);
  }
};
