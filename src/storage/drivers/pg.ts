// PostgreSQL driver: a node-postgres pool behind the SqlDriver contract.
import pg from 'pg';
import type { SqlDriver, SqlExecutor } from './driver.js';

export async function openPostgres(connectionString: string, poolSize: number): Promise<SqlDriver> {
  const pool = new pg.Pool({ connectionString, max: poolSize, application_name: 'calaim-fhir' });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  return {
    name: 'postgres',
    async query<R>(text: string, params?: unknown[]) {
      return (await pool.query(text, params as unknown[])).rows as R[];
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const tx: SqlExecutor = { query: async <R>(text: string, params?: unknown[]) => (await client.query(text, params as unknown[])).rows as R[] };
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}
