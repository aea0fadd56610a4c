// _include and _revinclude (R4 search §including other resources): target types, *, :iterate, search.mode, deleted targets, paging.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { entries, refs, seed, startSearchServer } from '../helpers/search.js';
import type { FhirResult, TestServer } from '../helpers/server.js';

const task = (id: string, extra: Record<string, unknown>): Resource => ({ resourceType: 'Task', id, status: 'requested', intent: 'order', ...extra }) as Resource;

const data: Resource[] = [
  { resourceType: 'Organization', id: 'io2', name: 'County' },
  { resourceType: 'Organization', id: 'io1', name: 'CBO', partOf: { reference: 'Organization/io2' } },
  { resourceType: 'Organization', id: 'io3', name: 'Closed CBO' },
  { resourceType: 'Practitioner', id: 'ipr1' },
  { resourceType: 'Patient', id: 'ip1', managingOrganization: { reference: 'Organization/io1' }, generalPractitioner: [{ reference: 'Practitioner/ipr1' }] },
  { resourceType: 'Patient', id: 'ip2', managingOrganization: { reference: 'Organization/io2' } },
  { resourceType: 'ServiceRequest', id: 'isr1', status: 'active', intent: 'order', subject: { reference: 'Patient/ip1' }, requester: { reference: 'Practitioner/ipr1' } },
  { resourceType: 'ServiceRequest', id: 'isr2', status: 'active', intent: 'order', subject: { reference: 'Patient/ip2' } },
  task('ik1', { focus: { reference: 'ServiceRequest/isr1' }, for: { reference: 'Patient/ip1' }, owner: { reference: 'Organization/io1' } }),
  task('ik2', { focus: { reference: 'ServiceRequest/isr2' }, for: { reference: 'Patient/ip2' }, owner: { reference: 'Organization/io2' } }),
  task('ik3', { focus: { reference: 'ServiceRequest/isr1' }, partOf: [{ reference: 'Task/ik1' }], for: { reference: 'Patient/ip1' } }),
  task('ik4', { owner: { reference: 'Organization/io3' } }),
  task('ik6', { focus: { reference: 'ServiceRequest/isr1' } }),
  task('ik7', { partOf: [{ reference: 'Task/ik2' }] }),
  // a part-of cycle
  task('ik8', { partOf: [{ reference: 'Task/ik9' }] }),
  task('ik9', { partOf: [{ reference: 'Task/ik8' }] }),
];

const cases: [query: string, matches: string[], included: string[]][] = [
  ['Task?_id=ik1&_include=Task:focus', ['Task/ik1'], ['ServiceRequest/isr1']],
  ['Task?_id=ik1,ik2&_include=Task:focus', ['Task/ik1', 'Task/ik2'], ['ServiceRequest/isr1', 'ServiceRequest/isr2']],
  // two matches referencing one resource include it once
  ['Task?_id=ik1,ik3&_include=Task:focus', ['Task/ik1', 'Task/ik3'], ['ServiceRequest/isr1']],
  ['Task?_id=ik1&_include=Task:focus:ServiceRequest', ['Task/ik1'], ['ServiceRequest/isr1']],
  ['Task?_id=ik1&_include=Task:focus:Patient', ['Task/ik1'], []],
  ['Task?_id=ik1&_include=Task:focus&_include=Task:owner', ['Task/ik1'], ['Organization/io1', 'ServiceRequest/isr1']],
  ['Task?_id=ik1&_include=Task:owner:Practitioner', ['Task/ik1'], []],
  // * follows every reference parameter
  ['Task?_id=ik1&_include=Task:*', ['Task/ik1'], ['Organization/io1', 'Patient/ip1', 'ServiceRequest/isr1']],
  // without :iterate an include applies to the matches only
  ['Task?_id=ik1&_include=Task:focus&_include=ServiceRequest:subject', ['Task/ik1'], ['ServiceRequest/isr1']],
  ['Task?_id=ik1&_include=Task:focus&_include:iterate=ServiceRequest:subject', ['Task/ik1'], ['Patient/ip1', 'ServiceRequest/isr1']],
  [
    'Task?_id=ik1&_include=Task:patient&_include:iterate=Patient:organization&_include:iterate=Organization:partof',
    ['Task/ik1'],
    ['Organization/io1', 'Organization/io2', 'Patient/ip1'],
  ],
  ['Task?_id=ik1&_include=Task:focus&_include:iterate=ServiceRequest:*', ['Task/ik1'], ['Patient/ip1', 'Practitioner/ipr1', 'ServiceRequest/isr1']],
  // a match that is also referenced appears once, as a match
  ['Task?_id=ik1,ik3&_include=Task:part-of', ['Task/ik1', 'Task/ik3'], []],
  ['Task?_id=ik3&_include=Task:part-of', ['Task/ik3'], ['Task/ik1']],
  // cycles end
  ['Task?_id=ik8&_include:iterate=Task:part-of', ['Task/ik8'], ['Task/ik9']],
  // deleted resources are never included (io3 and ik6 are deleted in beforeAll)
  ['Task?_id=ik4&_include=Task:owner', ['Task/ik4'], []],
  // _revinclude: resources that reference the matches
  ['ServiceRequest?_id=isr1&_revinclude=Task:focus', ['ServiceRequest/isr1'], ['Task/ik1', 'Task/ik3']],
  ['ServiceRequest?_id=isr1,isr2&_revinclude=Task:focus', ['ServiceRequest/isr1', 'ServiceRequest/isr2'], ['Task/ik1', 'Task/ik2', 'Task/ik3']],
  ['ServiceRequest?_id=isr2&_revinclude=Task:focus&_revinclude=Task:part-of', ['ServiceRequest/isr2'], ['Task/ik2']],
  ['ServiceRequest?_id=isr2&_revinclude=Task:focus&_revinclude:iterate=Task:part-of', ['ServiceRequest/isr2'], ['Task/ik2', 'Task/ik7']],
  ['Patient?_id=ip1&_revinclude=Task:*', ['Patient/ip1'], ['Task/ik1', 'Task/ik3']],
  ['Patient?_id=ip1&_revinclude=Task:subject:Patient', ['Patient/ip1'], ['Task/ik1', 'Task/ik3']],
  ['Patient?_id=ip1&_revinclude=Task:owner', ['Patient/ip1'], []],
  ['Organization?_id=io2&_revinclude=Organization:partof&_revinclude=Patient:organization', ['Organization/io2'], ['Organization/io1', 'Patient/ip2']],
  // _include and _revinclude together, iterating from both
  [
    'ServiceRequest?_id=isr1&_revinclude=Task:focus&_include=ServiceRequest:subject&_include:iterate=Task:owner',
    ['ServiceRequest/isr1'],
    ['Organization/io1', 'Patient/ip1', 'Task/ik1', 'Task/ik3'],
  ],
];

describe.each(backends())('_include and _revinclude on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSearchServer(backend);
    await seed(server, data);
    for (const path of ['Organization/io3', 'Task/ik6']) expect((await server.fhir(path, { method: 'DELETE' })).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function get(path: string): Promise<FhirResult> {
    const res = await server.fhir(path);
    expect(res.status, `${path}: ${res.text}`).toBe(200);
    return res;
  }

  it.each(cases)('%s', async (query, matches, included) => {
    const res = await get(query);
    expect(refs(res, 'match')).toEqual(matches);
    expect(refs(res, 'include')).toEqual(included);
    // every entry is a match or an include, with the resource's full URL
    for (const e of entries(res.body)) {
      expect(['match', 'include']).toContain(e.search?.mode);
      expect(e.fullUrl).toBe(`${server.baseUrl}/${e.resource?.resourceType}/${e.resource?.id}`);
    }
  });

  it('matches come before includes, and _total counts matches only', async () => {
    const res = await get('ServiceRequest?_id=isr1&_revinclude=Task:focus&_total=accurate');
    expect(res.body.total).toBe(1);
    expect(entries(res.body).map((e) => e.search?.mode)).toEqual(['match', 'include', 'include']);
  });

  it('each page includes what its own matches reference', async () => {
    const first = await get('Task?_id=ik1,ik2&_sort=_id&_count=1&_include=Task:focus');
    expect(refs(first, 'match')).toEqual(['Task/ik1']);
    expect(refs(first, 'include')).toEqual(['ServiceRequest/isr1']);
    const nextUrl = first.body.link.find((l: { relation: string }) => l.relation === 'next').url as string;
    const second = await get(nextUrl.slice(server.baseUrl.length));
    expect(refs(second, 'match')).toEqual(['Task/ik2']);
    expect(refs(second, 'include')).toEqual(['ServiceRequest/isr2']);
  });

  it('_summary=count returns no included resources', async () => {
    const res = await get('ServiceRequest?_id=isr1&_revinclude=Task:focus&_summary=count');
    expect(res.body.total).toBe(1);
    expect(res.body.entry).toBeUndefined();
  });

  it.each(['Task?_include=Task', 'Task?_include=Task:nonsense', 'Task?_include=Task:status', 'Task?_revinclude=Task:nonsense', 'Task?_include=*'])('%s is a 400', async (query) => {
    expectOutcome(await server.fhir(query), 400);
  });
});
