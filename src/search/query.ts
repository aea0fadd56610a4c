// Parses a FHIR search query string into a storage-neutral SearchQuery (chains, _has, modifiers, result parameters).
import { badRequest } from '../fhir/errors.js';

export interface ChainLink {
  param: string;
  targetType?: string;
}

export interface HasLink {
  sourceType: string;
  param: string;
}

/** One query parameter: its values are OR'd; separate filters are AND'd. */
export interface SearchFilter {
  /** The parameter name exactly as sent (for messages and self links). */
  key: string;
  has: HasLink[];
  chain: ChainLink[];
  param: string;
  modifier?: string;
  values: string[];
}

export interface IncludeSpec {
  sourceType: string;
  param: string;
  targetType?: string;
  iterate: boolean;
}

export interface SortSpec {
  param: string;
  descending: boolean;
}

export interface SearchQuery {
  types: string[];
  filters: SearchFilter[];
  sort: SortSpec[];
  count?: number;
  cursor?: string;
  total?: 'none' | 'estimate' | 'accurate';
  summaryCount: boolean;
  include: IncludeSpec[];
  revinclude: IncludeSpec[];
}

/** Result and formatting parameters that are not filters. */
const RESULT_PARAMS = new Set(['_sort', '_count', '_include', '_revinclude', '_total', '_summary', '_elements', '_format', '_pretty', '_cursor', '_type']);
const UNSUPPORTED = new Set(['_text', '_content', '_list', '_query', '_filter', '_contained', '_containedType', '_graph']);

/** Splits on a separator not escaped with a backslash, keeping the escapes so a later split on another separator still sees them. */
export function splitKeepingEscapes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      current += c + value[++i];
      continue;
    }
    if (c === separator) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/** Splits on an unescaped separator, then unescapes \, \| \$ \\ in each part. */
export function splitEscaped(value: string, separator: string): string[] {
  return splitKeepingEscapes(value, separator).map((part) => part.replace(/\\(.)/g, '$1'));
}

function parseKey(key: string): Omit<SearchFilter, 'values' | 'key'> {
  const has: HasLink[] = [];
  let rest = key;
  while (rest.startsWith('_has:')) {
    const [, sourceType, param, ...tail] = rest.split(':');
    if (!sourceType || !param || tail.length === 0) throw badRequest(`Invalid _has parameter "${key}" (expected _has:Type:param:filter)`, key);
    has.push({ sourceType, param });
    rest = tail.join(':');
  }
  const segments = rest.split('.');
  const chain: ChainLink[] = segments.slice(0, -1).map((segment) => {
    const [param, targetType, extra] = segment.split(':');
    if (!param || extra !== undefined) throw badRequest(`Invalid chained parameter "${key}"`, key);
    return { param, targetType };
  });
  const last = segments[segments.length - 1];
  const colon = last.indexOf(':');
  const param = colon >= 0 ? last.slice(0, colon) : last;
  const modifier = colon >= 0 ? last.slice(colon + 1) : undefined;
  if (!param) throw badRequest(`Invalid search parameter "${key}"`, key);
  return { has, chain, param, modifier };
}

function parseInclude(value: string, name: string): IncludeSpec {
  const [sourceType, param, targetType] = value.split(':');
  if (!sourceType || !param) throw badRequest(`${name} must look like Type:param[:TargetType], got "${value}"`, name);
  return { sourceType, param, targetType, iterate: name.endsWith(':iterate') || name.endsWith(':recurse') };
}

export function parseSearchQuery(types: string[], query: Record<string, string[]>, maxCount: number): SearchQuery {
  const result: SearchQuery = { types, filters: [], sort: [], summaryCount: false, include: [], revinclude: [] };
  for (const [key, values] of Object.entries(query)) {
    const base = key.split(':')[0];
    if (UNSUPPORTED.has(base)) throw badRequest(`Search parameter ${base} is not supported by this server`, key);
    if (base === '_include' || base === '_revinclude') {
      for (const v of values) (base === '_include' ? result.include : result.revinclude).push(parseInclude(v, key));
      continue;
    }
    if (RESULT_PARAMS.has(base)) continue;
    for (const value of values) {
      const parsed = parseKey(key);
      result.filters.push({ key, ...parsed, values: splitKeepingEscapes(value, ',') });
    }
  }
  const first = (name: string) => query[name]?.[0];
  const count = first('_count');
  if (count !== undefined) {
    if (!/^\d{1,9}$/.test(count)) throw badRequest(`_count must be a non-negative integer, got "${count}"`, '_count');
    result.count = Math.min(Number(count), maxCount);
  }
  for (const sort of (query._sort ?? []).flatMap((s) => s.split(','))) {
    const trimmed = sort.trim();
    if (!trimmed) continue;
    result.sort.push({ param: trimmed.replace(/^-/, ''), descending: trimmed.startsWith('-') });
  }
  const total = first('_total');
  if (total !== undefined) {
    if (total !== 'none' && total !== 'estimate' && total !== 'accurate') throw badRequest('_total must be none, estimate or accurate', '_total');
    result.total = total;
  }
  result.summaryCount = first('_summary') === 'count';
  result.cursor = first('_cursor');
  return result;
}
