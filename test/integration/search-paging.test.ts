// _sort, _count and paging (next/previous links walk the whole result once, in order), _total, _summary=count, _elements.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { entries, linkPath, seed, startSearchServer } from '../helpers/search.js';
import type { FhirResult, TestServer } from '../helpers/server.js';

const person = (id: string, families: string[], birthDate?: string): Resource =>
  ({ resourceType: 'Patient', id, ...(families.length ? { name: families.map((family) => ({ family })) } : {}), ...(birthDate ? { birthDate } : {}) }) as Resource;

const patients: Resource[] = [
  person('pg01', ['Adams'], '1980-01-01'),
  person('pg02', ['Baker'], '1975-05-05'),
  person('pg03', ['adams'], '1990-03-03'),
  person('pg04', [], '1980-01-01'),
  person('pg05', ['Clark']),
  // two names: ascending sorts use the lowest value, descending the highest
  person('pg06', ['Zed', 'Aaron']),
  person('pg07', ['Baker'], '1960-12-12'),
  person('pg08', ['Evans'], '2001-07-07'),
  person('pg09', []),
  person('pg10', ['Davis'], '1980-01-01'),
  person('pg11', ['Évans'], '1999-09-09'),
  person('pg12', ['Frank'], '1985'),
  person('pg13', ['Baker']),
];
const ALL = patients.map((p) => p.id as string);

/** Expected orders: missing values last, then ties by id. */
const orders: [sort: string, expected: string[]][] = [
  ['_id', ALL],
  ['-_id', [...ALL].reverse()],
  ['_lastUpdated', ALL],
  ['family', ['pg06', 'pg01', 'pg03', 'pg02', 'pg07', 'pg13', 'pg05', 'pg10', 'pg08', 'pg11', 'pg12', 'pg04', 'pg09']],
  ['-family', ['pg06', 'pg12', 'pg08', 'pg11', 'pg10', 'pg05', 'pg02', 'pg07', 'pg13', 'pg01', 'pg03', 'pg04', 'pg09']],
  ['birthdate', ['pg07', 'pg02', 'pg01', 'pg04', 'pg10', 'pg12', 'pg03', 'pg11', 'pg08', 'pg05', 'pg06', 'pg09', 'pg13']],
  ['-birthdate', ['pg08', 'pg11', 'pg03', 'pg12', 'pg01', 'pg04', 'pg10', 'pg02', 'pg07', 'pg05', 'pg06', 'pg09', 'pg13']],
  ['birthdate,-family', ['pg07', 'pg02', 'pg10', 'pg01', 'pg04', 'pg12', 'pg03', 'pg11', 'pg08', 'pg06', 'pg05', 'pg13', 'pg09']],
  ['-family,_id', ['pg06', 'pg12', 'pg08', 'pg11', 'pg10', 'pg05', 'pg02', 'pg07', 'pg13', 'pg01', 'pg03', 'pg04', 'pg09']],
  ['-family,-_id', ['pg06', 'pg12', 'pg11', 'pg08', 'pg10', 'pg05', 'pg13', 'pg07', 'pg02', 'pg03', 'pg01', 'pg09', 'pg04']],
];

const pageIds = (res: FhirResult) => entries(res.body, 'match').map((e) => e.resource?.id as string);

describe.each(backends())('search paging and result parameters on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSearchServer(backend);
    await seed(server, patients);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function get(path: string): Promise<FhirResult> {
    const res = await server.fhir(path);
    expect(res.status, `${path}: ${res.text}`).toBe(200);
    return res;
  }

  /** Follows next links from the first page; returns every page, then walks previous links back and checks they repeat the pages. */
  async function walk(first: string): Promise<string[][]> {
    const pages: string[][] = [];
    const paths: string[] = [];
    let path: string | undefined = first;
    while (path !== undefined) {
      const res = await get(path);
      pages.push(pageIds(res));
      paths.push(path);
      path = linkPath(server, res, 'next');
      expect(pages.length).toBeLessThanOrEqual(ALL.length + 1);
    }
    // walk back from the last page
    let back = linkPath(server, await get(paths[paths.length - 1]), 'previous');
    for (let i = pages.length - 2; i >= 0; i--) {
      expect(back, `previous link of page ${i + 2}`).toBeDefined();
      const res = await get(back as string);
      expect(pageIds(res), `page ${i + 1} walking back`).toEqual(pages[i]);
      back = linkPath(server, res, 'previous');
    }
    expect(back, 'the first page has no previous link').toBeUndefined();
    return pages;
  }

  it.each(orders)('_sort=%s orders matches with missing values last', async (sort, expected) => {
    expect(pageIds(await get(`Patient?_sort=${sort}`))).toEqual(expected);
  });

  describe.each([1, 2, 5, 12, 13])('_count=%i', (count) => {
    it.each(orders)('_sort=%s: next links reach every match once, in order; previous links walk back over the same pages', async (sort, expected) => {
      const pages = await walk(`Patient?_sort=${sort}&_count=${count}`);
      expect(pages.flat()).toEqual(expected);
      expect(pages.slice(0, -1).every((p) => p.length === count)).toBe(true);
      expect(pages.length).toBe(Math.ceil(expected.length / count));
    });
  });

  describe('sorting and paging on number, quantity, date (open periods), token and reference parameters', () => {
    const obs = (id: string, status: string, value: number | undefined, effective: Record<string, unknown>, subject?: string): Resource =>
      ({
        resourceType: 'Observation',
        id,
        status,
        code: { text: 'sorted' },
        ...(value !== undefined ? { valueQuantity: { value, unit: 'mg' } } : {}),
        ...effective,
        ...(subject ? { subject: { reference: `Patient/${subject}` } } : {}),
      }) as Resource;
    beforeAll(async () => {
      await seed(server, [
        obs('so1', 'final', 5, { effectiveDateTime: '2024-01-01' }, 'b'),
        obs('so2', 'amended', 10, { effectivePeriod: { start: '2023-12-01', end: '2024-02-01' } }, 'a'),
        obs('so3', 'final', undefined, {}, 'c'),
        obs('so4', 'preliminary', 7.5, { effectiveDateTime: '2024-01-01T10:00:00Z' }, 'a'),
        obs('so5', 'final', -1, { effectivePeriod: { start: '2022-01-01' } }, 'b'),
        obs('so6', 'final', 10, { effectivePeriod: { end: '2025' } }),
        obs('so7', 'final', 10, { effectiveDateTime: '2024-06-01' }, 'a'),
      ]);
    });
    const observationOrders: [string, string[]][] = [
      ['value-quantity', ['so5', 'so1', 'so4', 'so2', 'so6', 'so7', 'so3']],
      ['-value-quantity', ['so2', 'so6', 'so7', 'so4', 'so1', 'so5', 'so3']],
      ['date', ['so6', 'so5', 'so2', 'so1', 'so4', 'so7', 'so3']],
      ['-date', ['so5', 'so6', 'so7', 'so2', 'so1', 'so4', 'so3']],
      ['status', ['so2', 'so1', 'so3', 'so5', 'so6', 'so7', 'so4']],
      ['-status', ['so4', 'so1', 'so3', 'so5', 'so6', 'so7', 'so2']],
      ['subject', ['so2', 'so4', 'so7', 'so1', 'so5', 'so3', 'so6']],
      ['status,-value-quantity', ['so2', 'so6', 'so7', 'so1', 'so5', 'so3', 'so4']],
      ['-date,status', ['so5', 'so6', 'so7', 'so2', 'so1', 'so4', 'so3']],
    ];
    it.each(observationOrders)('_sort=%s, walked two at a time in both directions', async (sort, expected) => {
      expect(pageIds(await get(`Observation?_sort=${sort}`))).toEqual(expected);
      expect((await walk(`Observation?_sort=${sort}&_count=2`)).flat()).toEqual(expected);
      expect((await walk(`Observation?_sort=${sort}&_count=3`)).flat()).toEqual(expected);
    });
  });

  it('paging without _sort and with a filter still visits every match once', async () => {
    expect((await walk('Patient?_count=4')).flat().sort()).toEqual(ALL);
    expect((await walk('Patient?family=baker&_sort=birthdate&_count=1')).flat()).toEqual(['pg07', 'pg02', 'pg13']);
    expect((await walk('Patient?birthdate=1980&_sort=-family&_count=2')).flat()).toEqual(['pg10', 'pg01', 'pg04']);
  });

  it('links carry the query, _count and an opaque cursor; the first page has no previous link', async () => {
    const res = await get('Patient?_sort=family&_count=5');
    const self = linkPath(server, res, 'self') as string;
    const next = linkPath(server, res, 'next') as string;
    expect(self).toContain('_sort=family');
    expect(next).toContain('_sort=family');
    expect(next).toContain('_count=5');
    expect(next).toMatch(/_cursor=[A-Za-z0-9_-]+/);
    expect(linkPath(server, res, 'previous')).toBeUndefined();
    const last = await get('Patient?_sort=family&_count=50');
    expect(linkPath(server, last, 'next')).toBeUndefined();
  });

  it('a garbage, truncated or other-sort cursor is a 400', async () => {
    const next = linkPath(server, await get('Patient?_sort=family&_count=2'), 'next') as string;
    const cursor = new URL(`http://x${next}`).searchParams.get('_cursor') as string;
    expectOutcome(await server.fhir('Patient?_cursor=garbage'), 400);
    expectOutcome(await server.fhir(`Patient?_sort=family&_count=2&_cursor=${cursor.slice(0, -4)}`), 400);
    expectOutcome(await server.fhir(`Patient?_sort=birthdate&_count=2&_cursor=${cursor}`), 400);
    expectOutcome(await server.fhir(`Patient?_count=2&_cursor=${cursor}`), 400);
    expectOutcome(await server.fhir(`Patient?_sort=family&_count=2&_cursor=${Buffer.from('["next","family","pg01",[1,2,3]]').toString('base64url')}`), 400);
  });

  it.each(['Patient?_sort=nonsense', 'Patient?_sort=family:exact', 'Patient?_count=-1', 'Patient?_count=abc', 'Patient?_total=maybe'])('%s is a 400', async (query) => {
    expectOutcome(await server.fhir(query), 400);
  });

  it('_count above the maximum is clamped, not refused', async () => {
    expect(pageIds(await get('Patient?_count=100000'))).toHaveLength(ALL.length);
  });

  describe('_total, _summary=count and _count=0', () => {
    it('_total=accurate counts every match while returning one page', async () => {
      const res = await get('Patient?_total=accurate&_count=2');
      expect(res.body.total).toBe(13);
      expect(pageIds(res)).toHaveLength(2);
      expect((await get('Patient?family=baker&_total=accurate&_count=1')).body.total).toBe(3);
    });

    it('_total=estimate returns a number; _total=none omits it', async () => {
      const estimate = await get('Patient?_total=estimate&_count=2');
      expect(typeof estimate.body.total).toBe('number');
      expect(estimate.body.total).toBeGreaterThanOrEqual(0);
      expect((await get('Patient?_total=none')).body.total).toBeUndefined();
    });

    it('a single complete page reports its total without being asked', async () => {
      expect((await get('Patient?family=baker')).body.total).toBe(3);
    });

    it('_summary=count and _count=0 return the total and no entries', async () => {
      for (const query of ['Patient?_summary=count', 'Patient?_count=0']) {
        const res = await get(query);
        expect(res.body.total, query).toBe(13);
        expect(res.body.entry ?? [], query).toEqual([]);
      }
      expect((await get('Patient?family=baker&_summary=count')).body.total).toBe(3);
      expect((await get('Patient?family=nobody&_summary=count')).body.total).toBe(0);
    });

    it('an empty result has no empty entry array (FHIR JSON forbids empty arrays)', async () => {
      const res = await get('Patient?family=nobody');
      expect(res.body.total).toBe(0);
      expect(res.body.entry).toBeUndefined();
      expect((await get('Patient?_summary=count')).body.entry).toBeUndefined();
    });
  });

  describe('_elements and _summary shape the matched resources', () => {
    it('_elements keeps the listed elements plus id and meta, tagged SUBSETTED', async () => {
      const res = await get('Patient?_id=pg01&_elements=birthDate');
      const [resource] = entries(res.body, 'match').map((e) => e.resource as Resource & Record<string, unknown>);
      expect(resource.id).toBe('pg01');
      expect(resource.birthDate).toBe('1980-01-01');
      expect(resource.name).toBeUndefined();
      expect(resource.meta?.tag).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'SUBSETTED' })]));
      const both = entries((await get('Patient?_id=pg01&_elements=name,birthDate')).body, 'match')[0].resource as Resource & Record<string, unknown>;
      expect(both.name).toEqual([{ family: 'Adams' }]);
      expect(both.birthDate).toBe('1980-01-01');
    });

    it('_summary=true keeps summary elements only', async () => {
      const res = await get('Patient?_id=pg01&_summary=true');
      const resource = entries(res.body, 'match')[0].resource as Resource & Record<string, unknown>;
      expect(resource.birthDate).toBe('1980-01-01');
      expect(resource.meta?.tag).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'SUBSETTED' })]));
    });
  });

  it('keyset paging neither repeats nor skips resources when others are added between pages', async () => {
    await seed(server, ['b', 'd', 'f', 'h'].map((n) => ({ resourceType: 'Organization', id: `org-${n}`, name: n }) as Resource));
    const first = await get('Organization?_sort=name&_count=2');
    expect(pageIds(first)).toEqual(['org-b', 'org-d']);
    // one sorts before the boundary (never shown), one after it (shown on a later page)
    await seed(server, [{ resourceType: 'Organization', id: 'org-a', name: 'a' } as Resource, { resourceType: 'Organization', id: 'org-e', name: 'e' } as Resource]);
    const seen = [...pageIds(first)];
    let path = linkPath(server, first, 'next');
    while (path !== undefined) {
      const res = await get(path);
      seen.push(...pageIds(res));
      path = linkPath(server, res, 'next');
    }
    expect(seen).toEqual(['org-b', 'org-d', 'org-e', 'org-f', 'org-h']);
  });
});
