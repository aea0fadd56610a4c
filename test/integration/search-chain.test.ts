// Forward chaining (param.param, param:Type.param, two levels) and reverse chaining (_has, nested) per R4 search §chaining.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { searchIds, seed, startSearchServer } from '../helpers/search.js';
import type { TestServer } from '../helpers/server.js';

const CS = 'urn:calaim:services';
const LOINC = 'http://loinc.org';

const task = (id: string, extra: Record<string, unknown>): Resource => ({ resourceType: 'Task', id, status: 'requested', intent: 'order', ...extra }) as Resource;
const encounter = (id: string, patient: string): Resource =>
  ({ resourceType: 'Encounter', id, status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: `Patient/${patient}` } }) as Resource;
const observation = (id: string, patient: string, code: string, extra: Record<string, unknown> = {}): Resource =>
  ({ resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: LOINC, code }] }, subject: { reference: `Patient/${patient}` }, ...extra }) as Resource;

const data: Resource[] = [
  { resourceType: 'Patient', id: 'cp1', birthDate: '1980-05-05', name: [{ family: 'Chainer', given: ['One'] }] },
  { resourceType: 'Patient', id: 'cp2', birthDate: '1990-01-01', name: [{ family: 'Second' }] },
  { resourceType: 'Patient', id: 'cp3', birthDate: '1980-05-05', name: [{ family: 'Chainer', given: ['Gone'] }] },
  { resourceType: 'Organization', id: 'co1', name: 'Alpha CBO' },
  { resourceType: 'Organization', id: 'co2', name: 'Beta Health' },
  { resourceType: 'ServiceRequest', id: 'csr1', status: 'active', intent: 'order', code: { coding: [{ system: CS, code: 'housing-nav' }] }, subject: { reference: 'Patient/cp1' } },
  { resourceType: 'ServiceRequest', id: 'csr2', status: 'active', intent: 'order', code: { coding: [{ system: CS, code: 'meals' }] }, subject: { reference: 'Patient/cp2' } },
  { resourceType: 'ServiceRequest', id: 'csr3', status: 'active', intent: 'order', code: { coding: [{ system: CS, code: 'housing-nav' }] }, subject: { reference: 'Patient/cp3' } },
  encounter('ce1', 'cp1'),
  encounter('ce2', 'cp2'),
  encounter('ce3', 'cp3'),
  task('ck1', { focus: { reference: 'ServiceRequest/csr1' }, for: { reference: 'Patient/cp1' }, owner: { reference: 'Organization/co1' } }),
  task('ck2', { focus: { reference: 'ServiceRequest/csr2' }, for: { reference: 'Patient/cp2' }, owner: { reference: 'Organization/co2' } }),
  task('ck3', { status: 'completed', focus: { reference: 'Patient/cp1' } }),
  task('ck4', { focus: { reference: 'ServiceRequest/csr3' }, owner: { reference: 'Organization/co1' } }),
  observation('cobs1', 'cp1', '4548-4', { encounter: { reference: 'Encounter/ce1' } }),
  observation('cobs2', 'cp2', '85354-9'),
  observation('cobs3', 'cp2', '99999-9'),
];

const cases: [query: string, expected: string[]][] = [
  // forward chains with and without the target type
  // ck4's ServiceRequest is about a deleted patient, but the ServiceRequest itself is current
  ['Task?focus:ServiceRequest.code=housing-nav', ['ck1', 'ck4']],
  [`Task?focus:ServiceRequest.code=${CS}|housing-nav,${CS}|meals`, ['ck1', 'ck2', 'ck4']],
  ['Task?focus.code=meals', ['ck2']],
  ['Task?focus:ServiceRequest._id=csr2', ['ck2']],
  ['Task?focus:ServiceRequest.code:not=housing-nav', ['ck2']],
  ['Task?focus:Patient.name=chainer', ['ck3']],
  ['Encounter?subject.birthdate=1980-05-05', ['ce1']],
  ['Encounter?subject:Patient.birthdate=ge1985', ['ce2']],
  ['Encounter?subject.name=chainer', ['ce1']],
  ['Encounter?subject.name=chainer&subject.given=gone', []],
  ['Encounter?subject._lastUpdated=gt2000', ['ce1', 'ce2']],
  ['Task?owner.name=alpha', ['ck1', 'ck4']],
  ['Task?owner:Organization.name=beta', ['ck2']],
  ['Task?focus:ServiceRequest.code=housing-nav&owner.name=beta', []],
  // two levels
  ['Task?focus.patient.name=second', ['ck2']],
  ['Task?focus:ServiceRequest.subject:Patient.birthdate=1980-05-05', ['ck1']],
  ['Task?focus:ServiceRequest.patient.birthdate=lt1985', ['ck1']],
  ['Task?focus:ServiceRequest.patient.birthdate=1980-05-05,1990-01-01', ['ck1', 'ck2']],
  // reverse chains
  ['Patient?_has:Observation:subject:code=4548-4', ['cp1']],
  ['Patient?_has:Observation:patient:code=4548-4,85354-9', ['cp1', 'cp2']],
  [`Patient?_has:Observation:patient:code=${LOINC}|85354-9`, ['cp2']],
  ['Organization?_has:Task:owner:status=requested', ['co1', 'co2']],
  ['Organization?_has:Task:owner:status=completed', []],
  ['ServiceRequest?_has:Task:focus:owner=Organization/co1', ['csr1', 'csr3']],
  ['Patient?_has:Task:focus:status=completed', ['cp1']],
  ['Patient?_has:Observation:subject:code=4548-4&birthdate=1990-01-01', []],
  ['Patient?_has:Observation:subject:code=4548-4&_has:Observation:subject:code=85354-9', []],
  // deleted referencing resources (cobs3) and deleted targets (cp3) never match
  ['Patient?_has:Observation:subject:code=99999-9', []],
  // nested _has, and _has ending in a chain
  ['Patient?_has:Encounter:subject:_has:Observation:encounter:code=4548-4', ['cp1']],
  ['Patient?_has:Encounter:patient:_has:Observation:encounter:code=85354-9', []],
  ['Patient?_has:Task:patient:focus:ServiceRequest.code=housing-nav', ['cp1']],
  ['Organization?_has:Task:owner:focus:ServiceRequest.code=housing-nav', ['co1']],
];

describe.each(backends())('chained search on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSearchServer(backend);
    await seed(server, data);
    for (const path of ['Patient/cp3', 'Observation/cobs3']) expect((await server.fhir(path, { method: 'DELETE' })).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });

  it.each([
    ['Task?status.code=x', 'a chain through a token parameter'],
    ['Task?focus:ServiceRequest.nonsense=1', 'no target type has the chained parameter'],
    ['Patient?_has:Observation:subject=x', '_has without a filter'],
    ['Patient?_has:Observation:nonsense:code=x', '_has through an unknown parameter'],
    ['Patient?_has:Observation:code:code=x', '_has through a token parameter'],
  ])('%s is a 400 (%s)', async (query) => {
    expectOutcome(await server.fhir(query), 400);
  });
});
