// Starts a server: opens the database, migrates, wires the repository and registry, listens; stops gracefully.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { loadDefinitions } from './fhir/definitions.js';
import { buildRegistry } from './fhir/routes.js';
import { answerClientErrors } from './http/client-error.js';
import { drainOnClose } from './http/drain.js';
import { createLogger } from './http/logger.js';
import type { SqlDriver } from './storage/drivers/driver.js';
import { openDatabase } from './storage/drivers/open.js';
import { migrate } from './storage/sql/migrate.js';
import { SqlRepository } from './storage/sql-repository.js';
import type { Repository } from './storage/repository.js';
import { validationHook } from './validation/validate.js';
import { ProtectedRepository } from './content/protected-repository.js';
import { startContent } from './content/startup.js';
import { CONFORMANCE_TYPES, VersionedCache } from './content/versioned-cache.js';
import { expandValueSetCodes } from './terminology/expand.js';
import { referralTaskHook } from './referrals/task-hook.js';
import { startPresumptiveSweeper, sweepExpiredPresumptions, type SweepResult } from './referrals/presumptive-sweeper.js';
import type { RequestContext } from './context.js';
import { cacheVersionWriter } from './storage/cache-version.js';
import { searchIndexWriter } from './search/index-writer.js';
import { LocalBases } from './search/local-base.js';
import { SearchParameterRegistry } from './search/parameters.js';
import { searchParameterCheck } from './search/search-parameter-check.js';
import type { SearchServices } from './search/service.js';
import { loadDemoData } from './demo/load-demo.js';

export interface RunningServer {
  url: string;
  baseUrl: string;
  port: number;
  db: SqlDriver;
  repo: Repository;
  logger: Logger;
  /** One presumptive-expiry sweep now, as the background job runs it (tests pass a context with a moved clock). */
  sweepPresumptions: (ctx: RequestContext) => Promise<SweepResult>;
  stop: () => Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;

export async function startServer(config: Config): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  loadDefinitions();
  const db = await openDatabase(config);
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied, database: db.name }, 'migrations applied');
  // Absolute references on BASE_URL are local; without it, on the address the server listens on (added below).
  const localBases = new LocalBases(config.baseUrl ? [`${config.baseUrl}/fhir`] : []);
  const searchParameters = new SearchParameterRegistry(localBases);
  const conformanceCache = new VersionedCache(CONFORMANCE_TYPES);
  const validation = validationHook({ cache: conformanceCache, unknownProfile: config.unknownProfile });
  const repo = new SqlRepository(db, { hooks: [validation, searchParameterCheck, referralTaskHook({ policy: config.referrals, parameters: searchParameters, conformanceCache })], indexWriters: [searchIndexWriter(searchParameters), cacheVersionWriter] });
  const apiRepo = new ProtectedRepository(repo, await startContent(repo, config, logger), conformanceCache);
  if (config.loadDemoData) logger.info({ created: await loadDemoData(repo) }, 'demo data loaded');
  let shuttingDown = false;
  const search: SearchServices = { parameters: searchParameters, expand: expandValueSetCodes };
  const app = buildApp({ config, logger, db, repo: apiRepo, registry: buildRegistry(), search, isShuttingDown: () => shuttingDown });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.on('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  answerClientErrors(server);
  const drain = drainOnClose(server);
  const sweeper = config.presumptiveSweepSeconds > 0 ? startPresumptiveSweeper({ repo, search }, { intervalMs: config.presumptiveSweepSeconds * 1000, log: logger }) : undefined;
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${port}`;
  localBases.add(`${config.baseUrl ?? url}/fhir`);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      shuttingDown = true;
      await Promise.all([sweeper?.stop(), drain.close(SHUTDOWN_GRACE_MS)]);
      await db.close();
    })());
  const sweepPresumptions = (ctx: RequestContext) => sweepExpiredPresumptions({ repo, search }, ctx);
  return { url, baseUrl: `${config.baseUrl ?? url}/fhir`, port, db, repo, logger, sweepPresumptions, stop };
}
