// Matches a FhirRequest against the registry and runs its handler (HTTP and Bundle entries share this).
import { badRequest, methodNotAllowed, notFound } from './errors.js';
import { isKnownResourceType } from './definitions.js';
import type { InteractionRoute, OperationRoute, Registry } from './registry.js';
import type { FhirRequest, FhirResponse, HandlerContext, RouteParams } from './request.js';

export const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

interface Match {
  route: InteractionRoute;
  params: RouteParams;
}

function matchPattern(pattern: string[], path: string[]): RouteParams | undefined {
  if (pattern.length !== path.length) return undefined;
  const params: RouteParams = {};
  for (let i = 0; i < pattern.length; i++) {
    const token = pattern[i];
    const segment = path[i];
    if (token === ':type') {
      if (segment.startsWith('$') || segment.startsWith('_') || segment === 'metadata') return undefined;
      params.resourceType = segment;
    } else if (token === ':id') {
      if (segment.startsWith('$') || segment.startsWith('_')) return undefined;
      params.id = segment;
    } else if (token === ':vid') params.versionId = segment;
    else if (token === ':ctype') {
      if (segment.startsWith('$') || segment.startsWith('_')) return undefined;
      params.compartmentType = segment;
    }
    else if (token === ':op') {
      if (!segment.startsWith('$')) return undefined;
      params.operation = segment.slice(1);
    } else if (token !== segment) return undefined;
  }
  return params;
}

export function matchRoute(registry: Registry, request: FhirRequest): Match {
  const candidates: Match[] = [];
  for (const route of registry.interactions) {
    const params = matchPattern(route.pattern, request.path);
    if (params) candidates.push({ route, params });
  }
  if (candidates.length === 0) throw notFound(`No FHIR endpoint at /${request.path.join('/')}`);
  const { params } = candidates[0];
  if (params.resourceType !== undefined && !isKnownResourceType(params.resourceType)) {
    throw notFound(`Unknown resource type "${params.resourceType}"`);
  }
  if (params.id !== undefined && !ID_PATTERN.test(params.id)) throw badRequest(`Invalid resource id "${params.id}"`, 'id');
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  const match = candidates.find((c) => c.route.methods.includes(method));
  if (!match) {
    const allowed = [...new Set(candidates.flatMap((c) => c.route.methods))];
    throw methodNotAllowed(`${request.method} is not allowed on /${request.path.join('/')} (allowed: ${allowed.join(', ')})`, allowed);
  }
  return match;
}

export function dispatchRequest(registry: Registry, hc: HandlerContext, request: FhirRequest): Promise<FhirResponse> {
  const { route, params } = matchRoute(registry, request);
  return route.handler(hc, request, params);
}

/** Finds the operation for `$name` at a level and type, or explains why there is none. */
export function findOperation(registry: Registry, request: FhirRequest, params: RouteParams): OperationRoute {
  const level = params.id !== undefined ? 'instance' : params.resourceType !== undefined ? 'type' : 'system';
  const name = params.operation ?? '';
  const op = registry.operations.find(
    (o) => o.name === name && o.levels.includes(level) && (o.resourceTypes === '*' || params.resourceType === undefined || o.resourceTypes.includes(params.resourceType)),
  );
  if (!op) throw notFound(`Operation $${name} is not supported at ${level} level${params.resourceType ? ` for ${params.resourceType}` : ''}`);
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  if (!op.methods.includes(method)) throw methodNotAllowed(`$${name} does not accept ${request.method} (allowed: ${op.methods.join(', ')})`, op.methods);
  return op;
}
