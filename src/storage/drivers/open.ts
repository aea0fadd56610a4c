// Chooses the database driver from configuration: PostgreSQL when a URL is given, PGlite otherwise.
import type { SqlDriver } from './driver.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './pg.js';

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  poolSize: number;
  randomPageCost?: number;
  preparedStatements?: boolean;
}

export function openDatabase(options: DatabaseOptions): Promise<SqlDriver> {
  const settings = sessionSettings(options);
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize, settings, options.preparedStatements ?? true) : openPglite(options.dataDir, settings);
}

/** Planner settings for every session the server opens (the same on both drivers). */
function sessionSettings(options: DatabaseOptions): Record<string, string> {
  return options.randomPageCost === undefined ? {} : { random_page_cost: String(options.randomPageCost) };
}
