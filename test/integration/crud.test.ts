// create, read, vread, update, delete over HTTP on every backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { patient, startTestServer, type TestServer } from '../helpers/server.js';

describe.each(backends())('CRUD on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('create assigns a UUID id, version 1, and returns Location, ETag and Last-Modified', async () => {
    const res = await server.fhir('Patient', { body: { ...patient(), id: 'client-chosen' } });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.meta.versionId).toBe('1');
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.headers.get('location')).toBe(`${server.baseUrl}/Patient/${res.body.id}/_history/1`);
    expect(new Date(res.headers.get('last-modified') as string).getTime()).toBeGreaterThan(0);
  });

  it('read returns the stored resource with its ETag', async () => {
    const created = await server.fhir('Patient', { body: patient('Reader') });
    const res = await server.fhir(`Patient/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created.body);
    expect(res.headers.get('etag')).toBe('W/"1"');
  });

  it('update increments the version; vread returns each version', async () => {
    const created = await server.fhir('Patient', { body: patient('Before') });
    const id = created.body.id;
    const updated = await server.fhir(`Patient/${id}`, { method: 'PUT', body: { ...patient('After'), id } });
    expect(updated.status).toBe(200);
    expect(updated.body.meta.versionId).toBe('2');
    expect((await server.fhir(`Patient/${id}/_history/1`)).body.name[0].family).toBe('Before');
    expect((await server.fhir(`Patient/${id}/_history/2`)).body.name[0].family).toBe('After');
    expect((await server.fhir(`Patient/${id}/_history/3`)).status).toBe(404);
  });

  it('update of an unknown id creates it with the client id (201)', async () => {
    const res = await server.fhir('Patient/cin-12345678A', { method: 'PUT', body: { ...patient(), id: 'cin-12345678A' } });
    expect(res.status).toBe(201);
    expect(res.body.id).toBe('cin-12345678A');
    expect(res.headers.get('location')).toContain('/Patient/cin-12345678A/_history/1');
  });

  it('delete makes later reads answer 410 and keeps history', async () => {
    const created = await server.fhir('Patient', { body: patient('Gone') });
    const id = created.body.id;
    const del = await server.fhir(`Patient/${id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(del.body.resourceType).toBe('OperationOutcome');
    const read = await server.fhir(`Patient/${id}`);
    expect(read.status).toBe(410);
    expect(read.body.issue[0].code).toBe('deleted');
    expect((await server.fhir(`Patient/${id}/_history/1`)).status).toBe(200);
    expect((await server.fhir(`Patient/${id}/_history/2`)).status).toBe(410);
    const again = await server.fhir(`Patient/${id}`, { method: 'DELETE' });
    expect(again.status).toBe(200);
    const recreated = await server.fhir(`Patient/${id}`, { method: 'PUT', body: { ...patient('Back'), id } });
    expect(recreated.status).toBe(201);
    expect(recreated.body.meta.versionId).toBe('3');
  });

  it('invalid resources are refused with 422 and the element path; nothing is stored', async () => {
    const res = await server.fhir('Patient', { body: { resourceType: 'Patient', birthDate: 'yesterday', foo: 1 } });
    expect(res.status).toBe(422);
    const paths = res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? []);
    expect(paths).toEqual(expect.arrayContaining(['Patient.birthDate', 'Patient.foo']));
    const history = await server.fhir('Patient/_history?_count=1000');
    expect(history.body.entry.some((e: { resource?: { birthDate?: string } }) => e.resource?.birthDate === 'yesterday')).toBe(false);
  });
});
