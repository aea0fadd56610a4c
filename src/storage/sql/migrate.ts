// Applies the versioned schema migrations once, under an advisory lock so concurrent start-ups agree.
import type { SqlDriver } from '../drivers/driver.js';
import * as m001 from './migrations/001-resources.js';
import * as m002 from './migrations/002-search-index.js';
import * as m003 from './migrations/003-composite-index.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [m001, m002, m003];

/** Arbitrary constant identifying calaim-fhir's migration lock. */
const MIGRATION_LOCK = 4_127_001;

export async function migrate(db: SqlDriver, all: Migration[] = migrations): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migration (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migration')).map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const migration of [...all].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    return applied;
  });
}

/** Our migrations hold plain DDL separated by semicolons at line ends (no functions or quoted semicolons). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.trim().replace(/;$/, ''))
    .filter((s) => s.length > 0);
}
