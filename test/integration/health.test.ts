// /healthz (liveness) and /readyz (database reachable) outside the FHIR base.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe.each(backends())('health endpoints on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('GET /healthz answers 200 {status: "ok"}', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it(`GET /readyz answers 200 with the database name (${backend.name})`, async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', database: backend.name });
  });

  it('health endpoints are not subject to FHIR content negotiation', async () => {
    const res = await fetch(`${server.url}/healthz`, { headers: { accept: 'application/fhir+xml' } });
    expect(res.status).toBe(200);
    expect((await fetch(`${server.url}/readyz?_format=xml`)).status).toBe(200);
  });

  it('health endpoints live outside the FHIR base', async () => {
    const res = await server.fhir('healthz');
    expect(res.status).toBe(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  describe('when the database is gone', () => {
    let fresh: TestServer;
    beforeAll(async () => {
      fresh = await startTestServer(backend);
    });
    afterAll(async () => {
      // PGlite refuses a second close; the database is in memory, so nothing is left behind.
      await fresh?.close().catch(() => undefined);
    });

    it('GET /readyz answers 503 naming the database, while /healthz stays 200', async () => {
      expect((await fetch(`${fresh.url}/readyz`)).status).toBe(200);
      if (backend.name === 'postgres') {
        // Drop the suite's database under the running server: its pool cannot reconnect.
        const [{ name }] = await fresh.db.query<{ name: string }>('SELECT current_database() AS name');
        const admin = new pg.Client({ connectionString: backend.adminUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin.end();
      } else {
        await fresh.db.close();
      }
      const res = await fetch(`${fresh.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'database-unavailable', database: backend.name });
      expect((await fetch(`${fresh.url}/healthz`)).status).toBe(200);
    });
  });
});
