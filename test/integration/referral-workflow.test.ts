// The referral Task state machine over HTTP: every transition allowed or refused, each role, If-Match, the race, history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type FhirResult, type TestServer } from '../helpers/server.js';
import { as, BUSINESS, CLINIC, closure, codeOf, DHCS, PLAN, PROVIDER, referral, seed, STRANGER } from './referral-fixtures.js';

const STATUSES = ['draft', 'requested', 'accepted', 'rejected', 'cancelled', 'in-progress', 'on-hold', 'failed', 'completed', 'entered-in-error'] as const;
type Status = (typeof STATUSES)[number];
const CLOSING = ['completed', 'rejected', 'cancelled', 'failed'];

/** Gravity SDOH referral transitions and who may make them (requester R, owner O, plan P). */
const ALLOWED: Record<string, string> = {
  'draft>requested': 'R',
  'requested>accepted': 'O',
  'requested>rejected': 'O',
  'requested>cancelled': 'ROP',
  'accepted>in-progress': 'O',
  'accepted>on-hold': 'O',
  'accepted>completed': 'O',
  'accepted>failed': 'O',
  'accepted>cancelled': 'ROP',
  'in-progress>on-hold': 'O',
  'in-progress>completed': 'O',
  'in-progress>failed': 'O',
  'in-progress>cancelled': 'ROP',
  'on-hold>in-progress': 'O',
  'on-hold>completed': 'O',
  'on-hold>failed': 'O',
  'on-hold>cancelled': 'ROP',
};
for (const s of STATUSES) if (s !== 'entered-in-error') ALLOWED[`${s}>entered-in-error`] = 'R';

/** How to reach each status from requested (plan = owner, clinic = requester). */
const PATH: Record<Status, [Status, string][]> = {
  draft: [],
  requested: [],
  accepted: [['accepted', PLAN]],
  rejected: [['rejected', PLAN]],
  cancelled: [['cancelled', CLINIC]],
  'in-progress': [['accepted', PLAN], ['in-progress', PLAN]],
  'on-hold': [['accepted', PLAN], ['in-progress', PLAN], ['on-hold', PLAN]],
  failed: [['accepted', PLAN], ['failed', PLAN]],
  completed: [['accepted', PLAN], ['completed', PLAN]],
  'entered-in-error': [['entered-in-error', CLINIC]],
};

function withStatus(task: Record<string, unknown>, status: string): Record<string, unknown> {
  return CLOSING.includes(status) ? { ...task, status, statusReason: closure('services-received') } : { ...task, status };
}

describe.each(backends())('referral Task workflow on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { devOrgHeader: true });
    await seed(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function taskIn(status: Status): Promise<FhirResult['body']> {
    const { task } = await referral(server, 'ecm', status === 'draft' ? { status: 'draft' } : {});
    let current = task;
    for (const [next, org] of PATH[status]) {
      const res = await as(server, org).put(`Task/${current.id}`, withStatus(current, next));
      if (res.status !== 200) throw new Error(`${current.status} -> ${next} by ${org}: ${res.status} ${res.text}`);
      current = res.body;
    }
    return current;
  }

  describe('creation', () => {
    it('the requester creates a requested referral; the server adds plan, deadline, business status and the DHCS status', async () => {
      const { task } = await referral(server);
      expect(task.status).toBe('requested');
      expect(codeOf(task.businessStatus, BUSINESS)).toBe('received');
      expect(codeOf(task.businessStatus, DHCS)).toBe('pending');
      expect(task.extension.find((e: { url: string }) => e.url.endsWith('referral-plan')).valueReference.reference).toBe(`Organization/${PLAN}`);
      expect(new Date(task.restriction.period.end).getTime()).toBeGreaterThan(Date.now());
      expect(task.lastModified).toBeDefined();
    });

    it('another organization cannot create a referral in the requester\'s name (403)', async () => {
      const { task } = await referral(server);
      const { id: _id, meta: _meta, ...body } = task;
      const res = await as(server, STRANGER).post('Task', body);
      expect(res.status).toBe(403);
      expect(res.body.issue[0].code).toBe('forbidden');
    });

    it('a referral cannot be created already accepted (409) nor in a status outside the referral value set (422)', async () => {
      const { task } = await referral(server);
      const { id: _id, meta: _meta, ...body } = task;
      expect((await as(server, CLINIC).post('Task', { ...body, status: 'accepted' })).status).toBe(409);
      expect((await as(server, CLINIC).post('Task', { ...body, status: 'ready' })).status).toBe(422);
    });

    it('without an organization the caller is refused (403)', async () => {
      const { task } = await referral(server);
      const { id: _id, meta: _meta, ...body } = task;
      expect((await server.fhir('Task', { body })).status).toBe(403);
    });
  });

  describe('every transition', () => {
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        if (from === to) continue;
        const who = ALLOWED[`${from}>${to}`];
        const org = who ? { R: CLINIC, O: PLAN, P: PLAN }[who[0] as 'R' | 'O' | 'P'] : PLAN;
        it(`${from} -> ${to}: ${who ? `allowed (${who})` : 'refused with 409 naming the current status and the allowed next ones'}`, async () => {
          const current = await taskIn(from);
          const res = await as(server, org).put(`Task/${current.id}`, withStatus(current, to));
          if (who) {
            expect(res.status, res.text).toBe(200);
            expect(res.body.status).toBe(to);
          } else {
            expect(res.status, res.text).toBe(409);
            expect(res.body.issue[0].diagnostics).toContain(`Current status: ${from}`);
            expect(res.body.issue[0].diagnostics).toContain('allowed next:');
            expect(res.body.issue[0].expression).toEqual(['Task.status']);
            expect((await server.fhir(`Task/${current.id}`)).body.status).toBe(from);
          }
        });
      }
    }
  });

  describe('roles', () => {
    it('the requester cannot accept or reject (403); the owner can', async () => {
      const current = await taskIn('requested');
      expect((await as(server, CLINIC).put(`Task/${current.id}`, withStatus(current, 'accepted'))).status).toBe(403);
      expect((await as(server, CLINIC).put(`Task/${current.id}`, withStatus(current, 'rejected'))).status).toBe(403);
      expect((await as(server, PLAN).put(`Task/${current.id}`, withStatus(current, 'accepted'))).status).toBe(200);
    });

    it('an unrelated organization can do nothing (403)', async () => {
      const current = await taskIn('accepted');
      for (const to of ['in-progress', 'cancelled', 'entered-in-error', 'accepted']) {
        expect((await as(server, STRANGER).put(`Task/${current.id}`, withStatus(current, to))).status).toBe(403);
      }
    });

    it('the owner cannot mark entered-in-error (requester only)', async () => {
      const current = await taskIn('accepted');
      const res = await as(server, PLAN).put(`Task/${current.id}`, withStatus(current, 'entered-in-error'));
      expect(res.status).toBe(403);
      expect((await as(server, CLINIC).put(`Task/${current.id}`, withStatus(current, 'entered-in-error'))).status).toBe(200);
    });

    it('the plan assigns the owner; the assigned provider then drives the Task but cannot reassign it', async () => {
      const accepted = await taskIn('accepted');
      const assigned = await as(server, PLAN).put(`Task/${accepted.id}`, { ...accepted, owner: { reference: `Organization/${PROVIDER}`, display: 'ECM Partners' } });
      expect(assigned.status, assigned.text).toBe(200);
      expect(codeOf(assigned.body.businessStatus, BUSINESS)).toBe('assigned');
      expect((await as(server, PLAN).put(`Task/${accepted.id}`, withStatus(assigned.body, 'in-progress'))).status).toBe(403);
      const started = await as(server, PROVIDER).put(`Task/${accepted.id}`, withStatus(assigned.body, 'in-progress'));
      expect(started.status).toBe(200);
      const moved = await as(server, PROVIDER).put(`Task/${accepted.id}`, { ...started.body, owner: { reference: `Organization/${STRANGER}` } });
      expect(moved.status).toBe(403);
      expect(moved.body.issue[0].expression).toEqual(['Task.owner']);
      const notices = await server.fhir(`Communication?subject=${accepted.for.reference}`);
      expect(notices.body.entry.map((e: { resource: { reasonCode: { coding: { code: string }[] }[] } }) => e.resource.reasonCode[0].coding[0].code)).toContain('assignment');
    });

    it('the requester cannot change who the referral is for or what it asks (422)', async () => {
      const current = await taskIn('requested');
      const res = await as(server, CLINIC).put(`Task/${current.id}`, { ...current, for: { reference: 'Patient/someone-else' } });
      expect(res.status).toBe(422);
      expect(res.body.issue[0].expression).toEqual(['Task.for']);
    });
  });

  describe('loop-closure reason', () => {
    for (const to of ['completed', 'failed'] as const) {
      it(`${to} without statusReason is refused with 422 and the Task stays accepted`, async () => {
        const current = await taskIn('accepted');
        const res = await as(server, PLAN).put(`Task/${current.id}`, { ...current, status: to });
        expect(res.status).toBe(422);
        expect(res.body.issue[0].expression).toEqual(['Task.statusReason']);
        expect((await server.fhir(`Task/${current.id}`)).body.status).toBe('accepted');
      });
    }

    it('rejected and cancelled need one too; closing sets the DHCS status and the business status', async () => {
      const a = await taskIn('requested');
      expect((await as(server, PLAN).put(`Task/${a.id}`, { ...a, status: 'rejected' })).status).toBe(422);
      expect((await as(server, CLINIC).put(`Task/${a.id}`, { ...a, status: 'cancelled' })).status).toBe(422);
      const rejected = await as(server, PLAN).put(`Task/${a.id}`, { ...a, status: 'rejected', statusReason: closure('member-ineligible') });
      expect(codeOf(rejected.body.businessStatus, DHCS)).toBe('declined');
      const b = await taskIn('accepted');
      const done = await as(server, PLAN).put(`Task/${b.id}`, { ...b, status: 'completed', statusReason: closure('services-received') });
      expect(codeOf(done.body.businessStatus, DHCS)).toBe('closed');
      expect(codeOf(done.body.businessStatus, BUSINESS)).toBe('services-received');
    });

    it('a client cannot set a decision business status itself (422: use $authorize)', async () => {
      const current = await taskIn('requested');
      const res = await as(server, PLAN).put(`Task/${current.id}`, { ...current, businessStatus: { coding: [{ system: BUSINESS, code: 'authorized' }] } });
      expect(res.status).toBe(422);
    });
  });

  describe('If-Match and races', () => {
    it('an update without If-Match is refused with 428 Precondition Required; PATCH too', async () => {
      const current = await taskIn('requested');
      const res = await as(server, PLAN).put(`Task/${current.id}`, withStatus(current, 'accepted'), null);
      expect(res.status).toBe(428);
      expect(res.body.issue[0].expression).toEqual(['If-Match']);
      const patch = await server.fhir(`Task/${current.id}`, {
        method: 'PATCH',
        body: [{ op: 'replace', path: '/status', value: 'accepted' }],
        headers: { 'content-type': 'application/json-patch+json', 'x-calaim-organization': PLAN },
      });
      expect(patch.status).toBe(428);
    });

    it('a stale If-Match is refused with 412 and the stored version stays', async () => {
      const current = await taskIn('requested');
      const first = await as(server, PLAN).put(`Task/${current.id}`, { ...current, note: [{ text: 'reviewing' }] });
      expect(first.status).toBe(200);
      const stale = await as(server, PLAN).put(`Task/${current.id}`, withStatus(current, 'accepted'));
      expect(stale.status).toBe(412);
      expect((await server.fhir(`Task/${current.id}`)).body.meta.versionId).toBe('2');
    });

    it('the owner accepting and the requester cancelling with the same If-Match: exactly one wins', async () => {
      for (let round = 0; round < 5; round++) {
        const current = await taskIn('requested');
        const [accept, cancel] = await Promise.all([
          as(server, PLAN).put(`Task/${current.id}`, withStatus(current, 'accepted')),
          as(server, CLINIC).put(`Task/${current.id}`, withStatus(current, 'cancelled')),
        ]);
        const statuses = [accept.status, cancel.status].sort();
        expect(statuses).toEqual([200, 412]);
        const stored = (await server.fhir(`Task/${current.id}`)).body;
        expect(stored.meta.versionId).toBe('2');
        expect(stored.status).toBe(accept.status === 200 ? 'accepted' : 'cancelled');
      }
    });

    it('ten parallel writers with the same If-Match: one 200, nine 412', async () => {
      const current = await taskIn('accepted');
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => as(server, PLAN).put(`Task/${current.id}`, { ...current, note: [{ text: `writer ${i}` }] })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 412)).toHaveLength(9);
    });
  });

  it('a referral Task cannot be deleted, by any party; it stays readable', async () => {
    const { task } = await referral(server);
    for (const org of [CLINIC, PLAN]) {
      const res = await server.fhir(`Task/${task.id}`, { method: 'DELETE', headers: { 'x-calaim-organization': org } });
      expect(res.status).toBe(409);
      expect(res.body.issue[0].diagnostics).toContain('entered-in-error');
    }
    expect((await as(server, CLINIC).get(`Task/${task.id}`)).status).toBe(200);
  });

  it('history is the audit trail: each version names the organization that wrote it and the status it set', async () => {
    const current = await taskIn('completed');
    const history = await server.fhir(`Task/${current.id}/_history`);
    const versions = history.body.entry.map((e: { resource: FhirResult['body'] }) => ({
      status: e.resource.status,
      by: e.resource.extension.find((x: { url: string }) => x.url.endsWith('referral-changed-by')).extension[0].valueReference.reference,
    }));
    expect(versions).toEqual([
      { status: 'completed', by: `Organization/${PLAN}` },
      { status: 'accepted', by: `Organization/${PLAN}` },
      { status: 'requested', by: `Organization/${CLINIC}` },
    ]);
  });
});
