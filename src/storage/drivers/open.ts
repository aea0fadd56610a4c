// Chooses the database driver from configuration: PostgreSQL when a URL is given, PGlite otherwise.
import type { SqlDriver } from './driver.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './pg.js';

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  poolSize: number;
}

export function openDatabase(options: DatabaseOptions): Promise<SqlDriver> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize) : openPglite(options.dataDir);
}
