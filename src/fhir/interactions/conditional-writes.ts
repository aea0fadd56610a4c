// Conditional update, patch and delete: PUT/PATCH/DELETE [type]?criteria with the spec's 0 / 1 / many rules.
import { findSingle } from '../conditional.js';
import { badRequest, informational } from '../errors.js';
import type { Handler } from '../request.js';
import { requireResource } from '../responses.js';
import { patch } from './patch.js';
import { remove } from './delete.js';
import { update } from './update.js';

export const conditionalUpdate: Handler = async (hc, request, params) => {
  const type = params.resourceType as string;
  const resource = requireResource(request.body, type);
  const match = await findSingle(hc, type, request.query, 'criteria');
  if (match) {
    if (resource.id !== undefined && resource.id !== match.id) throw badRequest(`Resource id "${resource.id}" differs from the matched ${type}/${match.id}`, 'id');
    return update(hc, { ...request, body: { ...resource, id: match.id } }, { resourceType: type, id: match.id });
  }
  if (resource.id !== undefined) return update(hc, request, { resourceType: type, id: resource.id });
  const created = await hc.repo.create(hc.ctx, resource);
  return { status: 201, resource: created, versionId: created.meta?.versionId, lastModified: created.meta?.lastUpdated, location: `${type}/${created.id}/_history/${created.meta?.versionId}` };
};

export const conditionalPatch: Handler = async (hc, request, params) => {
  const type = params.resourceType as string;
  const match = await findSingle(hc, type, request.query, 'criteria');
  if (!match) throw badRequest(`No ${type} matches the criteria to patch`, 'criteria');
  return patch(hc, request, { resourceType: type, id: match.id });
};

export const conditionalDelete: Handler = async (hc, request, params) => {
  const type = params.resourceType as string;
  const match = await findSingle(hc, type, request.query, 'criteria');
  if (!match) return { status: 200, outcome: informational(`No ${type} matched; nothing was deleted`) };
  return remove(hc, request, { resourceType: type, id: match.id });
};
