// PostgreSQL driver: a node-postgres pool behind the SqlDriver contract.
import pg from 'pg';
import { lazyTransaction, type SqlDriver, type SqlExecutor } from './driver.js';

export async function openPostgres(connectionString: string, poolSize: number, settings: Record<string, string> = {}): Promise<SqlDriver> {
  // Session settings travel in the startup packet, so every pooled connection has them without an extra round trip.
  const options = Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`).join(' ') || undefined;
  const pool = new pg.Pool({ connectionString, max: poolSize, application_name: 'calaim-fhir', options });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  const alone: SqlExecutor = { query: async <R>(text: string, params?: unknown[]) => (await pool.query(text, params as unknown[])).rows as R[] };
  return {
    name: 'postgres',
    query: alone.query,
    async transaction<T>(fn: Parameters<SqlDriver['transaction']>[0]): Promise<T> {
      let client: pg.PoolClient | undefined;
      const open = async (): Promise<SqlExecutor> => {
        client = await pool.connect();
        const c = client;
        await c.query('BEGIN');
        return { query: async <R>(text: string, params?: unknown[]) => (await c.query(text, params as unknown[])).rows as R[] };
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
