// patch: PATCH [type]/[id] with a JSON Patch (RFC 6902) document; the result is validated like any update.
import jsonpatch from 'fast-json-patch';
import type { Resource } from '@medplum/fhirtypes';
import { badRequest, FhirError, unprocessable, unsupportedMediaType } from '../errors.js';
import type { Handler } from '../request.js';
import { parseVersionTag, resourceResponse } from '../responses.js';

// Each 412 on a retry means another writer committed a version in between, so the loop makes progress overall;
// the bound only has to exceed the number of writers racing on one resource (5 was not: 10 parallel PATCHes lost).
const MAX_RETRIES = 50;
const jitter = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 10)));

/** RFC 6902 4.4: a move's "from" may not be a proper prefix of its "path". fast-json-patch does not check, and moving "" into a child leaves a cycle. */
function assertNoMoveIntoItself(operations: jsonpatch.Operation[]): void {
  operations.forEach((op, i) => {
    // Anything but an object is left for fast-json-patch to refuse.
    const { op: name, from, path } = (op ?? {}) as { op?: unknown; from?: unknown; path?: unknown };
    if (name === 'move' && typeof from === 'string' && typeof path === 'string' && path.startsWith(`${from}/`)) {
      throw badRequest(`A move may not put a location inside itself (from "${from}" to "${path}")`, `Patch[${i}]`);
    }
  });
}

function applyJsonPatch(resource: Resource, operations: jsonpatch.Operation[]): Resource {
  assertNoMoveIntoItself(operations);
  try {
    return jsonpatch.applyPatch(resource, operations, true, false).newDocument;
  } catch (err) {
    const error = err as { name?: string; message?: string; index?: number };
    const where = error.index !== undefined ? `[${error.index}]` : '';
    const text = (error.message ?? 'invalid patch').split('\n')[0];
    if (error.name === 'TEST_OPERATION_FAILED' || error.name === 'OPERATION_PATH_UNRESOLVABLE' || error.name === 'OPERATION_PATH_CANNOT_ADD') {
      throw unprocessable(`JSON Patch could not be applied: ${text}`, `Patch${where}`);
    }
    throw badRequest(`Invalid JSON Patch document: ${text}`, `Patch${where}`);
  }
}

export const patch: Handler = async (hc, request, params) => {
  const type = params.resourceType as string;
  const id = params.id as string;
  if (request.contentType !== 'application/json-patch+json') {
    throw unsupportedMediaType(`PATCH needs Content-Type application/json-patch+json (got ${request.contentType ?? 'none'})`, 'Content-Type');
  }
  if (!Array.isArray(request.body)) throw badRequest('A JSON Patch document must be an array of operations', 'Patch');
  const operations = request.body as jsonpatch.Operation[];
  const clientIfMatch = parseVersionTag(request.ifMatch, 'If-Match');
  for (let attempt = 1; ; attempt++) {
    const current = await hc.repo.read(hc.ctx, type, id);
    const patched = applyJsonPatch(current, operations);
    if (patched.resourceType !== type || patched.id !== id) throw unprocessable('A patch may not change resourceType or id', 'Patch');
    try {
      // Without a client If-Match, pin the version we patched so a concurrent write makes us re-read, not overwrite.
      const result = await hc.repo.update(hc.ctx, patched, { ifMatch: clientIfMatch ?? current.meta?.versionId, ifMatchPinned: clientIfMatch === undefined, method: 'PATCH' });
      return resourceResponse(200, result.resource);
    } catch (err) {
      if (clientIfMatch !== undefined || attempt >= MAX_RETRIES || !(err instanceof FhirError) || err.status !== 412) throw err;
      await jitter(attempt);
    }
  }
};
