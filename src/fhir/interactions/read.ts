// read: GET [type]/[id], with conditional read (If-None-Match, If-Modified-Since) answering 304.
import type { Handler } from '../request.js';
import { resourceResponse } from '../responses.js';

/** True when an If-None-Match list (W/"1", "2" or *) names the current version. */
function noneMatchHits(header: string, versionId: string): boolean {
  return header.split(',').some((tag) => {
    const value = tag.trim().replace(/^W\//, '').replace(/"/g, '').trim();
    return value === '*' || value === versionId;
  });
}

export const read: Handler = async (hc, request, params) => {
  const resource = await hc.repo.read(hc.ctx, params.resourceType as string, params.id as string);
  const response = resourceResponse(200, resource);
  response.location = undefined;
  const versionId = resource.meta?.versionId;
  const notModified = { status: 304, versionId, lastModified: resource.meta?.lastUpdated };
  // RFC 9110 13.2.2: when If-None-Match is present, If-Modified-Since is ignored.
  if (request.ifNoneMatch !== undefined) return versionId && noneMatchHits(request.ifNoneMatch, versionId) ? notModified : response;
  const since = request.ifModifiedSince ? Date.parse(request.ifModifiedSince) : NaN;
  const modified = Date.parse(resource.meta?.lastUpdated ?? '');
  // HTTP dates have one-second precision, so compare whole seconds.
  if (!Number.isNaN(since) && !Number.isNaN(modified) && Math.floor(modified / 1000) <= Math.floor(since / 1000)) return notModified;
  return response;
};
