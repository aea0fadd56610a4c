// reference parameters: Type/id, id, absolute URLs (ours are Type/id), canonical URLs, :Type and :identifier.
import { badRequest } from '../../fhir/errors.js';
import { parseReference } from '../extract.js';
import { pathBelow } from '../local-base.js';
import { splitEscaped } from '../query.js';
import { and, existsIn, or, unescapeValue } from '../sql.js';
import type { FilterArgs, FilterBuilder } from './types.js';

function referenceCondition(args: FilterArgs, a: string, raw: string, typeModifier: string | undefined): string {
  const { sql } = args;
  let value = unescapeValue(raw);
  // An absolute URL on our base (configured, or the one this request came in on) is the relative reference, and
  // absolute references on our base are indexed as Type/id: both forms find both.
  value = pathBelow(value, [args.baseUrl, ...(args.def.localBases?.list() ?? [])]) ?? value;
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(value)) {
    // A bare id: any target type, or the one named by the :Type modifier.
    return and([`${a}.target_id = ${sql.add(value)}`, ...(typeModifier ? [`${a}.target_type = ${sql.add(typeModifier)}`] : [])]);
  }
  const parsed = parseReference(value.split('|')[0]);
  if (parsed.type && parsed.id) {
    if (typeModifier && typeModifier !== parsed.type) return 'FALSE';
    return `(${a}.target_type = ${sql.add(parsed.type)} AND ${a}.target_id = ${sql.add(parsed.id)})`;
  }
  return `${a}.target_url = ${sql.add(parsed.url)}`;
}

export const referenceFilter: FilterBuilder = (args) => {
  const { sql, target, def, modifier, values, key } = args;
  if (modifier === 'identifier') {
    return existsIn(sql, target, 'idx_reference', def.code, (a) =>
      or(
        values.map((v) => {
          const parts = splitEscaped(v, '|');
          if (parts.length === 1) return `${a}.ident_value = ${sql.add(parts[0])}`;
          if (parts.length !== 2) throw badRequest(`Invalid identifier "${v}" (expected [system|]value)`, key);
          const [system, value] = parts;
          return and([...(system ? [`${a}.ident_system = ${sql.add(system)}`] : [`${a}.ident_system IS NULL`]), ...(value ? [`${a}.ident_value = ${sql.add(value)}`] : [])]);
        }),
      ),
    );
  }
  if (modifier !== undefined && !/^[A-Z][A-Za-z]+$/.test(modifier)) throw badRequest(`Modifier :${modifier} is not supported for reference parameter ${def.code}`, key);
  return existsIn(sql, target, 'idx_reference', def.code, (a) => or(values.map((v) => referenceCondition(args, a, v, modifier))));
};
