// The referral queries partners (plans, CBOs, EHRs) run against the server, on a small referral data set.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { linkPath, matchIds, refs, searchIds, seed, startSearchServer } from '../helpers/search.js';
import type { TestServer } from '../helpers/server.js';

const CIN = 'https://calaim-fhir.dev/fhir/sid/cin';
const SCT = 'http://snomed.info/sct';
const PROGRAM = 'https://calaim-fhir.dev/fhir/CodeSystem/calaim-program';
const SOCIAL = { coding: [{ system: SCT, code: '410606002', display: 'Social service procedure' }] };

const serviceRequest = (id: string, patient: string, program: string, category = SOCIAL): Resource =>
  ({ resourceType: 'ServiceRequest', id, status: 'active', intent: 'order', category: [category], code: { coding: [{ system: PROGRAM, code: program }] }, subject: { reference: `Patient/${patient}` } }) as Resource;

const task = (id: string, sr: string, patient: string | undefined, owner: string | undefined, status = 'requested'): Resource =>
  ({
    resourceType: 'Task',
    id,
    status,
    intent: 'order',
    focus: { reference: `ServiceRequest/${sr}` },
    ...(patient ? { for: { reference: `Patient/${patient}` } } : {}),
    ...(owner ? { owner: { reference: `Organization/${owner}` } } : {}),
  }) as Resource;

const before: Resource[] = [
  { resourceType: 'Organization', id: 'pq-plan', name: 'Health Plan' },
  { resourceType: 'Organization', id: 'pq-cbo-a', name: 'CBO A' },
  { resourceType: 'Organization', id: 'pq-cbo-b', name: 'CBO B' },
  { resourceType: 'Patient', id: 'pq-m1', identifier: [{ system: CIN, value: '91000001A' }] },
  { resourceType: 'Patient', id: 'pq-m2', identifier: [{ system: CIN, value: '91000002B' }] },
  // the same value in another system, and with no system at all: neither is that member
  { resourceType: 'Patient', id: 'pq-m3', identifier: [{ system: 'urn:calaim:mrn', value: '91000001A' }] },
  { resourceType: 'Patient', id: 'pq-m4', identifier: [{ value: '91000001A' }] },
  serviceRequest('pq-sr1', 'pq-m1', 'ecm'),
  serviceRequest('pq-sr2', 'pq-m1', 'meals', { coding: [{ system: SCT, code: '385763009', display: 'Hospice care' }] }),
  serviceRequest('pq-sr3', 'pq-m2', 'ecm'),
  serviceRequest('pq-sr4', 'pq-m1', 'housing-nav'),
  task('pq-t1', 'pq-sr1', 'pq-m1', 'pq-cbo-a'),
  task('pq-t2', 'pq-sr3', 'pq-m2', 'pq-cbo-a', 'accepted'),
  task('pq-t3', 'pq-sr2', 'pq-m1', 'pq-cbo-b'),
  task('pq-t4', 'pq-sr4', 'pq-m1', undefined),
  task('pq-t5', 'pq-sr3', undefined, undefined, 'draft'),
];

describe.each(backends())('partner referral queries on $name', (backend) => {
  let server: TestServer;
  let cut: string;
  beforeAll(async () => {
    server = await startSearchServer(backend);
    await seed(server, before);
    cut = (await server.fhir('Task/pq-t5')).body.meta.lastUpdated;
    await new Promise((resolve) => setTimeout(resolve, 15));
    await seed(server, [task('pq-t6', 'pq-sr1', 'pq-m1', 'pq-cbo-a')]);
  });
  afterAll(async () => {
    await server?.close();
  });

  const since = () => encodeURIComponent(cut);

  it('Task?owner=Organization/x&status=requested&_lastUpdated=gt… polls for new referrals', async () => {
    expect(await searchIds(server, 'Task?owner=Organization/pq-cbo-a&status=requested')).toEqual(['pq-t1', 'pq-t6']);
    expect(await searchIds(server, `Task?owner=Organization/pq-cbo-a&status=requested&_lastUpdated=gt${since()}`)).toEqual(['pq-t6']);
    expect(await searchIds(server, `Task?owner=Organization/pq-cbo-b&status=requested&_lastUpdated=gt${since()}`)).toEqual([]);
  });

  it('the poll pages with _count and _sort=_lastUpdated, and sees updates made since', async () => {
    await seed(server, [{ ...task('pq-t1', 'pq-sr1', 'pq-m1', 'pq-cbo-a'), note: [{ text: 'called member' }] } as Resource]);
    const seen: string[] = [];
    let path: string | undefined = `Task?owner=Organization/pq-cbo-a&status=requested&_lastUpdated=gt${since()}&_sort=_lastUpdated&_count=1`;
    while (path !== undefined) {
      const res = await server.fhir(path);
      expect(res.status).toBe(200);
      seen.push(...matchIds(res));
      path = linkPath(server, res, 'next');
    }
    expect(seen).toEqual(['pq-t6', 'pq-t1']);
  });

  it('an accepted referral drops out of the requested queue', async () => {
    await seed(server, [task('pq-t6', 'pq-sr1', 'pq-m1', 'pq-cbo-a', 'accepted')]);
    expect(await searchIds(server, 'Task?owner=Organization/pq-cbo-a&status=requested')).toEqual(['pq-t1']);
    expect(await searchIds(server, 'Task?owner=Organization/pq-cbo-a&status=accepted')).toEqual(['pq-t2', 'pq-t6']);
    await seed(server, [task('pq-t6', 'pq-sr1', 'pq-m1', 'pq-cbo-a')]);
  });

  it('Task?owner:missing=true&status=requested finds unassigned referrals', async () => {
    expect(await searchIds(server, 'Task?owner:missing=true&status=requested')).toEqual(['pq-t4']);
    expect(await searchIds(server, 'Task?owner:missing=true')).toEqual(['pq-t4', 'pq-t5']);
  });

  it('Task?_id=a,b&_include=Task:focus returns the Tasks and their ServiceRequests', async () => {
    const res = await server.fhir('Task?_id=pq-t1,pq-t3&_include=Task:focus');
    expect(res.status).toBe(200);
    expect(refs(res, 'match')).toEqual(['Task/pq-t1', 'Task/pq-t3']);
    expect(refs(res, 'include')).toEqual(['ServiceRequest/pq-sr1', 'ServiceRequest/pq-sr2']);
  });

  it('ServiceRequest?patient=…&category=…&_revinclude=Task:focus returns a member’s referrals with their Tasks', async () => {
    for (const patient of ['Patient/pq-m1', 'pq-m1']) {
      const res = await server.fhir(`ServiceRequest?patient=${patient}&category=${SCT}|410606002&_revinclude=Task:focus`);
      expect(res.status).toBe(200);
      expect(refs(res, 'match')).toEqual(['ServiceRequest/pq-sr1', 'ServiceRequest/pq-sr4']);
      expect(refs(res, 'include')).toEqual(['Task/pq-t1', 'Task/pq-t4', 'Task/pq-t6']);
    }
    const other = await server.fhir(`ServiceRequest?patient=Patient/pq-m1&category=${SCT}|385763009&_revinclude=Task:focus`);
    expect(refs(other, 'match')).toEqual(['ServiceRequest/pq-sr2']);
    expect(refs(other, 'include')).toEqual(['Task/pq-t3']);
  });

  it('Patient?identifier=<CIN system>|<CIN> finds exactly the member', async () => {
    expect(await searchIds(server, `Patient?identifier=${CIN}|91000001A`)).toEqual(['pq-m1']);
    expect(await searchIds(server, `Patient?identifier=${encodeURIComponent(`${CIN}|91000001A`)}`)).toEqual(['pq-m1']);
    expect(await searchIds(server, `Patient?identifier=${CIN}|91000002B`)).toEqual(['pq-m2']);
    expect(await searchIds(server, `Patient?identifier=${CIN}|99999999Z`)).toEqual([]);
    expect(await searchIds(server, 'Patient?identifier=91000001A')).toEqual(['pq-m1', 'pq-m3', 'pq-m4']);
  });
});
