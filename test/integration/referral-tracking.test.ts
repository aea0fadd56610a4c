// Loop-closure tracking over HTTP: $clr-report (Parameters and CSV), intermediary partOf closure, decision deadlines and overdue search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessDaysAfter, pacificDate } from '../../src/referrals/deadlines.js';
import { backends } from '../helpers/backends.js';
import { startTestServer, type FhirResult, type TestServer } from '../helpers/server.js';
import { as, BUSINESS, CLINIC, closure, PLAN, PROVIDER, PROVIDER_2, referral, seed, task } from './referral-fixtures.js';

type Body = FhirResult['body'];
const SP = 'https://calaim-fhir.dev/fhir/SearchParameter/referral-decision-due';

describe.each(backends())('referral tracking on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    // Expedited decisions due at once, so an urgent referral is overdue as soon as it exists.
    server = await startTestServer(backend, { devOrgHeader: true, referrals: { routineBusinessDays: 5, expeditedHours: 0, holidays: [], presumptiveDays: 30 } });
    await seed(server);
    const existing = await server.fhir(`SearchParameter?url=${SP}`);
    if (!existing.body.entry?.some((e: Body) => e.search.mode === 'match')) {
      const { readFileSync } = await import('node:fs');
      const sp = JSON.parse(readFileSync(new URL('../../profiles/SearchParameter-referral-decision-due.json', import.meta.url), 'utf8'));
      const res = await server.fhir(`SearchParameter/${sp.id}`, { method: 'PUT', body: sp });
      expect(res.status, res.text).toBeLessThan(300);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  async function accept(t: Body, org = PLAN): Promise<Body> {
    const res = await as(server, org).put(`Task/${t.id}`, { ...t, status: 'accepted' });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  describe('$clr-report', () => {
    it('lists each referral with DHCS status, status date, closure reason, CIN, service and provider; sobering centers left out', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const done = await referral(server, 'recuperative-care');
      const accepted = await accept(done.task);
      const assigned = await as(server, PLAN).put(`Task/${accepted.id}`, { ...accepted, owner: { reference: `Organization/${PROVIDER}` } });
      const closed = await as(server, PROVIDER).put(`Task/${accepted.id}`, { ...assigned.body, status: 'completed', statusReason: closure('services-received') });
      expect(closed.status, closed.text).toBe(200);
      const pending = await referral(server, 'ecm');
      const sobering = await referral(server, 'sobering-center', { status: 'completed' });
      const res = await server.fhir(`Task/$clr-report?start=${today}&end=${today}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.resourceType).toBe('Parameters');
      const rows = res.body.parameter.filter((p: Body) => p.name === 'referral').map((p: Body) => Object.fromEntries(p.part.map((x: Body) => [x.name, x])));
      const row = rows.find((r: Body) => r.task.valueReference.reference === `Task/${accepted.id}`);
      expect(row.referralStatus.valueCoding.display).toBe('Closed');
      expect(row.loopClosureReason.valueCoding.code).toBe('services-received');
      expect(row.referralStatusDate.valueDate).toBe(closed.body.lastModified.slice(0, 10));
      expect(row.cin.valueIdentifier.value).toMatch(/^9\d{7}A$/);
      expect(row.service.valueCoding.code).toBe('recuperative-care');
      expect(row.provider.valueReference.reference).toBe(`Organization/${PROVIDER}`);
      expect(row.providerNpi.valueIdentifier.value).toBe('1234567893');
      const open = rows.find((r: Body) => r.task.valueReference.reference === `Task/${pending.task.id}`);
      expect(open.referralStatus.valueCoding.display).toBe('Pending');
      expect(open.provider).toBeUndefined();
      expect(rows.some((r: Body) => r.task.valueReference.reference === `Task/${sobering.task.id}`)).toBe(false);

      const csv = await server.fhir(`Task/$clr-report?start=${today}&end=${today}&_format=text/csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toBe('Task,CIN,Program,Service,Service Name,Provider Name,Provider NPI,Referral Status,Date of Referral Status Update,Reason for Referral Loop Closure');
      const line = lines.find((l) => l.startsWith(`Task/${accepted.id},`)) as string;
      expect(line).toContain(',community-supports,recuperative-care,');
      expect(line).toContain(',ECM Partners,1234567893,Closed,');
      expect(line.endsWith(',Services Received') || line.endsWith(',services-received')).toBe(true);
    });

    it('a period with no status updates is empty; bad dates are 400', async () => {
      const res = await server.fhir('Task/$clr-report?start=2001-01-01&end=2001-01-31');
      expect(res.body.parameter.filter((p: Body) => p.name === 'referral')).toEqual([]);
      expect((await server.fhir('Task/$clr-report?start=2001-13&end=2001-01-31')).status).toBe(400);
      expect((await server.fhir('Task/$clr-report?start=2001-02-01&end=2001-01-31')).status).toBe(400);
    });
  });

  describe('intermediaries (partOf)', () => {
    it('the plan splits a referral into child Tasks; the parent closes only after every child is closed', async () => {
      const { task: parent, patientId, srId } = await referral(server, 'ecm');
      const accepted = await accept(parent);
      const child = (owner: string) => task(patientId, srId, { requester: { reference: `Organization/${PLAN}` }, owner: { reference: `Organization/${owner}` }, partOf: [{ reference: `Task/${parent.id}` }] });
      const stranger = await as(server, CLINIC).post('Task', { ...child(PROVIDER), requester: { reference: `Organization/${CLINIC}` } });
      expect(stranger.status).toBe(403);
      const a = await as(server, PLAN).post('Task', child(PROVIDER));
      const b = await as(server, PLAN).post('Task', child(PROVIDER_2));
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.extension.find((e: Body) => e.url.endsWith('referral-plan')).valueReference.reference).toBe(`Organization/${PLAN}`);
      const aDone = await as(server, PROVIDER).put(`Task/${a.body.id}`, { ...(await accept(a.body, PROVIDER)), status: 'completed', statusReason: closure('services-received') });
      expect(aDone.status, aDone.text).toBe(200);
      const early = await as(server, PLAN).put(`Task/${parent.id}`, { ...accepted, status: 'completed', statusReason: closure('services-received') });
      expect(early.status).toBe(409);
      expect(early.body.issue[0].diagnostics).toContain(`Task/${b.body.id} requested`);
      const bGone = await as(server, PROVIDER_2).put(`Task/${b.body.id}`, { ...b.body, status: 'rejected', statusReason: closure('provider-unable-to-serve') });
      expect(bGone.status, bGone.text).toBe(200);
      const closed = await as(server, PLAN).put(`Task/${parent.id}`, { ...accepted, status: 'completed', statusReason: closure('services-received') });
      expect(closed.status, closed.text).toBe(200);
    });
  });

  describe('decision deadlines', () => {
    it('a routine referral is due at the end of the 5th business day after receipt, weekends skipped', async () => {
      const { task: t } = await referral(server, 'ecm');
      const received = new Date(t.restriction.period.start);
      const due = new Date(t.restriction.period.end);
      expect(due.toISOString()).toBe(businessDaysAfter(received, 5, []).toISOString());
      const days = Math.round((Date.parse(pacificDate(due)) - Date.parse(pacificDate(received))) / 86_400_000);
      // Five business days after any receipt day always cross one weekend: 7 calendar days (more only with holidays).
      expect(days).toBeGreaterThanOrEqual(7);
      expect([1, 2, 3, 4, 5].includes(new Date(`${pacificDate(due)}T12:00:00Z`).getUTCDay())).toBe(true);
    });

    it('overdue referrals are found with decision-due=lt[now] and the undecided business statuses; decided ones drop out', async () => {
      const urgent = await referral(server, 'ecm', { priority: 'urgent' });
      const routine = await referral(server, 'ecm');
      const query = `Task?decision-due=lt${encodeURIComponent(new Date(Date.now() + 1000).toISOString())}&business-status=${encodeURIComponent(`${BUSINESS}|received,${BUSINESS}|pending-authorization`)}&_count=1000`;
      const ids = async () => ((await server.fhir(query)).body.entry ?? []).filter((e: Body) => e.search.mode === 'match').map((e: Body) => e.resource.id);
      const before = await ids();
      expect(before).toContain(urgent.task.id);
      expect(before).not.toContain(routine.task.id);
      const decided = await as(server, PLAN).post(`Task/${urgent.task.id}/$authorize`, { resourceType: 'Parameters', parameter: [{ name: 'decision', valueCode: 'approved' }] });
      expect(decided.status).toBe(200);
      expect(await ids()).not.toContain(urgent.task.id);
    });
  });
});
