// The raw baseline: the same JSON written and read straight through the database client, no HTTP, no server.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { sql as resourceMigration } from '../../src/storage/sql/migrations/001-resources.js';
import { summarize, type Figures } from './figures.js';

/** A table keyed like `resource`, with the same content column type (json, jsonb or text), without history or server logic. */
const table = (contentType: string) => `CREATE TABLE IF NOT EXISTS bench_raw (
  resource_type text NOT NULL, id text NOT NULL, content ${contentType} NOT NULL, PRIMARY KEY (resource_type, id))`;
const INSERT = 'INSERT INTO bench_raw (resource_type, id, content) VALUES ($1, $2, $3)';
const SELECT = 'SELECT content FROM bench_raw WHERE resource_type = $1 AND id = $2';

/** The server parses what it reads; pg parses json/jsonb itself, text is parsed here. */
const parsed = (content: unknown) => (typeof content === 'string' ? JSON.parse(content) : content);

/** The type of resource.content in the server's schema, from its first migration (for PGlite, whose database the server holds). */
export function migrationContentType(): string {
  return /CREATE TABLE resource \([^;]*?\bcontent (\w+)/.exec(resourceMigration)?.[1] ?? 'jsonb';
}

export interface RawStore {
  insert(id: string, json: string): Promise<void>;
  /** Returns the parsed resource, as the server's read does. */
  select(id: string): Promise<unknown>;
  /** PostgreSQL backend process ids serving the benchmark database (for CPU accounting); none for PGlite. */
  backendPids(): Promise<number[]>;
  /** Settings that matter for a fair comparison (durability). */
  describe(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export async function openRawPostgres(databaseUrl: string, poolSize: number): Promise<RawStore> {
  // Same database, so the same synchronous_commit/fsync as the server's connections get.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, application_name: 'calaim-bench-raw' });
  const column = await pool.query(
    `SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'resource' AND column_name = 'content'`,
  );
  const contentType = (column.rows[0]?.data_type as string | undefined) ?? migrationContentType();
  await pool.query(table(contentType));
  return {
    async insert(id, json) {
      await pool.query(INSERT, ['Patient', id, json]);
    },
    async select(id) {
      const { rows } = await pool.query(SELECT, ['Patient', id]);
      if (!rows[0]) throw new Error(`raw row ${id} missing`);
      return parsed(rows[0].content);
    },
    async backendPids() {
      const { rows } = await pool.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
      return rows.map((r) => Number(r.pid));
    },
    async describe() {
      const setting = async (name: string) => (await pool.query(`SELECT current_setting('${name}') AS v`)).rows[0].v as string;
      return {
        synchronous_commit: await setting('synchronous_commit'),
        fsync: await setting('fsync'),
        content: contentType,
        postgres: (await setting('server_version')).split(' ')[0],
      };
    },
    close: () => pool.end(),
  };
}

export async function openRawPglite(dataDir: string): Promise<RawStore> {
  const db = new PGlite(dataDir);
  await db.waitReady;
  const contentType = migrationContentType();
  await db.query(table(contentType));
  return {
    async insert(id, json) {
      await db.query(INSERT, ['Patient', id, json]);
    },
    async select(id) {
      const { rows } = await db.query<{ content: unknown }>(SELECT, ['Patient', id]);
      if (!rows[0]) throw new Error(`raw row ${id} missing`);
      return parsed(rows[0].content);
    },
    backendPids: async () => [],
    async describe() {
      return { storage: 'PGlite on disk', content: contentType };
    },
    close: () => db.close(),
  };
}

/** Runs `concurrency` loops of op for `seconds`, timing each call; op gets a request number unique across loops. */
export async function runLoops(concurrency: number, seconds: number, op: (n: number) => Promise<void>): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await op(next++);
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return summarize(latencies, (performance.now() - started) / 1000, errors);
}
