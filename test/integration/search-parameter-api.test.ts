// A SearchParameter created through the API takes effect for new writes; $reindex back-fills existing data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const nickname = {
  resourceType: 'SearchParameter',
  id: 'patient-nickname',
  url: 'https://calaim-fhir.dev/fhir/SearchParameter/patient-nickname',
  name: 'nickname',
  status: 'active',
  description: 'Nickname (HumanName with use=nickname)',
  code: 'nickname',
  base: ['Patient'],
  type: 'string',
  expression: "Patient.name.where(use = 'nickname')",
};

describe.each(backends())('custom SearchParameter and $reindex on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  const ids = async (query: string) => {
    const res = await server.fhir(query);
    expect(res.status).toBe(200);
    return (res.body.entry ?? []).filter((e: { search: { mode: string } }) => e.search.mode === 'match').map((e: { resource: { id: string } }) => e.resource.id);
  };

  it('an unknown parameter is ignored with a warning before the SearchParameter exists', async () => {
    await server.fhir('Patient/before', { method: 'PUT', body: { resourceType: 'Patient', id: 'before', name: [{ use: 'nickname', given: ['Bibi'] }] } });
    const res = await server.fhir('Patient?nickname=bibi');
    expect(res.body.entry.some((e: { search: { mode: string } }) => e.search.mode === 'outcome')).toBe(true);
    expect((await server.fhir('Patient?nickname=bibi', { headers: { prefer: 'handling=strict' } })).status).toBe(400);
  });

  it('after the SearchParameter is created, new writes are indexed; existing ones only after $reindex', async () => {
    expect((await server.fhir('SearchParameter/patient-nickname', { method: 'PUT', body: nickname })).status).toBe(201);
    await server.fhir('Patient/after', { method: 'PUT', body: { resourceType: 'Patient', id: 'after', name: [{ use: 'nickname', given: ['Bibo'] }] } });
    expect(await ids('Patient?nickname=bib')).toEqual(['after']);
    const reindex = await server.fhir('Patient/$reindex', { method: 'POST' });
    expect(reindex.status).toBe(200);
    expect(reindex.body.parameter[0]).toEqual({ name: 'count', valueInteger: 2 });
    expect(await ids('Patient?nickname=bib&_sort=_id')).toEqual(['after', 'before']);
    expect(await ids('Patient?nickname=bibi')).toEqual(['before']);
  });

  it('instance $reindex of an unknown id is a 404; GET is not allowed', async () => {
    expect((await server.fhir('Patient/nope/$reindex', { method: 'POST' })).status).toBe(404);
    expect((await server.fhir('Patient/$reindex')).status).toBe(405);
  });

  it('a SearchParameter with an invalid FHIRPath expression is refused with 422', async () => {
    const res = await server.fhir('SearchParameter', { body: { ...nickname, id: undefined, code: 'broken', expression: 'Patient.name.where(' } });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['SearchParameter.expression']);
  });

  it('the CapabilityStatement lists the new parameter for Patient', async () => {
    const cs = await server.fhir('metadata');
    const patient = cs.body.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
    expect(patient.searchParam).toContainEqual({ name: 'nickname', type: 'string', definition: nickname.url });
    expect(cs.body.rest[0].operation.map((o: { name: string }) => o.name)).toContain('reindex');
  });
});
