// Profile validation over HTTP: valid instances are stored, invalid ones refused with 422 at exact paths; $validate?profile=.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expressions } from '../helpers/outcome.js';
import { CS_SDOH_CATEGORY, csReferral, INVALID_PATHS, profileFixture, profileUrl } from '../helpers/profile-fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The referral Task workflow (src/referrals) adds its own rules to Task writes, so Task instances are checked with $validate. */
const WRITTEN = Object.keys(INVALID_PATHS).filter((id) => id !== 'referral-task');

function errorPaths(body: { issue?: { severity: string; expression?: string[] }[] }): string[] {
  return expressions({ issue: (body.issue ?? []).filter((i) => i.severity === 'error') }).sort();
}

describe.each(backends())('profile validation on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  describe.each(WRITTEN)('%s', (id) => {
    it('a valid instance is created (201)', async () => {
      const resource = profileFixture(`${id}.valid`);
      const res = await server.fhir(resource.resourceType, { body: resource });
      expect(res.status, res.text).toBe(201);
    });

    it('an invalid instance is refused with 422 naming every failing element, and is not stored', async () => {
      const resource = profileFixture(`${id}.invalid`);
      const before = await server.fhir(`${resource.resourceType}/_history?_count=1000`);
      const res = await server.fhir(resource.resourceType, { body: resource });
      expect(res.status, res.text).toBe(422);
      expect(errorPaths(res.body)).toEqual([...INVALID_PATHS[id]].sort());
      const after = await server.fhir(`${resource.resourceType}/_history?_count=1000`);
      expect(after.body.entry?.length).toBe(before.body.entry?.length);
    });
  });

  it('referral-task: $validate passes the valid instance and reports every failing element of the invalid one', async () => {
    const valid = await server.fhir('Task/$validate', { body: profileFixture('referral-task.valid') });
    expect(valid.status).toBe(200);
    expect(errorPaths(valid.body)).toEqual([]);
    const invalid = await server.fhir('Task/$validate', { body: profileFixture('referral-task.invalid') });
    expect(invalid.status).toBe(200);
    expect(errorPaths(invalid.body)).toEqual([...INVALID_PATHS['referral-task']].sort());
    const invariant = invalid.body.issue.find((i: { expression?: string[] }) => i.expression?.[0] === 'Task');
    expect(invariant.code).toBe('invariant');
    expect(invariant.diagnostics).toContain('calaim-task-1');
  });

  it.each(Object.entries(CS_SDOH_CATEGORY))('cs-referral-%s: its own code is accepted, another service\'s code is refused at ServiceRequest.code', async (code, category) => {
    const ok = await server.fhir('ServiceRequest', { body: csReferral(code, category) });
    expect(ok.status, ok.text).toBe(201);
    const other = code === 'respite' ? 'sobering-center' : 'respite';
    const wrong = csReferral(code, category) as { code: { coding: { code: string }[] } };
    wrong.code.coding[0].code = other;
    const res = await server.fhir('ServiceRequest', { body: wrong });
    expect(res.status).toBe(422);
    expect(errorPaths(res.body)).toEqual(['ServiceRequest.code']);
  });

  it('a Community Supports profile with an SDOH category requires it', async () => {
    const missing = csReferral('medically-tailored-meals', undefined);
    const res = await server.fhir('ServiceRequest', { body: missing });
    expect(res.status).toBe(422);
    expect(errorPaths(res.body)).toEqual(['ServiceRequest.category']);
    expect(res.body.issue[0].diagnostics).toContain("slice 'sdoh'");
  });

  it('the issues carry codes: required, value, code-invalid, invariant, structure', async () => {
    const res = await server.fhir('Observation', { body: profileFixture('attestation.invalid') });
    const byPath = Object.fromEntries(res.body.issue.map((i: { expression: string[]; code: string }) => [i.expression[0], i.code]));
    expect(byPath).toMatchObject({
      Observation: 'invariant',
      'Observation.status': 'code-invalid',
      'Observation.code': 'code-invalid',
      'Observation.subject': 'required',
      'Observation.valueString': 'structure',
    });
  });

  it('$validate?profile= checks a resource that does not claim the profile', async () => {
    const { meta: _meta, ...plain } = profileFixture('medi-cal-member.invalid') as { meta: unknown };
    const res = await server.fhir(`Patient/$validate?profile=${encodeURIComponent(profileUrl('medi-cal-member'))}`, { body: plain });
    expect(res.status).toBe(200);
    expect(errorPaths(res.body)).toEqual([...INVALID_PATHS['medi-cal-member']].sort());
    const unprofiled = await server.fhir('Patient/$validate', { body: plain });
    expect(errorPaths(unprofiled.body)).toEqual([]);
  });

  it('$validate with a profile the server does not know is an error', async () => {
    const res = await server.fhir(`Patient/$validate?profile=${encodeURIComponent('https://example.org/StructureDefinition/nope')}`, { body: { resourceType: 'Patient' } });
    expect(res.status).toBe(200);
    expect(res.body.issue).toEqual([expect.objectContaining({ severity: 'error', code: 'not-supported', expression: ['profile'] })]);
  });

  it('a profile for another resource type is an error at meta.profile', async () => {
    const res = await server.fhir('Patient', { body: { resourceType: 'Patient', meta: { profile: [profileUrl('attestation')] } } });
    expect(res.status).toBe(422);
    expect(errorPaths(res.body)).toEqual(['Patient.meta.profile[0]']);
  });

  it('an unknown meta.profile is only a warning: the write succeeds and $validate reports it', async () => {
    const resource = { resourceType: 'Patient', meta: { profile: ['https://example.org/StructureDefinition/unknown'] } };
    expect((await server.fhir('Patient', { body: resource })).status).toBe(201);
    const res = await server.fhir('Patient/$validate', { body: resource });
    expect(res.body.issue).toEqual([expect.objectContaining({ severity: 'warning', code: 'not-supported', expression: ['Patient.meta.profile[0]'] })]);
  });

  it('profiles apply inside transactions too, and a failing entry rolls the transaction back', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:6f1c0a52-4b1e-4a34-9f0a-0c8a3d7e2b11', resource: profileFixture('attestation.valid'), request: { method: 'POST', url: 'Observation' } },
        { resource: profileFixture('excluded-program-episode.invalid'), request: { method: 'POST', url: 'EpisodeOfCare' } },
      ],
    };
    const before = await server.fhir('Observation/_history?_count=1000');
    const res = await server.fhir('', { body: bundle });
    expect(res.status, res.text).toBe(422);
    expect(errorPaths(res.body)).toEqual(['Bundle.entry[1].resource', 'Bundle.entry[1].resource.type[0]']);
    const after = await server.fhir('Observation/_history?_count=1000');
    expect(after.body.entry?.length).toBe(before.body.entry?.length);
  });

  it('core profiles are known too (vital signs)', async () => {
    const res = await server.fhir('Observation/$validate', {
      body: { resourceType: 'Observation', meta: { profile: ['http://hl7.org/fhir/StructureDefinition/vitalsigns'] }, status: 'final', code: { text: 'x' } },
    });
    expect(errorPaths(res.body).length).toBeGreaterThan(0);
  });
});

describe('UNKNOWN_PROFILE=reject', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ name: 'pglite' }, { unknownProfile: 'reject', loadContent: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a write claiming an unknown profile is refused with 422 at meta.profile', async () => {
    const res = await server.fhir('Patient', { body: { resourceType: 'Patient', meta: { profile: ['https://example.org/StructureDefinition/unknown'] } } });
    expect(res.status).toBe(422);
    expect(errorPaths(res.body)).toEqual(['Patient.meta.profile[0]']);
  });
});
