// patch: JSON Patch over HTTP, its media type, failures (400/412/415/422) and that a failed patch changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { patient, startTestServer, type TestServer } from '../helpers/server.js';

const JSON_PATCH = 'application/json-patch+json';

describe.each(backends())('patch on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  const create = async (family = 'Patchable') => {
    const res = await server.fhir('Patient', { body: patient(family) });
    expect(res.status).toBe(201);
    return res.body as { id: string; meta: { versionId: string; lastUpdated: string } };
  };
  const patchPatient = (id: string, body: unknown, headers: Record<string, string> = {}) =>
    server.fhir(`Patient/${id}`, { method: 'PATCH', body, headers: { 'content-type': JSON_PATCH, ...headers } });
  /** Asserts the stored resource is still exactly `before` (version and content). */
  const expectUnchanged = async (before: { id: string }) => {
    const read = await server.fhir(`Patient/${before.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(before);
  };

  describe('success', () => {
    it('applies the operations, stores a new version and returns it with ETag, Last-Modified and Content-Location', async () => {
      const before = await create();
      const res = await patchPatient(before.id, [
        { op: 'test', path: '/name/0/family', value: 'Patchable' },
        { op: 'replace', path: '/name/0/family', value: 'Patched' },
        { op: 'add', path: '/telecom', value: [{ system: 'phone', value: '555-0100' }] },
        { op: 'remove', path: '/birthDate' },
      ]);
      expect(res.status).toBe(200);
      expect(res.body.meta.versionId).toBe('2');
      expect(res.body.name[0].family).toBe('Patched');
      expect(res.body.telecom).toEqual([{ system: 'phone', value: '555-0100' }]);
      expect(res.body.birthDate).toBeUndefined();
      expect(res.headers.get('etag')).toBe('W/"2"');
      expect(res.headers.get('last-modified')).toBe(new Date(res.body.meta.lastUpdated).toUTCString());
      expect(res.headers.get('content-location')).toBe(`${server.baseUrl}/Patient/${before.id}/_history/2`);
      const read = await server.fhir(`Patient/${before.id}`);
      expect(read.body).toEqual(res.body);
    });

    it('is recorded in history with request.method PATCH', async () => {
      const before = await create();
      await patchPatient(before.id, [{ op: 'add', path: '/gender', value: 'female' }]);
      const history = await server.fhir(`Patient/${before.id}/_history`);
      expect(history.body.entry.map((e: { request: { method: string } }) => e.request.method)).toEqual(['PATCH', 'POST']);
    });

    it('accepts the media type with a charset parameter', async () => {
      const before = await create();
      const res = await patchPatient(before.id, [{ op: 'add', path: '/gender', value: 'male' }], { 'content-type': `${JSON_PATCH}; charset=utf-8` });
      expect(res.status).toBe(200);
      expect(res.body.gender).toBe('male');
    });

    it('with a matching If-Match succeeds', async () => {
      const before = await create();
      const res = await patchPatient(before.id, [{ op: 'add', path: '/gender', value: 'other' }], { 'if-match': 'W/"1"' });
      expect(res.status).toBe(200);
      expect(res.body.meta.versionId).toBe('2');
    });

    it('ignores attempts to set meta.versionId: the server assigns the next version', async () => {
      const before = await create();
      const res = await patchPatient(before.id, [{ op: 'replace', path: '/meta/versionId', value: '99' }]);
      expect(res.status).toBe(200);
      expect(res.body.meta.versionId).toBe('2');
    });

    it('parallel patches without If-Match all apply: none is lost', async () => {
      const before = await create();
      const n = 20;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => patchPatient(before.id, [{ op: 'add', path: '/name/-', value: { family: `Parallel${i}` } }])),
      );
      expect(results.map((r) => r.status)).toEqual(Array(n).fill(200));
      const read = await server.fhir(`Patient/${before.id}`);
      expect(read.body.meta.versionId).toBe(String(n + 1));
      expect(read.body.name.map((x: { family: string }) => x.family).sort()).toEqual(['Patchable', ...Array.from({ length: n }, (_, i) => `Parallel${i}`)].sort());
    });
  });

  describe('refusals that leave the resource unchanged', () => {
    it('a Content-Type other than application/json-patch+json answers 415', async () => {
      const before = await create();
      expectOutcome(await patchPatient(before.id, [{ op: 'add', path: '/gender', value: 'male' }], { 'content-type': 'application/fhir+json' }), 415, 'Content-Type');
      expectOutcome(await patchPatient(before.id, [{ op: 'add', path: '/gender', value: 'male' }], { 'content-type': 'application/json' }), 415);
      await expectUnchanged(before);
    });

    it('a document that is not an array answers 400', async () => {
      const before = await create();
      expectOutcome(await patchPatient(before.id, { op: 'add', path: '/gender', value: 'male' }), 400);
      await expectUnchanged(before);
    });

    it('a body that is not JSON answers 400', async () => {
      const before = await create();
      expectOutcome(await patchPatient(before.id, '[{"op": "add",'), 400);
      await expectUnchanged(before);
    });

    it('an unknown operation answers 400', async () => {
      const before = await create();
      expectOutcome(await patchPatient(before.id, [{ op: 'frobnicate', path: '/gender', value: 'male' }]), 400);
      await expectUnchanged(before);
    });

    it('a failed test operation answers 422', async () => {
      const before = await create();
      const res = await patchPatient(before.id, [
        { op: 'replace', path: '/name/0/family', value: 'Changed' },
        { op: 'test', path: '/birthDate', value: '1999-01-01' },
      ]);
      expectOutcome(res, 422);
      await expectUnchanged(before);
    });

    it('a path that does not exist answers 422', async () => {
      const before = await create();
      expectOutcome(await patchPatient(before.id, [{ op: 'replace', path: '/deceasedBoolean', value: true }]), 422);
      await expectUnchanged(before);
    });

    it('a result that is not a valid resource answers 422 naming the element', async () => {
      const before = await create();
      expectOutcome(await patchPatient(before.id, [{ op: 'replace', path: '/birthDate', value: 'yesterday' }]), 422, 'Patient.birthDate');
      expectOutcome(await patchPatient(before.id, [{ op: 'add', path: '/notAnElement', value: 1 }]), 422, 'Patient.notAnElement');
      await expectUnchanged(before);
    });

    it('changing the id answers 422', async () => {
      const before = await create();
      expectOutcome(await patchPatient(before.id, [{ op: 'replace', path: '/id', value: 'someone-else' }]), 422);
      expect((await server.fhir('Patient/someone-else')).status).toBe(404);
      await expectUnchanged(before);
    });

    it('removing the id or changing the resourceType answers 422', async () => {
      const before = await create();
      expectOutcome(await patchPatient(before.id, [{ op: 'remove', path: '/id' }]), 422);
      expectOutcome(await patchPatient(before.id, [{ op: 'replace', path: '/resourceType', value: 'Practitioner' }]), 422);
      await expectUnchanged(before);
    });

    it('a stale If-Match answers 412', async () => {
      const before = await create();
      const first = await patchPatient(before.id, [{ op: 'add', path: '/gender', value: 'male' }]);
      expect(first.status).toBe(200);
      expectOutcome(await patchPatient(before.id, [{ op: 'replace', path: '/gender', value: 'female' }], { 'if-match': 'W/"1"' }), 412);
      const read = await server.fhir(`Patient/${before.id}`);
      expect(read.body).toEqual(first.body);
    });

    it('a malformed If-Match answers 400', async () => {
      const before = await create();
      expectOutcome(await patchPatient(before.id, [{ op: 'add', path: '/gender', value: 'male' }], { 'if-match': 'version one' }), 400, 'If-Match');
      await expectUnchanged(before);
    });

    it('an unknown id answers 404 and a deleted one 410', async () => {
      expectOutcome(await patchPatient('no-such-patient', [{ op: 'add', path: '/gender', value: 'male' }]), 404);
      const before = await create();
      expect((await server.fhir(`Patient/${before.id}`, { method: 'DELETE' })).status).toBe(200);
      expectOutcome(await patchPatient(before.id, [{ op: 'add', path: '/gender', value: 'male' }]), 410);
    });
  });
});
