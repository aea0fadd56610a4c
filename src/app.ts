// The Express app: middleware order and route mounting only.
import express from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Registry } from './fhir/registry.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { fhirEndpoint } from './http/fhir-endpoint.js';
import { healthz, readyz } from './http/health.js';
import { accessLog } from './http/logger.js';
import { negotiate } from './http/negotiation.js';
import { requestContext } from './http/request-context.js';
import type { SqlDriver } from './storage/drivers/driver.js';
import type { SearchServices } from './search/service.js';
import type { Repository } from './storage/repository.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  db: SqlDriver;
  repo: Repository;
  registry: Registry;
  search: SearchServices;
  isShuttingDown: () => boolean;
}

export function buildApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.set('trust proxy', false);
  app.use(requestContext(deps.config));
  app.use(accessLog(deps.logger));
  app.get('/healthz', healthz);
  app.get('/readyz', readyz(deps.db, deps.isShuttingDown));
  app.use('/fhir', negotiate, express.raw({ type: () => true, limit: deps.config.bodyLimitBytes }), fhirEndpoint(deps));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
