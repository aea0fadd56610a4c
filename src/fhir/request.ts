// Express-free request/response shapes: one router serves HTTP calls and Bundle entries alike.
import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { Config } from '../config.js';
import type { RequestContext } from '../context.js';
import type { SearchServices } from '../search/service.js';
import type { Repository } from '../storage/repository.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FhirRequest {
  method: HttpMethod;
  /** Path segments below the FHIR base, already URL-decoded. */
  path: string[];
  /** Query parameters; repeated names keep every value in order. */
  query: Record<string, string[]>;
  body?: unknown;
  /** Media type of the body, lower-cased without parameters. */
  contentType?: string;
  ifMatch?: string;
  ifNoneExist?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  prefer?: string;
  /** Id chosen in advance for a create inside a transaction (so urn:uuid references resolve); never from HTTP. */
  assignedId?: string;
}

export interface FhirResponse {
  status: number;
  resource?: Resource;
  /** Outcome to return when the client asks for Prefer: return=OperationOutcome, or for 2xx with no resource. */
  outcome?: OperationOutcome;
  /** Version headers: set when the response is about one resource version. */
  versionId?: string;
  lastModified?: string;
  /** Relative URL of the resource version (Location on create, Content-Location otherwise). */
  location?: string;
  /** Alternative response bodies (e.g. CSV); the HTTP layer writes them as they are. */
  raw?: { contentType: string; body: string };
}

/** Everything a handler may use: passed explicitly, never looked up from ambient state. */
export interface HandlerContext {
  ctx: RequestContext;
  repo: Repository;
  config: Config;
  search: SearchServices;
  /** Absolute FHIR base URL of this request (no trailing slash). */
  baseUrl: string;
  /** Dispatches a nested request (Bundle entries) through the same router. */
  dispatch: (request: FhirRequest, repo?: Repository) => Promise<FhirResponse>;
  /** Records an unexpected error (logged with the request id) that a batch turns into an entry outcome. */
  reportError: (err: unknown) => void;
}

export interface RouteParams {
  resourceType?: string;
  id?: string;
  versionId?: string;
  operation?: string;
  /** Resource type searched inside a compartment (Patient/[id]/[compartmentType]). */
  compartmentType?: string;
}

export type Handler = (hc: HandlerContext, request: FhirRequest, params: RouteParams) => Promise<FhirResponse>;

export function firstParam(request: FhirRequest, name: string): string | undefined {
  return request.query[name]?.[0];
}
