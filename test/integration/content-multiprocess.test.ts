// Several server processes on one PostgreSQL database: content is loaded once, and a change made through one is seen by the other at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, freshDatabase } from '../helpers/backends.js';
import { startChildServer, type ChildServer } from '../helpers/child-server.js';
import { BASE } from '../helpers/profile-fixtures.js';

const postgres = backends().find((b) => b.name === 'postgres');

describe.skipIf(!postgres)('two server processes sharing PostgreSQL', () => {
  let servers: ChildServer[] = [];
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const db = await freshDatabase(postgres?.adminUrl as string);
    drop = db.drop;
    const env = { CONTENT_WRITABLE: 'true', LOAD_DEMO_DATA: 'false' };
    // Started together, so both run migrations and the content load at the same time.
    servers = await Promise.all([0, 1].map(() => startChildServer({ databaseUrl: db.url, env, startTimeoutMs: 120_000 })));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.kill('SIGTERM')));
    await drop?.();
  });

  const fhir = async (server: ChildServer, path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${server.baseUrl}/${path}`, {
      method: init.method ?? (init.body ? 'POST' : 'GET'),
      headers: { accept: 'application/fhir+json', 'content-type': 'application/fhir+json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, body: (await res.json()) as any };
  };

  it('concurrent start-ups load the content once: every loaded resource is at version 1', async () => {
    for (const path of ['StructureDefinition/referral-task', 'CodeSystem/community-support', 'ValueSet/icd10cm-asthma', 'SearchParameter/Task-business-status']) {
      const history = await fhir(servers[1], `${path}/_history`);
      expect(history.body.entry, path).toHaveLength(1);
    }
  });

  it('a CodeSystem changed through one process is used by the other at once', async () => {
    const check = async () =>
      (await fhir(servers[1], `ValueSet/$validate-code?url=${encodeURIComponent(`${BASE}/ValueSet/referral-status`)}&system=${encodeURIComponent(`${BASE}/CodeSystem/referral-status`)}&code=on-hold`)).body
        .parameter[0].valueBoolean;
    expect(await check()).toBe(false);
    const cs = (await fhir(servers[0], 'CodeSystem/referral-status')).body;
    const put = await fhir(servers[0], 'CodeSystem/referral-status', { method: 'PUT', body: { ...cs, concept: [...cs.concept, { code: 'on-hold', display: 'On hold' }] } });
    expect(put.status).toBe(200);
    expect(await check()).toBe(true);
  });
});
