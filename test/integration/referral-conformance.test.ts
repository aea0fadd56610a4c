// What the referral workflow writes conforms to the CalAIM profiles it claims, and profile validation guards the referral Task's business status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type FhirResult, type TestServer } from '../helpers/server.js';
import { as, BASE, BUSINESS, CLINIC, closure, codeOf, DESIGNATED, DHCS, PLAN, PROVIDER, referral, seed, task } from './referral-fixtures.js';

type Body = FhirResult['body'];

const PROFILE = (id: string) => `${BASE}/StructureDefinition/${id}`;
const AUTHORIZATION = PROFILE('referral-authorization');
const ACCUMULATOR = PROFILE('cs-benefit-accumulator');
const REFERRAL_TASK = PROFILE('referral-task');

function decision(name: string, extra: Record<string, unknown>[] = []): Record<string, unknown> {
  return { resourceType: 'Parameters', parameter: [{ name: 'decision', valueCode: name }, ...extra] };
}
const out = (res: FhirResult, name: string): Body => res.body.parameter.find((p: { name: string }) => p.name === name)?.resource;

/** Errors and "not known" warnings of a $validate answer: a profile the server cannot resolve would pass silently otherwise. */
function problems(res: FhirResult): string[] {
  expect(res.status, res.text).toBe(200);
  return (res.body.issue ?? [])
    .filter((i: Body) => i.severity === 'error' || i.severity === 'fatal' || /not known/.test(i.diagnostics ?? ''))
    .map((i: Body) => `${i.expression?.join(',')}: ${i.diagnostics}`);
}

describe.each(backends())('referral conformance on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { devOrgHeader: true });
    await seed(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  const authorize = (id: string, body: Record<string, unknown>) => as(server, PLAN).post(`Task/${id}/$authorize`, body);

  /** The stored resource validates against the profile it claims, and against the profile named explicitly. */
  async function expectConforms(reference: string, profile: string): Promise<Body> {
    const stored = (await server.fhir(reference)).body;
    expect(stored.meta.profile).toContain(profile);
    expect(problems(await server.fhir(`${stored.resourceType}/$validate`, { body: stored }))).toEqual([]);
    expect(problems(await server.fhir(`${reference}/$validate?profile=${encodeURIComponent(profile)}`))).toEqual([]);
    return stored;
  }

  describe('authorization ClaimResponse (referral-authorization)', () => {
    it('an approval with amount and a change of circumstances writes a ClaimResponse that claims and meets the profile', async () => {
      const { task: t } = await referral(server, 'home-modifications');
      const res = await authorize(t.id, decision('approved-modified', [
        { name: 'amount', valueMoney: { value: 1200, currency: 'USD' } },
        { name: 'changeOfCircumstances', valueString: 'Wheelchair user after a fall' },
        { name: 'note', valueString: 'Ramp only' },
      ]));
      expect(res.status, res.text).toBe(200);
      const stored = await expectConforms(`ClaimResponse/${out(res, 'authorization').id}`, AUTHORIZATION);
      expect(stored.extension.map((e: Body) => e.url)).toEqual([PROFILE('authorization-decision'), PROFILE('change-of-circumstances')]);
    });

    it('a denial (reason, no service) meets the profile', async () => {
      const { task: t } = await referral(server, 'ecm');
      const res = await authorize(t.id, decision('denied', [{ name: 'reason', valueCodeableConcept: closure('member-ineligible') }]));
      expect(res.status, res.text).toBe(200);
      const stored = await expectConforms(`ClaimResponse/${out(res, 'authorization').id}`, AUTHORIZATION);
      expect(stored.addItem).toBeUndefined();
    });

    it('an ECM presumptive authorization meets the profile', async () => {
      const { task: t } = await referral(server, 'ecm', {}, DESIGNATED);
      expect(codeOf(t.businessStatus, BUSINESS)).toBe('authorized-presumptive');
      const stored = await expectConforms(t.insurance[0].reference, AUTHORIZATION);
      expect(stored.preAuthPeriod.end).toBeDefined();
    });

    it('the profile is enforced on write: a ClaimResponse claiming it without a decision, or a denial without a reason, is refused with 422', async () => {
      const { task: t } = await referral(server, 'ecm');
      const res = await authorize(t.id, decision('approved'));
      const { id: _id, meta: _meta, extension, ...rest } = (await server.fhir(`ClaimResponse/${out(res, 'authorization').id}`)).body;
      const noDecision = await server.fhir('ClaimResponse', { method: 'POST', body: { ...rest, meta: { profile: [AUTHORIZATION] } } });
      expect(noDecision.status, noDecision.text).toBe(422);
      expect(noDecision.body.issue.map((i: Body) => i.expression[0])).toContain('ClaimResponse.extension');
      const denied = [{ ...extension[0], valueCodeableConcept: { coding: [{ system: `${BASE}/CodeSystem/authorization-decision`, code: 'denied' }] } }];
      const unexplained = await server.fhir('ClaimResponse', { method: 'POST', body: { ...rest, addItem: undefined, extension: denied, meta: { profile: [AUTHORIZATION] } } });
      expect(unexplained.status, unexplained.text).toBe(422);
      expect(unexplained.body.issue.map((i: Body) => i.diagnostics).join(' ')).toContain('calaim-auth-1');
      const unknownDecision = [{ ...extension[0], valueCodeableConcept: { coding: [{ system: `${BASE}/CodeSystem/authorization-decision`, code: 'maybe' }] } }];
      const maybe = await server.fhir('ClaimResponse', { method: 'POST', body: { ...rest, extension: unknownDecision, meta: { profile: [AUTHORIZATION] } } });
      expect(maybe.status, maybe.text).toBe(422);
    });
  });

  describe('Community Supports accumulator (cs-benefit-accumulator)', () => {
    it('the accumulator Basic an approval updates claims and meets the profile, each use checked against cs-benefit-use', async () => {
      const { task: t, patientId } = await referral(server, 'recuperative-care');
      const res = await authorize(t.id, decision('approved', [{ name: 'period', valuePeriod: { start: '2026-03-01', end: '2026-03-31' } }]));
      expect(res.status, res.text).toBe(200);
      const stored = await expectConforms(`Basic/cs-accumulator-${patientId}`, ACCUMULATOR);
      expect(stored.extension).toHaveLength(1);
      const broken = { ...stored, extension: [{ ...stored.extension[0], extension: stored.extension[0].extension.filter((e: Body) => e.url !== 'authorization') }] };
      const issues = problems(await server.fhir('Basic/$validate', { body: broken }));
      expect(issues.join(' ')).toMatch(/Basic\.extension\[0\].*authorization/);
    });
  });

  describe('referral Task business status (referral-task binds the CalAIM detail)', () => {
    const profiled = { meta: { profile: [REFERRAL_TASK] } };

    it('a Task claiming referral-task is stored with server-kept elements that meet the profile', async () => {
      const { task: t } = await referral(server, 'ecm', profiled);
      expect(codeOf(t.businessStatus, BUSINESS)).toBe('received');
      await expectConforms(`Task/${t.id}`, REFERRAL_TASK);
    });

    it('an unknown business status detail code is refused by profile validation with 422 and its expression, on create and on update', async () => {
      const { patientId, srId } = await referral(server, 'ecm', profiled);
      const bogus = { coding: [{ system: `${BASE}/CodeSystem/referral-status`, code: 'pending' }, { system: BUSINESS, code: 'approved-by-fax' }] };
      const created = await as(server, CLINIC).post('Task', task(patientId, srId, { ...profiled, businessStatus: bogus }));
      expect(created.status, created.text).toBe(422);
      expect(created.body.issue).toEqual([expect.objectContaining({ severity: 'error', code: 'code-invalid', expression: ['Task.businessStatus.coding[1]'] })]);
      expect(created.body.issue[0].diagnostics).toContain('approved-by-fax');

      const { task: t } = await referral(server, 'ecm', profiled);
      const coding = t.businessStatus.coding.map((c: Body) => (c.system === BUSINESS ? { ...c, code: 'approved-by-fax' } : c));
      const index = coding.findIndex((c: Body) => c.system === BUSINESS);
      const res = await as(server, PLAN).put(`Task/${t.id}`, { ...t, businessStatus: { coding } });
      expect(res.status, res.text).toBe(422);
      expect(res.body.issue).toEqual(expect.arrayContaining([expect.objectContaining({ severity: 'error', code: 'code-invalid', expression: [`Task.businessStatus.coding[${index}]`] })]));
      expect((await server.fhir(`Task/${t.id}`)).body.meta.versionId).toBe(t.meta.versionId);
    });

    it('a known detail code passes, and the DHCS Referral Status binding still applies', async () => {
      const { task: t } = await referral(server, 'ecm', profiled);
      const pending = t.businessStatus.coding.map((c: Body) => (c.system === BUSINESS ? { ...c, code: 'pending-authorization' } : c));
      const ok = await as(server, PLAN).put(`Task/${t.id}`, { ...t, businessStatus: { coding: pending } });
      expect(ok.status, ok.text).toBe(200);
      expect(codeOf(ok.body.businessStatus, BUSINESS)).toBe('pending-authorization');
      const wrongDhcs = ok.body.businessStatus.coding.map((c: Body) => (c.system === `${BASE}/CodeSystem/referral-status` ? { ...c, code: 'approved' } : c));
      const refused = await as(server, PLAN).put(`Task/${t.id}`, { ...ok.body, businessStatus: { coding: wrongDhcs } });
      expect(refused.status, refused.text).toBe(422);
      const index = wrongDhcs.findIndex((c: Body) => c.system === DHCS);
      expect(refused.body.issue.map((i: Body) => i.expression[0])).toEqual(expect.arrayContaining([`Task.businessStatus.coding[${index}]`]));
    });

    it('the DHCS Referral Status is derived by the server: a client may send the detail alone', async () => {
      const { task: t } = await referral(server, 'ecm', profiled);
      const detailOnly = { coding: [{ system: BUSINESS, code: 'pending-authorization' }] };
      const res = await as(server, PLAN).put(`Task/${t.id}`, { ...t, businessStatus: detailOnly });
      expect(res.status, res.text).toBe(200);
      expect(codeOf(res.body.businessStatus, DHCS)).toBe('pending');
    });
  });

  describe('every state the server writes conforms to referral-task and can be sent back unchanged', () => {
    const profiled = { meta: { profile: [REFERRAL_TASK] } };
    const put = (org: string, t: Body, change: Record<string, unknown>) => as(server, org).put(`Task/${t.id}`, { ...t, ...change });
    async function ok(res: Promise<FhirResult>): Promise<Body> {
      const done = await res;
      expect(done.status, done.text).toBe(200);
      return done.body.resourceType === 'Parameters' ? out(done, 'task') : done.body;
    }
    const approve = (t: Body) => ok(authorize(t.id, decision('approved')));
    const deny = (t: Body) => ok(authorize(t.id, decision('denied', [{ name: 'reason', valueCodeableConcept: closure('member-ineligible') }])));
    const accepted = async () => approve((await referral(server, 'ecm', profiled)).task);
    const assigned = async () => ok(put(PLAN, await accepted(), { owner: { reference: `Organization/${PROVIDER}` } }));
    const inProgress = async () => ok(put(PROVIDER, await assigned(), { status: 'in-progress' }));

    /** Each reachable status/business status, the organization that may edit it, and whether it is closed (frozen). */
    const STATES: [string, () => Promise<Body>, string, boolean][] = [
      ['draft/received', async () => (await referral(server, 'ecm', { ...profiled, status: 'draft' })).task, CLINIC, false],
      ['requested/received', async () => (await referral(server, 'ecm', profiled)).task, PLAN, false],
      ['requested/pending-authorization', async () => { const t = (await referral(server, 'ecm', profiled)).task; return ok(put(CLINIC, t, { businessStatus: { coding: [{ system: BUSINESS, code: 'pending-authorization' }] } })); }, PLAN, false],
      ['requested/authorized-presumptive', async () => (await referral(server, 'ecm', profiled, DESIGNATED)).task, PLAN, false],
      ['accepted/authorized ($authorize approved)', accepted, PLAN, false],
      ['rejected/denied ($authorize denied)', async () => deny((await referral(server, 'ecm', profiled)).task), CLINIC, true],
      ['cancelled/denied ($authorize denied after approval)', async () => deny(await accepted()), CLINIC, true],
      ['accepted/assigned', assigned, PROVIDER, false],
      ['in-progress/assigned', inProgress, PROVIDER, false],
      ['in-progress/member-contacted', async () => ok(put(PROVIDER, await inProgress(), { businessStatus: { coding: [{ system: BUSINESS, code: 'member-contacted' }] } })), PROVIDER, false],
      ['on-hold/unable-to-reach', async () => ok(put(PROVIDER, await inProgress(), { status: 'on-hold', businessStatus: { coding: [{ system: BUSINESS, code: 'unable-to-reach' }] } })), PLAN, false],
      ['completed/services-received', async () => ok(put(PROVIDER, await inProgress(), { status: 'completed', statusReason: closure('services-received') })), CLINIC, true],
      ['failed/closed', async () => ok(put(PROVIDER, await inProgress(), { status: 'failed', statusReason: closure('unable-to-reach') })), CLINIC, true],
      ['rejected/declined (by the owner)', async () => ok(put(PLAN, (await referral(server, 'ecm', profiled)).task, { status: 'rejected', statusReason: closure('member-declined') })), CLINIC, true],
      ['cancelled/closed (by the requester)', async () => ok(put(CLINIC, (await referral(server, 'ecm', profiled)).task, { status: 'cancelled', statusReason: closure('member-declined') })), CLINIC, true],
      ['entered-in-error/received', async () => ok(put(CLINIC, (await referral(server, 'ecm', profiled)).task, { status: 'entered-in-error' })), CLINIC, true],
      ['requested/received (from draft)', async () => ok(put(CLINIC, (await referral(server, 'ecm', { ...profiled, status: 'draft' })).task, { status: 'requested' })), PLAN, false],
    ];

    it.each(STATES)('%s: GET, $validate against referral-task (no errors), PUT back unchanged with If-Match (no 422)', async (_name, reach, editor, closed) => {
      const reached = await reach();
      const stored = await expectConforms(`Task/${reached.id}`, REFERRAL_TASK);
      expect(stored.businessStatus.coding.some((c: Body) => c.system === BUSINESS)).toBe(true);
      const inTracking = stored.status !== 'draft' && stored.status !== 'entered-in-error';
      expect(stored.businessStatus.coding.some((c: Body) => c.system === DHCS)).toBe(inTracking);
      const res = await as(server, editor).put(`Task/${stored.id}`, stored);
      expect(res.status, res.text).not.toBe(422);
      // Open Tasks take the unchanged write; closed ones are frozen (409), as the state machine says.
      expect(res.status, res.text).toBe(closed ? 409 : 200);
      if (!closed) expect(res.body.businessStatus).toEqual(stored.businessStatus);
    });
  });
});
