// Eligibility benchmark: members/s on one core (fast path vs fhirpath.js in the same run), and single-member $ecm-eligibility over HTTP.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import autocannon, { type Request } from 'autocannon';
import type { Bundle } from '@medplum/fhirtypes';
import { parseFullDate } from '../src/eligibility/calendar.js';
import { DateValue } from '../src/eligibility/date-value.js';
import { evaluateMember } from '../src/eligibility/evaluate.js';
import type { EvaluationStats, Mode } from '../src/eligibility/expression.js';
import { memberData, usableEntries } from '../src/eligibility/member.js';
import { packagedRuleSet } from '../src/eligibility/packaged-rules.js';
import { generateMembers, type GeneratedMember } from '../test/helpers/eligibility-generator.js';
import { seededRandom } from '../test/helpers/random.js';
import { fromAutocannon } from './support/figures.js';
import { createPgliteDirectory, createPostgresDatabase, startServerUnderTest, type Database } from './support/target.js';

const env = process.env;
const SIZE = Number(env.BENCH_MEMBER_SIZE ?? 150);
const MEMBERS = Number(env.BENCH_MEMBERS ?? 3000);
const REFERENCE_MEMBERS = Number(env.BENCH_REFERENCE_MEMBERS ?? 400);
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const backend = env.BENCH_BACKEND ?? (env.DATABASE_URL ? 'postgres' : 'pglite');
const TARGETS = { membersPerSecond: 2000, speedUp: 20, p99Ms: 50 };

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Run {
  members: number;
  wallMs: number;
  cpuMs: number;
}

const CHUNK = 100;

/**
 * Evaluates members one after another on this thread, as a batch job reading member files would: a chunk of members is
 * parsed from JSON (not timed), then each is indexed and evaluated once (timed), then the chunk is dropped.
 */
function run(members: string[], mode: Mode, stats?: EvaluationStats): Run {
  const rules = packagedRuleSet();
  const total: Run = { members: members.length, wallMs: 0, cpuMs: 0 };
  for (let at = 0; at < members.length; at += CHUNK) {
    const chunk = members.slice(at, at + CHUNK).map((text) => JSON.parse(text) as GeneratedMember);
    const [wall0, cpu0] = [performance.now(), cpuMs()];
    for (const { asOf, bundle } of chunk) {
      const day = parseFullDate(asOf) as number;
      evaluateMember(rules, memberData(usableEntries(bundle.entry ?? []), day), new DateValue(day, asOf), { mode, stats });
    }
    total.wallMs += performance.now() - wall0;
    total.cpuMs += cpuMs() - cpu0;
  }
  return total;
}

const perSecond = (r: Run, by: 'wallMs' | 'cpuMs') => (r.members / r[by]) * 1000;
const mark = (ok: boolean) => (ok ? 'ok' : 'BELOW TARGET');

function engine(): { fast: number; speedUp: number } {
  const resources = (ms: GeneratedMember[]) => ms.reduce((n, m) => n + (m.bundle.entry?.length ?? 0), 0) / ms.length;
  const generated = [...generateMembers(seededRandom(20260615), MEMBERS, SIZE, false)];
  console.log(`members: ${MEMBERS} seeded random members of ${resources(generated).toFixed(0)} resources (the Patient included)`);
  const members = generated.map((m) => JSON.stringify(m));
  generated.length = 0;
  packagedRuleSet();
  // Warm up both evaluators (JIT) before measuring: one whole pass of the fast path, a few members on fhirpath.js.
  run(members, 'fast');
  run(members.slice(0, 30), 'reference');
  // Interleaved rounds, so both evaluators meet the same load from the rest of the machine.
  const stats: EvaluationStats = { compiled: 0, fhirpath: 0, handedOver: 0, errors: 0 };
  const fast: Run = { members: 0, wallMs: 0, cpuMs: 0 };
  const reference: Run = { members: 0, wallMs: 0, cpuMs: 0 };
  const add = (total: Run, r: Run) => ((total.members += r.members), (total.wallMs += r.wallMs), (total.cpuMs += r.cpuMs));
  const rounds = 10;
  const perRound = Math.ceil(MEMBERS / rounds);
  const refPerRound = Math.max(1, Math.ceil(REFERENCE_MEMBERS / rounds));
  const ratios: number[] = [];
  let [sameRef, sameFast] = [0, 0];
  for (let i = 0; i < rounds; i++) {
    add(fast, run(members.slice(i * perRound, (i + 1) * perRound), 'fast', stats));
    // The speed-up compares the two evaluators on the same members, one right after the other.
    const same = members.slice(i * perRound, i * perRound + refPerRound);
    // Alternate which goes first, so neither always finds the other's leftovers in the caches.
    const [r, f] = i % 2 === 0 ? [run(same, 'reference'), run(same, 'fast')] : (([b, a]) => [a, b])([run(same, 'fast'), run(same, 'reference')]);
    add(reference, r);
    ratios.push(r.cpuMs / f.cpuMs);
    [sameRef, sameFast] = [sameRef + r.cpuMs, sameFast + f.cpuMs];
  }
  // The median of the rounds' ratios: a burst of load from elsewhere on the machine moves one round, not the figure.
  ratios.sort((a, b) => a - b);
  const medianRatio = (ratios[(rounds - 1) >> 1] + ratios[rounds >> 1]) / 2;
  // JSON.parse of each member, for the end-to-end figure of a batch job reading members from files.
  const cpu0 = cpuMs();
  for (const t of members.slice(0, fast.members)) JSON.parse(t) as Bundle;
  const parseMs = cpuMs() - cpu0;
  const fastCpu = perSecond(fast, 'cpuMs');
  const refCpu = perSecond(reference, 'cpuMs');
  const speedUp = medianRatio;
  console.log('');
  console.log('evaluator            members/s (wall)  members/s (CPU, one core)  per member');
  console.log(`fast path            ${perSecond(fast, 'wallMs').toFixed(0).padStart(17)}  ${fastCpu.toFixed(0).padStart(25)}  ${((fast.cpuMs / fast.members) * 1000).toFixed(0)} us`);
  console.log(`fhirpath.js          ${perSecond(reference, 'wallMs').toFixed(0).padStart(17)}  ${refCpu.toFixed(0).padStart(25)}  ${((reference.cpuMs / reference.members) * 1000).toFixed(0)} us  (${reference.members} of the members)`);
  console.log(`fast path + JSON.parse of each member: ${((fast.members / (fast.cpuMs + parseMs)) * 1000).toFixed(0)} members/s (CPU)`);
  console.log(`expressions: ${stats.compiled} compiled runs, ${stats.fhirpath} on fhirpath.js, ${stats.handedOver} handed over at run time, ${stats.errors} errors`);
  console.log(
    `speed-up over fhirpath.js on the same ${reference.members} members: ${speedUp.toFixed(1)}x (median of ${rounds} interleaved rounds, ${ratios[0].toFixed(1)}x to ${ratios[rounds - 1].toFixed(1)}x; pooled ${(sameRef / sameFast).toFixed(1)}x)`,
  );
  console.log(`target >= ${TARGETS.membersPerSecond} members/s on one core: ${mark(fastCpu >= TARGETS.membersPerSecond)}; target >= ${TARGETS.speedUp}x: ${mark(speedUp >= TARGETS.speedUp)}`);
  return { fast: fastCpu, speedUp };
}

async function http(): Promise<void> {
  const database: Database = backend === 'postgres' ? await createPostgresDatabase(env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test', 'calaim_bench_eligibility') : createPgliteDirectory();
  mkdirSync('.bench', { recursive: true });
  const server = await startServerUnderTest({ mode: 'child', database, poolSize: 10, logLevel: 'warn', logFile: join('.bench', 'eligibility-server.log'), nodeFlags: [] });
  try {
    const base = `${server.url}/fhir`;
    const members = [...generateMembers(seededRandom(7), 50, SIZE, false)];
    const posted: Request[] = members.map((m) => ({ method: 'POST', path: `/fhir/Patient/$ecm-eligibility?asOf=${m.asOf}`, headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(m.bundle) }));
    // The stored form: members of valid data written as transactions first.
    const stored: Request[] = [];
    for (const m of generateMembers(seededRandom(8), 20, SIZE, false, { valid: true })) {
      const id = m.bundle.entry?.[0].resource?.id as string;
      const tx = { resourceType: 'Bundle', type: 'transaction', entry: (m.bundle.entry ?? []).map((e) => ({ resource: e.resource, request: { method: 'PUT', url: `${e.resource?.resourceType}/${e.resource?.id}` } })) };
      const res = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(tx) });
      if (res.ok) stored.push({ method: 'GET', path: `/fhir/Patient/${id}/$ecm-eligibility?asOf=${m.asOf}` });
      else console.warn(`member ${id} not stored: ${(await res.text()).slice(0, 300)}`);
    }
    console.log('');
    console.log(`HTTP, one connection, ${SECONDS} s each, server on ${backend} (child process); ${members[0].bundle.entry?.length} resources per member`);
    console.log('form                                  req/s    p50 ms   p99 ms  errors');
    for (const [label, requests] of [
      ['POST Patient/$ecm-eligibility', posted],
      ['GET Patient/[id]/$ecm-eligibility', stored],
    ] as const) {
      if (requests.length === 0) continue;
      await autocannon({ url: server.url, connections: 1, duration: 2, requests: [...requests] });
      const f = fromAutocannon(await autocannon({ url: server.url, connections: 1, duration: SECONDS, requests: [...requests] }));
      console.log(`${label.padEnd(36)} ${f.reqPerSec.toFixed(0).padStart(6)} ${f.p50Ms.toFixed(1).padStart(9)} ${f.p99Ms.toFixed(1).padStart(8)} ${String(f.errors).padStart(7)}  p99 < ${TARGETS.p99Ms} ms: ${mark(f.p99Ms < TARGETS.p99Ms)}`);
    }
  } finally {
    await server.stop();
    await database.drop();
  }
}

engine();
if (env.BENCH_ONLY !== 'engine') await http();
