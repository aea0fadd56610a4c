// Conditional update, patch and delete: PUT/PATCH/DELETE [type]?criteria with the spec's 0 / 1 / many rules.
import { randomUUID } from 'node:crypto';
import { findSingle } from '../conditional.js';
import { badRequest, informational, notFound } from '../errors.js';
import type { FhirRequest, Handler, HandlerContext } from '../request.js';
import { requireResource } from '../responses.js';
import { patch } from './patch.js';
import { remove } from './delete.js';
import { update } from './update.js';

/** PUT, PATCH or DELETE on a type with criteria instead of an id. */
export function isConditionalWrite(request: FhirRequest): boolean {
  return request.path.length === 1 && (request.method === 'PUT' || request.method === 'PATCH' || request.method === 'DELETE');
}

/**
 * The instance request ([type]/[id]) a conditional write stands for, by R4's rules: several matches are a 412; one match
 * is that resource (a PUT whose body names another id is a 400); no match is a new resource for a PUT (the body's id,
 * or `newId`), a 404 for a PATCH, and nothing to do for a DELETE (undefined).
 * Transactions resolve their conditional entries this way before any entry runs, so references to them can be rewritten.
 */
export async function resolveConditionalWrite(hc: HandlerContext, request: FhirRequest, newId: () => string = randomUUID): Promise<FhirRequest | undefined> {
  const type = request.path[0];
  const resource = request.method === 'PUT' ? requireResource(request.body, type) : undefined;
  const match = await findSingle(hc, type, request.query, 'criteria');
  const at = (id: string, body: unknown = request.body): FhirRequest => ({ ...request, path: [type, id], query: {}, body });
  if (resource) {
    if (match && resource.id !== undefined && resource.id !== match.id) throw badRequest(`Resource id "${resource.id}" differs from the matched ${type}/${match.id}`, 'id');
    const id = match?.id ?? resource.id ?? newId();
    return at(id, { ...resource, id });
  }
  if (match) return at(match.id as string);
  if (request.method === 'PATCH') throw notFound(`No ${type} matches the criteria to patch`, 'criteria');
  return undefined;
}

export const conditionalUpdate: Handler = async (hc, request) => {
  const resolved = (await resolveConditionalWrite(hc, request)) as FhirRequest;
  return update(hc, resolved, { resourceType: resolved.path[0], id: resolved.path[1] });
};

export const conditionalPatch: Handler = async (hc, request) => {
  const resolved = (await resolveConditionalWrite(hc, request)) as FhirRequest;
  return patch(hc, resolved, { resourceType: resolved.path[0], id: resolved.path[1] });
};

export const conditionalDelete: Handler = async (hc, request, params) => {
  const resolved = await resolveConditionalWrite(hc, request);
  if (!resolved) return { status: 200, outcome: informational(`No ${params.resourceType} matched; nothing was deleted`) };
  return remove(hc, resolved, { resourceType: resolved.path[0], id: resolved.path[1] });
};
