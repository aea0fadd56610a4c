// Which database backends the integration suites run on: PGlite always; PostgreSQL via DATABASE_URL or testcontainers.
import pg from 'pg';
import { inject } from 'vitest';

export interface Backend {
  name: 'pglite' | 'postgres';
  /** Connection string of the PostgreSQL server (admin database) for the postgres backend. */
  adminUrl?: string;
}

/** global-setup provides a PostgreSQL URL (from DATABASE_URL or a container), or '' when PostgreSQL is skipped. */
export function backends(): Backend[] {
  const url = inject('postgresUrl');
  return url ? [{ name: 'pglite' }, { name: 'postgres', adminUrl: url }] : [{ name: 'pglite' }];
}

/** Creates an empty database for one suite and returns its URL plus a function that drops it. */
export async function freshDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `calaim_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
