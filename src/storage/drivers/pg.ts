// PostgreSQL driver: a node-postgres pool behind the SqlDriver contract.
import pg from 'pg';
import { createHash } from 'node:crypto';
import { lazyTransaction, type QueryHints, type SqlDriver, type SqlExecutor } from './driver.js';

/** Statement names by text: the same text always gets the same name, on every connection. */
const names = new Map<string, string>();
const MAX_NAMES = 2000;

/** The query config: named (so node-pg prepares it once per connection and PostgreSQL keeps its plan) when hinted. */
function config(text: string, params: unknown[] | undefined, hints: QueryHints | undefined, prepare: boolean): pg.QueryConfig {
  if (!prepare || !hints?.prepared) return { text, values: params };
  let name = names.get(text);
  if (!name) {
    name = `s${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    // Bounded: shapes are few (per type and set of index tables); past the bound, new shapes simply go unnamed.
    if (names.size < MAX_NAMES) names.set(text, name);
  }
  return { name, text, values: params };
}

export async function openPostgres(connectionString: string, poolSize: number, settings: Record<string, string> = {}, prepare = true): Promise<SqlDriver> {
  // Session settings travel in the startup packet, so every pooled connection has them without an extra round trip.
  const options = Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`).join(' ') || undefined;
  const pool = new pg.Pool({ connectionString, max: poolSize, application_name: 'calaim-fhir', options });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  const alone: SqlExecutor = { query: async <R>(text: string, params?: unknown[], hints?: QueryHints) => (await pool.query(config(text, params, hints, prepare))).rows as R[] };
  return {
    name: 'postgres',
    query: alone.query,
    async transaction<T>(fn: Parameters<SqlDriver['transaction']>[0]): Promise<T> {
      let client: pg.PoolClient | undefined;
      const open = async (): Promise<SqlExecutor> => {
        client = await pool.connect();
        const c = client;
        await c.query('BEGIN');
        return { query: async <R>(text: string, params?: unknown[], hints?: QueryHints) => (await c.query(config(text, params, hints, prepare))).rows as R[] };
      };
      const { tx, opened } = lazyTransaction(open, alone);
      let broken = false;
      try {
        const result = (await fn(tx)) as T;
        const begun = opened();
        if (begun) {
          await begun;
          await (client as pg.PoolClient).query('COMMIT');
        }
        return result;
      } catch (err) {
        if (client) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
        }
        throw err;
      } finally {
        client?.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}
