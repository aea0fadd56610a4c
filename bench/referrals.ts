// Referral lifecycle benchmark: submit (content-rich transaction, eligibility evaluated) -> accept ($authorize) -> assign -> complete, on PostgreSQL.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Bundle, Parameters, Task } from '@medplum/fhirtypes';
import pg from 'pg';
import { cpuUse, snapshot, type CpuUse } from './support/cpu.js';
import { summarize, type Figures } from './support/figures.js';
import { createPgliteDirectory, createPostgresDatabase, startServerUnderTest, type Database } from './support/target.js';

const env = process.env;
const backend = env.BENCH_BACKEND === 'pglite' ? 'pglite' : 'postgres';
const seconds = Number(env.BENCH_SECONDS ?? 20);
const warmup = Number(env.BENCH_WARMUP ?? 5);
const connections = Number(env.BENCH_CONNECTIONS ?? 10);
const poolSize = Number(env.BENCH_POOL_SIZE ?? 10);
const adminUrl = env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const BASE = 'https://calaim-fhir.dev/fhir';
const STEPS = ['submit', 'accept', 'assign', 'complete'] as const;
type Step = (typeof STEPS)[number];
const TARGET = { lifecyclesPerSec: 100, p99Ms: 100 };

let sequence = 0;

function submission(n: number): Bundle {
  const cin = `7${String(n).padStart(7, '0')}B`;
  const patient = `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const sr = `urn:uuid:00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
  const entry = (resource: Record<string, unknown>, url: string, fullUrl?: string, ifNoneExist?: string) => ({ fullUrl, resource, request: { method: 'POST', url, ...(ifNoneExist ? { ifNoneExist } : {}) } });
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      entry({ resourceType: 'Patient', identifier: [{ system: `${BASE}/sid/cin`, value: cin }], name: [{ family: 'Bench', given: [String(n)] }], gender: 'male', birthDate: '1975-05-05' }, 'Patient', patient, `identifier=${BASE}/sid/cin|${cin}`),
      entry({ resourceType: 'Condition', code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'Z59.02' }] }, subject: { reference: patient }, recordedDate: '2026-11-01' }, 'Condition'),
      entry({ resourceType: 'Condition', code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I10' }] }, subject: { reference: patient }, recordedDate: '2026-10-01' }, 'Condition'),
      entry({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: `${BASE}/CodeSystem/ecm-attestation`, code: 'homelessness' }] }, subject: { reference: patient }, effectiveDateTime: '2026-11-01', valueBoolean: true }, 'Observation'),
      entry(
        {
          resourceType: 'ServiceRequest',
          status: 'active',
          intent: 'order',
          category: [{ coding: [{ system: `${BASE}/CodeSystem/calaim-program`, code: 'ecm' }] }],
          code: { coding: [{ system: `${BASE}/CodeSystem/calaim-program`, code: 'ecm' }] },
          reasonCode: [{ coding: [{ system: `${BASE}/CodeSystem/ecm-population-of-focus`, code: 'homelessness' }] }],
          subject: { reference: patient },
          requester: { reference: 'Organization/bench-clinic' },
          authoredOn: '2026-11-20',
        },
        'ServiceRequest',
        sr,
      ),
      entry(
        {
          resourceType: 'Task',
          status: 'requested',
          intent: 'order',
          priority: 'routine',
          code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
          focus: { reference: sr },
          for: { reference: patient },
          authoredOn: new Date().toISOString(),
          requester: { reference: 'Organization/bench-clinic' },
          owner: { reference: 'Organization/bench-plan' },
        },
        'Task',
      ),
    ],
  } as unknown as Bundle;
}

async function call(url: string, org: string, method: string, body: unknown, ifMatch?: string): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json', 'x-calaim-organization': org };
  if (ifMatch) headers['if-match'] = `W/"${ifMatch}"`;
  const res = await fetch(url, { method, headers, body: JSON.stringify(body) });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${url} as ${org}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return { status: res.status, json };
}

async function lifecycle(fhir: string, record: (step: Step, ms: number) => void): Promise<void> {
  const timed = async <T>(step: Step, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await fn();
    record(step, performance.now() - t0);
    return result;
  };
  const submitted = await timed('submit', () => call(fhir, 'bench-clinic', 'POST', submission(++sequence)));
  const location = ((submitted.json as Bundle).entry?.[5]?.response?.location ?? '') as string;
  const taskId = location.split('/')[1];
  const accepted = await timed('accept', () => call(`${fhir}/Task/${taskId}/$authorize`, 'bench-plan', 'POST', { resourceType: 'Parameters', parameter: [{ name: 'decision', valueCode: 'approved' }] }));
  const task = (accepted.json as Parameters).parameter?.find((p) => p.name === 'task')?.resource as Task;
  const assigned = await timed('assign', () => call(`${fhir}/Task/${taskId}`, 'bench-plan', 'PUT', { ...task, owner: { reference: 'Organization/bench-provider' } }, task.meta?.versionId));
  const a = assigned.json as Task;
  const closure = { coding: [{ system: `${BASE}/CodeSystem/loop-closure-reason`, code: 'services-received' }] };
  await timed('complete', () => call(`${fhir}/Task/${taskId}`, 'bench-provider', 'PUT', { ...a, status: 'completed', statusReason: closure }, a.meta?.versionId));
}

async function run(fhir: string, durationS: number): Promise<{ lifecycles: number; steps: Record<Step, Figures>; errors: string[] }> {
  const samples: Record<Step, number[]> = { submit: [], accept: [], assign: [], complete: [] };
  const errors: string[] = [];
  let lifecycles = 0;
  const until = Date.now() + durationS * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until) {
        try {
          await lifecycle(fhir, (step, ms) => samples[step].push(ms));
          lifecycles++;
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
    }),
  );
  const steps = Object.fromEntries(STEPS.map((s) => [s, summarize(samples[s], durationS, 0)])) as Record<Step, Figures>;
  return { lifecycles, steps, errors };
}

/** The PostgreSQL backends serving the benchmark database (the server's pool). */
async function postgresPids(databaseUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return rows.map((r) => Number(r.pid));
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  mkdirSync('.bench', { recursive: true });
  process.env.DEV_ORG_HEADER = 'true';
  process.env.LOAD_DEMO_DATA = 'false';
  const db: Database = backend === 'postgres' ? await createPostgresDatabase(adminUrl, 'calaim_bench_referrals') : createPgliteDirectory();
  const server = await startServerUnderTest({ mode: env.BENCH_SERVER === 'inprocess' ? 'inprocess' : 'child', database: db, poolSize, logLevel: env.BENCH_LOG_LEVEL ?? 'warn', logFile: '.bench/referrals-server.log', nodeFlags: env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_PROFILE}`] : [] });
  const fhir = `${server.url}/fhir`;
  try {
    for (const id of ['bench-plan', 'bench-clinic', 'bench-provider']) await call(`${fhir}/Organization/${id}`, id, 'PUT', { resourceType: 'Organization', id, name: id });
    console.log(`referral lifecycles on ${backend}: ${connections} connections, pool ${poolSize}, ${warmup}s warm-up, ${seconds}s measured; load ${loadavg()[0].toFixed(2)}`);
    await run(fhir, warmup);
    // CPU per lifecycle by process group (server, its PostgreSQL backends, this client): where the time goes, whatever else the machine does.
    const backends = async () => (db.databaseUrl ? await postgresPids(db.databaseUrl) : []);
    const before = snapshot(server.pid, await backends());
    const result = await run(fhir, seconds);
    const cpu: CpuUse = cpuUse(before, snapshot(server.pid, await backends()), env.BENCH_SERVER === 'inprocess');
    const perSec = result.lifecycles / seconds;
    const perLifecycle = (cores: number) => ((cores * 1000) / perSec).toFixed(1);
    console.log(`lifecycles/s ${perSec.toFixed(1)} (target >= ${TARGET.lifecyclesPerSec})   errors ${result.errors.length}`);
    console.log(
      `CPU ms per lifecycle: server ${perLifecycle(cpu.serverCores)}, PostgreSQL ${perLifecycle(cpu.postgresCores)}, client ${perLifecycle(cpu.benchCores)}; other processes ${cpu.otherCores.toFixed(2)} cores`,
    );
    console.log('step        req/s    p50 ms  p99 ms');
    for (const step of STEPS) {
      const f = result.steps[step];
      const flag = f.p99Ms < TARGET.p99Ms ? '' : `  (p99 target < ${TARGET.p99Ms} ms)`;
      console.log(`${step.padEnd(10)} ${f.reqPerSec.toFixed(0).padStart(6)} ${f.p50Ms.toFixed(1).padStart(8)} ${f.p99Ms.toFixed(1).padStart(7)}${flag}`);
    }
    if (result.errors.length) console.log(`first error: ${result.errors[0]}`);
    writeFileSync('.bench/referrals.json', JSON.stringify({ backend, connections, seconds, lifecyclesPerSec: perSec, cpu, steps: result.steps, errors: result.errors.length, loadavg: loadavg() }, null, 2));
  } finally {
    await server.stop();
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
