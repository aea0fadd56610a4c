// create: POST [type]; the server assigns the id. Conditional create (If-None-Exist) goes through search.
import { criteriaQuery, findSingle } from '../conditional.js';
import { informational } from '../errors.js';
import type { Handler } from '../request.js';
import { requireResource, resourceResponse } from '../responses.js';

export const create: Handler = async (hc, request, params) => {
  const resource = requireResource(request.body, params.resourceType);
  if (request.ifNoneExist !== undefined) {
    const existing = await findSingle(hc, resource.resourceType, criteriaQuery(request.ifNoneExist), 'If-None-Exist');
    if (existing) return { ...resourceResponse(200, existing), location: undefined, outcome: informational(`Matched existing ${existing.resourceType}/${existing.id}`) };
  }
  const created = await hc.repo.create(hc.ctx, resource, { id: request.assignedId });
  return resourceResponse(201, created);
};
