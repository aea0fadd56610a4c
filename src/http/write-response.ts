// Writes a FhirResponse over HTTP: Prefer, _summary/_elements, _pretty, and the version headers.
import type { Request, Response } from 'express';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { informational } from '../fhir/errors.js';
import { returnPreference } from '../fhir/prefer.js';
import type { FhirRequest, FhirResponse } from '../fhir/request.js';
import { isShaping, parseShape, shapeResource } from '../fhir/shaping.js';
import { serializeJson } from '../fhir/stored-json.js';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export function sendJson(req: Request, res: Response, status: number, body: unknown): void {
  res.status(status).type(FHIR_JSON).send(serializeJson(body, req.query._pretty === 'true'));
}

function shaped(resource: Resource, request: FhirRequest): Resource {
  const shape = parseShape(request.query._summary?.[0], request.query._elements?.[0]);
  if (!isShaping(shape)) return resource;
  if (resource.resourceType === 'Bundle') {
    const bundle = resource as Bundle;
    return { ...bundle, entry: bundle.entry?.map((e) => (e.resource ? { ...e, resource: shapeResource(e.resource, shape) } : e)) };
  }
  return shapeResource(resource, shape);
}

export function writeResponse(req: Request, res: Response, request: FhirRequest, response: FhirResponse, baseUrl: string): void {
  if (response.versionId) res.setHeader('ETag', `W/"${response.versionId}"`);
  if (response.lastModified) res.setHeader('Last-Modified', new Date(response.lastModified).toUTCString());
  if (response.location) res.setHeader(response.status === 201 ? 'Location' : 'Content-Location', `${baseUrl}/${response.location}`);
  if (response.status === 304 || request.method === 'HEAD') {
    res.status(response.status).end();
    return;
  }
  if (response.raw) {
    res.status(response.status).type(response.raw.contentType).send(response.raw.body);
    return;
  }
  const isWrite = request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH' || request.method === 'DELETE';
  const preference = isWrite && request.path.length > 0 && !request.path.some((s) => s.startsWith('$')) ? returnPreference(request.prefer) : 'representation';
  if (preference === 'minimal') {
    res.status(response.status).end();
    return;
  }
  if (preference === 'OperationOutcome') {
    sendJson(req, res, response.status, response.outcome ?? informational(`${request.method} succeeded`));
    return;
  }
  const body = response.resource ? shaped(response.resource, request) : response.outcome;
  if (body === undefined) res.status(response.status).end();
  else sendJson(req, res, response.status, body);
}
