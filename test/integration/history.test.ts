// history at instance, type and system level: ordering, entry shape, paging, _since and parameter errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { patient, startTestServer, type FhirResult, type TestServer } from '../helpers/server.js';

interface Entry {
  fullUrl?: string;
  resource?: { resourceType: string; id: string; meta: { versionId: string; lastUpdated: string }; [k: string]: unknown };
  request: { method: string; url: string };
  response: { status: string; etag: string; lastModified: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(backends())('history on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** GETs an absolute link returned by the server (it must be under our FHIR base). */
  const follow = (url: string): Promise<FhirResult> => {
    expect(url.startsWith(`${server.baseUrl}/`), url).toBe(true);
    return server.fhir(url.slice(server.baseUrl.length));
  };
  const nextLink = (res: FhirResult): string | undefined => res.body.link?.find((l: { relation: string }) => l.relation === 'next')?.url;
  const key = (e: Entry) => `${e.request.url.split('/')[0]}/${e.resource?.id ?? e.request.url.split('/')[1]}/${e.response.etag}`;

  /** Creates a resource, updates it twice and deletes it; returns its id and the write responses. */
  async function fourVersions(type: string, body: Record<string, unknown>, change: (n: number) => Record<string, unknown>) {
    const created = await server.fhir(type, { body: { resourceType: type, ...body } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const v2 = await server.fhir(`${type}/${id}`, { method: 'PUT', body: { resourceType: type, id, ...body, ...change(2) } });
    const v3 = await server.fhir(`${type}/${id}`, { method: 'PUT', body: { resourceType: type, id, ...body, ...change(3) } });
    const deleted = await server.fhir(`${type}/${id}`, { method: 'DELETE' });
    expect([v2.status, v3.status, deleted.status]).toEqual([200, 200, 200]);
    return { id, created, v2, v3, deleted };
  }

  describe('instance history', () => {
    it('lists every version newest first, with request and response on each entry and no resource for the deletion', async () => {
      const { id, created, v2, v3, deleted } = await fourVersions('Patient', { name: [{ family: 'Versions' }] }, (n) => ({ active: n === 2 }));
      const res = await server.fhir(`Patient/${id}/_history`);
      expect(res.status).toBe(200);
      expect(res.body.resourceType).toBe('Bundle');
      expect(res.body.type).toBe('history');
      expect(res.body.total).toBe(4);
      const entries = res.body.entry as Entry[];
      expect(entries.map((e) => e.response.etag)).toEqual(['W/"4"', 'W/"3"', 'W/"2"', 'W/"1"']);
      expect(entries.map((e) => e.request.method)).toEqual(['DELETE', 'PUT', 'PUT', 'POST']);
      expect(entries.map((e) => e.request.url)).toEqual([`Patient/${id}`, `Patient/${id}`, `Patient/${id}`, 'Patient']);
      expect(entries.map((e) => e.response.status)).toEqual([expect.stringMatching(/^2\d\d/), '200 OK', '200 OK', '201 Created']);
      expect(entries[0].resource).toBeUndefined();
      expect(entries[1].resource).toEqual(v3.body);
      expect(entries[2].resource).toEqual(v2.body);
      expect(entries[3].resource).toEqual(created.body);
      for (const e of entries) expect(e.fullUrl).toBe(`${server.baseUrl}/Patient/${id}`);
      // lastModified is the version's meta.lastUpdated; for the deletion it matches the DELETE's Last-Modified.
      expect(entries[3].response.lastModified).toBe(created.body.meta.lastUpdated);
      expect(entries[1].response.lastModified).toBe(v3.body.meta.lastUpdated);
      expect(new Date(entries[0].response.lastModified).toUTCString()).toBe(deleted.headers.get('last-modified'));
    });

    it('of an id that never existed answers 404 with an OperationOutcome', async () => {
      expectOutcome(await server.fhir('Patient/never-existed/_history'), 404);
    });

    it('of an unknown resource type answers 404', async () => {
      expectOutcome(await server.fhir('NotAType/x/_history'), 404);
    });

    it('with _count pages through the versions of one resource', async () => {
      const created = await server.fhir('Patient', { body: patient('Paged') });
      const id = created.body.id as string;
      for (let i = 0; i < 4; i++) await server.fhir(`Patient/${id}`, { method: 'PUT', body: { ...patient(`Paged${i}`), id } });
      const first = await server.fhir(`Patient/${id}/_history?_count=2`);
      expect(first.body.total).toBe(5);
      expect(first.body.entry.map((e: Entry) => e.response.etag)).toEqual(['W/"5"', 'W/"4"']);
      const second = await follow(nextLink(first) as string);
      expect(second.body.entry.map((e: Entry) => e.response.etag)).toEqual(['W/"3"', 'W/"2"']);
      const third = await follow(nextLink(second) as string);
      expect(third.body.entry.map((e: Entry) => e.response.etag)).toEqual(['W/"1"']);
      expect(nextLink(third)).toBeUndefined();
    });
  });

  describe('type history', () => {
    it('lists only versions of that type, newest first', async () => {
      const a = await fourVersions('Device', { manufacturer: 'A' }, (n) => ({ status: n === 2 ? 'active' : 'inactive' }));
      await server.fhir('Patient', { body: patient('NotADevice') });
      const b = await server.fhir('Device', { body: { resourceType: 'Device', manufacturer: 'B' } });
      const res = await server.fhir('Device/_history');
      expect(res.status).toBe(200);
      expect(res.body.type).toBe('history');
      const entries = res.body.entry as Entry[];
      expect(entries.every((e) => e.request.url.startsWith('Device'))).toBe(true);
      expect(entries.map((e) => `${e.resource?.id ?? e.request.url.split('/')[1]} ${e.response.etag}`)).toEqual([
        `${b.body.id} W/"1"`,
        `${a.id} W/"4"`,
        `${a.id} W/"3"`,
        `${a.id} W/"2"`,
        `${a.id} W/"1"`,
      ]);
      expect(res.body.total).toBe(5);
    });

    it('of a type with no writes is an empty history bundle', async () => {
      const res = await server.fhir('Substance/_history');
      expect(res.status).toBe(200);
      expect(res.body.type).toBe('history');
      expect(res.body.entry ?? []).toEqual([]);
    });
  });

  describe('system history', () => {
    it('lists versions of every type, newest first', async () => {
      const org = await server.fhir('Organization', { body: { resourceType: 'Organization', name: 'Sys A' } });
      const pat = await server.fhir('Patient', { body: patient('Sys') });
      expect([org.status, pat.status]).toEqual([201, 201]);
      const del = await server.fhir(`Organization/${org.body.id}`, { method: 'DELETE' });
      expect(del.status).toBe(200);
      const res = await server.fhir('_history?_count=3');
      expect(res.status).toBe(200);
      expect(res.body.type).toBe('history');
      const entries = res.body.entry as Entry[];
      expect(entries.map((e) => [e.request.method, e.request.url, e.response.etag])).toEqual([
        ['DELETE', `Organization/${org.body.id}`, 'W/"2"'],
        ['POST', 'Patient', 'W/"1"'],
        ['POST', 'Organization', 'W/"1"'],
      ]);
      expect(entries[0].resource).toBeUndefined();
      expect(entries[1].resource?.id).toBe(pat.body.id);
      expect(entries[2].resource?.id).toBe(org.body.id);
    });
  });

  describe('on a fresh database', () => {
    let fresh: TestServer;
    beforeAll(async () => {
      // Without the conformance content, whose size (and so the number of start-up writes) grows with the project.
      fresh = await startTestServer(backend, { loadContent: false });
    });
    afterAll(async () => {
      await fresh?.close();
    });

    it('orders system history newest first even when version sequence numbers gain a digit (e.g. 99 -> 100)', async () => {
      // Start-up may already have written resources (content, search parameters): count them, then write past the next power of ten.
      const existing = (await fresh.fhir('_history?_count=1000')).body.entry?.length ?? 0;
      expect(existing).toBeLessThan(1000);
      const nextPower = 10 ** Math.max(1, String(existing).length);
      const toWrite = Math.max(12, nextPower - existing + 2);
      const written: string[] = [];
      for (let i = 0; i < toWrite; i++) {
        const type = i % 2 ? 'Patient' : 'Organization';
        const res = await fresh.fhir(type, { body: type === 'Patient' ? patient(`F${i}`) : { resourceType: type, name: `F${i}` } });
        expect(res.status).toBe(201);
        written.push(`${type}/${res.body.id}`);
      }
      const label = (e: Entry) => `${e.request.url.split('/')[0]}/${e.resource?.id ?? e.request.url.split('/')[1]}`;
      const all = (await fresh.fhir('_history?_count=1000')).body.entry as Entry[];
      expect(all).toHaveLength(existing + toWrite);
      expect(all.slice(0, toWrite).map(label)).toEqual([...written].reverse());
      const times = all.map((e) => Date.parse(e.response.lastModified));
      expect(times).toEqual([...times].sort((x, y) => y - x));
      // Paging through the same history gives the same list: no duplicates, no gaps.
      const paged: string[] = [];
      let res = await fresh.fhir('_history?_count=7');
      for (;;) {
        paged.push(...(res.body.entry as Entry[]).map((e) => `${label(e)} ${e.response.etag}`));
        const next = nextLink(res);
        if (!next) break;
        res = await fresh.fhir(next.slice(fresh.baseUrl.length));
      }
      expect(paged).toEqual(all.map((e) => `${label(e)} ${e.response.etag}`));
    });
  });

  describe('paging with _count', () => {
    it('follows next links until exhausted, with no duplicates, no gaps and no next link on the last page', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 13; i++) ids.push((await server.fhir('Location', { body: { resourceType: 'Location', name: `L${i}` } })).body.id);
      const seen: string[] = [];
      let res = await server.fhir('Location/_history?_count=4');
      let pages = 0;
      for (;;) {
        expect(res.status).toBe(200);
        pages++;
        expect(res.body.entry.length).toBeLessThanOrEqual(4);
        seen.push(...(res.body.entry as Entry[]).map((e) => e.resource?.id as string));
        const next = nextLink(res);
        if (!next) break;
        expect(next).toContain('_count=4');
        res = await follow(next);
      }
      expect(pages).toBe(4);
      expect(seen).toEqual([...ids].reverse());
    });

    it('stays stable when new writes arrive between pages', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push((await server.fhir('Endpoint', { body: endpoint(`E${i}`) })).body.id);
      const seen: string[] = [];
      let res = await server.fhir('Endpoint/_history?_count=3');
      for (;;) {
        expect(res.status).toBe(200);
        seen.push(...(res.body.entry as Entry[]).map(key));
        // Interleave writes: new resources and new versions of resources already listed or not yet listed.
        await server.fhir('Endpoint', { body: endpoint('Late') });
        const touched = ids[seen.length % ids.length];
        await server.fhir(`Endpoint/${touched}`, { method: 'PUT', body: { ...endpoint('Touched'), id: touched } });
        const next = nextLink(res);
        if (!next) break;
        res = await follow(next);
      }
      expect(seen).toEqual([...ids].reverse().map((id) => `Endpoint/${id}/W/"1"`));
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('clamps _count above the maximum instead of failing', async () => {
      const res = await server.fhir('Patient/_history?_count=999999');
      expect(res.status).toBe(200);
      expect(res.body.type).toBe('history');
    });

    it('_count=0 returns a bundle with no entries and no next link', async () => {
      const created = await server.fhir('Patient', { body: patient('Zero') });
      const instance = await server.fhir(`Patient/${created.body.id}/_history?_count=0`);
      expect(instance.status).toBe(200);
      expect(instance.body.entry ?? []).toEqual([]);
      expect(instance.body.total).toBe(1);
      expect(nextLink(instance)).toBeUndefined();
      const system = await server.fhir('_history?_count=0');
      expect(system.status).toBe(200);
      expect(system.body.entry ?? []).toEqual([]);
      expect(nextLink(system)).toBeUndefined();
    });
  });

  describe('_since', () => {
    it('returns only versions written at or after the instant, and keeps _since in the next link', async () => {
      const before = await server.fhir('Medication', { body: { resourceType: 'Medication', status: 'active' } });
      await sleep(25);
      const first = await server.fhir('Medication', { body: { resourceType: 'Medication', status: 'inactive' } });
      const second = await server.fhir(`Medication/${before.body.id}`, { method: 'PUT', body: { resourceType: 'Medication', id: before.body.id, status: 'inactive' } });
      const third = await server.fhir('Medication', { body: { resourceType: 'Medication', status: 'entered-in-error' } });
      const since = first.body.meta.lastUpdated as string;
      const res = await server.fhir(`Medication/_history?_since=${encodeURIComponent(since)}`);
      expect(res.status).toBe(200);
      expect((res.body.entry as Entry[]).map(key)).toEqual([
        `Medication/${third.body.id}/W/"1"`,
        `Medication/${before.body.id}/W/"2"`,
        `Medication/${first.body.id}/W/"1"`,
      ]);
      expect(second.status).toBe(200);
      const paged = await server.fhir(`Medication/_history?_count=2&_since=${encodeURIComponent(since)}`);
      const next = nextLink(paged) as string;
      expect(new URL(next).searchParams.get('_since')).toBe(since);
      const rest = await follow(next);
      expect((rest.body.entry as Entry[]).map(key)).toEqual([`Medication/${first.body.id}/W/"1"`]);
      // The instance level honours _since too.
      const instance = await server.fhir(`Medication/${before.body.id}/_history?_since=${encodeURIComponent(since)}`);
      expect((instance.body.entry as Entry[]).map((e) => e.response.etag)).toEqual(['W/"2"']);
    });

    it('accepts a time-zone offset and a future instant yields no entries', async () => {
      const res = await server.fhir(`_history?_since=${encodeURIComponent('2999-01-01T00:00:00+02:00')}`);
      expect(res.status).toBe(200);
      expect(res.body.entry ?? []).toEqual([]);
    });

    it('reads an unencoded "+" in the offset (decoded as a space) as "+"', async () => {
      const created = await server.fhir('Patient', { body: patient('PlusOffset') });
      const lastUpdated = new Date(created.body.meta.lastUpdated);
      // The same instant written in +02:00, with the "+" left unencoded in the query string.
      const local = new Date(lastUpdated.getTime() + 2 * 3_600_000).toISOString().replace(/\.\d+Z$/, '+02:00');
      const res = await server.fhir(`Patient/${created.body.id}/_history?_since=${local}&_count=1`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.total).toBe(1);
      const ahead = new Date(lastUpdated.getTime() + 2 * 3_600_000 + 1000).toISOString().replace(/\.\d+Z$/, '+02:00');
      expect((await server.fhir(`Patient/${created.body.id}/_history?_since=${ahead}`)).body.total).toBe(0);
    });
  });

  describe('invalid parameters', () => {
    it.each([
      ['_since without a time zone', '_history?_since=2025-01-01T00:00:00', '_since'],
      ['_since that is a date only', 'Patient/_history?_since=2025-01-01', '_since'],
      ['_since that is not a date', 'Patient/_history?_since=yesterday', '_since'],
      ['_count that is not a number', '_history?_count=ten', '_count'],
      ['_count that is negative', 'Patient/_history?_count=-1', '_count'],
      ['_count that is fractional', 'Patient/_history?_count=2.5', '_count'],
      ['_cursor that is not ours', 'Patient/_history?_cursor=garbage', '_cursor'],
      ['_cursor that decodes to something else', `_history?_cursor=${Buffer.from('x:12').toString('base64url')}`, '_cursor'],
      ['_cursor beyond the sequence range', `_history?_cursor=${Buffer.from('h:9999999999999999999').toString('base64url')}`, '_cursor'],
    ])('%s answers 400 naming the parameter', async (_name, path, expression) => {
      expectOutcome(await server.fhir(path), 400, expression);
    });

    it('an invalid _cursor at instance level answers 400 too', async () => {
      const created = await server.fhir('Patient', { body: patient('Cursor') });
      expectOutcome(await server.fhir(`Patient/${created.body.id}/_history?_cursor=%%%`), 400);
    });
  });
});

function endpoint(name: string) {
  return {
    resourceType: 'Endpoint',
    name,
    status: 'active',
    connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'hl7-fhir-rest' },
    payloadType: [{ text: 'any' }],
    address: 'https://example.org/fhir',
  };
}
