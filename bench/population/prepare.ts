// A PostgreSQL database holding a loaded population: reused when it already holds this exact one, otherwise recreated and loaded.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { migrations } from '../../src/storage/sql/migrate.js';
import { GENERATOR_VERSION, type PopulationSpec } from './generate.js';

/** What a loaded database must match to be reused: the population and the schema it was loaded under. */
export function populationFingerprint(spec: PopulationSpec): string {
  const schema = createHash('sha1')
    .update(migrations.map((m) => `${m.version}:${m.sql}`).join('\n'))
    .digest('hex')
    .slice(0, 12);
  return `generator ${GENERATOR_VERSION}, seed ${spec.seed}, ${spec.resources} resources, schema ${schema}`;
}

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The fingerprint recorded by a completed load, or undefined (no database, or a load that never finished). */
export async function loadedFingerprint(adminUrl: string, name: string): Promise<string | undefined> {
  const exists = await withClient(adminUrl, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
  if (!exists) return undefined;
  return withClient(databaseUrl(adminUrl, name), async (c) => {
    const table = await c.query(`SELECT to_regclass('bench_population') IS NOT NULL AS present`);
    if (!table.rows[0].present) return undefined;
    const rows = await c.query('SELECT fingerprint FROM bench_population');
    return rows.rows[0]?.fingerprint as string | undefined;
  });
}

export async function recreateDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
}

/** After a bulk load: refresh statistics and the visibility map (what autovacuum would do soon after), then record the load. */
export async function finishLoad(adminUrl: string, name: string, spec: PopulationSpec, details: Record<string, unknown>): Promise<void> {
  await withClient(databaseUrl(adminUrl, name), async (c) => {
    await c.query('VACUUM (ANALYZE)');
    await c.query('CREATE TABLE IF NOT EXISTS bench_population (fingerprint text NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now(), details jsonb)');
    await c.query('DELETE FROM bench_population');
    await c.query('INSERT INTO bench_population (fingerprint, details) VALUES ($1, $2)', [populationFingerprint(spec), JSON.stringify(details)]);
  });
}

export interface StoredSize {
  type: string;
  count: number;
  /** Average stored JSON text per resource (what a read returns), in bytes. */
  avgJsonBytes: number;
}

export async function storedSizes(url: string): Promise<{ sizes: StoredSize[]; databaseBytes: number; indexRows: Record<string, number> }> {
  return withClient(url, async (c) => {
    const sizes = await c.query(
      `SELECT resource_type AS type, count(*)::int AS count, avg(octet_length(content::text))::int AS "avgJsonBytes"
         FROM resource WHERE NOT deleted GROUP BY resource_type ORDER BY count(*) DESC`,
    );
    const db = await c.query('SELECT pg_database_size(current_database())::bigint AS bytes');
    const tables = await c.query(`SELECT relname, n_live_tup::bigint AS rows FROM pg_stat_user_tables WHERE relname LIKE 'idx\\_%' ORDER BY relname`);
    return {
      sizes: sizes.rows as StoredSize[],
      databaseBytes: Number(db.rows[0].bytes),
      indexRows: Object.fromEntries(tables.rows.map((r) => [r.relname as string, Number(r.rows)])),
    };
  });
}
