// Conformance content loaded at start-up: round trip, read-only through the API, idempotent and API-preserving reloads.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/context.js';
import { CONTENT_TAG_SYSTEM } from '../../src/content/content-tag.js';
import { contentHash, readContent, type ContentFile } from '../../src/content/files.js';
import { loadContent } from '../../src/content/load.js';
import { backends } from '../helpers/backends.js';
import { profileFixture } from '../helpers/profile-fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const FILES = readContent();

/** A small content set of our own, so reload semantics can be exercised without touching the real content. */
function syntheticFiles(suffix: string, title = 'Synthetic'): ContentFile[] {
  const resources: Resource[] = [
    { resourceType: 'CodeSystem', id: `synthetic-${suffix}`, url: `https://example.org/CodeSystem/synthetic-${suffix}`, status: 'active', content: 'complete', concept: [{ code: 'a' }] },
    { resourceType: 'ValueSet', id: `synthetic-${suffix}`, url: `https://example.org/ValueSet/synthetic-${suffix}`, title, status: 'active', compose: { include: [{ system: `https://example.org/CodeSystem/synthetic-${suffix}` }] } },
  ];
  return resources.map((resource) => ({ file: `valueSets/${resource.resourceType}-${resource.id}.json`, resource, hash: contentHash(resource) }));
}

describe.each(backends())('conformance content on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('every content file is stored, and reads back as written (round trip) with the file recorded in meta.tag', async () => {
    expect(FILES.length).toBeGreaterThan(60);
    for (const file of FILES) {
      const { resourceType, id } = file.resource;
      const res = await server.fhir(`${resourceType}/${id}`);
      expect(res.status, `${resourceType}/${id}`).toBe(200);
      const { meta, ...content } = res.body;
      expect(content, file.file).toEqual(Object.fromEntries(Object.entries(file.resource).filter(([k]) => k !== 'meta')));
      expect(meta.tag).toEqual(expect.arrayContaining([{ system: CONTENT_TAG_SYSTEM, code: file.hash, display: file.file }]));
      expect(meta.versionId).toBe('1');
    }
  });

  it('the implementation guide artefacts are all among the content files', async () => {
    const ids = (type: string) => FILES.filter((f) => f.resource.resourceType === type).map((f) => f.resource.id);
    expect(ids('StructureDefinition').filter((id) => id?.startsWith('cs-referral-'))).toHaveLength(15);
    expect(ids('StructureDefinition')).toEqual(
      expect.arrayContaining(['medi-cal-member', 'medi-cal-coverage', 'ecm-referral', 'cs-referral', 'referral-task', 'attestation', 'excluded-program-episode']),
    );
    expect(ids('SearchParameter')).toEqual(expect.arrayContaining(['Task-business-status', 'Task-status-reason', 'ServiceRequest-community-support', 'ServiceRequest-population-of-focus', 'Coverage-subscriber-id']));
    expect(ids('CodeSystem')).toEqual(
      expect.arrayContaining(['ecm-population-of-focus', 'community-support', 'ecm-core-service', 'ecm-excluded-program', 'ecm-attestation', 'referral-status', 'loop-closure-reason', 'calaim-hcpcs-modifier']),
    );
    expect(ids('ConceptMap')).toEqual(['calaim-service-to-hcpcs']);
  });

  it('the CalAIM SearchParameters are in force: business-status, status-reason, community-support, population-of-focus, subscriber-id', async () => {
    const ctx = systemContext();
    const B = 'https://calaim-fhir.dev/fhir';
    const sr = await server.repo.create(ctx, profileFixture('cs-referral.valid'));
    const ecm = await server.repo.create(ctx, profileFixture('ecm-referral.valid'));
    // Created by the system as requested (the referral workflow's rule for new Tasks); the reason is only there to be searched.
    const task = await server.repo.create(ctx, {
      ...profileFixture('referral-task.valid'),
      statusReason: { coding: [{ system: `${B}/CodeSystem/loop-closure-reason`, code: 'services-received' }] },
    } as Resource);
    const coverage = await server.repo.create(ctx, profileFixture('medi-cal-coverage.valid'));
    const ids = async (query: string) => ((await server.fhir(query)).body.entry ?? []).map((e: { resource: Resource }) => e.resource.id);
    expect(await ids(`Task?business-status=${B}/CodeSystem/referral-status|pending`)).toContain(task.id);
    expect(await ids(`Task?business-status=${B}/CodeSystem/referral-status|closed`)).not.toContain(task.id);
    expect(await ids('Task?status-reason=services-received')).toContain(task.id);
    expect(await ids('ServiceRequest?community-support=housing-deposits')).toEqual([sr.id]);
    expect(await ids('ServiceRequest?community-support=respite')).not.toContain(sr.id);
    expect(await ids('ServiceRequest?population-of-focus=homelessness')).toContain(ecm.id);
    expect(await ids('Coverage?subscriber-id=91234567A')).toContain(coverage.id);
  });

  it('loaded resources are read-only through the API: PUT, PATCH and DELETE answer 403 and change nothing', async () => {
    const current = (await server.fhir('ValueSet/referral-status')).body;
    const put = await server.fhir('ValueSet/referral-status', { method: 'PUT', body: { ...current, title: 'Changed' } });
    expect(put.status).toBe(403);
    expect(put.body.issue[0]).toMatchObject({ code: 'forbidden', expression: ['ValueSet/referral-status'] });
    expect(put.body.issue[0].diagnostics).toContain('CONTENT_WRITABLE');
    const patch = await server.fhir('ValueSet/referral-status', { method: 'PATCH', body: [{ op: 'replace', path: '/title', value: 'X' }], headers: { 'content-type': 'application/json-patch+json' } });
    expect(patch.status).toBe(403);
    expect((await server.fhir('StructureDefinition/medi-cal-member', { method: 'DELETE' })).status).toBe(403);
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'DELETE', url: 'CodeSystem/community-support' } }] };
    expect((await server.fhir('', { body: bundle })).status).toBe(403);
    expect((await server.fhir('ValueSet/referral-status')).body.meta.versionId).toBe('1');
    expect((await server.fhir('CodeSystem/community-support')).status).toBe(200);
  });

  it('conformance resources that were not loaded from files can be created and changed through the API', async () => {
    const created = await server.fhir('ValueSet', { body: { resourceType: 'ValueSet', status: 'draft', url: 'https://example.org/ValueSet/local' } });
    expect(created.status).toBe(201);
    const updated = await server.fhir(`ValueSet/${created.body.id}`, { method: 'PUT', body: { ...created.body, status: 'active' } });
    expect(updated.status).toBe(200);
  });

  it('loading the same files again changes nothing', async () => {
    const report = await loadContent(server.repo, FILES);
    expect(report).toEqual({ created: [], updated: [], unchanged: FILES.length, kept: [] });
    expect((await server.fhir('StructureDefinition/referral-task')).body.meta.versionId).toBe('1');
  });

  it('a changed file updates its resource; a resource changed through the API is kept; a deleted one is not recreated', async () => {
    const first = await loadContent(server.repo, syntheticFiles('reload'));
    expect(first.created).toEqual(['CodeSystem/synthetic-reload', 'ValueSet/synthetic-reload']);
    const changed = await loadContent(server.repo, syntheticFiles('reload', 'Synthetic, edited'));
    expect(changed.updated).toEqual(['ValueSet/synthetic-reload']);
    const vs = (await server.fhir('ValueSet/synthetic-reload')).body;
    expect(vs).toMatchObject({ title: 'Synthetic, edited', meta: { versionId: '2' } });
    // An edit that did not come from a file (as a writable API would make it), keeping the tag it read.
    const ctx = systemContext();
    await server.repo.update(ctx, { ...vs, title: 'Edited through the API' });
    await server.repo.delete(ctx, 'CodeSystem', 'synthetic-reload');
    const again = await loadContent(server.repo, syntheticFiles('reload', 'Synthetic, edited twice'));
    expect(again.kept).toEqual(['CodeSystem/synthetic-reload', 'ValueSet/synthetic-reload']);
    expect((await server.fhir('ValueSet/synthetic-reload')).body).toMatchObject({ title: 'Edited through the API', meta: { versionId: '3' } });
    expect((await server.fhir('CodeSystem/synthetic-reload')).status).toBe(410);
  });

  it('concurrent loads serialise on the advisory lock: each resource is created once', async () => {
    const files = syntheticFiles('concurrent');
    const reports = await Promise.all([loadContent(server.repo, files), loadContent(server.repo, files), loadContent(server.repo, files)]);
    expect(reports.map((r) => r.created.length).sort()).toEqual([0, 0, 2]);
    expect(reports.map((r) => r.unchanged).sort()).toEqual([0, 2, 2]);
    const history = await server.fhir('ValueSet/synthetic-concurrent/_history');
    expect(history.body.entry).toHaveLength(1);
  });

  it('two content files for one resource are refused before anything is written', async () => {
    const [cs] = syntheticFiles('twice');
    await expect(loadContent(server.repo, [cs, { ...cs, file: 'bundles/other.json' }])).rejects.toThrow(/defined twice/);
    expect((await server.fhir('CodeSystem/synthetic-twice')).status).toBe(404);
  });
});

describe('LOAD_CONTENT=false', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ name: 'pglite' }, { loadContent: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('starts without loading the content files', async () => {
    expect((await server.fhir('StructureDefinition/medi-cal-member')).status).toBe(404);
  });
});
