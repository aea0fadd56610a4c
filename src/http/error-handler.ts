// Turns anything thrown into an OperationOutcome response with the right status; never leaks a stack trace.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { badRequest, FhirError, issue, notFound, outcome, payloadTooLarge, toFhirError, unsupportedMediaType } from '../fhir/errors.js';
import { sendJson } from './write-response.js';

/** body-parser reports its failures with a `type`; map them to FHIR errors. */
function fromBodyParser(err: unknown): FhirError | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return payloadTooLarge(`Request body exceeds the limit of ${(err as { limit?: number }).limit} bytes`, 'Resource');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return unsupportedMediaType('Unsupported content encoding or charset', 'Content-Encoding');
  if (type === 'request.aborted' || type === 'request.size.invalid' || type === 'entity.verify.failed') return badRequest('The request body was incomplete', 'Resource');
  // Other client errors in http-errors form, e.g. a body that is not the gzip/deflate/br its Content-Encoding claims.
  const { status, expose, message } = (err ?? {}) as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500 && expose === true) {
    return new FhirError(status, outcome([issue(status === 415 ? 'not-supported' : 'invalid', `The request body could not be read: ${String(message)}`, 'Resource')]));
  }
  return undefined;
}

export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const requestId = (res.locals.requestId as string | undefined) ?? 'unknown';
    const error = fromBodyParser(err) ?? toFhirError(err, requestId);
    if (error.status >= 500) logger.error({ err, requestId, method: req.method, path: req.path }, 'unhandled error');
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    sendJson(req, res, error.status, error.outcome);
  };
}

export function notFoundHandler(req: Request): never {
  throw notFound(`No endpoint at ${req.method} ${req.path}; the FHIR API is under /fhir`);
}
