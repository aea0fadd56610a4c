// Planner settings the server applies to every database session, on both drivers.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/storage/drivers/open.js';
import { backends } from '../helpers/backends.js';

describe('DB_RANDOM_PAGE_COST', () => {
  it('defaults to 1.1; off leaves the database setting; anything else is a configuration error', () => {
    expect(loadConfig({}).randomPageCost).toBe(1.1);
    expect(loadConfig({ DB_RANDOM_PAGE_COST: '2.5' }).randomPageCost).toBe(2.5);
    expect(loadConfig({ DB_RANDOM_PAGE_COST: 'off' }).randomPageCost).toBeUndefined();
    expect(() => loadConfig({ DB_RANDOM_PAGE_COST: 'cheap' })).toThrow(/DB_RANDOM_PAGE_COST/);
  });

  it('DB_PREPARED_STATEMENTS defaults to on and can be turned off for poolers that cannot keep them', () => {
    expect(loadConfig({}).preparedStatements).toBe(true);
    expect(loadConfig({ DB_PREPARED_STATEMENTS: 'false' }).preparedStatements).toBe(false);
  });
});

describe.each(backends())('session settings on $name', (backend) => {
  const open = (randomPageCost?: number) =>
    openDatabase({ databaseUrl: backend.adminUrl, dataDir: 'memory://', poolSize: 3, randomPageCost });

  it('every session (pooled connections and transactions alike) plans with the configured random_page_cost', async () => {
    const db = await open(1.1);
    try {
      const seen = await Promise.all(Array.from({ length: 3 }, () => db.query<{ random_page_cost: string }>('SHOW random_page_cost')));
      expect(seen.map((r) => r[0].random_page_cost)).toEqual(['1.1', '1.1', '1.1']);
      const inTx = await db.transaction((tx) => tx.query<{ random_page_cost: string }>('SHOW random_page_cost'));
      expect(inTx[0].random_page_cost).toBe('1.1');
    } finally {
      await db.close();
    }
  });

  it('a statement hinted as recurring is prepared once per connection on PostgreSQL (and simply run on PGlite)', async () => {
    const db = await open(1.1);
    try {
      const prepared = await db.transaction(async (tx) => {
        for (const n of [1, 2, 3]) expect(await tx.query<{ n: number }>('SELECT $1::int AS n', [n], { prepared: true })).toEqual([{ n }]);
        return tx.query<{ statement: string }>("SELECT statement FROM pg_prepared_statements WHERE statement = 'SELECT $1::int AS n'");
      });
      expect(prepared.length).toBe(backend.name === 'postgres' ? 1 : 0);
    } finally {
      await db.close();
    }
  });

  it('without a value the database default (4) stays', async () => {
    const db = await open(undefined);
    try {
      expect((await db.query<{ random_page_cost: string }>('SHOW random_page_cost'))[0].random_page_cost).toBe('4');
    } finally {
      await db.close();
    }
  });
});
