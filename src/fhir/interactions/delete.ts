// delete: DELETE [type]/[id]; later reads answer 410 Gone, and history keeps every version.
import { informational } from '../errors.js';
import type { Handler } from '../request.js';
import { parseVersionTag } from '../responses.js';

export const remove: Handler = async (hc, request, params) => {
  const type = params.resourceType as string;
  const id = params.id as string;
  const ifMatch = parseVersionTag(request.ifMatch, 'If-Match');
  const version = await hc.repo.delete(hc.ctx, type, id, { ifMatch });
  if (!version) return { status: 200, outcome: informational(`${type}/${id} was already deleted`) };
  return { status: 200, outcome: informational(`Deleted ${type}/${id}`), versionId: version.versionId, lastModified: version.lastUpdated };
};
