// uri parameters: exact match, :below and :above (R4 search §uri): by path segment for URLs, by plain prefix otherwise.
import { badRequest } from '../../fhir/errors.js';
import { clipForIndex, escapeLike } from '../normalize.js';
import { existsIn, or, unescapeValue, type SqlParams } from '../sql.js';
import type { FilterBuilder } from './types.js';

/** A hierarchical URL: scheme://authority, then an optional path, query, fragment and (canonical) |version. */
const URL_RE = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#|]+)([^?#|]*)([?#][^|]*)?(?:\|(.*))?$/s;

interface ParsedUrl {
  /** scheme://authority */
  origin: string;
  /** Path segments; a trailing slash adds none. */
  segments: string[];
  /** Query and/or fragment, with their leading ? or #. */
  rest: string;
  /** The value as given, without its |version. */
  unversioned: string;
  version?: string;
}

function parseUrl(value: string): ParsedUrl | undefined {
  const match = URL_RE.exec(value);
  if (!match) return undefined;
  const segments = match[2].split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();
  const version = match[4];
  return { origin: match[1], segments, rest: match[3] ?? '', unversioned: version === undefined ? value : value.slice(0, -version.length - 1), version };
}

const pathOf = (url: ParsedUrl, depth = url.segments.length) => [url.origin, ...url.segments.slice(0, depth)].join('/');

/**
 * What :below matches, as a prefix and the characters that may follow it (undefined: anything, a plain prefix).
 * - a URL: itself and everything under it by path segment, with any query, fragment or |version
 *   (`.../ValueSet` matches `.../ValueSet/123` and `.../ValueSet|2`, not `.../ValueSetX`); a trailing slash is ignored;
 * - a URL with a query or fragment: only itself (nothing lies below a query);
 * - a canonical `url|version`: that version and its dotted sub-versions (`|1.2` matches `|1.2` and `|1.2.3`, not `|1.20`);
 * - anything else (urn:oid:, urn:uuid:, relative or malformed values): a plain string prefix.
 */
export function belowPattern(value: string): { prefix: string; next?: string[] } {
  const url = parseUrl(value);
  if (!url) return { prefix: value };
  if (url.version !== undefined) return { prefix: value, next: ['', '.'] };
  if (url.rest) return { prefix: value, next: [''] };
  return { prefix: pathOf(url), next: ['', '/', '?', '#', '|'] };
}

/**
 * The stored values :above matches: the value and everything above it. For a URL: each path ancestor down to the
 * origin (with or without a trailing slash), the value without its query or fragment, and for `url|version` the
 * unversioned URL and each dotted parent version (`|1` and `|1.2` are above `|1.2.3`). Otherwise every prefix of it.
 */
export function aboveValues(value: string): string[] {
  const url = parseUrl(value);
  if (!url) return Array.from({ length: value.length }, (_, i) => value.slice(0, i + 1));
  const out = new Set([value, url.unversioned]);
  const parts = url.version?.split('.') ?? [];
  parts.forEach((_, i) => out.add(`${url.unversioned}|${parts.slice(0, i + 1).join('.')}`));
  for (let depth = url.segments.length; depth >= 0; depth--) {
    out.add(pathOf(url, depth));
    out.add(`${pathOf(url, depth)}/`);
  }
  return [...out];
}

/** :below as one index range scan (LIKE 'prefix%' on the text_pattern_ops index) and a check of the next character. */
function belowCondition(sql: SqlParams, a: string, value: string): string {
  const { prefix, next } = belowPattern(value);
  const clipped = clipForIndex(prefix);
  // A prefix cut by clipping is matched on what is indexed of it.
  const like = () => `${a}.value LIKE ${sql.add(escapeLike(clipped) + '%')}`;
  if (!next || clipped !== prefix) return like();
  if (next.length === 1 && next[0] === '') return `${a}.value = ${sql.add(clipped)}`;
  return `(${like()} AND substr(${a}.value, ${sql.add([...clipped].length + 1, 'int')}, 1) = ANY(${sql.add(next, 'text[]')}))`;
}

/** The condition on one idx_uri row (alias `a`) for the values of a uri parameter, OR'd. */
export function uriCondition(sql: SqlParams, a: string, modifier: UriModifier, uris: string[]): string {
  if (modifier === 'below') return or(uris.map((v) => belowCondition(sql, a, v)));
  // :above is equality with a short list of candidates: an index lookup, where "value LIKE stored || '%'" read every row.
  const values = modifier === 'above' ? [...new Set(uris.flatMap(aboveValues).map(clipForIndex))] : uris.map(clipForIndex);
  return `${a}.value = ANY(${sql.add(values, 'text[]')})`;
}

type UriModifier = undefined | 'below' | 'above';
const isUriModifier = (m: string | undefined): m is UriModifier => m === undefined || m === 'below' || m === 'above';

export const uriFilter: FilterBuilder = ({ sql, target, def, modifier, values, key }) => {
  if (!isUriModifier(modifier)) throw badRequest(`Modifier :${modifier} is not supported for uri parameter ${def.code}`, key);
  const uris = values.map(unescapeValue);
  return existsIn(sql, target, 'idx_uri', def.code, (a) => uriCondition(sql, a, modifier, uris));
};
