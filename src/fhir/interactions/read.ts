// read: GET [type]/[id], with conditional read (If-None-Match, If-Modified-Since) answering 304.
import type { Handler } from '../request.js';
import { resourceResponse } from '../responses.js';

export const read: Handler = async (hc, request, params) => {
  const resource = await hc.repo.read(hc.ctx, params.resourceType as string, params.id as string);
  const response = resourceResponse(200, resource);
  response.location = undefined;
  const versionId = resource.meta?.versionId;
  if (request.ifNoneMatch && versionId && request.ifNoneMatch.replace(/^W\//, '').replace(/"/g, '').trim() === versionId) {
    return { status: 304, versionId, lastModified: resource.meta?.lastUpdated };
  }
  const since = request.ifModifiedSince ? Date.parse(request.ifModifiedSince) : NaN;
  const modified = Date.parse(resource.meta?.lastUpdated ?? '');
  // HTTP dates have one-second precision, so compare whole seconds.
  if (!Number.isNaN(since) && !Number.isNaN(modified) && Math.floor(modified / 1000) <= Math.floor(since / 1000)) {
    return { status: 304, versionId, lastModified: resource.meta?.lastUpdated };
  }
  return response;
};
