// Submitting a referral: what a referrer may not claim (server-owned states, an unnamed service), and the eligibility evidence the server attaches.
import type { Group } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type FhirResult, type TestServer } from '../helpers/server.js';
import { as, BASE, BUSINESS, CLINIC, member, PLAN, referral, seed, serviceRequest, task } from './referral-fixtures.js';

type Body = FhirResult['body'];
const WORKFLOW = `${BASE}/CodeSystem/referral-workflow`;
const outputs = (t: Body, code: string): Body[] => (t.output ?? []).filter((o: Body) => o.type.coding[0].system === WORKFLOW && o.type.coding[0].code === code);
const populations = (t: Body): string[] => outputs(t, 'population-of-focus-met').map((o: Body) => o.valueCodeableConcept.coding[0].code);

/** An adult member with a homelessness signal (Z59.0) and a health need (a diagnosis): PoF homelessness is met with the packaged rules. */
function evidence(patientRef: string): Record<string, unknown>[] {
  const condition = (code: string, display: string) => ({
    resourceType: 'Condition',
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code, display }] },
    subject: { reference: patientRef },
    recordedDate: '2026-01-02',
    onsetDateTime: '2026-01-02',
  });
  return [condition('Z59.00', 'Homelessness, unspecified'), condition('E11.9', 'Type 2 diabetes mellitus without complications')];
}

describe.each(backends())('referral submission on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    // contentWritable: the eligibility definitions (Groups) are changed through the API, as a plan's policy team would.
    server = await startTestServer(backend, { devOrgHeader: true, contentWritable: true });
    await seed(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A stored member and ServiceRequest, ready for a Task. */
  async function memberWith(service: string, sr: (body: Body) => Body = (b) => b): Promise<{ patientId: string; srId: string }> {
    const patient = member();
    const patientId = patient.id as string;
    const srId = `sr-${patientId}`;
    await server.fhir(`Patient/${patientId}`, { method: 'PUT', body: patient });
    const put = await server.fhir(`ServiceRequest/${srId}`, { method: 'PUT', body: sr(serviceRequest(srId, patientId, service)) });
    expect(put.status, put.text).toBeLessThan(300);
    return { patientId, srId };
  }

  describe('server-owned states cannot be claimed on create', () => {
    it.each(['authorized', 'authorized-modified', 'authorized-presumptive', 'denied', 'presumptive-ended'])('a new referral claiming businessStatus %s is refused with 422 naming Task.businessStatus, by POST, by PUT and in a transaction', async (code) => {
      const { patientId, srId } = await memberWith('ecm');
      const body = task(patientId, srId, { businessStatus: { coding: [{ system: BUSINESS, code }] } });
      const posted = await as(server, CLINIC).post('Task', body);
      expect(posted.status, posted.text).toBe(422);
      expect(posted.body.issue[0].expression).toEqual(['Task.businessStatus']);
      expect(posted.body.issue[0].diagnostics).toContain('$authorize');
      const put = await as(server, CLINIC).put(`Task/new-${patientId}`, { ...body, id: `new-${patientId}` }, null);
      expect(put.status, put.text).toBe(422);
      const tx = await as(server, CLINIC).post('', { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: body, request: { method: 'POST', url: 'Task' } }] });
      expect(tx.status, tx.text).toBe(422);
      expect(tx.body.issue[0].expression).toEqual(['Bundle.entry[0].resource.businessStatus']);
      expect((await server.fhir(`Task?patient=Patient/${patientId}`)).body.entry ?? []).toHaveLength(0);
    });

    it('a referral may be submitted with a business status the referrer may set (pending-authorization)', async () => {
      const { patientId, srId } = await memberWith('ecm');
      const res = await as(server, CLINIC).post('Task', task(patientId, srId, { businessStatus: { coding: [{ system: BUSINESS, code: 'pending-authorization' }] } }));
      expect(res.status, res.text).toBe(201);
      expect(res.body.businessStatus.coding.find((c: Body) => c.system === BUSINESS).code).toBe('pending-authorization');
    });

    it.each(['accepted', 'in-progress', 'on-hold', 'completed', 'rejected', 'cancelled', 'failed', 'entered-in-error'])('a new referral in status %s is refused (409, only draft or requested), by POST and by PUT', async (status) => {
      const { patientId, srId } = await memberWith('ecm');
      const body = task(patientId, srId, { status, statusReason: { coding: [{ system: `${BASE}/CodeSystem/loop-closure-reason`, code: 'services-received' }] } });
      const posted = await as(server, CLINIC).post('Task', body);
      expect(posted.status, posted.text).toBe(409);
      expect(posted.body.issue[0].expression).toEqual(['Task.status']);
      const put = await as(server, CLINIC).put(`Task/new-${patientId}`, { ...body, id: `new-${patientId}` }, null);
      expect(put.status, put.text).toBe(409);
    });

    it('a Task stored as something else cannot become an already-authorized referral: turning it into a referral Task is a submission', async () => {
      const { patientId, srId } = await memberWith('ecm');
      const { focus: _focus, code: _code, ...plain } = task(patientId, srId, { status: 'accepted', businessStatus: { coding: [{ system: BUSINESS, code: 'authorized' }] } });
      const created = await as(server, CLINIC).post('Task', plain);
      expect(created.status, created.text).toBe(201);
      const full = task(patientId, srId);
      const res = await as(server, CLINIC).put(`Task/${created.body.id}`, { ...created.body, focus: full.focus, code: full.code });
      expect(res.status, res.text).toBe(409);
      const asRequested = await as(server, CLINIC).put(`Task/${created.body.id}`, { ...created.body, status: 'requested', focus: full.focus, code: full.code });
      expect(asRequested.status, asRequested.text).toBe(422);
      expect(asRequested.body.issue[0].expression).toEqual(['Task.businessStatus']);
    });
  });

  describe('a decision names the service it decides', () => {
    const withoutCsCode = (sr: Body): Body => ({ ...sr, code: { text: 'Housing help' } });

    it('a Community Supports referral whose ServiceRequest names no Community Support is refused at submit with 422', async () => {
      const { patientId, srId } = await memberWith('housing-deposits', withoutCsCode);
      const res = await as(server, CLINIC).post('Task', task(patientId, srId));
      expect(res.status, res.text).toBe(422);
      expect(res.body.issue[0].expression).toEqual(['Task.focus.resolve().code']);
      expect(res.body.issue[0].diagnostics).toContain('ServiceRequest.code');
    });

    it('a decision on a referral whose service was removed later is refused with 422, and no ClaimResponse is recorded', async () => {
      const { task: t, patientId, srId } = await referral(server, 'housing-deposits');
      const sr = (await server.fhir(`ServiceRequest/${srId}`)).body;
      expect((await server.fhir(`ServiceRequest/${srId}`, { method: 'PUT', body: withoutCsCode(sr) })).status).toBe(200);
      const res = await as(server, PLAN).post(`Task/${t.id}/$authorize`, { resourceType: 'Parameters', parameter: [{ name: 'decision', valueCode: 'approved' }] });
      expect(res.status, res.text).toBe(422);
      expect(res.body.issue[0].expression).toEqual(['Task.focus.resolve().code']);
      expect((await server.fhir(`ClaimResponse?patient=Patient/${patientId}`)).body.entry ?? []).toHaveLength(0);
      expect((await server.fhir(`Task/${t.id}`)).body.meta.versionId).toBe(t.meta.versionId);
    });

    it('an approved Community Supports referral records its own service, an ECM one records ECM', async () => {
      for (const [service, system] of [['housing-deposits', `${BASE}/CodeSystem/community-support`], ['ecm', `${BASE}/CodeSystem/calaim-program`]]) {
        const { task: t } = await referral(server, service);
        const res = await as(server, PLAN).post(`Task/${t.id}/$authorize`, { resourceType: 'Parameters', parameter: [{ name: 'decision', valueCode: 'approved' }] });
        expect(res.status, res.text).toBe(200);
        const claim = res.body.parameter.find((p: Body) => p.name === 'authorization').resource;
        expect(claim.addItem[0].productOrService.coding).toEqual([{ system, code: service }]);
      }
    });
  });

  describe('eligibility attached on submit', () => {
    function submission(patientId: string, srId: string, evidenceLast: boolean): Body {
      const patientRef = `Patient/${patientId}`;
      const conditions = evidence(patientRef).map((resource) => ({ resource, request: { method: 'POST', url: 'Condition' } }));
      const sr = serviceRequest(srId, patientId, 'ecm');
      const rest = [
        { resource: sr, request: { method: 'PUT', url: `ServiceRequest/${srId}` } },
        { fullUrl: 'urn:uuid:7d1f0e52-4b7a-4c55-9d3a-2f6b8f9e0a11', resource: task(patientId, srId), request: { method: 'POST', url: 'Task' } },
      ];
      return { resourceType: 'Bundle', type: 'transaction', entry: evidenceLast ? [...rest, ...conditions] : [...conditions, ...rest] };
    }

    async function submit(evidenceLast: boolean): Promise<Body> {
      const patient = member();
      const patientId = patient.id as string;
      await server.fhir(`Patient/${patientId}`, { method: 'PUT', body: patient });
      const res = await as(server, CLINIC).post('', submission(patientId, `sr-${patientId}`, evidenceLast));
      expect(res.status, res.text).toBe(200);
      const location = res.body.entry.find((e: Body) => /^Task\//.test(e.response.location)).response.location as string;
      const stored = (await server.fhir(location.replace(/\/_history\/.*/, ''))).body;
      expect(location).toContain(`/_history/${stored.meta.versionId}`);
      return stored;
    }

    it('sees evidence listed before the Task and evidence listed after it (Conditions last in the transaction)', async () => {
      for (const evidenceLast of [false, true]) {
        const t = await submit(evidenceLast);
        expect(populations(t), `evidence ${evidenceLast ? 'after' : 'before'} the Task`).toContain('homelessness');
        expect(outputs(t, 'ecm-eligible')[0].valueBoolean).toBe(true);
        expect(outputs(t, 'eligibility-evidence').length).toBeGreaterThan(0);
      }
    });

    it('uses the stored rules: a PUT of a Population of Focus Group changes the result attached to the next referral, with no restart', async () => {
      expect(populations(await submit(false))).toContain('homelessness');
      const original = (await server.fhir('Group/pof-homelessness')).body as Group;
      const tightened = structuredClone(original);
      const expression = tightened.extension?.find((e) => e.url.endsWith('characteristicExpression'))?.valueExpression;
      expect(expression).toBeDefined();
      // Tightened: the homelessness criterion now asks for something no member has.
      expression!.expression = `(${expression!.expression}) and false`;
      try {
        expect((await server.fhir('Group/pof-homelessness', { method: 'PUT', body: tightened })).status).toBe(200);
        const after = await submit(false);
        expect(populations(after)).not.toContain('homelessness');
        const direct = await server.fhir(`Patient/${after.for.reference.split('/')[1]}/$ecm-eligibility`);
        expect(direct.status, direct.text).toBe(200);
        expect(JSON.stringify(direct.body)).not.toMatch(/"homelessness"[^}]*"valueBoolean":true/);
      } finally {
        await server.fhir('Group/pof-homelessness', { method: 'PUT', body: { ...original, meta: undefined } });
      }
      expect(populations(await submit(false))).toContain('homelessness');
    });
  });
});
