// Content negotiation, request errors (every one an OperationOutcome, never a 500), _pretty, _summary/_elements and Prefer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { patient, startTestServer, type FhirResult, type TestServer } from '../helpers/server.js';

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };
const BODY_LIMIT = 2048;

/** A Patient with summary and non-summary elements, and a narrative. */
const richPatient = () => ({
  ...patient('Rich'),
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Rich, Alex</div>' },
  gender: 'female',
  maritalStatus: { text: 'Married' },
  communication: [{ language: { text: 'Spanish' }, preferred: true }],
  identifier: [{ system: 'https://calaim.example/cin', value: '91234567A' }],
});

describe.each(backends())('negotiation and errors on $name', (backend) => {
  let server: TestServer;
  let id: string;
  beforeAll(async () => {
    server = await startTestServer(backend, { bodyLimitBytes: BODY_LIMIT });
    const created = await server.fhir('Patient', { body: richPatient() });
    expect(created.status).toBe(201);
    id = created.body.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Raw fetch under the FHIR base, for requests the helper would normalise (no Accept, odd bodies). */
  const raw = async (path: string, init: RequestInit = {}): Promise<FhirResult> => {
    const response = await fetch(`${server.baseUrl}/${path}`, init);
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body, text };
  };
  const tags = (res: FhirResult) => (res.body.meta?.tag ?? []) as { system: string; code: string }[];
  const isSubsetted = (res: FhirResult) => tags(res).some((t) => t.system === SUBSETTED.system && t.code === SUBSETTED.code);

  describe('_format and Accept', () => {
    it.each(['json', 'application/json', 'application/fhir%2Bjson', 'application/fhir+json'])('_format=%s answers JSON', async (format) => {
      const res = await server.fhir(`Patient/${id}?_format=${format}`);
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(res.body.id).toBe(id);
    });

    it.each(['application/fhir+json', 'application/json', '*/*', 'application/fhir+xml;q=0.9, application/fhir+json;q=0.5'])('Accept: %s answers JSON', async (accept) => {
      const res = await server.fhir(`Patient/${id}`, { headers: { accept } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    });

    it('no Accept header answers JSON', async () => {
      const res = await raw(`Patient/${id}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    });

    it.each(['xml', 'application/fhir%2Bxml', 'text/xml', 'html'])('_format=%s answers 406', async (format) => {
      expectOutcome(await server.fhir(`Patient/${id}?_format=${format}`), 406, '_format');
    });

    it.each(['application/fhir+xml', 'application/xml', 'text/html'])('Accept: %s answers 406', async (accept) => {
      expectOutcome(await server.fhir(`Patient/${id}`, { headers: { accept } }), 406, 'Accept');
    });
  });

  describe('request bodies', () => {
    it.each(['application/xml', 'application/fhir+xml', 'text/plain'])('Content-Type %s answers 415', async (contentType) => {
      expectOutcome(await server.fhir('Patient', { body: '<Patient xmlns="http://hl7.org/fhir"/>', headers: { 'content-type': contentType } }), 415, 'Content-Type');
    });

    it('a charset other than UTF-8 answers 415', async () => {
      expectOutcome(await server.fhir('Patient', { body: patient(), headers: { 'content-type': 'application/fhir+json; charset=iso-8859-1' } }), 415);
    });

    it('application/json and a UTF-8 charset are accepted', async () => {
      expect((await server.fhir('Patient', { body: patient(), headers: { 'content-type': 'application/json' } })).status).toBe(201);
      expect((await server.fhir('Patient', { body: patient(), headers: { 'content-type': 'application/fhir+json; charset=UTF-8' } })).status).toBe(201);
    });

    it.each([
      ['malformed JSON', '{"resourceType": "Patient",'],
      ['a JSON array', '[]'],
      ['a JSON string', '"Patient"'],
      ['an empty body', ''],
      ['an object without resourceType', '{"name": []}'],
    ])('%s answers 400', async (_name, body) => {
      expectOutcome(await raw('Patient', { method: 'POST', body, headers: { 'content-type': 'application/fhir+json' } }), 400);
    });

    it(`a body over the limit (${BODY_LIMIT} bytes) answers 413 and stores nothing`, async () => {
      const big = { ...patient('Huge'), text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(BODY_LIMIT * 2)}</div>` } };
      const before = (await server.fhir('Patient/_history?_count=1')).body.entry[0].fullUrl;
      expectOutcome(await server.fhir('Patient', { body: big }), 413);
      expectOutcome(await server.fhir(`Patient/${id}`, { method: 'PUT', body: { ...big, id } }), 413);
      expect((await server.fhir('Patient/_history?_count=1')).body.entry[0].fullUrl).toBe(before);
      // A body just under the limit still goes through.
      expect((await server.fhir('Patient', { body: patient('Small') })).status).toBe(201);
    });

    it('a body whose resourceType differs from the URL answers 400 naming resourceType', async () => {
      expectOutcome(await server.fhir('Patient', { body: { resourceType: 'Organization', name: 'Wrong' } }), 400, 'resourceType');
      expectOutcome(await server.fhir(`Patient/${id}`, { method: 'PUT', body: { resourceType: 'Organization', id, name: 'Wrong' } }), 400, 'resourceType');
    });

    it('a PUT whose body id differs from the URL, or has none, answers 400 naming id and changes nothing', async () => {
      const before = await server.fhir(`Patient/${id}`);
      expectOutcome(await server.fhir(`Patient/${id}`, { method: 'PUT', body: { ...patient('Other'), id: 'someone-else' } }), 400, 'id');
      expectOutcome(await server.fhir(`Patient/${id}`, { method: 'PUT', body: patient('NoId') }), 400, 'id');
      expect((await server.fhir(`Patient/${id}`)).body).toEqual(before.body);
      expect((await server.fhir('Patient/someone-else')).status).toBe(404);
    });
  });

  describe('paths and methods', () => {
    it.each([
      ['GET', 'Unicorn/1'],
      ['POST', 'Unicorn'],
      ['GET', 'Unicorn/_history'],
      ['PUT', 'patient/x'],
    ])('%s of an unknown resource type (%s) answers 404', async (method, path) => {
      expectOutcome(await server.fhir(path, { method, body: method === 'GET' ? undefined : { resourceType: 'Unicorn', id: 'x' } }), 404);
    });

    it('an unknown id answers 404', async () => {
      expectOutcome(await server.fhir('Patient/does-not-exist'), 404);
    });

    it.each(['Patient/1/extra/segments/here', 'Patient/1/_history/1/more', '_nothing'])('an unknown FHIR path (%s) answers 404', async (path) => {
      expectOutcome(await server.fhir(path), 404);
    });

    it('a path outside the FHIR base answers 404 with an OperationOutcome', async () => {
      const res = await fetch(`${server.url}/not-fhir/Patient`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    });

    it('an invalid id answers 400', async () => {
      expectOutcome(await server.fhir(`Patient/${'x'.repeat(65)}`), 400, 'id');
      expectOutcome(await server.fhir('Patient/bad%20id'), 400, 'id');
    });

    it.each([
      ['POST', 'metadata', ['GET']],
      ['DELETE', 'Patient/x/_history/1', ['GET']],
      ['PATCH', 'Patient/_history', ['GET']],
      ['PUT', '_history', ['GET']],
      ['DELETE', '', ['POST']],
      ['DELETE', 'Patient/x/$validate', ['GET', 'POST']],
    ])('%s /fhir/%s answers 405 with an Allow header listing what is allowed', async (method, path, allowed) => {
      const res = await server.fhir(path, { method, body: method === 'DELETE' ? undefined : patient() });
      expectOutcome(res, 405);
      const allow = (res.headers.get('allow') ?? '').split(',').map((m) => m.trim());
      expect(allow).toEqual(expect.arrayContaining(allowed));
      expect(allow).not.toContain(method);
    });

    it('HEAD answers the status and headers of GET without a body', async () => {
      const res = await raw(`Patient/${id}`, { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe('W/"1"');
      expect(res.text).toBe('');
    });

    it('odd requests answer 4xx OperationOutcomes, never 500', async () => {
      const odd: [string, string, RequestInit?][] = [
        ['bad percent-encoding', 'Patient/%E0%A4%A'],
        ['bad _summary', `Patient/${id}?_summary=everything`],
        ['bad _elements', `Patient/${id}?_elements=1name`],
        ['PATCH with a FHIR body', `Patient/${id}`, { method: 'PATCH', body: JSON.stringify(patient()), headers: { 'content-type': 'application/fhir+json' } }],
        ['vread of a non-numeric version', `Patient/${id}/_history/abc`],
        ['vread of a huge version', `Patient/${id}/_history/99999999999999999999`],
        ['OPTIONS', 'Patient', { method: 'OPTIONS' }],
        ['null JSON body', 'Patient', { method: 'POST', body: 'null', headers: { 'content-type': 'application/fhir+json' } }],
        ['resourceType that is not a string', 'Patient', { method: 'POST', body: '{"resourceType": 7}', headers: { 'content-type': 'application/fhir+json' } }],
        ['POST of a non-Bundle to the base', '', { method: 'POST', body: JSON.stringify(patient()), headers: { 'content-type': 'application/fhir+json' } }],
      ];
      for (const [name, path, init] of odd) {
        const res = await raw(path, init);
        expect(res.status, `${name}: ${res.text}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${name}: ${res.text}`).toBeLessThan(500);
        if (init?.method !== 'HEAD') expect(res.body?.resourceType, name).toBe('OperationOutcome');
      }
    });
  });

  describe('_pretty', () => {
    it('_pretty=true indents the JSON; the default is compact', async () => {
      const pretty = await server.fhir(`Patient/${id}?_pretty=true`);
      expect(pretty.text).toMatch(/^\{\n {2}"/);
      expect(JSON.parse(pretty.text)).toEqual((await server.fhir(`Patient/${id}`)).body);
      const compact = await server.fhir(`Patient/${id}`);
      expect(compact.text).not.toContain('\n');
      expect((await server.fhir(`Patient/${id}?_pretty=false`)).text).not.toContain('\n');
    });

    it('_pretty=true indents error OperationOutcomes too', async () => {
      const res = await server.fhir('Patient/does-not-exist?_pretty=true');
      expect(res.status).toBe(404);
      expect(res.text).toMatch(/^\{\n {2}"/);
    });
  });

  describe('_summary and _elements', () => {
    it('_summary=true keeps only summary elements and adds the SUBSETTED tag', async () => {
      const res = await server.fhir(`Patient/${id}?_summary=true`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ resourceType: 'Patient', id, gender: 'female', birthDate: '1980-02-29' });
      expect(res.body.name).toBeDefined();
      expect(res.body.identifier).toBeDefined();
      expect(res.body.text).toBeUndefined();
      expect(res.body.maritalStatus).toBeUndefined();
      expect(res.body.communication).toBeUndefined();
      expect(res.body.meta.versionId).toBe('1');
      expect(isSubsetted(res)).toBe(true);
    });

    it('_summary=text keeps the narrative, id and meta only', async () => {
      const res = await server.fhir(`Patient/${id}?_summary=text`);
      expect(Object.keys(res.body).sort()).toEqual(['id', 'meta', 'resourceType', 'text']);
      expect(isSubsetted(res)).toBe(true);
    });

    it('_summary=data removes the narrative and keeps everything else', async () => {
      const full = await server.fhir(`Patient/${id}`);
      const res = await server.fhir(`Patient/${id}?_summary=data`);
      expect(res.body.text).toBeUndefined();
      const { text: _text, meta: _meta, ...rest } = full.body;
      expect(res.body).toMatchObject(rest);
      expect(isSubsetted(res)).toBe(true);
    });

    it('_summary=false returns the full resource without the tag', async () => {
      const res = await server.fhir(`Patient/${id}?_summary=false`);
      expect(res.body).toEqual((await server.fhir(`Patient/${id}`)).body);
      expect(isSubsetted(res)).toBe(false);
    });

    it('_elements keeps the named elements plus id and meta, and adds the SUBSETTED tag', async () => {
      const res = await server.fhir(`Patient/${id}?_elements=gender,maritalStatus`);
      expect(Object.keys(res.body).sort()).toEqual(['gender', 'id', 'maritalStatus', 'meta', 'resourceType']);
      expect(isSubsetted(res)).toBe(true);
      const qualified = await server.fhir(`Patient/${id}?_elements=Patient.birthDate`);
      expect(Object.keys(qualified.body).sort()).toEqual(['birthDate', 'id', 'meta', 'resourceType']);
    });

    it('subsets every resource in a history bundle', async () => {
      const res = await server.fhir(`Patient/${id}/_history?_elements=gender`);
      expect(res.body.resourceType).toBe('Bundle');
      const resource = res.body.entry[0].resource;
      expect(Object.keys(resource).sort()).toEqual(['gender', 'id', 'meta', 'resourceType']);
      expect(resource.meta.tag).toEqual(expect.arrayContaining([expect.objectContaining(SUBSETTED)]));
    });

    it('the SUBSETTED tag is never stored', async () => {
      await server.fhir(`Patient/${id}?_summary=true`);
      const res = await server.fhir(`Patient/${id}`);
      expect(isSubsetted(res)).toBe(false);
      expect(res.body.maritalStatus).toEqual({ text: 'Married' });
    });
  });

  describe('Prefer', () => {
    it('return=minimal on create answers 201 with an empty body and the Location, ETag and Last-Modified headers', async () => {
      const res = await server.fhir('Patient', { body: patient('Minimal'), headers: { prefer: 'return=minimal' } });
      expect(res.status).toBe(201);
      expect(res.text).toBe('');
      expect(res.headers.get('location')).toMatch(new RegExp(`^${server.baseUrl}/Patient/[0-9a-f-]{36}/_history/1$`));
      expect(res.headers.get('etag')).toBe('W/"1"');
      expect(res.headers.get('last-modified')).toBeTruthy();
      const stored = await server.fhir((res.headers.get('location') as string).slice(server.baseUrl.length));
      expect(stored.body.name[0].family).toBe('Minimal');
    });

    it('return=minimal on update answers 200 with an empty body and the version headers', async () => {
      const created = await server.fhir('Patient', { body: patient('MinimalUpdate') });
      const res = await server.fhir(`Patient/${created.body.id}`, { method: 'PUT', body: { ...patient('MinimalUpdated'), id: created.body.id }, headers: { prefer: 'return=minimal' } });
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect(res.headers.get('etag')).toBe('W/"2"');
    });

    it('return=OperationOutcome answers an OperationOutcome instead of the resource', async () => {
      const res = await server.fhir('Patient', { body: patient('Outcome'), headers: { prefer: 'return=OperationOutcome' } });
      expect(res.status).toBe(201);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].severity).toBe('information');
      expect(res.headers.get('location')).toMatch(/\/Patient\/[0-9a-f-]{36}\/_history\/1$/);
    });

    it('return=representation (and no Prefer) answers the resource', async () => {
      const res = await server.fhir('Patient', { body: patient('Rep'), headers: { prefer: 'return=representation' } });
      expect(res.status).toBe(201);
      expect(res.body.resourceType).toBe('Patient');
    });

    it('Prefer does not change a read', async () => {
      const res = await server.fhir(`Patient/${id}`, { headers: { prefer: 'return=minimal' } });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(id);
    });
  });
});
