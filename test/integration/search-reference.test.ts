// reference search parameters (R4 search §reference): Type/id, bare id, absolute URLs on our base, :Type, :identifier, canonical URLs, :missing.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { searchIds, seed, startSearchServer } from '../helpers/search.js';
import type { TestServer } from '../helpers/server.js';

function data(base: string): Resource[] {
  return [
    { resourceType: 'Patient', id: 'rp1' },
    { resourceType: 'Patient', id: 'rp2' },
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
  ];
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
  // an absolute reference stored on our own base matches Type/id and id (not through `patient`, whose
  // FHIRPath resolve() only understands relative references)
  ['Task?subject=Patient/rp2', ['rt2', 'rt5']],
  ['Task?subject=rp2', ['rt2', 'rt5']],
  ['Task?patient=rp2', ['rt5']],
  // references to other servers match by their URL only
  ['Task?focus=http://other.example.org/fhir/ServiceRequest/x9', ['rt4']],
  ['Task?focus=ServiceRequest/x9', []],
  ['Task?focus=ServiceRequest/rs1', ['rt1']],
  ['Task?focus:ServiceRequest=rs1', ['rt1']],
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

  it('an absolute URL on our base in the search value is the same as Type/id', async () => {
    expect(await searchIds(server, `Task?owner=${encodeURIComponent(`${server.baseUrl}/Organization/ro1`)}`)).toEqual(['rt1', 'rt5']);
    expect(await searchIds(server, `Task?subject=${encodeURIComponent(`${server.baseUrl}/Patient/rp2`)}`)).toEqual(['rt2', 'rt5']);
  });

  it.each(['Task?owner:exact=ro1', 'Task?owner:identifier=a|b|c', 'Task?owner:missing=yes'])('%s is a 400', async (query) => {
    expectOutcome(await server.fhir(query), 400);
  });
});
