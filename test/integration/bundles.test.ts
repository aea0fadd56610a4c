// batch and transaction at POST [base]: atomicity, processing order, urn:uuid references, PATCH entries, per-entry outcomes.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome, expressions } from '../helpers/outcome.js';
import { patient, startTestServer, type TestServer } from '../helpers/server.js';

interface ResponseEntry {
  fullUrl?: string;
  resource?: { resourceType: string; id: string; meta: { versionId: string }; [k: string]: unknown };
  response: { status: string; location?: string; etag?: string; lastModified?: string; outcome?: { resourceType: string; issue: { expression?: string[] }[] } };
}

type Entry = { fullUrl?: string; resource?: unknown; request?: Record<string, string> };

const bundle = (type: string, entry: Entry[]) => ({ resourceType: 'Bundle', type, entry });
const urn = () => `urn:uuid:${randomUUID()}`;
const observation = (subject: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { text: 'ECM outreach attempt' },
  subject: { reference: subject },
  ...extra,
});
const jsonPatchBinary = (ops: unknown[]) => ({
  resourceType: 'Binary',
  contentType: 'application/json-patch+json',
  data: Buffer.from(JSON.stringify(ops)).toString('base64'),
});

describe.each(backends())('bundles on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) => server.fhir('', { method: 'POST', body, headers });
  const entries = (res: { body: { entry: ResponseEntry[] } }) => res.body.entry;
  /** The newest version in system history, to prove a rejected bundle wrote nothing. */
  const newestVersion = async () => JSON.stringify((await server.fhir('_history?_count=1')).body.entry?.[0] ?? null);

  describe('transaction', () => {
    it('creates every entry and answers transaction-response entries in request order with status, location and etag', async () => {
      const res = await post(
        bundle('transaction', [
          { fullUrl: urn(), resource: patient('TxOne'), request: { method: 'POST', url: 'Patient' } },
          { resource: { ...patient('TxTwo'), id: 'tx-two' }, request: { method: 'PUT', url: 'Patient/tx-two' } },
          { resource: { resourceType: 'Organization', name: 'Tx Org' }, request: { method: 'POST', url: 'Organization' } },
        ]),
      );
      expect(res.status).toBe(200);
      expect(res.body.resourceType).toBe('Bundle');
      expect(res.body.type).toBe('transaction-response');
      const [a, b, c] = entries(res);
      expect(entries(res)).toHaveLength(3);
      expect(a.response.status).toBe('201 Created');
      expect(a.resource?.resourceType).toBe('Patient');
      expect(a.response.location).toBe(`Patient/${a.resource?.id}/_history/1`);
      expect(a.response.etag).toBe('W/"1"');
      expect(a.fullUrl).toBe(`${server.baseUrl}/Patient/${a.resource?.id}`);
      expect(b.response.status).toBe('201 Created');
      expect(b.response.location).toBe('Patient/tx-two/_history/1');
      expect(c.resource?.resourceType).toBe('Organization');
      expect(c.response.etag).toBe('W/"1"');
      for (const e of [a, b, c]) expect((await server.fhir(`${e.resource?.resourceType}/${e.resource?.id}`)).status).toBe(200);
    });

    it('resolves urn:uuid fullUrls in references to the ids the server assigned', async () => {
      const patientUrn = urn();
      const orgUrn = urn();
      const res = await post(
        bundle('transaction', [
          // The referring entries come first: resolution does not depend on entry order.
          { fullUrl: urn(), resource: observation(patientUrn, { performer: [{ reference: orgUrn }] }), request: { method: 'POST', url: 'Observation' } },
          { fullUrl: patientUrn, resource: { ...patient('Subject'), managingOrganization: { reference: orgUrn } }, request: { method: 'POST', url: 'Patient' } },
          { fullUrl: orgUrn, resource: { resourceType: 'Organization', name: 'Performer' }, request: { method: 'POST', url: 'Organization' } },
        ]),
      );
      expect(res.status).toBe(200);
      const [obs, pat, org] = entries(res);
      expect(pat.resource?.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(obs.resource?.subject).toEqual({ reference: `Patient/${pat.resource?.id}` });
      expect(obs.resource?.performer).toEqual([{ reference: `Organization/${org.resource?.id}` }]);
      const stored = await server.fhir(`Observation/${obs.resource?.id}`);
      expect(stored.body.subject.reference).toBe(`Patient/${pat.resource?.id}`);
      const storedPatient = await server.fhir(`Patient/${pat.resource?.id}`);
      expect(storedPatient.body.managingOrganization.reference).toBe(`Organization/${org.resource?.id}`);
    });

    it('resolves a urn:uuid fullUrl of a PUT entry to its URL', async () => {
      const patientUrn = urn();
      const res = await post(
        bundle('transaction', [
          { fullUrl: patientUrn, resource: { ...patient('PutTarget'), id: 'tx-put-target' }, request: { method: 'PUT', url: 'Patient/tx-put-target' } },
          { resource: observation(patientUrn), request: { method: 'POST', url: 'Observation' } },
        ]),
      );
      expect(res.status).toBe(200);
      expect(entries(res)[1].resource?.subject).toEqual({ reference: 'Patient/tx-put-target' });
    });

    it('an unresolved urn:uuid reference answers 400 naming the element, and stores nothing', async () => {
      const before = await newestVersion();
      const res = await post(
        bundle('transaction', [
          { fullUrl: urn(), resource: patient('Orphan'), request: { method: 'POST', url: 'Patient' } },
          { resource: observation(urn()), request: { method: 'POST', url: 'Observation' } },
        ]),
      );
      expectOutcome(res, 400, 'Bundle.entry[1].resource.subject.reference');
      expect(await newestVersion()).toBe(before);
    });

    describe('atomicity: one failing entry rejects the whole bundle, with its status and an expression at Bundle.entry[i]', () => {
      it('an invalid resource (422)', async () => {
        const existing = await server.fhir('Patient/tx-atomic-existing', { method: 'PUT', body: { ...patient('Existing'), id: 'tx-atomic-existing' } });
        expect(existing.status).toBe(201);
        const before = await newestVersion();
        const res = await post(
          bundle('transaction', [
            { resource: { ...patient('Atomic'), id: 'tx-atomic-a' }, request: { method: 'PUT', url: 'Patient/tx-atomic-a' } },
            { resource: { ...patient('Changed'), id: 'tx-atomic-existing' }, request: { method: 'PUT', url: 'Patient/tx-atomic-existing' } },
            { fullUrl: urn(), resource: patient('AtomicPost'), request: { method: 'POST', url: 'Patient' } },
            { resource: { ...patient('Bad'), id: 'tx-atomic-bad', birthDate: 'not-a-date' }, request: { method: 'PUT', url: 'Patient/tx-atomic-bad' } },
          ]),
        );
        expectOutcome(res, 422, 'Bundle.entry[3]');
        expect(expressions(res.body)).toContain('Bundle.entry[3].resource.birthDate');
        expect((await server.fhir('Patient/tx-atomic-a')).status).toBe(404);
        expect((await server.fhir('Patient/tx-atomic-bad')).status).toBe(404);
        expect((await server.fhir('Patient/tx-atomic-existing')).body).toEqual(existing.body);
        expect((await server.fhir('Patient/tx-atomic-existing/_history')).body.total).toBe(1);
        expect(await newestVersion()).toBe(before);
      });

      it('a GET of a missing resource (404), processed after the writes', async () => {
        const before = await newestVersion();
        const res = await post(
          bundle('transaction', [
            { request: { method: 'GET', url: 'Patient/tx-no-such-patient' } },
            { resource: { ...patient('RolledBack'), id: 'tx-rolled-back' }, request: { method: 'PUT', url: 'Patient/tx-rolled-back' } },
          ]),
        );
        expectOutcome(res, 404, 'Bundle.entry[0]');
        expect((await server.fhir('Patient/tx-rolled-back')).status).toBe(404);
        expect(await newestVersion()).toBe(before);
      });

      it('a stale If-Match on an entry (412)', async () => {
        const existing = await server.fhir('Patient', { body: patient('Stale') });
        await server.fhir(`Patient/${existing.body.id}`, { method: 'PUT', body: { ...patient('Stale2'), id: existing.body.id } });
        const before = await newestVersion();
        const res = await post(
          bundle('transaction', [
            { resource: { resourceType: 'Organization', name: 'Not kept' }, request: { method: 'POST', url: 'Organization' } },
            { resource: { ...patient('Stale3'), id: existing.body.id }, request: { method: 'PUT', url: `Patient/${existing.body.id}`, ifMatch: 'W/"1"' } },
          ]),
        );
        expectOutcome(res, 412, 'Bundle.entry[1]');
        expect((await server.fhir(`Patient/${existing.body.id}`)).body.meta.versionId).toBe('2');
        expect(await newestVersion()).toBe(before);
      });

      it('a malformed If-Match (400) is named at the entry request, a PUT id mismatch at the entry resource', async () => {
        const badIfMatch = await post(
          bundle('transaction', [{ resource: { ...patient('Tag'), id: 'tx-tag' }, request: { method: 'PUT', url: 'Patient/tx-tag', ifMatch: 'version one' } }]),
        );
        expectOutcome(badIfMatch, 400, 'Bundle.entry[0].request.ifMatch');
        const idMismatch = await post(
          bundle('transaction', [
            { resource: patient('Fine'), request: { method: 'POST', url: 'Patient' } },
            { resource: { ...patient('Mismatch'), id: 'tx-other' }, request: { method: 'PUT', url: 'Patient/tx-mismatch' } },
          ]),
        );
        expectOutcome(idMismatch, 400, 'Bundle.entry[1].resource.id');
        expect((await server.fhir('Patient/tx-tag')).status).toBe(404);
      });

      it('an entry of an unknown resource type (404)', async () => {
        const before = await newestVersion();
        const res = await post(
          bundle('transaction', [
            { resource: patient('Kept?'), request: { method: 'POST', url: 'Patient' } },
            { resource: { resourceType: 'Unicorn' }, request: { method: 'POST', url: 'Unicorn' } },
          ]),
        );
        expectOutcome(res, 404, 'Bundle.entry[1]');
        expect(await newestVersion()).toBe(before);
      });

      it('an entry without a request (400)', async () => {
        const before = await newestVersion();
        const res = await post(bundle('transaction', [{ resource: patient('Fine'), request: { method: 'POST', url: 'Patient' } }, { resource: patient('NoRequest') }]));
        expectOutcome(res, 400, 'Bundle.entry[1]');
        expect(await newestVersion()).toBe(before);
      });

      it('a PATCH entry whose result is invalid (422)', async () => {
        const target = await server.fhir('Patient', { body: patient('PatchTarget') });
        const before = await newestVersion();
        const res = await post(
          bundle('transaction', [
            { resource: patient('Sibling'), request: { method: 'POST', url: 'Patient' } },
            { resource: jsonPatchBinary([{ op: 'replace', path: '/birthDate', value: 'never' }]), request: { method: 'PATCH', url: `Patient/${target.body.id}` } },
          ]),
        );
        expectOutcome(res, 422, 'Bundle.entry[1]');
        expect((await server.fhir(`Patient/${target.body.id}`)).body).toEqual(target.body);
        expect(await newestVersion()).toBe(before);
      });
    });

    it('processes DELETE, then POST, then PUT/PATCH, then GET, whatever the listed order', async () => {
      const doomed = await server.fhir('Patient', { body: patient('Doomed') });
      const patched = await server.fhir('Patient', { body: patient('ToPatch') });
      const res = await post(
        bundle('transaction', [
          { request: { method: 'GET', url: 'Patient/tx-order-put' } },
          { resource: jsonPatchBinary([{ op: 'add', path: '/gender', value: 'unknown' }]), request: { method: 'PATCH', url: `Patient/${patched.body.id}` } },
          { resource: { ...patient('Put'), id: 'tx-order-put' }, request: { method: 'PUT', url: 'Patient/tx-order-put' } },
          { resource: { resourceType: 'Organization', name: 'Posted' }, request: { method: 'POST', url: 'Organization' } },
          { request: { method: 'DELETE', url: `Patient/${doomed.body.id}` } },
          { request: { method: 'GET', url: `Patient/${doomed.body.id}/_history` } },
        ]),
      );
      expect(res.status, res.text).toBe(200);
      const [get, patch, put, created, del, doomedHistory] = entries(res);
      // The GET listed first sees the resource the PUT listed later created.
      expect(get.response.status).toBe('200 OK');
      expect(get.resource?.id).toBe('tx-order-put');
      expect(patch.response.status).toBe('200 OK');
      expect(patch.resource?.gender).toBe('unknown');
      expect(put.response.status).toBe('201 Created');
      expect(created.response.status).toBe('201 Created');
      expect(del.response.status).toBe('200 OK');
      // The history GET, listed before nothing in particular, already sees the DELETE.
      expect(doomedHistory.response.status).toBe('200 OK');
      expect((doomedHistory.resource as unknown as { entry: { request: { method: string } }[] }).entry.map((e) => e.request.method)).toEqual(['DELETE', 'POST']);
      // Writes reach history in processing order (newest first): DELETE, then POST, then PUT and PATCH (in either order).
      const history = await server.fhir('_history?_count=4');
      const writes = history.body.entry.map((e: { request: { method: string; url: string } }) => `${e.request.method} ${e.request.url}`);
      expect(writes.slice(2)).toEqual(['POST Organization', `DELETE Patient/${doomed.body.id}`]);
      expect(writes.slice(0, 2).sort()).toEqual([`PATCH Patient/${patched.body.id}`, 'PUT Patient/tx-order-put']);
    });

    it('rejects a bundle that touches the same resource twice with 400', async () => {
      const existing = await server.fhir('Patient', { body: patient('Twice') });
      const id = existing.body.id as string;
      const before = await newestVersion();
      const twicePut = await post(
        bundle('transaction', [
          { resource: { ...patient('One'), id }, request: { method: 'PUT', url: `Patient/${id}` } },
          { resource: { ...patient('Two'), id }, request: { method: 'PUT', url: `Patient/${id}` } },
        ]),
      );
      expectOutcome(twicePut, 400, 'Bundle.entry[1]');
      const putAndDelete = await post(
        bundle('transaction', [
          { request: { method: 'DELETE', url: `Patient/${id}` } },
          { resource: { ...patient('Three'), id }, request: { method: 'PUT', url: `${server.baseUrl}/Patient/${id}` } },
        ]),
      );
      expectOutcome(putAndDelete, 400, 'Bundle.entry[1]');
      expect(await newestVersion()).toBe(before);
      expect((await server.fhir(`Patient/${id}`)).body).toEqual(existing.body);
    });

    it('rejects two entries with the same fullUrl with 400 (bdl-7)', async () => {
      const before = await newestVersion();
      const shared = urn();
      const res = await post(
        bundle('transaction', [
          { fullUrl: shared, resource: patient('First'), request: { method: 'POST', url: 'Patient' } },
          { fullUrl: shared, resource: patient('Second'), request: { method: 'POST', url: 'Patient' } },
          { resource: observation(shared), request: { method: 'POST', url: 'Observation' } },
        ]),
      );
      expectOutcome(res, 400, 'Bundle.entry[1].fullUrl');
      expect(await newestVersion()).toBe(before);
    });

    it('applies PATCH entries carried as a Binary with a base64 JSON Patch', async () => {
      const target = await server.fhir('Patient', { body: patient('BinaryPatch') });
      const res = await post(
        bundle('transaction', [
          {
            resource: jsonPatchBinary([
              { op: 'test', path: '/name/0/family', value: 'BinaryPatch' },
              { op: 'replace', path: '/name/0/family', value: 'BinaryPatched' },
            ]),
            request: { method: 'PATCH', url: `Patient/${target.body.id}` },
          },
        ]),
      );
      expect(res.status, res.text).toBe(200);
      const [entry] = entries(res);
      expect(entry.response.status).toBe('200 OK');
      expect(entry.response.etag).toBe('W/"2"');
      expect((await server.fhir(`Patient/${target.body.id}`)).body.name[0].family).toBe('BinaryPatched');
    });

    it('a PATCH entry that is not a Binary with JSON answers 400', async () => {
      const target = await server.fhir('Patient', { body: patient('NotBinary') });
      const notBinary = await post(bundle('transaction', [{ resource: patient('X'), request: { method: 'PATCH', url: `Patient/${target.body.id}` } }]));
      expectOutcome(notBinary, 400, 'Bundle.entry[0]');
      const notJson = await post(
        bundle('transaction', [{ resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from('not json').toString('base64') }, request: { method: 'PATCH', url: `Patient/${target.body.id}` } }]),
      );
      expectOutcome(notJson, 400, 'Bundle.entry[0]');
    });

    it('with Prefer: return=minimal leaves resources out of the response entries but keeps status, location and etag', async () => {
      const res = await post(bundle('transaction', [{ resource: patient('Minimal'), request: { method: 'POST', url: 'Patient' } }]), { prefer: 'return=minimal' });
      expect(res.status).toBe(200);
      const [entry] = entries(res);
      expect(entry.resource).toBeUndefined();
      expect(entry.response.status).toBe('201 Created');
      expect(entry.response.location).toMatch(/^Patient\/[0-9a-f-]{36}\/_history\/1$/);
      expect(entry.response.etag).toBe('W/"1"');
    });

    it('parallel transactions that update the same resources in opposite orders all commit', async () => {
      for (const id of ['tx-cross-a', 'tx-cross-b']) await server.fhir(`Patient/${id}`, { method: 'PUT', body: { ...patient('Cross'), id } });
      const put = (id: string, n: number) => ({ resource: { ...patient(`Cross${n}`), id }, request: { method: 'PUT', url: `Patient/${id}` } });
      const n = 10;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => post(bundle('transaction', i % 2 ? [put('tx-cross-a', i), put('tx-cross-b', i)] : [put('tx-cross-b', i), put('tx-cross-a', i)]))),
      );
      expect(results.map((r) => r.status)).toEqual(Array(n).fill(200));
      for (const id of ['tx-cross-a', 'tx-cross-b']) expect((await server.fhir(`Patient/${id}`)).body.meta.versionId).toBe(String(n + 1));
    });

    it('parallel transactions that delete and update the same resources crosswise never answer 500', async () => {
      for (const id of ['tx-dx-a', 'tx-dx-b']) await server.fhir(`Patient/${id}`, { method: 'PUT', body: { ...patient('Crosswise'), id } });
      const put = (id: string) => ({ resource: { ...patient('Crosswise'), id }, request: { method: 'PUT', url: `Patient/${id}` } });
      const del = (id: string) => ({ request: { method: 'DELETE', url: `Patient/${id}` } });
      const n = 10;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => post(bundle('transaction', i % 2 ? [del('tx-dx-a'), put('tx-dx-b')] : [del('tx-dx-b'), put('tx-dx-a')]))),
      );
      // Each either commits or is refused as a retryable conflict; never an internal error.
      for (const r of results) expect([200, 409], r.text).toContain(r.status);
      expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.issue[0].code).toBe('transient');
      // Whatever committed left each resource with a gap-free history.
      for (const id of ['tx-dx-a', 'tx-dx-b']) {
        const history = await server.fhir(`Patient/${id}/_history?_count=100`);
        const versions = history.body.entry.map((e: { response: { etag: string } }) => e.response.etag);
        expect(versions).toEqual(Array.from({ length: history.body.total }, (_, i) => `W/"${history.body.total - i}"`));
      }
    });

    it('an empty transaction answers an empty transaction-response', async () => {
      const res = await post(bundle('transaction', []));
      expect(res.status).toBe(200);
      expect(res.body.type).toBe('transaction-response');
      expect(res.body.entry ?? []).toEqual([]);
    });
  });

  describe('batch', () => {
    it('processes each entry independently, each with its own status and outcome, in request order', async () => {
      const existing = await server.fhir('Patient', { body: patient('BatchExisting') });
      const other = await server.fhir('Patient', { body: patient('BatchPatched') });
      const res = await post(
        bundle('batch', [
          { resource: patient('BatchOk'), request: { method: 'POST', url: 'Patient' } },
          { resource: { ...patient('BatchBad'), birthDate: 'someday' }, request: { method: 'POST', url: 'Patient' } },
          { request: { method: 'GET', url: 'Patient/batch-missing' } },
          { resource: { ...patient('BatchPut'), id: 'batch-put' }, request: { method: 'PUT', url: 'Patient/batch-put' } },
          { request: { method: 'GET', url: `Patient/${existing.body.id}` } },
          { resource: patient('NoRequest') },
          { request: { method: 'DELETE', url: 'Patient/batch-never-existed' } },
          { resource: jsonPatchBinary([{ op: 'add', path: '/gender', value: 'male' }]), request: { method: 'PATCH', url: `Patient/${other.body.id}` } },
        ]),
      );
      expect(res.status).toBe(200);
      expect(res.body.type).toBe('batch-response');
      const out = entries(res);
      expect(out).toHaveLength(8);
      expect(out.map((e) => e.response.status)).toEqual(['201 Created', '422 Unprocessable Entity', '404 Not Found', '201 Created', '200 OK', '400 Bad Request', '404 Not Found', '200 OK']);
      for (const i of [1, 2, 5, 6]) {
        expect(out[i].response.outcome?.resourceType).toBe('OperationOutcome');
        expect(out[i].resource).toBeUndefined();
      }
      expect(expressions(out[1].response.outcome)).toContain('Patient.birthDate');
      expect(out[0].response.location).toBe(`Patient/${out[0].resource?.id}/_history/1`);
      expect(out[0].response.etag).toBe('W/"1"');
      expect(out[3].response.location).toBe('Patient/batch-put/_history/1');
      expect(out[4].resource?.id).toBe(existing.body.id);
      expect(out[4].response.etag).toBe('W/"1"');
      expect(out[7].response.etag).toBe('W/"2"');
      // The successes were stored even though other entries failed.
      expect((await server.fhir(`Patient/${out[0].resource?.id}`)).status).toBe(200);
      expect((await server.fhir('Patient/batch-put')).status).toBe(200);
      expect((await server.fhir(`Patient/${other.body.id}`)).body.gender).toBe('male');
    });

    it('an entry with a stale If-Match fails alone with 412', async () => {
      const existing = await server.fhir('Patient', { body: patient('BatchStale') });
      await server.fhir(`Patient/${existing.body.id}`, { method: 'PUT', body: { ...patient('BatchStale2'), id: existing.body.id } });
      const res = await post(
        bundle('batch', [
          { resource: { ...patient('Nope'), id: existing.body.id }, request: { method: 'PUT', url: `Patient/${existing.body.id}`, ifMatch: 'W/"1"' } },
          { resource: { resourceType: 'Organization', name: 'Batch org' }, request: { method: 'POST', url: 'Organization' } },
        ]),
      );
      expect(res.status).toBe(200);
      expect(entries(res).map((e) => e.response.status)).toEqual(['412 Precondition Failed', '201 Created']);
      expect((await server.fhir(`Patient/${existing.body.id}`)).body.meta.versionId).toBe('2');
    });
  });

  describe('refused bundles', () => {
    it.each(['collection', 'document', 'searchset', 'history', 'message', 'transaction-response', undefined])('Bundle.type %s answers 400 naming Bundle.type', async (type) => {
      const before = await newestVersion();
      const body = { resourceType: 'Bundle', ...(type ? { type } : {}), entry: [{ resource: patient('Ignored'), request: { method: 'POST', url: 'Patient' } }] };
      expectOutcome(await post(body), 400, 'Bundle.type');
      expect(await newestVersion()).toBe(before);
    });

    it('a body that is not a Bundle answers 400', async () => {
      expectOutcome(await post(patient('NotABundle')), 400);
    });

    it('Bundle.entry that is not an array answers 400', async () => {
      expectOutcome(await post({ resourceType: 'Bundle', type: 'batch', entry: { request: { method: 'GET', url: 'Patient/x' } } }), 400, 'Bundle.entry');
    });

    it('a nested Bundle entry (POST to the base) is refused', async () => {
      const res = await post(bundle('batch', [{ resource: bundle('batch', []), request: { method: 'POST', url: '/' } }]));
      expect(res.status).toBe(200);
      expect(entries(res)[0].response.status).toBe('400 Bad Request');
    });

    it('an entry URL on another server is refused', async () => {
      expectOutcome(await post(bundle('transaction', [{ request: { method: 'GET', url: 'https://elsewhere.example/fhir/Patient/1' } }])), 400, 'Bundle.entry[0]');
    });
  });
});
