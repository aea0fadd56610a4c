// The storage contract both drivers must honour, exercised through the Repository interface itself.
import type { Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/context.js';
import { FhirError } from '../../src/fhir/errors.js';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ctx = systemContext('contract-test');
const patient = (family: string): Patient => ({ resourceType: 'Patient', name: [{ family }] });

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 0;
  } catch (err) {
    if (err instanceof FhirError) return err.status;
    throw err;
  }
}

describe.each(backends())('Repository contract on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('create with a caller-chosen id that is taken is a 409, and the stored resource is unchanged', async () => {
    const first = await server.repo.create(ctx, patient('First'), { id: 'contract-fixed' });
    expect(first.id).toBe('contract-fixed');
    expect(await status(server.repo.create(ctx, patient('Second'), { id: 'contract-fixed' }))).toBe(409);
    expect(((await server.repo.read(ctx, 'Patient', 'contract-fixed')) as Patient).name?.[0].family).toBe('First');
  });

  it('a transaction that throws leaves nothing behind, including index rows', async () => {
    await expect(
      server.repo.transaction(ctx, async (tx) => {
        await tx.create(ctx, patient('Rollback'), { id: 'contract-rollback' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await server.repo.readCurrent(ctx, 'Patient', 'contract-rollback')).toBeUndefined();
    const rows = await server.repo.select<{ n: string }>(ctx, "SELECT count(*)::text AS n FROM idx_string WHERE id = 'contract-rollback'", []);
    expect(rows[0].n).toBe('0');
  });

  it('writes inside a transaction are visible to reads in it and commit together', async () => {
    await server.repo.transaction(ctx, async (tx) => {
      await tx.create(ctx, patient('A'), { id: 'contract-a' });
      expect(await tx.readCurrent(ctx, 'Patient', 'contract-a')).toBeDefined();
      await tx.update(ctx, { ...patient('B'), id: 'contract-a' });
    });
    const stored = (await server.repo.read(ctx, 'Patient', 'contract-a')) as Patient;
    expect(stored.meta?.versionId).toBe('2');
    expect(stored.name?.[0].family).toBe('B');
  });

  it('update with a stale ifMatch is a 412; delete then read is a 410; history keeps every version', async () => {
    await server.repo.create(ctx, patient('V1'), { id: 'contract-v' });
    await server.repo.update(ctx, { ...patient('V2'), id: 'contract-v' }, { ifMatch: '1' });
    expect(await status(server.repo.update(ctx, { ...patient('V3'), id: 'contract-v' }, { ifMatch: '1' }))).toBe(412);
    await server.repo.delete(ctx, 'Patient', 'contract-v');
    expect(await status(server.repo.read(ctx, 'Patient', 'contract-v'))).toBe(410);
    const history = await server.repo.history(ctx, { resourceType: 'Patient', id: 'contract-v', count: 10 });
    expect(history.entries.map((e) => [e.versionId, e.method, e.deleted])).toEqual([
      ['3', 'DELETE', true],
      ['2', 'PUT', false],
      ['1', 'POST', false],
    ]);
    expect(history.total).toBe(3);
  });

  it('reindex rebuilds index rows without duplicating them', async () => {
    await server.repo.create(ctx, patient('Indexed'), { id: 'contract-idx' });
    const count = async () =>
      (await server.repo.select<{ n: string }>(ctx, "SELECT count(*)::text AS n FROM idx_string WHERE resource_type = 'Patient' AND id = 'contract-idx'", []))[0].n;
    const before = await count();
    expect(Number(before)).toBeGreaterThan(0);
    expect((await server.repo.reindex(ctx, 'Patient', { id: 'contract-idx', limit: 10 })).count).toBe(1);
    expect(await count()).toBe(before);
  });
});
