// CONTENT_WRITABLE=true: loaded conformance resources changed through the API take effect at once, and reloads keep them.
import type { CodeSystem, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readContent } from '../../src/content/files.js';
import { loadContent } from '../../src/content/load.js';
import { backends } from '../helpers/backends.js';
import { expressions } from '../helpers/outcome.js';
import { BASE, profileFixture } from '../helpers/profile-fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe.each(backends())('CONTENT_WRITABLE=true on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { contentWritable: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a code added to a loaded CodeSystem is accepted by validation and listed by $expand without a restart', async () => {
    const task = { ...profileFixture('referral-task.valid'), statusReason: { coding: [{ system: `${BASE}/CodeSystem/loop-closure-reason`, code: 'member-moved' }] } };
    const before = await server.fhir('Task/$validate', { body: task });
    expect(expressions(before.body)).toEqual(['Task.statusReason']);
    const cs = (await server.fhir('CodeSystem/loop-closure-reason')).body as CodeSystem;
    const put = await server.fhir('CodeSystem/loop-closure-reason', {
      method: 'PUT',
      body: { ...cs, count: (cs.count ?? 0) + 1, concept: [...(cs.concept ?? []), { code: 'member-moved', display: 'Member Moved' }] },
    });
    expect(put.status, put.text).toBe(200);
    const after = await server.fhir('Task/$validate', { body: task });
    expect(expressions(after.body)).toEqual([]);
    const expanded = await server.fhir(`ValueSet/$expand?url=${encodeURIComponent(`${BASE}/ValueSet/loop-closure-reason`)}&filter=moved`);
    expect(expanded.body.expansion.contains).toEqual([expect.objectContaining({ code: 'member-moved', display: 'Member Moved' })]);
  });

  it('a tightened StructureDefinition applies to the next write', async () => {
    const sd = (await server.fhir('StructureDefinition/medi-cal-coverage')).body as StructureDefinition;
    for (const e of [...(sd.snapshot?.element ?? []), ...(sd.differential?.element ?? [])]) if (e.id === 'Coverage.period') e.min = 1;
    const put = await server.fhir('StructureDefinition/medi-cal-coverage', { method: 'PUT', body: sd });
    expect(put.status, put.text).toBe(200);
    const { period: _period, ...coverage } = profileFixture('medi-cal-coverage.valid') as Resource & { period?: unknown };
    const res = await server.fhir('Coverage', { body: coverage });
    expect(res.status).toBe(422);
    expect(expressions(res.body)).toEqual(['Coverage.period']);
  });

  it('a loaded Group changed through the API changes $ecm-eligibility without a restart', async () => {
    const member = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'm1', birthDate: '1980-01-01' } }] };
    const evaluate = () => server.fhir('Patient/$ecm-eligibility?asOf=2026-06-01', { body: member });
    const first = await evaluate();
    expect(first.status, first.text).toBe(200);
    const homeless = (body: { parameter: { name: string; part?: { name: string; valueCoding?: { code: string }; valueBoolean?: boolean }[] }[] }) =>
      body.parameter.find((p) => p.name === 'population' && p.part?.some((x) => x.valueCoding?.code === 'homelessness'))?.part?.find((x) => x.name === 'met')?.valueBoolean;
    expect(homeless(first.body)).toBe(false);
    const group = (await server.fhir('Group/pof-homelessness')).body;
    const ext = group.extension.find((e: { url: string }) => e.url === 'http://hl7.org/fhir/StructureDefinition/characteristicExpression');
    ext.valueExpression.expression = '%adult or %child';
    const put = await server.fhir('Group/pof-homelessness', { method: 'PUT', body: group });
    expect(put.status, put.text).toBe(200);
    const second = await evaluate();
    expect(second.status, second.text).toBe(200);
    expect(homeless(second.body)).toBe(true);
  });

  it('reloading the unchanged files afterwards keeps every version changed through the API', async () => {
    const report = await loadContent(server.repo, readContent());
    expect(report.created).toEqual([]);
    expect(report.updated).toEqual([]);
    const cs = (await server.fhir('CodeSystem/loop-closure-reason')).body as CodeSystem;
    expect(cs.meta?.versionId).toBe('2');
    expect(cs.concept?.map((c) => c.code)).toContain('member-moved');
    expect((await server.fhir('StructureDefinition/medi-cal-coverage')).body.meta.versionId).toBe('2');
  });
});
