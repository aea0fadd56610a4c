// Versioning: If-Match on writes, ETag/Last-Modified headers, conditional read, and no lost writes under concurrency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { patient, startTestServer, type FhirResult, type TestServer } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(backends())('versioning on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A Patient at version 2 (created, then updated once). */
  const atVersion2 = async (family = 'Versioned') => {
    const created = await server.fhir('Patient', { body: patient(family) });
    const id = created.body.id as string;
    const updated = await server.fhir(`Patient/${id}`, { method: 'PUT', body: { ...patient(`${family}2`), id } });
    expect(updated.body.meta.versionId).toBe('2');
    return updated.body as { id: string; meta: { versionId: string; lastUpdated: string } };
  };
  const historySize = async (id: string) => (await server.fhir(`Patient/${id}/_history`)).body.total as number;
  const expectVersionHeaders = (res: FhirResult, versionId: string, lastUpdated: string) => {
    expect(res.headers.get('etag')).toBe(`W/"${versionId}"`);
    expect(res.headers.get('last-modified')).toBe(new Date(lastUpdated).toUTCString());
  };

  const writes: Record<string, (id: string, headers: Record<string, string>) => Promise<FhirResult>> = {
    PUT: (id, headers) => server.fhir(`Patient/${id}`, { method: 'PUT', body: { ...patient('Write'), id }, headers }),
    PATCH: (id, headers) =>
      server.fhir(`Patient/${id}`, { method: 'PATCH', body: [{ op: 'add', path: '/gender', value: 'female' }], headers: { 'content-type': 'application/json-patch+json', ...headers } }),
    DELETE: (id, headers) => server.fhir(`Patient/${id}`, { method: 'DELETE', headers }),
  };

  describe('If-Match', () => {
    describe.each(Object.keys(writes))('on %s', (method) => {
      const write = writes[method];

      it('with the current version W/"n" succeeds and creates version n+1', async () => {
        const current = await atVersion2();
        const res = await write(current.id, { 'if-match': 'W/"2"' });
        expect(res.status).toBe(200);
        expect(res.headers.get('etag')).toBe('W/"3"');
      });

      it('with a stale version answers 412 and keeps the stored version unchanged', async () => {
        const current = await atVersion2();
        const res = await write(current.id, { 'if-match': 'W/"1"' });
        expectOutcome(res, 412);
        const read = await server.fhir(`Patient/${current.id}`);
        expect(read.status).toBe(200);
        expect(read.body).toEqual(current);
        expect(await historySize(current.id)).toBe(2);
      });

      it('with a version ahead of the stored one answers 412', async () => {
        const current = await atVersion2();
        expectOutcome(await write(current.id, { 'if-match': 'W/"3"' }), 412);
        expect((await server.fhir(`Patient/${current.id}`)).body).toEqual(current);
      });

      it.each(['version 2', 'W/"two"', 'W/', '""', '2, 3'])('that is malformed (%s) answers 400 naming If-Match and changes nothing', async (header) => {
        const current = await atVersion2();
        expectOutcome(await write(current.id, { 'if-match': header }), 400, 'If-Match');
        expect((await server.fhir(`Patient/${current.id}`)).body).toEqual(current);
      });
    });

    it('accepts a strong ETag "n" as well as W/"n"', async () => {
      const current = await atVersion2();
      const res = await writes.PUT(current.id, { 'if-match': '"2"' });
      expect(res.status).toBe(200);
      expect(res.body.meta.versionId).toBe('3');
    });

    it('on a PUT to an id that does not exist answers 412 and creates nothing', async () => {
      expectOutcome(await writes.PUT('never-was-here', { 'if-match': 'W/"1"' }), 412);
      expect((await server.fhir('Patient/never-was-here')).status).toBe(404);
    });
  });

  describe('ETag and Last-Modified', () => {
    it('are set on create, read, vread, update, patch and delete, matching meta', async () => {
      const created = await server.fhir('Patient', { body: patient('Headers') });
      expect(created.status).toBe(201);
      expectVersionHeaders(created, '1', created.body.meta.lastUpdated);
      const id = created.body.id as string;
      expectVersionHeaders(await server.fhir(`Patient/${id}`), '1', created.body.meta.lastUpdated);
      await sleep(5);
      const updated = await writes.PUT(id, {});
      expectVersionHeaders(updated, '2', updated.body.meta.lastUpdated);
      expect(updated.headers.get('content-location')).toBe(`${server.baseUrl}/Patient/${id}/_history/2`);
      const patched = await writes.PATCH(id, {});
      expectVersionHeaders(patched, '3', patched.body.meta.lastUpdated);
      const vread = await server.fhir(`Patient/${id}/_history/1`);
      expectVersionHeaders(vread, '1', created.body.meta.lastUpdated);
      const deleted = await writes.DELETE(id, {});
      expect(deleted.status).toBe(200);
      expect(deleted.headers.get('etag')).toBe('W/"4"');
      const history = await server.fhir(`Patient/${id}/_history?_count=1`);
      expect(deleted.headers.get('last-modified')).toBe(new Date(history.body.entry[0].response.lastModified).toUTCString());
    });
  });

  describe('conditional read', () => {
    it('If-None-Match with the current ETag answers 304 with no body and the version headers', async () => {
      const current = await atVersion2();
      const res = await server.fhir(`Patient/${current.id}`, { headers: { 'if-none-match': 'W/"2"' } });
      expect(res.status).toBe(304);
      expect(res.text).toBe('');
      expectVersionHeaders(res, '2', current.meta.lastUpdated);
    });

    it('If-None-Match with a list of ETags that includes the current one, or *, answers 304', async () => {
      const current = await atVersion2();
      expect((await server.fhir(`Patient/${current.id}`, { headers: { 'if-none-match': 'W/"1", W/"2"' } })).status).toBe(304);
      expect((await server.fhir(`Patient/${current.id}`, { headers: { 'if-none-match': '*' } })).status).toBe(304);
      expect((await server.fhir(`Patient/${current.id}`, { headers: { 'if-none-match': 'W/"1", W/"3"' } })).status).toBe(200);
    });

    it('If-None-Match with an older ETag answers 200 with the resource', async () => {
      const current = await atVersion2();
      const res = await server.fhir(`Patient/${current.id}`, { headers: { 'if-none-match': 'W/"1"' } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(current);
    });

    it('If-Modified-Since at or after Last-Modified answers 304; before it answers 200', async () => {
      const current = await atVersion2();
      const lastModified = new Date(current.meta.lastUpdated);
      const same = await server.fhir(`Patient/${current.id}`, { headers: { 'if-modified-since': lastModified.toUTCString() } });
      expect(same.status).toBe(304);
      expect(same.text).toBe('');
      const later = await server.fhir(`Patient/${current.id}`, { headers: { 'if-modified-since': new Date(lastModified.getTime() + 3_600_000).toUTCString() } });
      expect(later.status).toBe(304);
      const earlier = await server.fhir(`Patient/${current.id}`, { headers: { 'if-modified-since': new Date(lastModified.getTime() - 3_600_000).toUTCString() } });
      expect(earlier.status).toBe(200);
      expect(earlier.body).toEqual(current);
    });

    it('If-None-Match that does not match wins over If-Modified-Since (RFC 9110): 200', async () => {
      const current = await atVersion2();
      const res = await server.fhir(`Patient/${current.id}`, {
        headers: { 'if-none-match': 'W/"1"', 'if-modified-since': new Date(Date.now() + 3_600_000).toUTCString() },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(current);
    });

    it('an unparseable If-Modified-Since is ignored (200)', async () => {
      const current = await atVersion2();
      const res = await server.fhir(`Patient/${current.id}`, { headers: { 'if-modified-since': 'not a date' } });
      expect(res.status).toBe(200);
    });
  });

  describe('concurrency', () => {
    const N = 20;

    it(`${N} parallel PUTs all with If-Match W/"1": exactly one 200, the rest 412, final version 2`, async () => {
      const created = await server.fhir('Patient', { body: patient('Race') });
      const id = created.body.id as string;
      const results = await Promise.all(
        Array.from({ length: N }, (_, i) => server.fhir(`Patient/${id}`, { method: 'PUT', body: { ...patient(`Racer${i}`), id }, headers: { 'if-match': 'W/"1"' } })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array(N - 1).fill(412)]);
      for (const r of results.filter((x) => x.status === 412)) expect(r.body.resourceType).toBe('OperationOutcome');
      const winner = results.find((r) => r.status === 200) as FhirResult;
      const read = await server.fhir(`Patient/${id}`);
      expect(read.body.meta.versionId).toBe('2');
      expect(read.body).toEqual(winner.body);
      expect(await historySize(id)).toBe(2);
    });

    it(`${N} parallel PUTs without If-Match all succeed: final version ${N + 1}, ${N + 1} distinct versions in history`, async () => {
      const created = await server.fhir('Patient', { body: patient('Crowd') });
      const id = created.body.id as string;
      const results = await Promise.all(Array.from({ length: N }, (_, i) => server.fhir(`Patient/${id}`, { method: 'PUT', body: { ...patient(`Crowd${i}`), id } })));
      expect(results.map((r) => r.status)).toEqual(Array(N).fill(200));
      // Every write got its own version number.
      expect(new Set(results.map((r) => r.body.meta.versionId)).size).toBe(N);
      const read = await server.fhir(`Patient/${id}`);
      expect(read.body.meta.versionId).toBe(String(N + 1));
      const history = await server.fhir(`Patient/${id}/_history?_count=100`);
      expect(history.body.total).toBe(N + 1);
      const versions = history.body.entry.map((e: { resource: { meta: { versionId: string } } }) => Number(e.resource.meta.versionId));
      expect(versions).toEqual(Array.from({ length: N + 1 }, (_, i) => N + 1 - i));
      // No write was lost: each client's content is one of the versions.
      const families = history.body.entry.slice(0, N).map((e: { resource: { name: { family: string }[] } }) => e.resource.name[0].family);
      expect(families.sort()).toEqual(Array.from({ length: N }, (_, i) => `Crowd${i}`).sort());
    });

    it(`${N} parallel PUTs creating the same new id: one 201, the rest 200, final version ${N}`, async () => {
      const id = `race-create-${backend.name}`;
      const results = await Promise.all(Array.from({ length: N }, (_, i) => server.fhir(`Patient/${id}`, { method: 'PUT', body: { ...patient(`First${i}`), id } })));
      expect(results.map((r) => r.status).sort()).toEqual([...Array(N - 1).fill(200), 201]);
      const read = await server.fhir(`Patient/${id}`);
      expect(read.body.meta.versionId).toBe(String(N));
      expect((await server.fhir(`Patient/${id}/_history?_count=100`)).body.total).toBe(N);
    });
  });
});
