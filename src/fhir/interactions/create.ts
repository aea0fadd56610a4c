// create: POST [type]; the server assigns the id. Conditional create (If-None-Exist) goes through search.
import { notSupported } from '../errors.js';
import type { Handler } from '../request.js';
import { requireResource, resourceResponse } from '../responses.js';

export const create: Handler = async (hc, request, params) => {
  const resource = requireResource(request.body, params.resourceType);
  if (request.ifNoneExist !== undefined) {
    throw notSupported('Conditional create (If-None-Exist) needs search, which this server does not offer yet', 'If-None-Exist');
  }
  const created = await hc.repo.create(hc.ctx, resource, { id: request.assignedId });
  return resourceResponse(201, created);
};
