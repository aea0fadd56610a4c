// Turns a batch/transaction entry into a FhirRequest for the shared router.
import type { BundleEntry, Resource } from '@medplum/fhirtypes';
import { parseClientJson } from '../client-json.js';
import { badRequest } from '../errors.js';
import type { FhirRequest, HttpMethod } from '../request.js';

const METHODS: HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Splits an entry URL (relative, or absolute under our base) into path segments and query. */
export function parseEntryUrl(url: string, baseUrl: string, expression: string): Pick<FhirRequest, 'path' | 'query'> {
  let relative = url.trim();
  if (relative.startsWith(baseUrl + '/')) relative = relative.slice(baseUrl.length + 1);
  else if (/^[a-z]+:/i.test(relative)) throw badRequest(`Entry URL "${url}" is not on this server`, expression);
  relative = relative.replace(/^\/+/, '');
  const [pathPart, queryPart = ''] = relative.split(/\?(.*)/s, 2);
  let path: string[];
  try {
    path = pathPart.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    throw badRequest(`Entry URL "${url}" is not a valid URL`, expression);
  }
  const query: Record<string, string[]> = {};
  for (const [key, value] of new URLSearchParams(queryPart)) (query[key] ??= []).push(value);
  return { path, query };
}

/** Decodes a PATCH entry body: a Binary holding a JSON Patch document. */
function patchBody(resource: Resource | undefined, expression: string): unknown {
  if (resource?.resourceType !== 'Binary' || !resource.data) {
    throw badRequest('A PATCH entry must carry a Binary resource with a base64 JSON Patch document', `${expression}.resource`);
  }
  if (typeof resource.data !== 'string') throw badRequest('Binary.data must be a base64 string', `${expression}.resource.data`);
  return parseClientJson(Buffer.from(resource.data, 'base64').toString('utf8'), `${expression}.resource.data`);
}

export function entryToRequest(entry: BundleEntry, index: number, baseUrl: string): FhirRequest {
  const expression = `Bundle.entry[${index}]`;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw badRequest('Each Bundle.entry must be an object', expression);
  const req = entry.request;
  // Bodies are client JSON: check the types before calling string methods on them.
  if (typeof req?.method !== 'string' || typeof req.url !== 'string' || !req.method || !req.url) {
    throw badRequest('Entry needs request.method and request.url (strings)', `${expression}.request`);
  }
  const method = req.method.toUpperCase() as HttpMethod;
  if (!METHODS.includes(method)) throw badRequest(`Unsupported entry method "${req.method}"`, `${expression}.request.method`);
  const { path, query } = parseEntryUrl(req.url, baseUrl, `${expression}.request.url`);
  if (path.length === 0 && method === 'POST') throw badRequest('Bundles cannot be nested in a batch or transaction', `${expression}.request.url`);
  const isPatch = method === 'PATCH';
  return {
    method,
    path,
    query,
    body: isPatch ? patchBody(entry.resource, expression) : entry.resource,
    contentType: isPatch ? 'application/json-patch+json' : 'application/fhir+json',
    ifMatch: req.ifMatch,
    ifNoneExist: req.ifNoneExist,
    ifNoneMatch: req.ifNoneMatch,
    ifModifiedSince: req.ifModifiedSince,
  };
}
