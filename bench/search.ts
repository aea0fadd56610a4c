// Search benchmark: a synthetic plan population (>= 100,000 resources) in PostgreSQL, the partner queries under autocannon, EXPLAIN of each.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon, { type Request } from 'autocannon';
import pg from 'pg';
import { memberCount, type PopulationSpec } from './population/generate.js';
import { loadPopulation } from './population/load.js';
import { databaseUrl, finishLoad, loadedFingerprint, populationFingerprint, recreateDatabase, storedSizes } from './population/prepare.js';
import { pagedPaths, searchWorkloads, type Workload } from './population/queries.js';
import { cpuUse, snapshot } from './support/cpu.js';
import { captureSql, explain, type ExplainedStatement } from './support/explain.js';
import { fromAutocannon, type Figures } from './support/figures.js';
import { startServerUnderTest, type ServerUnderTest } from './support/target.js';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';

const env = process.env;
const spec: PopulationSpec = { seed: Number(env.BENCH_SEED ?? 1), resources: Number(env.BENCH_RESOURCES ?? 100_000) };
const seconds = Number(env.BENCH_SECONDS ?? 10);
const warmup = Number(env.BENCH_WARMUP ?? 3);
const connections = Number(env.BENCH_CONNECTIONS ?? 10);
const poolSize = Number(env.BENCH_POOL_SIZE ?? 10);
const variants = Number(env.BENCH_VARIANTS ?? 500);
const loadConcurrency = Number(env.BENCH_LOAD_CONCURRENCY ?? 4);
const batchSize = Number(env.BENCH_BATCH_SIZE ?? 250);
const adminUrl = env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = env.BENCH_DATABASE ?? (spec.resources === 100_000 ? 'calaim_bench_search' : `calaim_bench_search_${spec.resources}`);
const only = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',')) : undefined;
const plansOnly = env.BENCH_PLANS_ONLY === '1';
const explainVariants = Number(env.BENCH_EXPLAIN_VARIANTS ?? 3);
const outDir = '.bench';
const TARGETS = { p99Ms: 50, reqPerSec: 500 };

function row(label: string, f: Figures, verdict: string): void {
  const num = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
  // CPU milliseconds per request for the server and PostgreSQL: what a request costs, whatever else the machine is doing.
  const perRequest = (cores: number) => num((cores * 1000) / f.reqPerSec, 2).padStart(6);
  const cores = f.cpu ? `${perRequest(f.cpu.serverCores)} ${perRequest(f.cpu.postgresCores)}   ${num(f.cpu.otherCores, 2).padStart(5)}` : '';
  const errors = f.errors ? `  (${f.errors} errors)` : '';
  console.log(`${label.padEnd(32)} ${num(f.reqPerSec, 0).padStart(6)} ${num(f.p50Ms).padStart(7)} ${num(f.p99Ms).padStart(7)}  ${verdict.padEnd(6)} ${cores}${errors}`);
}

/** Loads the population unless the database already holds exactly this one (same generator, seed, size and schema). */
async function ensurePopulation(): Promise<{ url: string; load?: Awaited<ReturnType<typeof loadPopulation>> }> {
  const url = databaseUrl(adminUrl, dbName);
  const wanted = populationFingerprint(spec);
  if (!env.BENCH_RELOAD && (await loadedFingerprint(adminUrl, dbName)) === wanted) {
    console.log(`reusing database ${dbName} (${wanted}); BENCH_RELOAD=1 reloads it`);
    return { url };
  }
  console.log(`loading ${spec.resources} resources into ${dbName} (${wanted}): the server's write pipeline in-process, transactions of ${batchSize}, ${loadConcurrency} in flight`);
  await recreateDatabase(adminUrl, dbName);
  // In-process, so the loader can use the repository exactly as src/server.ts wires it (hooks and index writers).
  const server = await startServer(loadConfig({ DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DB_POOL_SIZE: String(loadConcurrency) }));
  let lastReport = 0;
  try {
    const load = await loadPopulation({
      repo: server.repo,
      spec,
      batchSize,
      concurrency: loadConcurrency,
      onProgress: (n) => {
        if (n - lastReport < 50_000 && n < spec.resources) return;
        lastReport = n;
        console.log(`  ${n} loaded (${loadavg()[0].toFixed(1)} load average)`);
      },
    });
    console.log(`loaded ${load.resources} resources in ${load.seconds.toFixed(0)} s: ${load.perSecond.toFixed(0)} resources/s (load average ${loadavg()[0].toFixed(1)})`);
    await finishLoad(adminUrl, dbName, spec, { ...load, batchSize, loadConcurrency });
    return { url, load };
  } finally {
    await server.stop();
  }
}

/**
 * The planner's random_page_cost for the run: BENCH_RANDOM_PAGE_COST, else the server's (DB_RANDOM_PAGE_COST, default
 * 1.1; `off` leaves PostgreSQL's 4). The server under test gets it as DB_RANDOM_PAGE_COST, and the benchmark database
 * gets it too (ALTER DATABASE), so the EXPLAIN sessions here plan exactly as the server does.
 */
async function applyPlannerSettings(url: string): Promise<void> {
  const cost = env.BENCH_RANDOM_PAGE_COST ?? env.DB_RANDOM_PAGE_COST ?? String(loadConfig(env).randomPageCost ?? 'off');
  if (cost !== 'off' && !/^\d+(\.\d+)?$/.test(cost)) throw new Error(`BENCH_RANDOM_PAGE_COST must be a number or off, got "${cost}"`);
  process.env.DB_RANDOM_PAGE_COST = cost;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(cost === 'off' ? `ALTER DATABASE ${dbName} RESET random_page_cost` : `ALTER DATABASE ${dbName} SET random_page_cost = ${cost}`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  mkdirSync(join(outDir, 'search-plans'), { recursive: true });
  const { url, load } = await ensurePopulation();
  await applyPlannerSettings(url);
  const stored = await storedSizes(url);
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'calaim-bench-search' });
  let server: ServerUnderTest | undefined;
  let failed = false;
  try {
    const { rows } = await pool.query(`SELECT extract(epoch FROM min(last_updated)) * 1000 AS min, extract(epoch FROM max(last_updated)) * 1000 AS max FROM resource WHERE resource_type = 'Task'`);
    const workloads = searchWorkloads({ spec, members: memberCount(spec), taskUpdated: { min: Number(rows[0].min), max: Number(rows[0].max) }, variants }).filter(
      (w) => !only || only.has(w.name),
    );
    server = await startServerUnderTest({ mode: 'child', database: { databaseUrl: url, drop: async () => undefined }, poolSize, logLevel: 'warn', logFile: join(outDir, 'search-server.log'), nodeFlags: [] });
    const root = server.url;
    for (const w of workloads) if (w.paths.length === 1) w.paths = await pagedPaths(root, w.paths[0], 40);

    const total = stored.sizes.reduce((s, t) => s + t.count, 0);
    console.log(`population: ${total} resources, database ${(stored.databaseBytes / 2 ** 20).toFixed(0)} MiB`);
    console.log(`  ${stored.sizes.map((s) => `${s.type} ${s.count} (avg ${s.avgJsonBytes} B)`).join(', ')}`);
    console.log(`  index rows: ${Object.entries(stored.indexRows).map(([t, n]) => `${t} ${n}`).join(', ')}`);
    const plannerSetting = (await pool.query(`SELECT setting FROM pg_settings WHERE name = 'random_page_cost'`)).rows[0]?.setting as string;
    console.log(
      `${connections} connections, pool ${poolSize}, ${seconds} s per query after ${warmup} s warm-up, ${variants} value variants per query; ` +
        `random_page_cost ${plannerSetting}; load average ${loadavg()[0].toFixed(2)}`,
    );
    console.log(`${'query'.padEnd(32)} ${'req/s'.padStart(6)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}  target  CPU ms/req: server   db   other cores`);

    const pgPids = async () => (await pool.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((r) => Number(r.pid));
    const run = async (w: Workload, duration: number) => {
      let i = 0;
      const requests: Request[] = [{ setupRequest: (req) => ({ ...req, method: 'GET', path: w.paths[i++ % w.paths.length] }) }];
      return fromAutocannon(await autocannon({ url: root, connections, duration, headers: { accept: 'application/fhir+json' }, requests }));
    };
    const results: Record<string, Figures & { met: boolean }> = {};
    for (const w of plansOnly ? [] : workloads) {
      if (warmup > 0) await run(w, warmup);
      const pids = await pgPids();
      const before = snapshot(server.pid, pids);
      const figures = await run(w, seconds);
      figures.cpu = cpuUse(before, snapshot(server.pid, pids), false);
      const met = figures.p99Ms < TARGETS.p99Ms && figures.reqPerSec >= TARGETS.reqPerSec && figures.errors === 0;
      results[w.name] = { ...figures, met };
      row(w.name, figures, met ? 'met' : 'MISSED');
      if (figures.errors > 0) failed = true;
    }

    console.log(`\nEXPLAIN (ANALYZE, BUFFERS), ${explainVariants} value variants per query; full plans in ${join(outDir, 'search-plans')}/`);
    const plans: Record<string, { path: string; statements: Omit<ExplainedStatement, 'plan'>[] }[]> = {};
    for (const w of workloads) {
      const explained: { path: string; statements: ExplainedStatement[] }[] = [];
      for (const path of w.paths.slice(0, explainVariants)) {
        const statements: ExplainedStatement[] = [];
        for (const s of await captureSql(pool, path, 50)) statements.push(await explain(pool, s));
        explained.push({ path, statements });
      }
      const text = explained
        .map((e) => `### ${e.path}\n${e.statements.map((s) => `-- params: ${JSON.stringify(s.params)}\n${s.sql}\n\n${s.plan}`).join('\n\n')}`)
        .join('\n\n');
      writeFileSync(join(outDir, 'search-plans', `${w.name}.txt`), `${w.shape}\n\n${text}\n`);
      plans[w.name] = explained.map((e) => ({ path: e.path, statements: e.statements.map(({ plan: _plan, ...rest }) => rest) }));
      const all = explained.flatMap((e) => e.statements);
      const worst = Math.max(...all.map((s) => s.executionMs));
      const seq = [...new Set(all.flatMap((s) => s.seqScans))];
      const idx = [...new Set(all.flatMap((s) => s.indexScans))];
      console.log(`${w.name.padEnd(32)} worst ${worst.toFixed(2)} ms; ${seq.length ? `SEQ SCANS: ${seq.join(', ')}; ` : ''}${idx.join(', ')}`);
    }

    if (plansOnly) return;
    const missed = Object.entries(results).filter(([, f]) => !f.met).map(([n]) => n);
    console.log(`\ntargets at ${spec.resources} resources (p99 < ${TARGETS.p99Ms} ms and >= ${TARGETS.reqPerSec} req/s): ${missed.length ? `missed by ${missed.join(', ')}` : 'all met'}`);
    const noisy = Object.values(results).some((f) => (f.cpu?.otherCores ?? 0) > 0.2);
    if (noisy) console.log('note: other processes used CPU during the run (the "other" column); figures are pessimistic.');
    const out = join(outDir, spec.resources === 100_000 ? 'search.json' : `search-${spec.resources}.json`);
    const summary = { at: new Date().toISOString(), spec, fingerprint: populationFingerprint(spec), connections, poolSize, seconds, warmup, variants, randomPageCost: plannerSetting, loadAverage: loadavg()[0] };
    writeFileSync(out, JSON.stringify({ ...summary, load, stored, results, targets: TARGETS, plans }, null, 2) + '\n');
    console.log(`figures written to ${out}`);
  } finally {
    await server?.stop();
    await pool.end();
  }
  if (failed) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
