// search: GET [type], POST [type]/_search, system search (GET [base]?_type=, POST [base]/_search), Patient/[id]/[type].
import { compartmentRestriction, COMPARTMENTS } from '../../search/compartment.js';
import { parseSearchQuery } from '../../search/query.js';
import { runSearch } from '../../search/service.js';
import { loadDefinitions, isKnownResourceType } from '../definitions.js';
import { badRequest, notFound, unsupportedMediaType } from '../errors.js';
import { parseCount } from '../paging.js';
import { strictHandling } from '../prefer.js';
import type { FhirRequest, FhirResponse, Handler, HandlerContext } from '../request.js';
import { firstParam } from '../request.js';
import { searchBundle } from '../search-bundle.js';

async function search(hc: HandlerContext, request: FhirRequest, types: string[], restrict?: Parameters<typeof runSearch>[3]['restrict']): Promise<FhirResponse> {
  // Form bodies become query parameters; any other body would be silently ignored, so refuse it.
  if (request.body !== undefined) throw unsupportedMediaType('POST _search takes parameters as application/x-www-form-urlencoded', 'Content-Type');
  const query = parseSearchQuery(types, request.query, hc.config.maxCount);
  const count = query.count ?? parseCount(firstParam(request, '_count'), hc.config);
  const result = await runSearch(hc.search, hc.repo, hc.ctx, { query, count, baseUrl: hc.baseUrl, strict: strictHandling(request.prefer), restrict });
  return { status: 200, resource: searchBundle(result, hc.baseUrl, request, count) };
}

export const searchType: Handler = (hc, request, params) => search(hc, request, [params.resourceType as string]);

export const searchSystem: Handler = (hc, request) => {
  const requested = (request.query._type ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  for (const type of requested) if (!isKnownResourceType(type)) throw badRequest(`Unknown resource type "${type}" in _type`, '_type');
  return search(hc, request, requested.length ? requested : loadDefinitions());
};

export const searchCompartment: Handler = async (hc, request, params) => {
  const compartment = params.resourceType as string;
  const id = params.id as string;
  const type = params.compartmentType as string;
  if (!COMPARTMENTS.has(compartment)) throw notFound(`${compartment} is not a supported compartment (supported: ${[...COMPARTMENTS].join(', ')})`);
  if (!isKnownResourceType(type)) throw notFound(`Unknown resource type "${type}"`);
  const restrict = compartmentRestriction(compartment, id, type);
  if (!restrict) throw badRequest(`${type} is not in the ${compartment} compartment`, 'type');
  return search(hc, request, [type], restrict);
};
