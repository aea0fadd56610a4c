// Small builders for handler responses and the request-body checks every write shares.
import type { Resource } from '@medplum/fhirtypes';
import { badRequest } from './errors.js';
import type { FhirResponse } from './request.js';

export function resourceResponse(status: number, resource: Resource): FhirResponse {
  return {
    status,
    resource,
    versionId: resource.meta?.versionId,
    lastModified: resource.meta?.lastUpdated,
    location: resource.id && resource.meta?.versionId ? `${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}` : undefined,
  };
}

/** The request body as a resource of the expected type, or a 400 naming what is wrong. */
export function requireResource(body: unknown, expectedType?: string): Resource {
  if (body === undefined || body === null || body === '') throw badRequest('Request body is required', 'Resource');
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('Request body must be a JSON object (a FHIR resource)', 'Resource');
  const resourceType = (body as { resourceType?: unknown }).resourceType;
  if (typeof resourceType !== 'string') throw badRequest('Resource has no resourceType', 'resourceType');
  if (expectedType !== undefined && resourceType !== expectedType) {
    throw badRequest(`Resource type "${resourceType}" does not match the URL type "${expectedType}"`, 'resourceType');
  }
  return body as Resource;
}

/** Parses an ETag-style version: W/"3", "3" or 3. Undefined when absent; 400 when malformed. */
export function parseVersionTag(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?([0-9]{1,9})"?\s*$/.exec(header);
  if (!match) throw badRequest(`${name} must be a version ETag like W/"3", got ${JSON.stringify(header)}`, name);
  return match[1];
}
