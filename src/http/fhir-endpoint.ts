// The Express side of the FHIR API: request -> FhirRequest -> shared router -> HTTP response.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { RequestContext } from '../context.js';
import { parseClientJson } from '../fhir/client-json.js';
import { badRequest } from '../fhir/errors.js';
import type { Registry } from '../fhir/registry.js';
import type { FhirRequest, HandlerContext, HttpMethod } from '../fhir/request.js';
import { dispatchRequest } from '../fhir/router.js';
import type { SearchServices } from '../search/service.js';
import type { Repository } from '../storage/repository.js';
import { bodyMediaType } from './negotiation.js';
import { writeResponse } from './write-response.js';

export interface EndpointDeps {
  registry: Registry;
  repo: Repository;
  config: Config;
  logger: Logger;
  search: SearchServices;
}

function pathSegments(path: string): string[] {
  try {
    return path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    throw badRequest('The request path is not valid percent-encoding', 'url');
  }
}

function queryOf(url: string): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  const index = url.indexOf('?');
  if (index >= 0) for (const [key, value] of new URLSearchParams(url.slice(index + 1))) (query[key] ??= []).push(value);
  return query;
}

function parseBody(req: Request, contentType: string | undefined): unknown {
  const raw = Buffer.isBuffer(req.body) ? req.body : undefined;
  if (!raw || raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  // Name/value pairs, not an object: a repeated name (AND in search) keeps every value.
  if (contentType === 'application/x-www-form-urlencoded') return [...new URLSearchParams(text)];
  return parseClientJson(text, 'Resource');
}

export function baseUrlOf(req: Request, config: Config): string {
  return `${config.baseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`}/fhir`;
}

export function toFhirRequest(req: Request): FhirRequest {
  const hasBody = req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH';
  const contentType = hasBody ? bodyMediaType(req) : undefined;
  const query = queryOf(req.originalUrl);
  const body = hasBody ? parseBody(req, contentType) : undefined;
  if (contentType === 'application/x-www-form-urlencoded' && body) {
    for (const [key, value] of body as [string, string][]) (query[key] ??= []).push(value);
  }
  return {
    method: req.method as HttpMethod,
    path: pathSegments(req.path),
    query,
    body: contentType === 'application/x-www-form-urlencoded' ? undefined : body,
    contentType,
    ifMatch: req.get('if-match'),
    ifNoneExist: req.get('if-none-exist'),
    ifNoneMatch: req.get('if-none-match'),
    ifModifiedSince: req.get('if-modified-since'),
    prefer: req.get('prefer'),
  };
}

export function fhirEndpoint(deps: EndpointDeps) {
  return async (req: Request, res: Response, _next: NextFunction): Promise<void> => {
    const ctx = res.locals.ctx as RequestContext;
    const baseUrl = baseUrlOf(req, deps.config);
    const hc: HandlerContext = {
      ctx,
      repo: deps.repo,
      config: deps.config,
      search: deps.search,
      baseUrl,
      dispatch: (request, repo) => dispatchRequest(deps.registry, { ...hc, repo: repo ?? deps.repo }, request),
      reportError: (err) => deps.logger.error({ err, requestId: ctx.requestId }, 'unexpected error in bundle entry'),
    };
    const request = toFhirRequest(req);
    const response = await dispatchRequest(deps.registry, hc, request);
    writeResponse(req, res, request, response, baseUrl);
  };
}
