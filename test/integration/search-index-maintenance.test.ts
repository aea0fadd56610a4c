// Index rows follow each version: an update rewrites only what changed, and searches see exactly the current version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SYS = 'https://calaim-fhir.dev/fhir/sid/cin';

describe.each(backends())('index maintenance on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { loadContent: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  const ids = async (query: string) => ((await server.fhir(query)).body.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id);
  /** The index rows stored for the resource, as comparable strings, per table. */
  const stored = async (id: string) => {
    const rows = await server.db.query<{ t: string; r: string }>(
      `SELECT 'token' AS t, concat_ws('|', param, system, code, text_norm) AS r FROM idx_token WHERE resource_type = 'Patient' AND id = $1
       UNION ALL SELECT 'string', concat_ws('|', param, value_norm) FROM idx_string WHERE resource_type = 'Patient' AND id = $1
       UNION ALL SELECT 'date', concat_ws('|', param, low, high) FROM idx_date WHERE resource_type = 'Patient' AND id = $1
       UNION ALL SELECT 'reference', concat_ws('|', param, target_type, target_id) FROM idx_reference WHERE resource_type = 'Patient' AND id = $1
       ORDER BY 1, 2`,
      [id],
    );
    return rows.map((row) => `${row.t}:${row.r}`);
  };
  const put = async (body: Record<string, unknown>) => {
    const res = await server.fhir(`Patient/${body.id}`, { method: 'PUT', body: { resourceType: 'Patient', ...body } });
    expect(res.status, res.text).toBeLessThan(300);
  };

  it('an update leaves exactly the rows a fresh create of the same version would have (changed, removed, kept, system-less tokens)', async () => {
    const first = { id: 'im1', name: [{ family: 'Alvarez', given: ['Ana'] }], identifier: [{ system: SYS, value: '11111111A' }], gender: 'male', birthDate: '1980-01-01' };
    const second = {
      id: 'im1',
      name: [{ family: 'Baker', given: ['Ana'] }],
      identifier: [{ system: SYS, value: '11111111A' }, { value: 'no-system' }],
      gender: 'female',
      managingOrganization: { reference: 'Organization/o1' },
    };
    await put(first);
    await put(second);
    await put({ ...second, id: 'im1-fresh' });
    expect(await stored('im1')).toEqual(await stored('im1-fresh'));

    expect(await ids('Patient?family=alvarez')).toEqual([]);
    expect(await ids('Patient?family=baker&_sort=_id')).toEqual(['im1', 'im1-fresh']);
    expect(await ids('Patient?gender=male')).toEqual([]);
    expect(await ids('Patient?birthdate=1980-01-01')).toEqual([]);
    expect(await ids(`Patient?identifier=${SYS}|11111111A&_sort=_id`)).toEqual(['im1', 'im1-fresh']);
    expect(await ids('Patient?identifier=no-system&_sort=_id')).toEqual(['im1', 'im1-fresh']);
    expect(await ids('Patient?organization=Organization/o1&_sort=_id')).toEqual(['im1', 'im1-fresh']);
  });

  it('going back to an earlier version, repeating a value, then emptying the resource, the rows follow each time', async () => {
    const id = 'im2';
    const full = { id, name: [{ family: 'Chen' }], identifier: [{ system: SYS, value: '22222222B' }], gender: 'other' };
    await put(full);
    const rowsOfFull = await stored(id);
    await put({ id, name: [{ family: 'Diaz' }], identifier: [{ system: SYS, value: '22222222B' }, { system: SYS, value: '22222222B' }] });
    expect(await ids(`Patient?identifier=${SYS}|22222222B`)).toEqual([id]);
    expect(await ids('Patient?gender=other')).toEqual([]);
    await put(full);
    expect(await stored(id)).toEqual(rowsOfFull);
    await put({ id });
    expect(await ids('Patient?family=chen')).toEqual([]);
    expect(await ids(`Patient?identifier=${SYS}|22222222B`)).toEqual([]);
    expect((await stored(id)).filter((r) => !r.startsWith('token:deceased') && !r.startsWith('token:active'))).toEqual([]);
    expect((await server.fhir(`Patient/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await stored(id)).toEqual([]);
  });
});
