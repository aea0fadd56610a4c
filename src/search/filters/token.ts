// token parameters: system|code forms, :not, :text, :of-type, :in / :not-in.
import { badRequest } from '../../fhir/errors.js';
import { clipForIndex, escapeLike, normalizeString } from '../normalize.js';
import { splitEscaped } from '../query.js';
import { existsIn, or, unescapeValue, type SqlParams } from '../sql.js';
import type { FilterArgs, FilterBuilder } from './types.js';

/** One token value ([system|]code) against a system and a code column. */
export function tokenMatch(sql: SqlParams, systemColumn: string, codeColumn: string, value: string, key: string): string {
  const parts = splitEscaped(value, '|').map(clipForIndex);
  if (parts.length === 1) return `${codeColumn} = ${sql.add(parts[0])}`;
  if (parts.length !== 2) throw badRequest(`Invalid token "${value}" (expected [system|]code)`, key);
  const [system, code] = parts;
  // The index keeps '' for a Coding/Identifier without a system and NULL for a primitive code (see extract.ts).
  if (system === '') return `${codeColumn} = ${sql.add(code)} AND (${systemColumn} = '' OR ${systemColumn} IS NULL)`;
  if (code === '') return `${systemColumn} = ${sql.add(system)}`;
  // A primitive code's system is implied by the element's binding, so it matches any system.
  return `${codeColumn} = ${sql.add(code)} AND (${systemColumn} = ${sql.add(system)} OR ${systemColumn} IS NULL)`;
}

function codeCondition(args: FilterArgs, a: string, value: string): string {
  return tokenMatch(args.sql, `${a}.system`, `${a}.code`, value, args.key);
}

/** Membership in the expansion of the ValueSets named by the values (:in / :not-in). */
async function inValueSets(args: FilterArgs): Promise<string> {
  const concepts = (await Promise.all(args.values.map((v) => args.expand(unescapeValue(v))))).flat();
  if (concepts.length === 0) return args.modifier === 'not-in' ? 'TRUE' : 'FALSE';
  const systems = args.sql.add(concepts.map((c) => c.system ?? null), 'text[]');
  const codes = args.sql.add(concepts.map((c) => c.code), 'text[]');
  const exists = existsIn(
    args.sql,
    args.target,
    'idx_token',
    args.def.code,
    (a) => `EXISTS (SELECT 1 FROM unnest(${systems}, ${codes}) AS vs(system, code) WHERE vs.code = ${a}.code AND (vs.system IS NULL OR coalesce(${a}.system, '') = '' OR vs.system = ${a}.system))`,
  );
  return args.modifier === 'not-in' ? `NOT ${exists}` : exists;
}

export const tokenFilter: FilterBuilder = async (args) => {
  const { sql, target, def, modifier, values } = args;
  switch (modifier) {
    case undefined:
      return existsIn(sql, target, 'idx_token', def.code, (a) => or(values.map((v) => codeCondition(args, a, v))));
    case 'not':
      return `NOT ${existsIn(sql, target, 'idx_token', def.code, (a) => or(values.map((v) => codeCondition(args, a, v))))}`;
    case 'text':
      return existsIn(sql, target, 'idx_token', def.code, (a) =>
        or(values.map((v) => `${a}.text_norm LIKE ${sql.add(escapeLike(normalizeString(unescapeValue(v))) + '%')}`)),
      );
    case 'of-type':
      return existsIn(sql, target, 'idx_token', `${def.code}:of-type`, (a) =>
        or(
          values.map((v) => {
            const [system, code, value] = splitEscaped(v, '|');
            if (value === undefined || !code) throw badRequest(`:of-type needs system|code|value, got "${v}"`, args.key);
            return `${a}.code = ${sql.add(`${code}|${value}`)}${system ? ` AND ${a}.system = ${sql.add(system)}` : ''}`;
          }),
        ),
      );
    case 'in':
    case 'not-in':
      return inValueSets(args);
    default:
      throw badRequest(`Modifier :${modifier} is not supported for token parameter ${def.code}`, args.key);
  }
};
