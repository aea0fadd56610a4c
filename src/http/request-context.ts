// Builds the RequestContext for each HTTP request: request id plus the caller's identity.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config.js';
import type { Caller, RequestContext } from '../context.js';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const DEV_ORGANIZATION = /^(Organization\/)?[A-Za-z0-9\-.]{1,64}$/;

/**
 * Identity comes from configuration until SMART authentication replaces this one function.
 * DEV_ORG_HEADER=true (development only) lets X-Calaim-Organization name the caller's organization.
 */
export function callerFor(req: Request, config: Config): Caller {
  const header = config.devOrgHeader ? req.get('x-calaim-organization')?.trim() : undefined;
  const organization = header && DEV_ORGANIZATION.test(header) ? (header.startsWith('Organization/') ? header : `Organization/${header}`) : config.defaultOrganization;
  return { clientId: config.defaultClientId, organization, scopes: ['system/*.*'] };
}

export function requestContext(config: Config) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const ctx: RequestContext = { requestId, caller: callerFor(req, config), now: () => new Date() };
    res.locals.ctx = ctx;
    next();
  };
}
