// Turns a SearchResult into a searchset Bundle with self/next/previous links and match/include/outcome entries.
import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import type { SearchResult } from '../search/execute.js';
import { encodeCursor } from '../search/sort.js';
import { outcome } from './errors.js';
import type { FhirRequest } from './request.js';
import type { StoredJson } from './stored-json.js';

function link(relation: string, path: string, query: Record<string, string[]>, cursor?: string): BundleLink {
  const params = new URLSearchParams();
  for (const [key, values] of Object.entries(query)) if (key !== '_cursor') for (const v of values) params.append(key, v);
  if (cursor) params.set('_cursor', cursor);
  const text = params.toString();
  return { relation, url: text ? `${path}?${text}` : path };
}

/**
 * An entry whose resource is a stored document: reading entry.resource parses it (so code that reads a searchset, such as
 * $clr-report, sees resources), while serializing the entry hands the document itself to the serializer, which sends an
 * unread one as stored (see stored-json.ts). toJSON is not enumerable, so a spread copy ({...entry}) is a plain entry.
 */
function documentEntry(fullUrl: string, doc: StoredJson, mode: 'match' | 'include'): BundleEntry {
  const entry = {
    fullUrl,
    get resource(): Resource {
      return doc.resource;
    },
    search: { mode },
  };
  Object.defineProperty(entry, 'toJSON', { value: () => ({ fullUrl, resource: doc, search: { mode } }) });
  return entry;
}

export function searchBundle(result: SearchResult, baseUrl: string, request: FhirRequest, count: number): Bundle {
  const path = `${baseUrl}/${request.path.filter((p) => p !== '_search').join('/')}`.replace(/\/$/, '');
  const query = { ...request.query, _count: [String(count)] };
  const links: BundleLink[] = [link('self', path, request.query, request.query._cursor?.[0])];
  if (result.next) links.push(link('next', path, query, encodeCursor(result.next)));
  if (result.previous) links.push(link('previous', path, query, encodeCursor(result.previous)));
  const document = (doc: StoredJson, mode: 'match' | 'include') => documentEntry(`${baseUrl}/${doc.resourceType}/${doc.id}`, doc, mode);
  const entry: BundleEntry[] = [...result.matches.map((doc) => document(doc, 'match')), ...result.included.map((doc) => document(doc, 'include'))];
  if (result.warnings.length > 0) entry.push({ resource: outcome(result.warnings), search: { mode: 'outcome' } });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(result.total !== undefined ? { total: result.total } : {}),
    link: links,
    // FHIR JSON has no empty arrays: an empty page (or _summary=count) has no entry element.
    ...(entry.length > 0 ? { entry } : {}),
  };
}
