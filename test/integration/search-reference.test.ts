// reference search parameters (R4 search §reference): Type/id, bare id, absolute URLs on our base, :Type, :identifier, canonical URLs, :missing.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { matchIds, refs, searchIds, seed, startSearchServer } from '../helpers/search.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

function data(base: string): Resource[] {
  return [
    { resourceType: 'Patient', id: 'rp1', birthDate: '1980-01-01' },
    { resourceType: 'Patient', id: 'rp2', birthDate: '1990-05-05' },
    // a link cycle through an absolute reference on our base, and a version-specific link to itself
    { resourceType: 'Patient', id: 'rp3', link: [{ type: 'seealso', other: { reference: `${base}/Patient/rp4` } }] },
    { resourceType: 'Patient', id: 'rp4', link: [{ type: 'seealso', other: { reference: 'Patient/rp3' } }] },
    { resourceType: 'Patient', id: 'rp5', link: [{ type: 'seealso', other: { reference: `${base}/Patient/rp5/_history/1` } }] },
    { resourceType: 'Organization', id: 'ro1', name: 'Partner CBO' },
    { resourceType: 'Practitioner', id: 'rpr1' },
    { resourceType: 'ServiceRequest', id: 'rs1', status: 'active', intent: 'order', subject: { reference: 'Patient/rp1' } },
    {
      resourceType: 'Task',
      id: 'rt1',
      status: 'requested',
      intent: 'order',
      for: { reference: 'Patient/rp1' },
      owner: { reference: 'Organization/ro1' },
      focus: { reference: 'ServiceRequest/rs1' },
      requester: { reference: 'Practitioner/rpr1' },
    },
    // an absolute reference on this server's base is the same as the relative one
    { resourceType: 'Task', id: 'rt2', status: 'requested', intent: 'order', for: { reference: `${base}/Patient/rp2` }, owner: { reference: 'Practitioner/rpr1' } },
    // a logical reference (identifier only) and a version-specific reference
    {
      resourceType: 'Task',
      id: 'rt3',
      status: 'requested',
      intent: 'order',
      for: { reference: 'Patient/rp1/_history/1' },
      owner: { identifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567890' }, display: 'Some clinic' },
    },
    // no owner; a focus on another server
    { resourceType: 'Task', id: 'rt4', status: 'requested', intent: 'order', focus: { reference: 'http://other.example.org/fhir/ServiceRequest/x9' } },
    { resourceType: 'Task', id: 'rt5', status: 'accepted', intent: 'order', owner: { reference: 'Organization/ro1' }, for: { reference: 'Patient/rp2' } },
    { resourceType: 'Questionnaire', id: 'rq1', status: 'active', url: 'http://calaim.example.org/Questionnaire/ecm-intake', version: '1.0' },
    { resourceType: 'QuestionnaireResponse', id: 'rqr1', status: 'completed', questionnaire: 'http://calaim.example.org/Questionnaire/ecm-intake|1.0' },
    { resourceType: 'QuestionnaireResponse', id: 'rqr2', status: 'completed', questionnaire: 'http://calaim.example.org/Questionnaire/hrsn' },
    // Encounters: absolute references on our base (also version-specific), relative ones, and one to another server
    encounter('re1', 'finished', `${base}/Patient/rp2`, { serviceProvider: { reference: `${base}/Organization/ro1` } }),
    encounter('re2', 'planned', `${base}/Patient/rp1/_history/1`),
    encounter('re3', 'planned', 'Patient/rp1'),
    encounter('re4', 'finished', 'http://other.example.org/fhir/Patient/rp1'),
  ];
}

function encounter(id: string, status: string, subject: string, extra: Record<string, unknown> = {}): Resource {
  const cls = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' };
  return { resourceType: 'Encounter', id, status, class: cls, subject: { reference: subject }, ...extra } as Resource;
}

const cases: [query: string, expected: string[]][] = [
  ['Task?owner=Organization/ro1', ['rt1', 'rt5']],
  ['Task?owner=ro1', ['rt1', 'rt5']],
  ['Task?owner=rpr1', ['rt2']],
  ['Task?owner=Practitioner/ro1', []],
  ['Task?owner=Organization/nobody', []],
  ['Task?owner:Organization=ro1', ['rt1', 'rt5']],
  ['Task?owner:Practitioner=rpr1', ['rt2']],
  ['Task?owner:Practitioner=ro1', []],
  ['Task?owner=Organization/ro1,Practitioner/rpr1', ['rt1', 'rt2', 'rt5']],
  ['Task?owner=Organization/ro1&subject=Patient/rp1', ['rt1']],
  ['Task?owner=Organization/ro1&owner=Practitioner/rpr1', []],
  // :missing: a logical (identifier-only) reference is present
  ['Task?owner:missing=true', ['rt4']],
  ['Task?owner:missing=false', ['rt1', 'rt2', 'rt3', 'rt5']],
  ['Task?focus:missing=true', ['rt2', 'rt3', 'rt5']],
  // :identifier matches Reference.identifier
  ['Task?owner:identifier=http://hl7.org/fhir/sid/us-npi|1234567890', ['rt3']],
  ['Task?owner:identifier=1234567890', ['rt3']],
  ['Task?owner:identifier=urn:other|1234567890', []],
  ['Task?owner:identifier=|1234567890', []],
  // a version-specific reference matches the resource
  ['Task?subject=Patient/rp1', ['rt1', 'rt3']],
  ['Task?subject=rp1', ['rt1', 'rt3']],
  ['Task?patient=Patient/rp1', ['rt1', 'rt3']],
  // an absolute reference stored on our own base is indexed as Type/id: it matches Type/id, id, :Type, and the
  // `patient` parameters (whose FHIRPath resolve() only understands relative references) as well
  ['Task?subject=Patient/rp2', ['rt2', 'rt5']],
  ['Task?subject=rp2', ['rt2', 'rt5']],
  ['Task?patient=rp2', ['rt2', 'rt5']],
  ['Encounter?subject=Patient/rp1', ['re2', 're3']],
  ['Encounter?subject=rp1', ['re2', 're3']],
  ['Encounter?patient=rp1', ['re2', 're3']],
  ['Encounter?patient=Patient/rp2', ['re1']],
  ['Encounter?subject:Patient=rp2', ['re1']],
  ['Encounter?subject:Group=rp2', []],
  ['Encounter?service-provider=Organization/ro1', ['re1']],
  ['Encounter?subject.birthdate=1990-05-05', ['re1']],
  ['Encounter?subject:Patient.birthdate=1980-01-01', ['re2', 're3']],
  ['Encounter?service-provider.name=Partner', ['re1']],
  ['Patient?_has:Encounter:subject:status=finished', ['rp2']],
  ['Patient?_has:Encounter:patient:status=planned', ['rp1']],
  ['Patient/rp1/Encounter', ['re2', 're3']],
  ['Patient/rp2/Encounter', ['re1']],
  ['Patient/rp2/Task', ['rt2', 'rt5']],
  // references to other servers match by their URL only
  ['Task?focus=http://other.example.org/fhir/ServiceRequest/x9', ['rt4']],
  ['Task?focus=ServiceRequest/x9', []],
  ['Task?focus=ServiceRequest/rs1', ['rt1']],
  ['Task?focus:ServiceRequest=rs1', ['rt1']],
  ['Task?focus:ServiceRequest=x9', []],
  ['Encounter?subject=http://other.example.org/fhir/Patient/rp1', ['re4']],
  ['Patient?_has:Encounter:subject:status=finished&_id=rp1', []],
  ['Task?requester=Practitioner/rpr1', ['rt1']],
  // canonical references: by URL, with or without |version
  ['QuestionnaireResponse?questionnaire=http://calaim.example.org/Questionnaire/ecm-intake', ['rqr1']],
  ['QuestionnaireResponse?questionnaire=http://calaim.example.org/Questionnaire/ecm-intake|1.0', ['rqr1']],
  ['QuestionnaireResponse?questionnaire=http://calaim.example.org/Questionnaire/hrsn,http://calaim.example.org/Questionnaire/ecm-intake', ['rqr1', 'rqr2']],
];

describe.each(backends())('reference search on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSearchServer(backend);
    await seed(server, data(server.baseUrl));
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });

  it('an absolute URL on our base in the search value is the same as Type/id, whichever form the reference was stored in', async () => {
    const ours = (path: string) => encodeURIComponent(`${server.baseUrl}/${path}`);
    expect(await searchIds(server, `Task?owner=${ours('Organization/ro1')}`)).toEqual(['rt1', 'rt5']);
    expect(await searchIds(server, `Task?subject=${ours('Patient/rp2')}`)).toEqual(['rt2', 'rt5']);
    expect(await searchIds(server, `Encounter?subject=${ours('Patient/rp1')}`)).toEqual(['re2', 're3']);
    expect(await searchIds(server, `Encounter?subject=${ours('Patient/rp1/_history/1')}`)).toEqual(['re2', 're3']);
    expect(await searchIds(server, `Encounter?subject:Patient=${ours('Patient/rp2')}`)).toEqual(['re1']);
    expect(await searchIds(server, `Encounter?subject:Group=${ours('Patient/rp2')}`)).toEqual([]);
  });

  it('_include and _revinclude follow absolute references on our base', async () => {
    const included = await server.fhir('Encounter?_id=re1,re2,re4&_include=Encounter:subject&_include=Encounter:service-provider');
    expect(matchIds(included)).toEqual(['re1', 're2', 're4']);
    expect(refs(included, 'include')).toEqual(['Organization/ro1', 'Patient/rp1', 'Patient/rp2']);
    const revincluded = await server.fhir('Patient?_id=rp1,rp2&_revinclude=Encounter:patient&_revinclude=Task:subject');
    expect(refs(revincluded, 'include')).toEqual(['Encounter/re1', 'Encounter/re2', 'Encounter/re3', 'Task/rt1', 'Task/rt2', 'Task/rt3', 'Task/rt5']);
  });

  it.each([
    ['Patient?_id=rp3&_include:iterate=Patient:link', ['Patient/rp3'], ['Patient/rp4']],
    ['Patient?_id=rp3&_revinclude:iterate=Patient:link', ['Patient/rp3'], ['Patient/rp4']],
    ['Patient?_id=rp4&_include:iterate=Patient:link&_revinclude:iterate=Patient:link', ['Patient/rp4'], ['Patient/rp3']],
    ['Patient?_id=rp5&_include:iterate=Patient:link&_revinclude:iterate=Patient:link', ['Patient/rp5'], []],
    ['Patient?link=rp4&_include:iterate=Patient:link&_revinclude:iterate=Patient:link', ['Patient/rp3'], ['Patient/rp4']],
  ])(':iterate ends on reference cycles through absolute references: %s', async (query, matches, included) => {
    const res = await server.fhir(query);
    expect(res.status, res.text).toBe(200);
    expect(refs(res, 'match')).toEqual(matches);
    expect(refs(res, 'include')).toEqual(included);
  });

  it('the stored resource keeps the absolute reference the client sent', async () => {
    const res = await server.fhir('Encounter/re2');
    expect(res.body.subject.reference).toBe(`${server.baseUrl}/Patient/rp1/_history/1`);
  });

  it.each(['Task?owner:exact=ro1', 'Task?owner:identifier=a|b|c', 'Task?owner:missing=yes'])('%s is a 400', async (query) => {
    expectOutcome(await server.fhir(query), 400);
  });
});

/** With BASE_URL set, references on that public base are local, whatever address the request came in on. */
describe.each(backends())('reference search behind BASE_URL on $name', (backend) => {
  const PUBLIC = 'https://fhir.calaim.example';
  let server: TestServer;
  // server.fhir would send requests to the public base; go to the listening address instead.
  const call = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${server.url}/fhir/${path}`, {
      method: init.method ?? 'GET',
      headers: { accept: 'application/fhir+json', 'content-type': 'application/fhir+json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, text };
  };
  const ids = async (query: string) => {
    const res = await call(query);
    expect(res.status, res.text).toBe(200);
    return matchIds(res);
  };

  beforeAll(async () => {
    server = await startTestServer(backend, { baseUrl: PUBLIC, loadContent: false } as Partial<Config>);
    for (const resource of [
      { resourceType: 'Patient', id: 'bp1', birthDate: '1970-07-07' },
      encounter('be1', 'finished', `${PUBLIC}/fhir/Patient/bp1`),
      encounter('be2', 'finished', `${server.url}/fhir/Patient/bp1`),
    ] as Resource[]) {
      const res = await call(`${resource.resourceType}/${resource.id}`, { method: 'PUT', body: resource });
      expect(res.status, res.text).toBe(201);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a reference on BASE_URL is local: Type/id, id, the patient parameter, chains and the compartment find it', async () => {
    expect(await ids('Encounter?subject=Patient/bp1')).toEqual(['be1']);
    expect(await ids('Encounter?patient=bp1')).toEqual(['be1']);
    expect(await ids('Encounter?subject.birthdate=1970-07-07')).toEqual(['be1']);
    expect(await ids('Patient/bp1/Encounter')).toEqual(['be1']);
    expect(await ids(`Encounter?subject=${encodeURIComponent(`${PUBLIC}/fhir/Patient/bp1`)}`)).toEqual(['be1']);
  });

  it('a reference on the internal listening address is not this server behind a proxy: it matches by URL only', async () => {
    expect(await ids(`Encounter?subject=${encodeURIComponent(`${server.url}/fhir/Patient/bp1`)}`)).toEqual(['be2']);
  });
});
