// Acknowledged writes survive a kill -9: concurrent writers, SIGKILL mid-load, restart on the same data, read everything back.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, freshDatabase } from '../helpers/backends.js';
import { startChildServer, type ChildServer } from '../helpers/child-server.js';
import { seededRandom, seedFrom, type Random } from '../helpers/random.js';

const MARK = 'urn:calaim-test:durability';
const LOOPS = 8;
const ROUNDS = 2;
/** Kill no earlier than this, and only once this many writes have been acknowledged in the round. */
const MIN_LOAD_MS = 1500;
const MIN_ACKS_PER_ROUND = 150;

type Json = Record<string, unknown>;

/** What the server acknowledged last for one resource: the version and the exact content (without id/meta). */
interface Acked {
  version: number;
  content?: Json;
  deleted?: boolean;
}

interface Ledger {
  acked: Map<string, Acked>;
  /** Every marker ever sent, acknowledged or not: anything stored must carry one of them. */
  sent: Set<string>;
  /** Transactions whose two resources must be visible together or not at all. */
  transactions: Set<string>;
  /** Resources whose DELETE was sent but not acknowledged (yet): after a kill they may be deleted or not. */
  deleting: Set<string>;
  /** Resources of the written types that were there before the first writer started. */
  preexisting: Set<string>;
  writes: { attempted: number; acknowledged: number; byKind: Record<string, number> };
}

function markerOf(resource: Json | undefined): string | undefined {
  const identifiers = resource?.identifier as { system?: string; value?: string }[] | undefined;
  return identifiers?.find((i) => i.system === MARK)?.value;
}

function contentOf(resource: Json): Json {
  const { id: _id, meta: _meta, ...rest } = resource;
  return rest;
}

function patientContent(marker: string, rng: Random): Json {
  return {
    resourceType: 'Patient',
    identifier: [{ system: MARK, value: marker }],
    active: rng.chance(0.5),
    name: [{ family: `Family-${marker}`, given: ['Durable', `G${rng.int(1000)}`] }],
    birthDate: `19${10 + rng.int(90)}-0${1 + rng.int(9)}-1${rng.int(10)}`,
    // Some bulk, so writes span more than one WAL record.
    address: [{ line: [`${rng.int(9999)} ${'Main Street '.repeat(1 + rng.int(20))}`.trim()], city: 'Sacramento', state: 'CA' }],
  };
}

function observationContent(marker: string, subject: string): Json {
  return {
    resourceType: 'Observation',
    identifier: [{ system: MARK, value: marker }],
    status: 'final',
    code: { text: `durability ${marker}` },
    subject: { reference: subject },
    valueString: marker,
  };
}

interface Call {
  status: number;
  body: Json | undefined;
}

async function call(baseUrl: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Call> {
  const response = await fetch(`${baseUrl}/${path}`, {
    method,
    headers: { accept: 'application/fhir+json', ...(body !== undefined ? { 'content-type': 'application/fhir+json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // Only a complete body counts as an acknowledgement.
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : undefined };
}

/** One writer: creates, updates, patches, deletes its own resources and posts transactions, one request at a time. */
async function writer(baseUrl: string, ledger: Ledger, rng: Random, tag: string, isKilled: () => boolean): Promise<void> {
  const owned: string[] = [];
  for (let seq = 0; !isKilled(); seq++) {
    const marker = `${tag}-${seq}`;
    const roll = rng.next();
    const kind = owned.length === 0 || roll < 0.3 ? 'create' : roll < 0.6 ? 'update' : roll < 0.75 ? 'patch' : roll < 0.9 ? 'transaction' : 'delete';
    ledger.sent.add(marker);
    ledger.writes.attempted++;
    try {
      if (kind === 'create') {
        const content = patientContent(marker, rng);
        const res = await call(baseUrl, 'POST', 'Patient', content);
        if (res.status !== 201) throw new Error(`create answered ${res.status}`);
        const key = `Patient/${res.body?.id as string}`;
        ledger.acked.set(key, { version: Number((res.body?.meta as Json).versionId), content });
        owned.push(key);
      } else if (kind === 'update' || kind === 'patch') {
        const key = rng.pick(owned);
        const previous = ledger.acked.get(key) as Acked;
        const id = key.split('/')[1];
        let content: Json;
        let res: Call;
        if (kind === 'update') {
          content = patientContent(marker, rng);
          res = await call(baseUrl, 'PUT', key, { ...content, id }, { 'if-match': `W/"${previous.version}"` });
        } else {
          content = structuredClone(previous.content as Json);
          (content.identifier as Json[])[0].value = marker;
          (content.name as Json[])[0].family = `Family-${marker}`;
          const ops = [
            { op: 'test', path: `/identifier/0/system`, value: MARK },
            { op: 'replace', path: '/identifier/0/value', value: marker },
            { op: 'replace', path: '/name/0/family', value: `Family-${marker}` },
          ];
          res = await call(baseUrl, 'PATCH', key, ops, { 'content-type': 'application/json-patch+json' });
        }
        if (res.status !== 200) throw new Error(`${kind} answered ${res.status}`);
        const version = Number((res.body?.meta as Json).versionId);
        expect(version).toBe(previous.version + 1);
        ledger.acked.set(key, { version, content });
      } else if (kind === 'delete') {
        const key = owned.splice(rng.int(owned.length), 1)[0];
        const previous = ledger.acked.get(key) as Acked;
        ledger.deleting.add(key);
        const res = await call(baseUrl, 'DELETE', key);
        if (res.status !== 200) throw new Error(`delete answered ${res.status}`);
        ledger.deleting.delete(key);
        ledger.acked.set(key, { version: previous.version + 1, deleted: true });
      } else {
        const patient = patientContent(`${marker}-p`, rng);
        const placeholder = `urn:uuid:${randomUUID()}`;
        const observation = observationContent(`${marker}-o`, placeholder);
        ledger.sent.add(`${marker}-p`).add(`${marker}-o`);
        ledger.transactions.add(marker);
        const bundle = {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            { fullUrl: placeholder, resource: patient, request: { method: 'POST', url: 'Patient' } },
            { resource: observation, request: { method: 'POST', url: 'Observation' } },
          ],
        };
        const res = await call(baseUrl, 'POST', '', bundle);
        if (res.status !== 200) throw new Error(`transaction answered ${res.status}`);
        const [p, o] = (res.body?.entry as { response: { location: string } }[]).map((e) => e.response.location.split('/_history/')[0]);
        ledger.acked.set(p, { version: 1, content: patient });
        ledger.acked.set(o, { version: 1, content: { ...observation, subject: { reference: p } } });
        owned.push(p);
      }
      ledger.writes.acknowledged++;
      ledger.writes.byKind[kind] = (ledger.writes.byKind[kind] ?? 0) + 1;
    } catch (err) {
      // After the kill every request fails; before it, nothing may.
      if (isKilled()) return;
      throw err;
    }
  }
}

/** Fires LOOPS writers, SIGKILLs the server mid-load and returns when every writer has stopped. */
async function loadAndKill(server: ChildServer, ledger: Ledger, rng: Random, round: number): Promise<void> {
  let killed = false;
  const before = ledger.writes.acknowledged;
  const started = Date.now();
  const writers = Array.from({ length: LOOPS }, (_, i) => writer(server.baseUrl, ledger, seededRandom(rng.int(2 ** 32)), `r${round}w${i}`, () => killed));
  const failed = Promise.race(writers.map((w) => w.then(() => new Promise<never>(() => undefined))));
  const killer = (async () => {
    while (Date.now() - started < MIN_LOAD_MS + rng.int(1000) || ledger.writes.acknowledged - before < MIN_ACKS_PER_ROUND) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    killed = true;
    const exit = await server.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
  })();
  await Promise.race([killer, failed]);
  await Promise.all([killer, ...writers]);
}

async function readAll(baseUrl: string, firstPath: string): Promise<Json[]> {
  const entries: Json[] = [];
  let url: string | undefined = `${baseUrl}/${firstPath}`;
  while (url) {
    const res: Response = await fetch(url, { headers: { accept: 'application/fhir+json' } });
    expect(res.status).toBe(200);
    const bundle = (await res.json()) as { entry?: Json[]; link?: { relation: string; url: string }[] };
    entries.push(...(bundle.entry ?? []));
    url = bundle.link?.find((l) => l.relation === 'next')?.url;
  }
  return entries;
}

/** The types the writers use; the server may hold others of its own (conformance content, demo data). */
const WRITTEN_TYPES = ['Patient', 'Observation'];

async function storedIds(server: ChildServer): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const type of WRITTEN_TYPES) for (const entry of await readAll(server.baseUrl, `${type}/_history?_count=1000`)) ids.add(new URL(entry.fullUrl as string).pathname.split('/fhir/')[1]);
  return ids;
}

/** Every acknowledged version reads back exactly; nothing stored is foreign, half-written or half a transaction. */
async function verify(server: ChildServer, ledger: Ledger): Promise<{ checked: number; aheadOfAck: number; stored: number }> {
  let aheadOfAck = 0;
  const keys = [...ledger.acked.keys()];
  for (let i = 0; i < keys.length; i += 16) {
    await Promise.all(
      keys.slice(i, i + 16).map(async (key) => {
        const expected = ledger.acked.get(key) as Acked;
        const current = await call(server.baseUrl, 'GET', key);
        if (expected.deleted) {
          expect(current.status, `${key} was deleted at version ${expected.version}`).toBe(410);
          return;
        }
        if (current.status === 410 && ledger.deleting.has(key)) {
          // The delete in flight at the kill committed: it must be exactly the next version.
          const history = await call(server.baseUrl, 'GET', `${key}/_history`);
          const newest = (history.body?.entry as { response: { etag: string } }[])[0];
          expect(newest.response.etag, `${key} deleted without acknowledgement`).toBe(`W/"${expected.version + 1}"`);
          aheadOfAck++;
        } else {
          expect(current.status, `${key} acknowledged at version ${expected.version}`).toBe(200);
          const version = Number((current.body?.meta as Json).versionId);
          expect(version, `${key} version`).toBeGreaterThanOrEqual(expected.version);
          // A writer has at most one request in flight per resource, so at most one unacknowledged version may follow.
          expect(version, `${key} version`).toBeLessThanOrEqual(expected.version + 1);
          if (version === expected.version) expect(contentOf(current.body as Json), key).toEqual(expected.content);
          else aheadOfAck++;
        }
        const acked = await call(server.baseUrl, 'GET', `${key}/_history/${expected.version}`);
        expect(acked.status, `${key}/_history/${expected.version}`).toBe(200);
        expect(contentOf(acked.body as Json), `${key}/_history/${expected.version}`).toEqual(expected.content);
      }),
    );
  }
  const history = (await Promise.all(WRITTEN_TYPES.map((type) => readAll(server.baseUrl, `${type}/_history?_count=1000`)))).flat();
  const seen = new Set<string>();
  for (const entry of history) {
    const resource = entry.resource as Json | undefined;
    if (!resource) continue; // a deletion
    if (ledger.preexisting.has(`${resource.resourceType}/${resource.id}`)) continue;
    expect(typeof resource.id).toBe('string');
    expect((resource.meta as Json).versionId).toMatch(/^\d+$/);
    const marker = markerOf(resource);
    expect(marker !== undefined && ledger.sent.has(marker), `stored ${resource.resourceType}/${resource.id as string} carries marker ${marker}`).toBe(true);
    seen.add(marker as string);
  }
  for (const tx of ledger.transactions) expect(seen.has(`${tx}-p`), `transaction ${tx} is all or nothing`).toBe(seen.has(`${tx}-o`));
  return { checked: keys.length, aheadOfAck, stored: history.length };
}

describe.each(backends())('Acknowledged writes survive a kill -9 on $name', (backend) => {
  let dataDir: string | undefined;
  let databaseUrl: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  let server: ChildServer | undefined;

  beforeAll(async () => {
    if (backend.name === 'postgres') ({ url: databaseUrl, drop } = await freshDatabase(backend.adminUrl as string));
    else dataDir = join(mkdtempSync(join(tmpdir(), 'calaim-durability-')), 'data');
  });
  afterAll(async () => {
    await server?.kill('SIGKILL');
    await drop?.();
    if (dataDir) rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('every acknowledged create, update, patch, delete and transaction reads back after SIGKILL mid-load and a restart', async () => {
    const seed = seedFrom('DURABILITY_SEED');
    const rng = seededRandom(seed);
    const ledger: Ledger = { acked: new Map(), sent: new Set(), transactions: new Set(), deleting: new Set(), preexisting: new Set(), writes: { attempted: 0, acknowledged: 0, byKind: {} } };
    const results: string[] = [];
    for (let round = 1; round <= ROUNDS + 1; round++) {
      // Demo data is beside the point here and slows every restart.
      server = await startChildServer({ databaseUrl, dataDir, env: { LOAD_DEMO_DATA: 'false' } });
      if (round === 1) ledger.preexisting = await storedIds(server);
      if (round > 1) {
        const r = await verify(server, ledger);
        results.push(`after kill ${round - 1}: ${r.checked} acknowledged resources checked (${r.aheadOfAck} one unacknowledged version ahead), ${r.stored} versions stored`);
      }
      if (round > ROUNDS) break;
      await loadAndKill(server, ledger, rng, round);
    }
    const exit = await server?.kill('SIGTERM');
    expect(exit?.code).toBe(0);
    const { attempted, acknowledged, byKind } = ledger.writes;
    console.warn(`[durability ${backend.name}] seed ${seed}: ${acknowledged}/${attempted} writes acknowledged ${JSON.stringify(byKind)}; ${results.join('; ')}`);
  }, 240_000);
});
