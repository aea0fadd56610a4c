// CRUD benchmark: create/read/update/transaction over HTTP with autocannon, against the same work done through the raw database client.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon, { type Request } from 'autocannon';
import type { Patient } from '@medplum/fhirtypes';
import { cpuUse, snapshot } from './support/cpu.js';
import { fromAutocannon, type Figures } from './support/figures.js';
import { patient, profiledPatient, transactionBundle } from './support/fixtures.js';
import { openRawPglite, openRawPostgres, runLoops, type RawStore } from './support/raw-baseline.js';
import { createPgliteDirectory, createPostgresDatabase, startServerUnderTest, type Database, type ServerUnderTest } from './support/target.js';

const env = process.env;
const backend = env.BENCH_BACKEND === 'pglite' ? 'pglite' : 'postgres';
const seconds = Number(env.BENCH_SECONDS ?? 10);
const warmup = Number(env.BENCH_WARMUP ?? 3);
const connections = Number(env.BENCH_CONNECTIONS ?? 10);
const poolSize = Number(env.BENCH_POOL_SIZE ?? 10);
const readIds = Number(env.BENCH_READ_IDS ?? 1000);
const mode = env.BENCH_SERVER === 'inprocess' ? 'inprocess' : 'child';
// The server's default level, logging to a file; in-process the log would land in this table, so it is silenced.
const logLevel = env.BENCH_LOG_LEVEL ?? (mode === 'inprocess' ? 'silent' : 'info');
const adminUrl = env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const only = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',')) : undefined;
const outDir = '.bench';
const TARGETS = { create: 0.5, read: 0.6 };
const FHIR_JSON = 'application/fhir+json';
const TRANSACTION_SIZE = 20;

const wanted = (name: string) => !only || only.has(name);

/** The Patient as the server stores it: with id and meta, so the raw baseline writes the same bytes. */
function stamped(resource: Patient, id: string): string {
  const { resourceType, ...rest } = resource;
  return JSON.stringify({ resourceType, id, meta: { versionId: '1', lastUpdated: new Date().toISOString() }, ...rest });
}

function row(label: string, f: Figures): void {
  const num = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
  // CPU per request shows where the work goes even when other load on the machine lowers the throughput.
  const perRequest = (cores: number) => num((cores / f.reqPerSec) * 1000, 3).padStart(6);
  const cpu = f.cpu ? `${[f.cpu.serverCores, f.cpu.postgresCores, f.cpu.benchCores].map(perRequest).join(' ')}  ${num(f.cpu.otherCores, 2).padStart(5)}` : '';
  const errors = f.errors ? `  (${f.errors} errors)` : '';
  console.log(`${label.padEnd(26)} ${num(f.reqPerSec, 0).padStart(7)} ${num(f.p50Ms).padStart(7)} ${num(f.p99Ms).padStart(7)}   ${cpu}${errors}`);
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const serverDb: Database = backend === 'postgres' ? await createPostgresDatabase(adminUrl, 'calaim_bench') : createPgliteDirectory();
  const rawDb: Database | undefined = backend === 'pglite' ? createPgliteDirectory() : undefined;
  const nodeFlags = env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(outDir, 'crud-profiles')}`] : [];
  let server: ServerUnderTest | undefined;
  let raw: RawStore | undefined;
  let failed = false;
  try {
    server = await startServerUnderTest({ mode, database: serverDb, poolSize, logLevel, logFile: join(outDir, 'crud-server.log'), nodeFlags });
    raw = backend === 'postgres' ? await openRawPostgres(serverDb.databaseUrl as string, poolSize) : await openRawPglite(rawDb?.dataDir as string);
    const { url, pid } = server;
    const store = raw;
    const base = `${url}/fhir`;
    const results: Record<string, Figures> = {};
    const settings = await store.describe();
    const jsonBytes = Buffer.byteLength(stamped(patient(1), '00000000-0000-4000-8000-000000000001'));
    const load1 = loadavg()[0];
    console.log(
      `calaim-fhir CRUD benchmark on ${backend}: server ${mode === 'child' ? 'in a child process' : 'in-process'} (LOG_LEVEL=${logLevel}), ` +
        `${connections} connections${backend === 'postgres' ? `, pool ${poolSize}` : ''}, ${seconds} s per workload after ${warmup} s warm-up, stored Patient ${jsonBytes} B`,
    );
    if (backend === 'pglite') console.log('PGlite runs inside its process: the db column stays 0 and its work counts as server (or client, for raw).');
    console.log(`database: ${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(', ')}; load average ${load1.toFixed(2)}`);
    console.log(`${''.padEnd(26)} ${''.padStart(7)} ${''.padStart(7)} ${''.padStart(7)}   cpu ms per request     other`);
    console.log(`${'workload'.padEnd(26)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}   server     db client  cores`);

    /** Measures fn after a warm-up, with CPU accounting around the measured run only. */
    const measure = async (label: string, run: (duration: number) => Promise<Figures>): Promise<Figures> => {
      if (warmup > 0) await run(warmup);
      const serverPid = mode === 'child' ? pid : undefined;
      const before = snapshot(serverPid, await store.backendPids());
      const figures = await run(seconds);
      // Backends opened during the run (pool growth) are counted from zero; ones that closed are lost (pools keep theirs open).
      figures.cpu = cpuUse(before, snapshot(serverPid, await store.backendPids()), mode === 'inprocess');
      row(label, figures);
      return figures;
    };
    /** autocannon over HTTP; next() builds every request, so bodies and ids vary per request. */
    const http = (label: string, next: () => Request) =>
      measure(label, async (duration) => {
        const requests: Request[] = [{ setupRequest: (req) => ({ ...req, ...next() }) }];
        const headers = { 'content-type': FHIR_JSON, accept: FHIR_JSON };
        return fromAutocannon(await autocannon({ url, connections, duration, headers, requests }));
      });
    const direct = (label: string, op: (n: number) => Promise<void>) => measure(label, (duration) => runLoops(connections, duration, op));

    let counter = 0;
    // The server's own HTTP floor: an endpoint without FHIR handling or database work bounds what read can reach.
    if (wanted('floor')) results.floor = await http('floor    GET /healthz', () => ({ method: 'GET', path: '/healthz', body: undefined }));
    // Raw and server phases alternate so slow drift in the database (checkpoints, table growth) hits both alike.
    if (wanted('create')) {
      results.rawInsert = await direct(`raw INSERT (${backend === 'postgres' ? 'pg' : 'PGlite'})`, async () => {
        const id = `raw-${counter++}`;
        await store.insert(id, stamped(patient(counter), id));
      });
      results.create = await http('create   POST Patient', () => ({ method: 'POST', path: '/fhir/Patient', body: JSON.stringify(patient(counter++)) }));
    }
    // The same member claiming the medi-cal-member profile: base validation plus the compiled profile on every write.
    if (wanted('profiled')) {
      results.profiled = await http('create   + profile', () => ({ method: 'POST', path: '/fhir/Patient', body: JSON.stringify(profiledPatient(counter++)) }));
    }
    if (wanted('read') || wanted('update')) {
      const rawIds = Array.from({ length: readIds }, (_, i) => `read-${i}`);
      for (const [i, id] of rawIds.entries()) await store.insert(id, stamped(patient(1_000_000 + i), id));
      const ids = await seed(base, readIds);
      if (wanted('read')) {
        results.rawSelect = await direct(`raw SELECT (${backend === 'postgres' ? 'pg' : 'PGlite'})`, async () => void (await store.select(rawIds[counter++ % rawIds.length])));
        results.read = await http('read     GET Patient/id', () => ({ method: 'GET', path: `/fhir/Patient/${ids[counter++ % ids.length]}`, body: undefined }));
      }
      if (wanted('update')) {
        results.update = await http('update   PUT Patient/id', () => {
          const n = counter++;
          const id = ids[n % ids.length];
          return { method: 'PUT', path: `/fhir/Patient/${id}`, body: JSON.stringify({ ...patient(n), id }) };
        });
      }
    }
    if (wanted('transaction')) {
      results.transaction = await http(`transaction (${TRANSACTION_SIZE} entries)`, () => ({
        method: 'POST',
        path: '/fhir',
        body: JSON.stringify(transactionBundle(counter++, TRANSACTION_SIZE)),
      }));
      console.log(`${''.padEnd(26)} = ${(results.transaction.reqPerSec * TRANSACTION_SIZE).toFixed(0)} resources/s`);
    }

    const ratios: Record<string, number> = {};
    if (results.create && results.rawInsert) ratios.create = results.create.reqPerSec / results.rawInsert.reqPerSec;
    if (results.read && results.rawSelect) ratios.read = results.read.reqPerSec / results.rawSelect.reqPerSec;
    if (results.create && results.profiled) {
      const cost = (f: Figures) => (f.cpu ? (f.cpu.serverCores / f.reqPerSec) * 1000 : NaN);
      console.log(`${'profile-validated / plain'.padEnd(26)} ${((results.profiled.reqPerSec / results.create.reqPerSec) * 100).toFixed(0).padStart(6)}%  (server CPU per create ${cost(results.create).toFixed(3)} -> ${cost(results.profiled).toFixed(3)} ms)`);
    }
    for (const [name, ratio] of Object.entries(ratios)) {
      const target = TARGETS[name as keyof typeof TARGETS];
      console.log(`${`${name}: server / raw`.padEnd(26)} ${(ratio * 100).toFixed(0).padStart(6)}%  (target >= ${target * 100}%: ${ratio >= target ? 'met' : 'MISSED'})`);
    }
    const noisy = Object.values(results).some((f) => (f.cpu?.otherCores ?? 0) > 0.2);
    if (noisy) console.log('note: other processes used CPU during the run (the "other" column); figures are pessimistic.');
    failed = Object.values(results).some((f) => f.errors > 0);
    const out = join(outDir, backend === 'postgres' ? 'crud.json' : `crud-${backend}.json`);
    const summary = { at: new Date().toISOString(), backend, serverMode: mode, logLevel, connections, poolSize, seconds, warmup, jsonBytes, loadAverage: load1 };
    writeFileSync(out, JSON.stringify({ ...summary, database: settings, results, ratios, targets: TARGETS }, null, 2) + '\n');
    console.log(`figures written to ${out}`);
    if (failed) console.error(`some requests failed; see ${join(outDir, 'crud-server.log')}`);
  } finally {
    await raw?.close();
    await server?.stop();
    await serverDb.drop();
    await rawDb?.drop();
  }
  if (failed) process.exitCode = 1;
}

/** Creates `count` Patients over HTTP with as many concurrent callers as the benchmark uses; returns their ids. */
async function seed(base: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  let n = 0;
  const worker = async () => {
    while (n < count) {
      const body = JSON.stringify(patient(1_000_000 + n++));
      const response = await fetch(`${base}/Patient`, { method: 'POST', headers: { 'content-type': FHIR_JSON }, body });
      if (response.status !== 201) throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
      ids.push(((await response.json()) as Patient).id as string);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return ids;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
