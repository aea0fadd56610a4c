// token search parameters (R4 search §token): code, system|code, |code, system|, :not (resources without a value match), :text, :of-type, :missing.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { searchIds, seed, startSearchServer } from '../helpers/search.js';
import type { TestServer } from '../helpers/server.js';

const V2 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const SCT = 'http://snomed.info/sct';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const CIN = 'urn:oid:2.16.840.1.113883.4.1.99';

const data: Resource[] = [
  {
    resourceType: 'Patient',
    id: 't1',
    identifier: [
      { system: CIN, value: '91234567A', type: { coding: [{ system: V2, code: 'MR' }], text: 'Medical record number' } },
      { system: 'urn:mrn', value: 'MRN-1' },
    ],
    gender: 'female',
    active: true,
    telecom: [
      { system: 'phone', value: '555-0101' },
      { system: 'email', value: 'a@example.org' },
    ],
  },
  { resourceType: 'Patient', id: 't2', identifier: [{ value: '91234567A' }], gender: 'male', active: false },
  { resourceType: 'Patient', id: 't3', identifier: [{ system: 'urn:other', value: '91234567A' }, { system: 'urn:x', value: 'A|B' }, { system: 'urn:x', value: '1,2' }], gender: 'female' },
  { resourceType: 'Patient', id: 't4', identifier: [{ system: CIN, value: '99999999B', type: { coding: [{ system: V2, code: 'SB' }] } }] },
  { resourceType: 'Patient', id: 't5', gender: 'other' },
  {
    resourceType: 'Condition',
    id: 'c1',
    subject: { reference: 'Patient/t1' },
    code: {
      coding: [
        { system: SCT, code: '44054006', display: 'Diabetes mellitus type 2' },
        { system: ICD, code: 'E11.9' },
      ],
      text: 'Type 2 diabetes',
    },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  },
  { resourceType: 'Condition', id: 'c2', subject: { reference: 'Patient/t1' }, code: { coding: [{ system: ICD, code: 'I10', display: 'Essential hypertension' }] } },
  { resourceType: 'Condition', id: 'c3', subject: { reference: 'Patient/t2' }, code: { coding: [{ code: 'local-1' }], text: 'Housing instability' } },
  { resourceType: 'Condition', id: 'c4', subject: { reference: 'Patient/t2' }, code: { text: 'Food insecurity' } },
  { resourceType: 'Condition', id: 'c5', subject: { reference: 'Patient/t3' } },
  { resourceType: 'Task', id: 'k1', status: 'requested', intent: 'order', code: { coding: [{ system: 'urn:calaim', code: 'ecm-referral' }] } },
  { resourceType: 'Task', id: 'k2', status: 'accepted', intent: 'order' },
];

const cases: [query: string, expected: string[]][] = [
  // Identifier: value alone matches any system
  ['Patient?identifier=91234567A', ['t1', 't2', 't3']],
  // system|value: only identifiers with that system (an identifier without a system does not match)
  [`Patient?identifier=${CIN}|91234567A`, ['t1']],
  ['Patient?identifier=urn:other|91234567A', ['t3']],
  ['Patient?identifier=urn:nowhere|91234567A', []],
  // |value: only identifiers without a system
  ['Patient?identifier=|91234567A', ['t2']],
  // system|: any value in that system
  [`Patient?identifier=${CIN}|`, ['t1', 't4']],
  ['Patient?identifier=urn:mrn|', ['t1']],
  // codes are case-sensitive
  [`Patient?identifier=${CIN}|91234567a`, []],
  // escaped separators inside a value
  ['Patient?identifier=urn:x|A\\|B', ['t3']],
  ['Patient?identifier=urn:x|1\\,2', ['t3']],
  ['Patient?identifier=1\\,2', ['t3']],
  // :of-type: type system|type code|value
  [`Patient?identifier:of-type=${V2}|MR|91234567A`, ['t1']],
  [`Patient?identifier:of-type=${V2}|SB|99999999B`, ['t4']],
  [`Patient?identifier:of-type=${V2}|MR|99999999B`, []],
  [`Patient?identifier:of-type=${V2}|SB|91234567A`, []],
  // :text on Identifier.type.text
  ['Patient?identifier:text=medical record', ['t1']],
  ['Patient?identifier:missing=true', ['t5']],
  ['Patient?identifier:missing=false', ['t1', 't2', 't3', 't4']],
  // primitive code: the system is the one of the bound code system
  ['Patient?gender=female', ['t1', 't3']],
  ['Patient?gender=http://hl7.org/fhir/administrative-gender|female', ['t1', 't3']],
  ['Patient?gender=female,male', ['t1', 't2', 't3']],
  ['Patient?gender=FEMALE', []],
  // :not includes resources that have no value at all
  ['Patient?gender:not=female', ['t2', 't4', 't5']],
  ['Patient?gender:not=female,male', ['t4', 't5']],
  ['Patient?gender:not=female&gender:not=male', ['t4', 't5']],
  ['Patient?gender:missing=true', ['t4']],
  ['Patient?gender:missing=false', ['t1', 't2', 't3', 't5']],
  // boolean
  ['Patient?active=true', ['t1']],
  ['Patient?active=false', ['t2']],
  ['Patient?active:not=true', ['t2', 't3', 't4', 't5']],
  ['Patient?active:missing=true', ['t3', 't4', 't5']],
  // ContactPoint: system|value uses ContactPoint.system
  ['Patient?telecom=555-0101', ['t1']],
  ['Patient?telecom=phone|555-0101', ['t1']],
  ['Patient?telecom=email|555-0101', []],
  ['Patient?email=a@example.org', ['t1']],
  ['Patient?phone=555-0101', ['t1']],
  ['Patient?phone=a@example.org', []],
  // CodeableConcept: any coding
  ['Condition?code=44054006', ['c1']],
  ['Condition?code=E11.9', ['c1']],
  [`Condition?code=${SCT}|44054006`, ['c1']],
  [`Condition?code=${SCT}|E11.9`, []],
  [`Condition?code=${ICD}|`, ['c1', 'c2']],
  ['Condition?code=local-1', ['c3']],
  ['Condition?code=|local-1', ['c3']],
  ['Condition?code=urn:x|local-1', []],
  [`Condition?code=${ICD}|I10,${SCT}|44054006`, ['c1', 'c2']],
  // :text on CodeableConcept.text and Coding.display (string semantics: starts-with, case- and accent-insensitive)
  ['Condition?code:text=type 2', ['c1']],
  ['Condition?code:text=DIABETES', ['c1']],
  ['Condition?code:text=essential', ['c2']],
  ['Condition?code:text=housing', ['c3']],
  ['Condition?code:text=food,housing', ['c3', 'c4']],
  ['Condition?code:text=insecurity', []],
  // :not on CodeableConcepts: nothing in the concept matches
  ['Condition?code:not=I10', ['c1', 'c3', 'c4', 'c5']],
  [`Condition?code:not=${SCT}|44054006`, ['c2', 'c3', 'c4', 'c5']],
  [`Condition?code:not=${ICD}|`, ['c3', 'c4', 'c5']],
  ['Condition?code:missing=true', ['c5']],
  ['Condition?code:missing=false', ['c1', 'c2', 'c3', 'c4']],
  ['Condition?clinical-status=active', ['c1']],
  ['Condition?clinical-status:not=active', ['c2', 'c3', 'c4', 'c5']],
  // AND of token parameters
  ['Condition?code=E11.9&code=44054006', ['c1']],
  ['Condition?code=E11.9&code=I10', []],
  ['Task?status=requested', ['k1']],
  ['Task?status=http://hl7.org/fhir/task-status|requested', ['k1']],
  ['Task?status=requested,accepted&code=ecm-referral', ['k1']],
  ['Task?status:not=requested', ['k2']],
  ['Task?code:missing=true', ['k2']],
];

describe.each(backends())('token search on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSearchServer(backend);
    await seed(server, data);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query.replace(/ /g, '%20'))).toEqual(expected);
  });

  it.each([
    ['Patient?identifier:of-type=91234567A', 'of-type without system|code|value'],
    [`Patient?identifier:of-type=${V2}||91234567A`, 'of-type without a type code'],
    ['Patient?gender:contains=fem', 'a string modifier on a token'],
    ['Patient?gender=a|b|c', 'three-part token'],
  ])('%s is a 400 (%s)', async (query) => {
    expectOutcome(await server.fhir(query), 400);
  });
});
