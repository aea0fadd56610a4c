// update: PUT [type]/[id]; creates the resource with the client's id when it does not exist yet.
import { badRequest } from '../errors.js';
import type { Handler } from '../request.js';
import { parseVersionTag, requireResource, resourceResponse } from '../responses.js';

export const update: Handler = async (hc, request, params) => {
  const resource = requireResource(request.body, params.resourceType);
  if (resource.id === undefined) throw badRequest('Resource id is required in the body of an update', 'id');
  if (resource.id !== params.id) throw badRequest(`Resource id "${resource.id}" does not match the URL id "${params.id}"`, 'id');
  const ifMatch = parseVersionTag(request.ifMatch, 'If-Match');
  const result = await hc.repo.update(hc.ctx, resource, { ifMatch });
  return resourceResponse(result.created ? 201 : 200, result.resource);
};
