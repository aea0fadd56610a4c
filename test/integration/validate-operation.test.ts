// $validate at type and instance level: 200 OperationOutcomes for valid and invalid resources, 400/404 for bad calls, nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome, expressions } from '../helpers/outcome.js';
import { patient, startTestServer, type FhirResult, type TestServer } from '../helpers/server.js';

interface Issue {
  severity: string;
  code: string;
  expression?: string[];
}

const invalidPatient = () => ({ resourceType: 'Patient', birthDate: 'yesterday', notAnElement: true });
const parameters = (...parameter: Record<string, unknown>[]) => ({ resourceType: 'Parameters', parameter });

describe.each(backends())('$validate on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  const newestVersion = async () => JSON.stringify((await server.fhir('_history?_count=1')).body.entry?.[0] ?? null);
  const errors = (res: FhirResult) => (res.body.issue as Issue[]).filter((i) => i.severity === 'error' || i.severity === 'fatal');
  /** 200 with an OperationOutcome that has no errors and says so. */
  const expectAllOk = (res: FhirResult) => {
    expect(res.status, res.text).toBe(200);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(errors(res)).toEqual([]);
    expect(res.body.issue).toEqual(expect.arrayContaining([expect.objectContaining({ severity: 'information', code: 'informational', diagnostics: 'All OK' })]));
  };
  /** 200 with an OperationOutcome whose errors name each expected element. */
  const expectInvalid = (res: FhirResult, paths: string[]) => {
    expect(res.status, res.text).toBe(200);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(errors(res).length).toBeGreaterThan(0);
    expect(expressions({ issue: errors(res) })).toEqual(expect.arrayContaining(paths));
  };

  describe('type level', () => {
    it('a valid resource in the body answers 200 "All OK" and stores nothing', async () => {
      const before = await newestVersion();
      expectAllOk(await server.fhir('Patient/$validate', { body: patient('Valid') }));
      expect(await newestVersion()).toBe(before);
    });

    it('an invalid resource answers 200 with error issues naming each element, and stores nothing', async () => {
      const before = await newestVersion();
      expectInvalid(await server.fhir('Patient/$validate', { body: invalidPatient() }), ['Patient.birthDate', 'Patient.notAnElement']);
      expect(await newestVersion()).toBe(before);
    });

    it('reports missing required elements', async () => {
      expectInvalid(await server.fhir('Observation/$validate', { body: { resourceType: 'Observation' } }), ['Observation.status', 'Observation.code']);
    });

    it('accepts the resource inside Parameters.resource', async () => {
      expectAllOk(await server.fhir('Patient/$validate', { body: parameters({ name: 'resource', resource: patient('InParameters') }) }));
      expectInvalid(await server.fhir('Patient/$validate', { body: parameters({ name: 'resource', resource: invalidPatient() }) }), ['Patient.birthDate']);
    });

    it('accepts mode=create in Parameters', async () => {
      expectAllOk(await server.fhir('Patient/$validate', { body: parameters({ name: 'mode', valueCode: 'create' }, { name: 'resource', resource: patient('Mode') }) }));
    });

    it('is reachable as %24validate too', async () => {
      expectAllOk(await server.fhir('Patient/%24validate', { body: patient('Encoded') }));
    });

    it('a resource of another type than the URL answers 400', async () => {
      expectOutcome(await server.fhir('Patient/$validate', { body: { resourceType: 'Organization', name: 'Wrong' } }), 400, 'resourceType');
      expectOutcome(await server.fhir('Patient/$validate', { body: parameters({ name: 'resource', resource: { resourceType: 'Organization' } }) }), 400, 'resourceType');
    });

    it('no resource at all answers 400', async () => {
      expectOutcome(await server.fhir('Patient/$validate', { method: 'POST' }), 400);
      expectOutcome(await server.fhir('Patient/$validate'), 400);
      expectOutcome(await server.fhir('Patient/$validate', { body: parameters({ name: 'mode', valueCode: 'create' }) }), 400);
    });

    it('an unknown mode answers 400', async () => {
      expectOutcome(await server.fhir('Patient/$validate', { body: parameters({ name: 'mode', valueCode: 'destroy' }, { name: 'resource', resource: patient() }) }), 400);
    });

    it('mode=delete at type level answers 400', async () => {
      expectOutcome(await server.fhir('Patient/$validate', { body: parameters({ name: 'mode', valueCode: 'delete' }) }), 400);
    });

    it('an unknown resource type answers 404', async () => {
      expectOutcome(await server.fhir('Unicorn/$validate', { body: { resourceType: 'Unicorn' } }), 404);
    });

    it('is not offered at system level (404)', async () => {
      expectOutcome(await server.fhir('$validate', { body: patient() }), 404);
    });
  });

  describe('instance level', () => {
    it('GET validates the stored resource: 200 "All OK"', async () => {
      const created = await server.fhir('Patient', { body: patient('Stored') });
      expectAllOk(await server.fhir(`Patient/${created.body.id}/$validate`));
    });

    it('POST with a resource validates that resource, not the stored one', async () => {
      const created = await server.fhir('Patient', { body: patient('Stored') });
      const id = created.body.id as string;
      expectInvalid(await server.fhir(`Patient/${id}/$validate`, { body: { ...invalidPatient(), id } }), ['Patient.birthDate']);
      expect((await server.fhir(`Patient/${id}`)).body).toEqual(created.body);
    });

    it('mode=update with a different id answers 400', async () => {
      const created = await server.fhir('Patient', { body: patient('UpdateMode') });
      const res = await server.fhir(`Patient/${created.body.id}/$validate`, {
        body: parameters({ name: 'mode', valueCode: 'update' }, { name: 'resource', resource: { ...patient(), id: 'another-id' } }),
      });
      expectOutcome(res, 400, 'id');
    });

    it('mode=delete answers 200 for an existing resource and keeps it', async () => {
      const created = await server.fhir('Patient', { body: patient('DeleteMode') });
      const res = await server.fhir(`Patient/${created.body.id}/$validate`, { body: parameters({ name: 'mode', valueCode: 'delete' }) });
      expect(res.status).toBe(200);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(errors(res)).toEqual([]);
      expect((await server.fhir(`Patient/${created.body.id}`)).status).toBe(200);
    });

    it('of an unknown id answers 404, of a deleted one 410', async () => {
      expectOutcome(await server.fhir('Patient/no-such-patient/$validate'), 404);
      const created = await server.fhir('Patient', { body: patient('Deleted') });
      await server.fhir(`Patient/${created.body.id}`, { method: 'DELETE' });
      expectOutcome(await server.fhir(`Patient/${created.body.id}/$validate`), 410);
    });

    it('a resource of another type than the URL answers 400', async () => {
      const created = await server.fhir('Patient', { body: patient('TypeCheck') });
      expectOutcome(await server.fhir(`Patient/${created.body.id}/$validate`, { body: { resourceType: 'Organization', name: 'Nope' } }), 400, 'resourceType');
    });
  });
});
