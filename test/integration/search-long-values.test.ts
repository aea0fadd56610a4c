// Values longer than a btree index entry allows are indexed by their prefix: writes succeed and exact searches still match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe.each(backends())('long indexed values on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { loadContent: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  const longValue = 'é'.repeat(3000) + 'end';

  it('a resource with a 6 kB identifier, name and URL is stored (no 500)', async () => {
    const res = await server.fhir('Patient/long', {
      method: 'PUT',
      body: { resourceType: 'Patient', id: 'long', identifier: [{ system: 'urn:x', value: longValue }], name: [{ family: longValue }], telecom: [{ system: 'url', value: longValue }] },
    });
    expect(res.status, res.text).toBe(201);
  });

  it('token, :exact and starts-with searches on the long values find it', async () => {
    for (const query of [`identifier=urn:x|${encodeURIComponent(longValue)}`, `family:exact=${encodeURIComponent(longValue)}`, `family=${encodeURIComponent('é'.repeat(50))}`]) {
      // POST _search: the URL would exceed Node's 16 kB header limit.
      const res = await server.fhir('Patient/_search', { method: 'POST', body: query, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.status).toBe(200);
      expect(res.body.total, query.slice(0, 40)).toBe(1);
    }
  });
});
