// Search sees current versions only: after an update the old values stop matching, deleted resources never match
// (through any parameter, chain, _has, include or compartment), and history versions are never returned.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { matchIds, refs, searchIds, seed, startSearchServer } from '../helpers/search.js';
import type { TestServer } from '../helpers/server.js';

const UCUM = 'http://unitsofmeasure.org';

/** [what changes, version 1, version 2, a query only v1 matches, a query only v2 matches] */
const updates: [string, Resource, Resource, string, string][] = [
  ['string', { resourceType: 'Patient', id: 'ru-str', name: [{ family: 'Alpha' }] }, { resourceType: 'Patient', id: 'ru-str', name: [{ family: 'Beta' }] }, 'Patient?family=alpha', 'Patient?family=beta'],
  [
    'token',
    { resourceType: 'Patient', id: 'ru-tok', identifier: [{ system: 'urn:x', value: 'OLD' }] },
    { resourceType: 'Patient', id: 'ru-tok', identifier: [{ system: 'urn:x', value: 'NEW' }] },
    'Patient?identifier=urn:x|OLD',
    'Patient?identifier=urn:x|NEW',
  ],
  ['date', { resourceType: 'Patient', id: 'ru-date', birthDate: '1950-01-01' }, { resourceType: 'Patient', id: 'ru-date', birthDate: '1951-02-02' }, 'Patient?birthdate=1950', 'Patient?birthdate=1951'],
  [
    'reference',
    { resourceType: 'Patient', id: 'ru-ref', generalPractitioner: [{ reference: 'Practitioner/old-gp' }] },
    { resourceType: 'Patient', id: 'ru-ref', generalPractitioner: [{ reference: 'Practitioner/new-gp' }] },
    'Patient?general-practitioner=Practitioner/old-gp',
    'Patient?general-practitioner=Practitioner/new-gp',
  ],
  [
    'quantity',
    { resourceType: 'Observation', id: 'ru-qty', status: 'final', code: { text: 'w' }, valueQuantity: { value: 70, system: UCUM, code: 'kg' } },
    { resourceType: 'Observation', id: 'ru-qty', status: 'final', code: { text: 'w' }, valueQuantity: { value: 72, system: UCUM, code: 'kg' } },
    'Observation?value-quantity=70',
    'Observation?value-quantity=72',
  ],
  [
    'number',
    { resourceType: 'RiskAssessment', id: 'ru-num', status: 'final', subject: { reference: 'Patient/ru-str' }, prediction: [{ probabilityDecimal: 0.2 }] },
    { resourceType: 'RiskAssessment', id: 'ru-num', status: 'final', subject: { reference: 'Patient/ru-str' }, prediction: [{ probabilityDecimal: 0.8 }] },
    'RiskAssessment?probability=0.2',
    'RiskAssessment?probability=0.8',
  ],
  [
    'uri',
    { resourceType: 'ValueSet', id: 'ru-uri', status: 'active', url: 'http://example.org/ValueSet/old' },
    { resourceType: 'ValueSet', id: 'ru-uri', status: 'active', url: 'http://example.org/ValueSet/new' },
    'ValueSet?url=http://example.org/ValueSet/old',
    'ValueSet?url=http://example.org/ValueSet/new',
  ],
  [
    'value removed',
    { resourceType: 'Patient', id: 'ru-gone', gender: 'female' },
    { resourceType: 'Patient', id: 'ru-gone' },
    'Patient?gender=female&_id=ru-gone',
    'Patient?gender:missing=true&_id=ru-gone',
  ],
  ['meta.tag', { resourceType: 'Patient', id: 'ru-tag', meta: { tag: [{ code: 'old-tag' }] } }, { resourceType: 'Patient', id: 'ru-tag', meta: { tag: [{ code: 'new-tag' }] } }, 'Patient?_tag=old-tag', 'Patient?_tag=new-tag'],
];

describe.each(backends())('search after updates and deletes on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSearchServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(updates)('update of a %s parameter: old values stop matching, new ones match', async (_what, v1, v2, oldQuery, newQuery) => {
    await seed(server, [v1]);
    expect(await searchIds(server, oldQuery)).toEqual([v1.id]);
    expect(await searchIds(server, newQuery)).toEqual([]);
    await seed(server, [v2]);
    expect(await searchIds(server, oldQuery)).toEqual([]);
    expect(await searchIds(server, newQuery)).toEqual([v2.id]);
  });

  it('a PATCH re-indexes like an update', async () => {
    await seed(server, [{ resourceType: 'Patient', id: 'ru-patch', name: [{ family: 'Patchy' }] } as Resource]);
    const res = await server.fhir('Patient/ru-patch', {
      method: 'PATCH',
      body: [{ op: 'replace', path: '/name/0/family', value: 'Mended' }],
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(res.status, res.text).toBe(200);
    expect(await searchIds(server, 'Patient?family=patchy')).toEqual([]);
    expect(await searchIds(server, 'Patient?family=mended')).toEqual(['ru-patch']);
  });

  it('many versions: each search returns the resource once, by its current values only', async () => {
    for (const family of ['One', 'Two', 'Three', 'Four']) await seed(server, [{ resourceType: 'Patient', id: 'ru-many', name: [{ family }], birthDate: '1970-01-01' } as Resource]);
    expect(await searchIds(server, 'Patient?_id=ru-many')).toEqual(['ru-many']);
    expect(await searchIds(server, 'Patient?birthdate=1970-01-01')).toEqual(['ru-many']);
    expect(await searchIds(server, 'Patient?family=one,two,three')).toEqual([]);
    expect(await searchIds(server, 'Patient?family=four')).toEqual(['ru-many']);
    const sorted = await server.fhir('Patient?birthdate=1970-01-01&_sort=family&_total=accurate');
    expect(sorted.body.total).toBe(1);
    expect(matchIds(sorted)).toEqual(['ru-many']);
  });

  it('_lastUpdated matches the current version, never an earlier one', async () => {
    const v1 = await server.fhir('Patient/ru-lu', { method: 'PUT', body: { resourceType: 'Patient', id: 'ru-lu' } });
    await new Promise((resolve) => setTimeout(resolve, 15));
    const v2 = await server.fhir('Patient/ru-lu', { method: 'PUT', body: { resourceType: 'Patient', id: 'ru-lu', active: true } });
    expect(await searchIds(server, `Patient?_lastUpdated=${encodeURIComponent(v1.body.meta.lastUpdated)}`)).toEqual([]);
    expect(await searchIds(server, `Patient?_lastUpdated=${encodeURIComponent(v2.body.meta.lastUpdated)}`)).toEqual(['ru-lu']);
  });

  describe('deleted resources never match', () => {
    beforeAll(async () => {
      await seed(server, [
        { resourceType: 'Organization', id: 'rd-org', name: 'Deleted Org' },
        { resourceType: 'Patient', id: 'rd-pat', name: [{ family: 'Deleted' }], birthDate: '1933-03-03', managingOrganization: { reference: 'Organization/rd-org' } },
        { resourceType: 'ServiceRequest', id: 'rd-sr', status: 'active', intent: 'order', code: { text: 'ghost' }, subject: { reference: 'Patient/rd-pat' } },
        { resourceType: 'Task', id: 'rd-task', status: 'requested', intent: 'order', focus: { reference: 'ServiceRequest/rd-sr' }, for: { reference: 'Patient/rd-pat' } },
        { resourceType: 'Task', id: 'rd-live', status: 'requested', intent: 'order', for: { reference: 'Patient/rd-pat' }, owner: { reference: 'Organization/rd-org' } },
      ] as Resource[]);
      for (const path of ['Patient/rd-pat', 'ServiceRequest/rd-sr', 'Task/rd-task', 'Organization/rd-org']) {
        expect((await server.fhir(path, { method: 'DELETE' })).status).toBe(200);
      }
    });

    it.each([
      ['Patient?_id=rd-pat', []],
      ['Patient?family=deleted', []],
      ['Patient?birthdate=1933-03-03', []],
      ['Patient?family:missing=false&_id=rd-pat', []],
      ['Patient?gender:missing=true&_id=rd-pat', []],
      ['Patient?_lastUpdated=gt2000&_id=rd-pat', []],
      ['Patient?organization=Organization/rd-org', []],
      ['Task?_id=rd-task', []],
      ['Task?focus:ServiceRequest.code:text=ghost', []],
      ['Task?patient.family=deleted', []],
      ['Task?owner.name=deleted', []],
      ['Patient?_has:Task:patient:status=requested&_id=rd-pat', []],
      ['Organization?_has:Task:owner:status=requested', []],
      ['Task?patient=Patient/rd-pat', ['rd-live']],
    ])('%s', async (query, expected) => {
      expect(await searchIds(server, query)).toEqual(expected);
    });

    it('nor in system search, compartments, includes or counts', async () => {
      expect(refs(await server.fhir('?_id=rd-pat,rd-sr,rd-task,rd-org,rd-live'), 'match')).toEqual(['Task/rd-live']);
      expect(await searchIds(server, 'Patient/rd-pat/Task')).toEqual(['rd-live']);
      const included = await server.fhir('Task?_id=rd-live&_include=Task:patient&_include=Task:owner&_revinclude=Task:part-of');
      expect(refs(included, 'include')).toEqual([]);
      expect((await server.fhir('Task?patient=rd-pat&_summary=count')).body.total).toBe(1);
    });

    it('a resource re-created after deletion matches by its new values only', async () => {
      await seed(server, [{ resourceType: 'Patient', id: 'rd-pat', name: [{ family: 'Reborn' }] } as Resource]);
      expect(await searchIds(server, 'Patient?family=deleted')).toEqual([]);
      expect(await searchIds(server, 'Patient?family=reborn')).toEqual(['rd-pat']);
      expect(await searchIds(server, 'Patient?birthdate=1933-03-03')).toEqual([]);
    });
  });
});
