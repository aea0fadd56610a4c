// Plan decisions over HTTP: $authorize, notifications, CS caps at their boundaries, presumptive authorization, sobering centers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type FhirResult, type TestServer } from '../helpers/server.js';
import { as, BUSINESS, CLINIC, closure, codeOf, DESIGNATED, DHCS, PLAN, PROVIDER, referral, seed, serviceRequest, task } from './referral-fixtures.js';

type Body = FhirResult['body'];

function decision(name: string, extra: Record<string, unknown>[] = []): Record<string, unknown> {
  return { resourceType: 'Parameters', parameter: [{ name: 'decision', valueCode: name }, ...extra] };
}
const period = (start: string, end: string) => ({ name: 'period', valuePeriod: { start, end } });
const amount = (value: number) => ({ name: 'amount', valueMoney: { value, currency: 'USD' } });
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const out = (res: FhirResult, name: string): Body => res.body.parameter.find((p: { name: string }) => p.name === name)?.resource;

describe.each(backends())('referral decisions on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { devOrgHeader: true });
    await seed(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Another referral for the same member (new ServiceRequest and Task). */
  async function another(patientId: string, service: string): Promise<Body> {
    const srId = `sr-${patientId}-${Math.random().toString(36).slice(2, 8)}`;
    await server.fhir(`ServiceRequest/${srId}`, { method: 'PUT', body: serviceRequest(srId, patientId, service) });
    const res = await as(server, CLINIC).post('Task', task(patientId, srId));
    expect(res.status, res.text).toBe(201);
    return res.body;
  }

  const authorize = (id: string, body: Record<string, unknown>, org = PLAN) => as(server, org).post(`Task/${id}/$authorize`, body);
  const notices = async (patientId: string): Promise<string[]> =>
    ((await server.fhir(`Communication?subject=Patient/${patientId}&_count=100`)).body.entry ?? [])
      .filter((e: Body) => e.search.mode === 'match')
      .map((e: Body) => e.resource.reasonCode[0].coding[0].code);

  describe('$authorize', () => {
    it('approval records a ClaimResponse linked from Task.insurance, accepts the Task and notifies member and referrer', async () => {
      const { task: t, patientId } = await referral(server);
      const res = await authorize(t.id, decision('approved', [period('2026-02-01', '2027-01-31')]));
      expect(res.status, res.text).toBe(200);
      const auth = out(res, 'authorization');
      expect(auth.resourceType).toBe('ClaimResponse');
      expect(auth.use).toBe('preauthorization');
      expect(auth.preAuthRef).toMatch(/^PA-/);
      const updated = out(res, 'task');
      expect(updated.status).toBe('accepted');
      expect(codeOf(updated.businessStatus, BUSINESS)).toBe('authorized');
      expect(codeOf(updated.businessStatus, DHCS)).toBe('accepted');
      expect(updated.insurance[0].reference).toBe(`ClaimResponse/${auth.id}`);
      expect(await notices(patientId)).toEqual(['authorization']);
    });

    it('denial needs a loop-closure reason; it rejects the Task (DHCS Declined) and tells member and referrer why', async () => {
      const { task: t, patientId } = await referral(server);
      expect((await authorize(t.id, decision('denied'))).status).toBe(422);
      const res = await authorize(t.id, decision('denied', [{ name: 'reason', valueCodeableConcept: closure('member-ineligible') }]));
      expect(res.status, res.text).toBe(200);
      const updated = out(res, 'task');
      expect(updated.status).toBe('rejected');
      expect(codeOf(updated.businessStatus, DHCS)).toBe('declined');
      const comms = (await server.fhir(`Communication?subject=Patient/${patientId}`)).body.entry.filter((e: Body) => e.search.mode === 'match');
      expect(comms).toHaveLength(1);
      expect(comms[0].resource.payload[0].contentString).toContain('member-ineligible');
      expect(comms[0].resource.recipient.map((r: Body) => r.reference)).toEqual([`Patient/${patientId}`, `Organization/${CLINIC}`]);
    });

    it('only the plan decides (403 for the referrer); If-Match is honoured (412)', async () => {
      const { task: t } = await referral(server);
      expect((await authorize(t.id, decision('approved'), CLINIC)).status).toBe(403);
      const stale = await server.fhir(`Task/${t.id}/$authorize`, { method: 'POST', body: decision('approved'), headers: { 'x-calaim-organization': PLAN, 'if-match': 'W/"9"' } });
      expect(stale.status).toBe(412);
    });

    it('full notification trail: authorization, assignment, closure', async () => {
      const { task: t, patientId } = await referral(server);
      const accepted = out(await authorize(t.id, decision('approved')), 'task');
      const assigned = await as(server, PLAN).put(`Task/${t.id}`, { ...accepted, owner: { reference: `Organization/${PROVIDER}`, display: 'ECM Partners' } });
      expect(assigned.status, assigned.text).toBe(200);
      const done = await as(server, PROVIDER).put(`Task/${t.id}`, { ...assigned.body, status: 'completed', statusReason: closure('services-received') });
      expect(done.status, done.text).toBe(200);
      expect((await notices(patientId)).sort()).toEqual(['assignment', 'authorization', 'closure']);
    });
  });

  describe('Community Supports caps', () => {
    it('$7,500 lifetime: exactly met is approved, one cent over is refused with cap, used and remaining', async () => {
      const { task: t, patientId } = await referral(server, 'home-modifications');
      expect((await authorize(t.id, decision('approved', [amount(5000)]))).status).toBe(200);
      const second = await another(patientId, 'home-modifications');
      const over = await authorize(second.id, decision('approved', [amount(2500.01)]));
      expect(over.status, over.text).toBe(422);
      expect(over.body.issue[0].code).toBe('business-rule');
      expect(over.body.issue[0].diagnostics).toContain('$7,500 per lifetime. Used $5,000.00, remaining $2,500.00, requested $2,500.01');
      expect((await server.fhir(`Task/${second.id}`)).body.status).toBe('requested');
      const exact = await authorize(second.id, decision('approved', [amount(2500)]));
      expect(exact.status, exact.text).toBe(200);
      const accumulator = await server.fhir(`Basic/cs-accumulator-${patientId}`);
      expect(accumulator.body.extension).toHaveLength(2);
    });

    it('6 in 12: a day one day outside the window is approved, one day inside is refused', async () => {
      const { task: t, patientId } = await referral(server, 'recuperative-care');
      const A = '2025-03-01';
      expect((await authorize(t.id, decision('approved', [period(A, addDays(A, 179))]))).status).toBe(200);
      const inside = await another(patientId, 'transitional-rent');
      const refused = await authorize(inside.id, decision('approved', [period(addDays(A, 364), addDays(A, 364))]));
      expect(refused.status).toBe(422);
      expect(refused.body.issue[0].diagnostics).toMatch(/Used 180 days in the window .* remaining 0, requested 1/);
      const ok = await authorize(inside.id, decision('approved', [period(addDays(A, 365), addDays(A, 365))]));
      expect(ok.status, ok.text).toBe(200);
    });

    it('once per lifetime: a second housing deposit is refused unless a change of circumstances is documented', async () => {
      const { task: t, patientId } = await referral(server, 'housing-deposits');
      expect((await authorize(t.id, decision('approved'))).status).toBe(200);
      const second = await another(patientId, 'housing-deposits');
      expect((await authorize(second.id, decision('approved'))).status).toBe(422);
      const withChange = await authorize(second.id, decision('approved', [{ name: 'changeOfCircumstances', valueString: 'Fled domestic violence; new unit' }]));
      expect(withChange.status, withChange.text).toBe(200);
    });

    it('parallel approvals for one member cannot both slip under a cap', async () => {
      const { task: t, patientId } = await referral(server, 'asthma-remediation');
      const second = await another(patientId, 'asthma-remediation');
      const results = await Promise.all([authorize(t.id, decision('approved', [amount(5000)])), authorize(second.id, decision('approved', [amount(5000)]))]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
    });
  });

  describe('ECM presumptive authorization', () => {
    it('a designated organization\'s ECM referral is presumptively authorized for 30 days from the referral date', async () => {
      const { task: t } = await referral(server, 'ecm', { authoredOn: '2026-01-05T10:00:00Z' }, DESIGNATED);
      expect(codeOf(t.businessStatus, BUSINESS)).toBe('authorized-presumptive');
      const auth = (await server.fhir(t.insurance[0].reference)).body;
      expect(auth.preAuthPeriod).toEqual({ start: '2026-01-05', end: '2026-02-04' });
    });

    it('an expired presumption ends on the next write; the plan can still convert it to authorized', async () => {
      const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
      const { task: t } = await referral(server, 'ecm', { authoredOn: old }, DESIGNATED);
      const noted = await as(server, PLAN).put(`Task/${t.id}`, { ...t, note: [{ text: 'reviewing' }] });
      expect(codeOf(noted.body.businessStatus, BUSINESS)).toBe('presumptive-ended');
      const converted = await authorize(t.id, decision('approved'));
      expect(codeOf(out(converted, 'task').businessStatus, BUSINESS)).toBe('authorized');
    });

    it('an organization without the designation gets no presumption', async () => {
      const { task: t } = await referral(server, 'ecm');
      expect(codeOf(t.businessStatus, BUSINESS)).toBe('received');
      expect(t.insurance).toBeUndefined();
    });
  });

  describe('sobering centers', () => {
    it('are recorded after the fact (created completed), authorized retrospectively, and never notified or deadlined', async () => {
      const { task: t, patientId } = await referral(server, 'sobering-center', { status: 'completed' });
      expect(t.restriction).toBeUndefined();
      // Outside closed-loop tracking: the CalAIM detail but no DHCS Referral Status, so the Task conforms to the
      // referral-task profile (a DHCS Closed would need a loop-closure reason) and stays out of the CLR.
      expect(codeOf(t.businessStatus, BUSINESS)).toBe('services-received');
      expect(codeOf(t.businessStatus, DHCS)).toBeUndefined();
      const checked = await server.fhir('Task/$validate?profile=https://calaim-fhir.dev/fhir/StructureDefinition/referral-task', { body: t });
      expect(checked.status, checked.text).toBe(200);
      expect((checked.body.issue ?? []).filter((i: { severity: string }) => i.severity === 'error')).toEqual([]);
      const res = await authorize(t.id, decision('approved'));
      expect(res.status, res.text).toBe(200);
      expect(out(res, 'task').status).toBe('completed');
      expect(await notices(patientId)).toEqual([]);
    });
  });
});

describe('presumptive period is configurable', () => {
  it('PRESUMPTIVE_AUTH_DAYS=10 gives a 10-day presumption', async () => {
    const server = await startTestServer(backends()[0], { devOrgHeader: true, referrals: { routineBusinessDays: 5, expeditedHours: 72, holidays: [], presumptiveDays: 10 } });
    try {
      await seed(server);
      const { task: t } = await referral(server, 'ecm', { authoredOn: '2026-01-05T10:00:00Z' }, DESIGNATED);
      expect((await server.fhir(t.insurance[0].reference)).body.preAuthPeriod.end).toBe('2026-01-15');
    } finally {
      await server.close();
    }
  });
});
