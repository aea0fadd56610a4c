// The presumptive-expiry job over HTTP: expired ECM presumptive authorizations end in one sweep, through the write path, exactly once across processes.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { systemContext, type RequestContext } from '../../src/context.js';
import { SWEEPER_CLIENT_ID } from '../../src/referrals/presumptive-sweeper.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { backends } from '../helpers/backends.js';
import { startTestServer, type FhirResult, type TestServer } from '../helpers/server.js';
import { as, BASE, BUSINESS, codeOf, DESIGNATED, DHCS, PLAN, referral, seed } from './referral-fixtures.js';

type Body = FhirResult['body'];

const CHANGED_BY = `${BASE}/StructureDefinition/referral-changed-by`;
const ids = (result: { ended: string[] }, mine: string[]) => result.ended.filter((id) => mine.includes(id)).sort();

/** The sweep's context with the clock at `instant`. */
function at(instant: string): RequestContext {
  return { ...systemContext(`test-sweep-${instant}`), now: () => new Date(instant) };
}

describe.each(backends())('presumptive-expiry sweeper on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { devOrgHeader: true });
    await seed(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A designated organization's ECM referral: presumptively authorized from authoredOn for 30 days. */
  async function presumptive(authoredOn: string): Promise<{ task: Body; patientId: string }> {
    const { task, patientId } = await referral(server, 'ecm', { authoredOn }, DESIGNATED);
    expect(codeOf(task.businessStatus, BUSINESS)).toBe('authorized-presumptive');
    return { task, patientId };
  }
  const searchIds = async (query: string): Promise<string[]> =>
    ((await server.fhir(query)).body.entry ?? []).filter((e: Body) => e.search.mode === 'match').map((e: Body) => e.resource.id);
  const notices = async (patientId: string): Promise<string[]> =>
    ((await server.fhir(`Communication?subject=Patient/${patientId}`)).body.entry ?? []).filter((e: Body) => e.search.mode === 'match').map((e: Body) => e.resource.reasonCode[0].coding[0].code);

  it('one sweep ends a presumption whose period has passed: business status, Date of Referral Status Update, history as the plan, searches', async () => {
    const { task: t, patientId } = await presumptive('2026-01-05T10:00:00Z');
    expect((await server.fhir(t.insurance[0].reference)).body.preAuthPeriod).toEqual({ start: '2026-01-05', end: '2026-02-04' });
    const noticesBefore = await notices(patientId);

    const result = await server.sweepPresumptions(at('2026-02-05T00:00:01Z'));
    expect(result.ended).toContain(t.id);
    expect(result.failed).toEqual([]);

    const ended = (await server.fhir(`Task/${t.id}`)).body;
    expect(ended.meta.versionId).toBe('2');
    expect(ended.status).toBe('requested');
    expect(codeOf(ended.businessStatus, BUSINESS)).toBe('presumptive-ended');
    expect(codeOf(ended.businessStatus, DHCS)).toBe('pending');
    expect(ended.lastModified).toBe('2026-02-05T00:00:01.000Z');
    const history = (await server.fhir(`Task/${t.id}/_history`)).body.entry.map((e: Body) => e.resource);
    expect(history.map((v: Body) => codeOf(v.businessStatus, BUSINESS))).toEqual(['presumptive-ended', 'authorized-presumptive']);
    const changedBy = history[0].extension.find((e: Body) => e.url === CHANGED_BY).extension;
    expect(changedBy).toEqual([{ url: 'organization', valueReference: { reference: `Organization/${PLAN}` } }, { url: 'client', valueString: SWEEPER_CLIENT_ID }]);

    expect(await searchIds(`Task?business-status=${BUSINESS}|authorized-presumptive&_count=1000`)).not.toContain(t.id);
    expect(await searchIds(`Task?business-status=${BUSINESS}|presumptive-ended&_count=1000`)).toContain(t.id);
    // The workflow sends no notification for a presumption that lapses (only authorization, assignment, denial, closure).
    expect(await notices(patientId)).toEqual(noticesBefore);

    const again = await server.sweepPresumptions(at('2026-02-05T00:00:01Z'));
    expect(again.ended).not.toContain(t.id);
    expect((await server.fhir(`Task/${t.id}`)).body.meta.versionId).toBe('2');
    // The plan can still decide.
    const converted = await as(server, PLAN).post(`Task/${t.id}/$authorize`, { resourceType: 'Parameters', parameter: [{ name: 'decision', valueCode: 'approved' }] });
    expect(converted.status, converted.text).toBe(200);
  });

  it('a presumption on its last day, or already converted by the plan, is left alone', async () => {
    const { task: running } = await presumptive('2026-01-06T10:00:00Z');
    const { task: decided } = await presumptive('2026-01-06T10:00:00Z');
    const approved = await as(server, PLAN).post(`Task/${decided.id}/$authorize`, { resourceType: 'Parameters', parameter: [{ name: 'decision', valueCode: 'approved' }] });
    expect(approved.status, approved.text).toBe(200);

    const lastMoment = await server.sweepPresumptions(at('2026-02-05T23:59:59.999Z'));
    expect(ids(lastMoment, [running.id, decided.id])).toEqual([]);
    // Not even a candidate: the indexed search (business status, then the ClaimResponse's preauth-period) leaves both out.
    expect(lastMoment.skipped.filter((id) => id === running.id || id === decided.id)).toEqual([]);
    const stored = (await server.fhir(`Task/${running.id}`)).body;
    expect(stored.meta.versionId).toBe('1');
    expect(codeOf(stored.businessStatus, BUSINESS)).toBe('authorized-presumptive');
    expect(await searchIds(`Task?business-status=${BUSINESS}|authorized-presumptive&_count=1000`)).toContain(running.id);

    const nextDay = await server.sweepPresumptions(at('2026-02-06T00:00:00Z'));
    expect(ids(nextDay, [running.id, decided.id])).toEqual([running.id]);
    expect(codeOf((await server.fhir(`Task/${decided.id}`)).body.businessStatus, BUSINESS)).toBe('authorized');
  });

  it('two sweeps running at once (two server processes on PostgreSQL) end each expired presumption exactly once', async () => {
    const mine: string[] = [];
    for (let i = 0; i < 6; i++) mine.push((await presumptive('2026-03-01T12:00:00Z')).task.id);
    let other: RunningServer | undefined;
    if (backend.name === 'postgres') {
      other = await startServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', logLevel: 'silent', databaseUrl: server.databaseUrl, poolSize: 4, loadDemoData: false, presumptiveSweepSeconds: 0 });
    }
    try {
      const when = at('2026-04-01T08:00:00Z');
      const results = await Promise.all([server.sweepPresumptions(when), (other ?? server).sweepPresumptions(when)]);
      expect(results.flatMap((r) => r.failed)).toEqual([]);
      const ended = results.flatMap((r) => ids(r, mine));
      expect(ended.sort()).toEqual([...mine].sort());
      for (const id of mine) {
        const versions = (await server.fhir(`Task/${id}/_history`)).body.entry.map((e: Body) => codeOf(e.resource.businessStatus, BUSINESS));
        expect(versions, id).toEqual(['presumptive-ended', 'authorized-presumptive']);
      }
    } finally {
      await other?.stop();
    }
  });

  it.runIf(backend.name === 'postgres')('a Task another transaction holds is skipped without waiting, and ended by a later sweep', async () => {
    const { task: t } = await presumptive('2026-05-01T12:00:00Z');
    const client = new pg.Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT id FROM resource WHERE resource_type = 'Task' AND id = $1 FOR UPDATE`, [t.id]);
      const held = await server.sweepPresumptions(at('2026-06-01T00:00:00Z'));
      expect(held.skipped).toContain(t.id);
      expect(held.ended).not.toContain(t.id);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    const released = await server.sweepPresumptions(at('2026-06-01T00:00:00Z'));
    expect(released.ended).toContain(t.id);
  });
});

describe('the scheduled job', () => {
  it('runs every PRESUMPTIVE_SWEEP_SECONDS with the real clock, writing nothing else, and stops with the server', async () => {
    const server = await startTestServer(backends()[0], { devOrgHeader: true, presumptiveSweepSeconds: 1 });
    try {
      await seed(server);
      const { task: expired } = await referral(server, 'ecm', { authoredOn: new Date(Date.now() - 40 * 86_400_000).toISOString() }, DESIGNATED);
      const { task: current } = await referral(server, 'ecm', { authoredOn: new Date().toISOString() }, DESIGNATED);
      let stored: Body;
      for (let waited = 0; waited < 15_000; waited += 200) {
        stored = (await server.fhir(`Task/${expired.id}`)).body;
        if (codeOf(stored.businessStatus, BUSINESS) === 'presumptive-ended') break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(codeOf(stored.businessStatus, BUSINESS)).toBe('presumptive-ended');
      expect((await server.fhir(`Task/${current.id}`)).body.meta.versionId).toBe('1');
    } finally {
      await server.close();
    }
  });

  it('PRESUMPTIVE_SWEEP_SECONDS is read from the environment (300 by default, 0 turns the job off)', () => {
    expect(loadConfig({}).presumptiveSweepSeconds).toBe(300);
    expect(loadConfig({ PRESUMPTIVE_SWEEP_SECONDS: '0' }).presumptiveSweepSeconds).toBe(0);
    expect(() => loadConfig({ PRESUMPTIVE_SWEEP_SECONDS: '-1' })).toThrow(/PRESUMPTIVE_SWEEP_SECONDS/);
  });
});
