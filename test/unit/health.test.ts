// /readyz 503 once shutting down: clients of a stopping process cannot see it (its listener is closed), so it is pinned here.
// The database-unavailable 503 is covered over HTTP in test/integration/health.test.ts.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readyz } from '../../src/http/health.js';
import type { SqlDriver } from '../../src/storage/drivers/driver.js';

describe('readyz', () => {
  let shuttingDown = false;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const db = {
      name: 'pglite',
      query: async () => [],
    } as unknown as SqlDriver;
    const app = express();
    app.get('/readyz', readyz(db, () => shuttingDown));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => {
    await close?.();
  });

  it('answers 200 while the database answers', async () => {
    const res = await fetch(url);
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { status: 'ready', database: 'pglite' } });
  });

  it('answers 503 once shutting down, even with the database up', async () => {
    shuttingDown = true;
    const res = await fetch(url);
    shuttingDown = false;
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 503, body: { status: 'shutting-down' } });
  });
});
