// The search interactions: unknown parameters (warning or strict 400), unsupported _text/_content, POST [type]/_search
// with a form body, system search with _type, and compartment search Patient/[id]/[type].
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { linkPath, matchIds, outcomeIssues, refs, searchIds, seed, startSearchServer } from '../helpers/search.js';
import type { FhirResult, TestServer } from '../helpers/server.js';

const task = (id: string, extra: Record<string, unknown>): Resource => ({ resourceType: 'Task', id, status: 'requested', intent: 'order', ...extra }) as Resource;
const encounter = (id: string, patient: string): Resource =>
  ({ resourceType: 'Encounter', id, status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: `Patient/${patient}` } }) as Resource;

const data: Resource[] = [
  { resourceType: 'Patient', id: 'hp1', name: [{ family: 'Mulder', given: ['Fox'] }], birthDate: '2000-03-01', meta: { tag: [{ system: 'urn:t', code: 'x' }] } },
  { resourceType: 'Patient', id: 'hp2', name: [{ family: 'Scully', given: ['Dana'] }], birthDate: '2000-11-01' },
  { resourceType: 'Patient', id: 'hp3', name: [{ family: 'Mulder', given: ['Samantha'] }], birthDate: '2003-01-01' },
  { resourceType: 'Organization', id: 'ho1', name: 'Mulder Clinic', meta: { tag: [{ system: 'urn:t', code: 'x' }] } },
  task('ht1', { for: { reference: 'Patient/hp1' }, owner: { reference: 'Organization/ho1' }, meta: { tag: [{ system: 'urn:t', code: 'x' }] } }),
  task('ht2', { for: { reference: 'Patient/hp1' }, status: 'completed' }),
  task('ht3', { for: { reference: 'Patient/hp2' } }),
  task('ht4', { focus: { reference: 'Patient/hp1' } }),
  encounter('he1', 'hp1'),
  encounter('he2', 'hp2'),
];

describe.each(backends())('search interactions on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSearchServer(backend);
    await seed(server, data);
  });
  afterAll(async () => {
    await server?.close();
  });

  const form = (path: string, body: string, headers: Record<string, string> = {}) =>
    server.fhir(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });

  describe('unknown and unsupported parameters', () => {
    it('an unknown parameter is ignored, with a warning in an outcome entry', async () => {
      const res = await server.fhir('Patient?family=mulder&foo=bar');
      expect(res.status).toBe(200);
      expect(matchIds(res)).toEqual(['hp1', 'hp3']);
      const issues = outcomeIssues(res);
      expect(issues).toHaveLength(1);
      expect(issues[0].severity).toBe('warning');
      expect(issues[0].diagnostics).toContain('foo');
      expect(res.body.entry.filter((e: { search?: { mode: string } }) => e.search?.mode === 'outcome')).toHaveLength(1);
    });

    it('Prefer: handling=lenient behaves like the default; handling=strict makes it a 400', async () => {
      const lenient = await server.fhir('Patient?family=mulder&foo=bar', { headers: { prefer: 'handling=lenient' } });
      expect(lenient.status).toBe(200);
      expect(outcomeIssues(lenient)).toHaveLength(1);
      expectOutcome(await server.fhir('Patient?family=mulder&foo=bar', { headers: { prefer: 'handling=strict' } }), 400);
      expectOutcome(await server.fhir('Patient?foo:exact=bar', { headers: { prefer: 'handling=strict' } }), 400);
      expect((await server.fhir('Patient?family=mulder', { headers: { prefer: 'handling=strict' } })).status).toBe(200);
    });

    it('an unknown parameter in a chain or _has is warned about too, not silently matched', async () => {
      const res = await server.fhir('Task?subject:Patient.foo=1');
      // either refused or ignored with a warning, never a silent filter
      if (res.status === 200) expect(outcomeIssues(res).length).toBeGreaterThan(0);
      else expectOutcome(res, 400);
    });

    it('result and format parameters raise no warning', async () => {
      const res = await server.fhir('Patient?family=mulder&_format=json&_pretty=true&_count=5&_sort=_id&_total=accurate&_elements=name');
      expect(res.status).toBe(200);
      expect(outcomeIssues(res)).toEqual([]);
    });

    it.each(['_text=mulder', '_content=mulder', '_filter=name%20eq%20x', '_query=everything', '_list=List/1', '_contained=true'])('%s is a 400 with an OperationOutcome', async (query) => {
      expectOutcome(await server.fhir(`Patient?${query}`), 400);
    });

    it('an unknown modifier on a known parameter is a 400 even when lenient', async () => {
      expectOutcome(await server.fhir('Patient?family:sounds-like=mulder'), 400);
    });
  });

  describe('POST [type]/_search with a form body', () => {
    it('returns what GET returns', async () => {
      const res = await form('Patient/_search', 'family=mulder&given=fox');
      expect(res.status, res.text).toBe(200);
      expect(res.body.type).toBe('searchset');
      expect(matchIds(res)).toEqual(['hp1']);
    });

    it('repeated parameters in the body are AND-ed', async () => {
      expect(matchIds(await form('Patient/_search', 'birthdate=ge2000-06&birthdate=lt2001'))).toEqual(['hp2']);
      expect(matchIds(await form('Patient/_search', 'family=mulder&family=scully'))).toEqual([]);
    });

    it('URL parameters and body parameters combine', async () => {
      expect(matchIds(await form('Patient/_search?family=mulder', 'given=sam'))).toEqual(['hp3']);
    });

    it('commas, escapes and percent-encoding in the body work as in a URL', async () => {
      expect(matchIds(await form('Patient/_search', `family=${encodeURIComponent('scully,mulder')}&_sort=_id`))).toEqual(['hp1', 'hp2', 'hp3']);
      expect(matchIds(await form('Patient/_search', `family=${encodeURIComponent('mulder\\,x')}`))).toEqual([]);
    });

    it('paging links from a POST search are GET URLs on the type', async () => {
      const res = await form('Patient/_search', 'family=mulder&_count=1&_sort=_id');
      const next = linkPath(server, res, 'next') as string;
      expect(next.startsWith('/Patient?')).toBe(true);
      expect(next).toContain('family=mulder');
      expect(matchIds(await server.fhir(next))).toEqual(['hp3']);
    });

    it('a JSON body is refused with 415 instead of being ignored (which would search everything)', async () => {
      expectOutcome(await server.fhir('Patient/_search', { method: 'POST', body: { family: 'mulder' } }), 415);
    });

    it('unknown body parameters follow the same lenient/strict rules', async () => {
      expect(outcomeIssues(await form('Patient/_search', 'family=mulder&foo=1'))).toHaveLength(1);
      expectOutcome(await form('Patient/_search', 'family=mulder&foo=1', { prefer: 'handling=strict' }), 400);
    });
  });

  describe('system search', () => {
    it('GET [base]?_type=Patient,Task&_id=… matches across the listed types only', async () => {
      const res = await server.fhir('?_type=Patient,Task&_id=hp1,ht1,ho1');
      expect(res.status, res.text).toBe(200);
      expect(refs(res, 'match')).toEqual(['Patient/hp1', 'Task/ht1']);
    });

    it('without _type every type is searched', async () => {
      expect(refs(await server.fhir('?_id=hp1,ht1,ho1'), 'match')).toEqual(['Organization/ho1', 'Patient/hp1', 'Task/ht1']);
      expect(refs(await server.fhir('?_tag=urn:t|x'), 'match')).toEqual(['Organization/ho1', 'Patient/hp1', 'Task/ht1']);
    });

    it('sorts and pages across types', async () => {
      const first = await server.fhir('?_type=Patient,Task&_sort=-_id&_count=3');
      expect(refs(first, 'match')).toEqual(['Task/ht2', 'Task/ht3', 'Task/ht4']);
      const ids = first.body.entry.map((e: { resource: Resource }) => e.resource.id);
      expect(ids).toEqual(['ht4', 'ht3', 'ht2']);
      const second = await server.fhir(linkPath(server, first, 'next') as string);
      expect(second.body.entry.map((e: { resource: Resource }) => e.resource.id)).toEqual(['ht1', 'hp3', 'hp2']);
    });

    it('POST [base]/_search takes a form body', async () => {
      const res = await form('_search', '_type=Patient&_id=hp1,ht1');
      expect(res.status, res.text).toBe(200);
      expect(refs(res, 'match')).toEqual(['Patient/hp1']);
    });

    it('includes work in system search', async () => {
      const res = await server.fhir('?_type=Task&_id=ht1&_include=Task:owner');
      expect(refs(res, 'include')).toEqual(['Organization/ho1']);
    });

    it('a parameter not defined for every listed type is unknown; an unknown type is a 400', async () => {
      const res = await server.fhir('?_type=Patient,Task&status=requested');
      expect(res.status).toBe(200);
      expect(outcomeIssues(res)).toHaveLength(1);
      expectOutcome(await server.fhir('?_type=Patient,Nonsense'), 400);
    });
  });

  describe('compartment search', () => {
    it('Patient/[id]/Task finds Tasks linked to the patient by the compartment parameters', async () => {
      expect(await searchIds(server, 'Patient/hp1/Task')).toEqual(['ht1', 'ht2', 'ht4']);
      expect(await searchIds(server, 'Patient/hp1/Task?status=requested')).toEqual(['ht1', 'ht4']);
      expect(await searchIds(server, 'Patient/hp2/Task')).toEqual(['ht3']);
      expect(await searchIds(server, 'Patient/hp1/Encounter')).toEqual(['he1']);
      expect(await searchIds(server, 'Patient/hp1/Patient')).toEqual(['hp1']);
    });

    it('an unknown patient has an empty compartment', async () => {
      expect(await searchIds(server, 'Patient/nobody/Task')).toEqual([]);
    });

    it('paging links stay inside the compartment', async () => {
      const first = await server.fhir('Patient/hp1/Task?_count=2&_sort=_id');
      expect(matchIds(first)).toEqual(['ht1', 'ht2']);
      const next = linkPath(server, first, 'next') as string;
      expect(next.startsWith('/Patient/hp1/Task?')).toBe(true);
      expect(matchIds(await server.fhir(next))).toEqual(['ht4']);
    });

    it('types outside the compartment are a 400; other compartments a 404', async () => {
      expectOutcome(await server.fhir('Patient/hp1/Organization'), 400);
      expectOutcome(await server.fhir('Encounter/he1/Observation'), 404);
    });
  });

  it('HEAD on a search answers 200 without a body', async () => {
    const res: FhirResult = await server.fhir('Patient?family=mulder', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });
});
