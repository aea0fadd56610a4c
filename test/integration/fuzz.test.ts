// Fuzzing the FHIR API: thousands of random and mutated requests; the server must answer each with a 4xx OperationOutcome or a success, never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { generateCase, type FuzzCase, type KnownIds } from '../helpers/fuzz-cases.js';
import { seededRandom, seedFrom } from '../helpers/random.js';
import { patient, startTestServer, type TestServer } from '../helpers/server.js';

const CASES = Number(process.env.FUZZ_CASES ?? 2000);
const CONCURRENCY = 4;
/** 501 is how the server says "not implemented yet" on purpose (e.g. conditional create); only with not-supported does it count as an answer. */
const DELIBERATE_501 = 'not-supported';

interface Outcome {
  resourceType?: string;
  issue?: { severity?: string; code?: string; diagnostics?: string }[];
}

/** Why a response is unacceptable, or undefined when it is fine. */
function problem(c: FuzzCase, status: number, text: string): string | undefined {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const outcome = body as Outcome | undefined;
  const isOutcome = outcome?.resourceType === 'OperationOutcome' && Array.isArray(outcome.issue) && outcome.issue.length > 0 && outcome.issue.every((i) => i.severity && i.code);
  // Error bodies are the server's own words; successful ones may carry any client or content text.
  if (status >= 400 && STACK_OR_SOURCE.test(text)) return 'response leaks a stack trace or source path';
  if (status >= 500 && !(status === 501 && isOutcome && outcome?.issue?.[0].code === DELIBERATE_501)) return `server error ${status}`;
  if (status >= 400 && c.method !== 'HEAD' && !isOutcome) return `${status} without an OperationOutcome`;
  if (status < 300 && text && (body === undefined || typeof (body as { resourceType?: unknown }).resourceType !== 'string')) return `${status} with a body that is not a FHIR resource`;
  // A batch answers 200 and reports each entry's own status: those must not be server errors either.
  const entries = (body as { type?: string; entry?: { response?: { status?: string; outcome?: Outcome } }[] } | undefined)?.entry ?? [];
  if ((body as { type?: string } | undefined)?.type?.endsWith('-response')) {
    const bad = entries.find((e) => /^5/.test(e.response?.status ?? '') && !(/^501/.test(e.response?.status ?? '') && e.response?.outcome?.issue?.[0]?.code === DELIBERATE_501));
    if (bad) return `batch entry answered ${bad.response?.status}`;
  }
  return undefined;
}

/** V8 stack frames ("at fn (/path/file.ts:1:2)", "at file:///...:1:2") and source paths. */
const STACK_OR_SOURCE = /\bat (?:[^\s()]+ \()?(?:file:\/\/|\/|node:)[^\s()]*:\d+:\d+|node_modules\/|\/src\/[\w/-]+\.ts\b/;

/** A seed per case, so one case can be replayed alone with FUZZ_SEED and FUZZ_ONLY. */
function caseSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + index * 0x27d4eb2f) >>> 0;
}

describe.each(backends())('Fuzzing the FHIR API on $name', (backend) => {
  let server: TestServer;
  const ids: KnownIds = { patients: [], observations: [] };

  beforeAll(async () => {
    // FUZZ_LOG_LEVEL=error shows the server's own account of a failing case.
    server = await startTestServer(backend, { logLevel: process.env.FUZZ_LOG_LEVEL ?? 'silent' });
    for (let i = 0; i < 6; i++) {
      const p = await server.fhir('Patient', { body: patient(`Fuzz${i}`) });
      ids.patients.push(p.body.id);
      const o = await server.fhir('Observation', { body: { resourceType: 'Observation', status: 'final', code: { text: 'fuzz' }, subject: { reference: `Patient/${p.body.id}` } } });
      ids.observations.push(o.body.id);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it(`${CASES} random and mutated requests get no 5xx, and every 4xx is an OperationOutcome with an issue`, async () => {
    const seed = seedFrom('FUZZ_SEED');
    const only = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);
    const indexes = only === undefined ? Array.from({ length: CASES }, (_, i) => i) : [only];
    const statuses: Record<string, number> = {};
    const failures: string[] = [];
    const started = Date.now();
    let next = 0;
    let slowest = { ms: 0, index: -1, label: '' };
    const worker = async () => {
      while (next < indexes.length) {
        const index = indexes[next++];
        const c = generateCase(seededRandom(caseSeed(seed, index)), ids);
        const where = `case ${index} (FUZZ_SEED=${seed} FUZZ_ONLY=${index}): ${c.method} /fhir/${c.path.slice(0, 120)} ${JSON.stringify(c.headers)} ${c.label}`;
        const caseStarted = Date.now();
        try {
          const response = await fetch(`${server.baseUrl}/${c.path}`, { method: c.method, headers: c.headers, body: c.body, signal: AbortSignal.timeout(30_000) });
          const text = await response.text();
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          const why = problem(c, response.status, text);
          if (why) failures.push(`${where}\n  -> ${why}: ${text.slice(0, 300)}`);
          const ms = Date.now() - caseStarted;
          if (ms > slowest.ms) slowest = { ms, index, label: `${c.method} ${c.label}` };
        } catch (err) {
          statuses.error = (statuses.error ?? 0) + 1;
          failures.push(`${where}\n  -> no response: ${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? '')}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.warn(`[fuzz ${backend.name}] seed ${seed}: ${indexes.length} cases in ${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${JSON.stringify(statuses)}; slowest case ${slowest.index} (${slowest.ms} ms, ${slowest.label})`);
    expect(failures.slice(0, 20), `${failures.length} bad responses`).toEqual([]);
  }, 180_000);

  // Each of these once answered 500; the random run above found them.
  const nested = (depth: number) => `{"resourceType":"Patient","extension":${'['.repeat(depth)}{}${']'.repeat(depth)}}`;
  const regressions: { name: string; path: string; body: string; headers?: Record<string, string>; status: number }[] = [
    { name: 'JSON nested 20,000 levels deep is refused with 400 (the validator overflowed the stack)', path: 'Patient', body: nested(20_000), status: 400 },
    { name: 'a resource nested too deep inside $validate Parameters is refused with 400', path: 'Patient/$validate', body: `{"resourceType":"Parameters","parameter":[{"name":"resource","resource":${nested(20_000)}}]}`, status: 400 },
    { name: 'a string with an unpaired surrogate is refused with 400 (PostgreSQL jsonb cannot store it)', path: 'Patient', body: '{"resourceType":"Patient","name":[{"family":"\\ud800x"}]}', status: 400 },
    { name: 'a string with a NUL character is refused with 400', path: 'Patient', body: '{"resourceType":"Patient","name":[{"family":"a\\u0000b"}]}', status: 400 },
    { name: 'a body that is not the gzip its Content-Encoding claims is refused with 400', path: 'Patient', body: '{"resourceType":"Patient"}', headers: { 'content-encoding': 'gzip' }, status: 400 },
    { name: 'a transaction entry whose request.url is not a string is refused with 400', path: '', body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'GET', url: 42 } }] }), status: 400 },
    { name: 'a transaction entry whose request.method is not a string is refused with 400', path: '', body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: ['GET'], url: 'Patient' } }] }), status: 400 },
    { name: 'a transaction entry that is null is refused with 400', path: '', body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [null] }), status: 400 },
    { name: '$validate with Parameters.parameter not an array is refused with 400', path: 'Patient/$validate', body: JSON.stringify({ resourceType: 'Parameters', parameter: { name: 'resource' } }), status: 400 },
    { name: '$validate with a null parameter is refused with 400', path: 'Patient/$validate', body: JSON.stringify({ resourceType: 'Parameters', parameter: [null] }), status: 400 },
    { name: 'a primitive extension that is a string is refused with 422', path: 'Patient', body: JSON.stringify({ resourceType: 'Patient', birthDate: '1980-01-01', _birthDate: 'x' }), status: 422 },
    { name: 'a primitive extension that is an array beside a single value is refused with 422', path: 'Patient', body: JSON.stringify({ resourceType: 'Patient', birthDate: '1980-01-01', _birthDate: ['x'] }), status: 422 },
    { name: 'a megabyte string where an Identifier belongs is refused with 422 at once (the validator took half a minute)', path: 'Patient', body: JSON.stringify({ resourceType: 'Patient', identifier: ['x'.repeat(1_000_000)] }), status: 422 },
    { name: 'a megabyte string where a primitive\'s extensions belong (_birthDate.extension) is refused with 422 at once (the validator took 15 s)', path: 'Patient', body: JSON.stringify({ resourceType: 'Patient', birthDate: '1980-01-01', _birthDate: { extension: 'x'.repeat(1_000_000) } }), status: 422 },
    { name: 'an unknown property named "constructor" is refused with 422 (the validator let it through to storage)', path: 'Patient', body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Doe', constructor: [] }] }), status: 422 },
    { name: 'a primitive extension with a "valueOf" key is refused with 422', path: 'Patient', body: JSON.stringify({ resourceType: 'Patient', birthDate: '1980-01-01', _birthDate: { valueOf: {} } }), status: 422 },
  ];
  it.each(regressions)('$name', async ({ path, body, headers, status }) => {
    const response = await fetch(`${server.baseUrl}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json', ...headers },
      body,
    });
    const text = await response.text();
    expect(text.length).toBeLessThan(10_000);
    const outcome = JSON.parse(text) as Outcome;
    expect({ status: response.status, resourceType: outcome.resourceType }).toEqual({ status, resourceType: 'OperationOutcome' });
    expect(outcome.issue?.length).toBeGreaterThan(0);
  });

  it('a JSON Patch nested too deep inside a transaction PATCH entry is refused with 400 before it is applied', async () => {
    // Around 5,000 levels this overflowed the validator (500) or fast-json-patch (400 by accident), depending on the JIT.
    const patch = `[{"op":"add","path":"/extension","value":[${'{"url":"http://x","extension":['.repeat(5000)}${']}'.repeat(5000)}]}]`;
    const binary = { resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from(patch).toString('base64') };
    const res = await server.fhir('', { body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: binary, request: { method: 'PATCH', url: `Patient/${ids.patients[0]}` } }] } });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toMatch(/nests deeper than/);
    expect(res.body.issue[0].expression).toEqual(['Bundle.entry[0].resource.data']);
  });

  // The first two answered 500: a cyclic resource, then a TypeError in the check added against it.
  it.each([
    { name: 'moves the whole resource into one of its elements', ops: [{ op: 'move', from: '', path: '/gender' }] },
    { name: 'holds null instead of an operation', ops: [null] },
    { name: 'has an operation whose op and path are not strings', ops: [{ op: ['replace'], path: 5, value: false }] },
  ])('a JSON Patch that $name is refused with 400 and changes nothing', async ({ ops }) => {
    const before = await server.fhir('Patient', { body: patient('Patched') });
    const id = before.body.id;
    const res = await server.fhir(`Patient/${id}`, { method: 'PATCH', body: ops, headers: { 'content-type': 'application/json-patch+json' } });
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect((await server.fhir(`Patient/${id}`)).body.meta.versionId).toBe(before.body.meta.versionId);
  });

  it('a 3,000-letter family name is stored and reads back (its search index row exceeded btree\'s 2,704-byte limit: a 500)', async () => {
    // Random letters, so PostgreSQL cannot compress the index row under the limit.
    const rng = seededRandom(42);
    const family = Array.from({ length: 3000 }, () => String.fromCharCode(97 + rng.int(26))).join('');
    const created = await server.fhir('Patient', { body: { resourceType: 'Patient', name: [{ family }] } });
    expect(created.status, created.text.slice(0, 300)).toBe(201);
    expect((await server.fhir(`Patient/${created.body.id}`)).body.name[0].family).toBe(family);
  });

  it('a primitive extension array of Elements and nulls beside an array is still accepted', async () => {
    const res = await server.fhir('Patient', { body: { resourceType: 'Patient', name: [{ given: ['A', 'B'], _given: [null, { extension: [{ url: 'http://x', valueString: 'y' }] }] }] } });
    expect(res.status).toBe(201);
  });

  it('JSON nested up to the limit is still accepted', async () => {
    // 4 levels for Patient.extension[0].extension, then 2 per nested extension.
    let extension: unknown = { url: 'http://x', valueString: 'leaf' };
    for (let depth = 4; depth + 2 < 120; depth += 2) extension = { url: 'http://x', extension: [extension] };
    const res = await server.fhir('Patient', { body: { resourceType: 'Patient', extension: [extension] } });
    expect(res.status).toBe(201);
  });

  it('is healthy afterwards: /readyz answers 200, a create reads back, and no prototype was polluted', async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    const created = await server.fhir('Patient', { body: patient('AfterFuzz') });
    expect(created.status).toBe(201);
    const read = await server.fhir(`Patient/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect(read.body.polluted).toBeUndefined();
    // The server runs in this process, so a polluted Object.prototype would show here too.
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
