// /readyz: ready while the database answers, 503 once shutting down (a state clients of a stopping process cannot reach any more).
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readyz } from '../../src/http/health.js';
import type { SqlDriver } from '../../src/storage/drivers/driver.js';

describe('readyz', () => {
  let shuttingDown = false;
  let databaseUp = true;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const db = {
      name: 'pglite',
      query: async () => {
        if (!databaseUp) throw new Error('connection refused');
        return [];
      },
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

  it('answers 503 when the database does not', async () => {
    databaseUp = false;
    const res = await fetch(url);
    databaseUp = true;
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 503, body: { status: 'database-unavailable', database: 'pglite' } });
  });

  it('answers 503 once shutting down, even with the database up', async () => {
    shuttingDown = true;
    const res = await fetch(url);
    shuttingDown = false;
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 503, body: { status: 'shutting-down' } });
  });
});
