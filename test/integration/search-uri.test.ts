// uri search (R4 search §uri): exact, :below and :above by path segment for URLs, versions of canonical URLs,
// plain prefixes for URNs; and the SQL can use the idx_uri value index.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uriCondition } from '../../src/search/filters/uri.js';
import { SqlParams } from '../../src/search/sql.js';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { searchIds, seed, startSearchServer } from '../helpers/search.js';
import type { TestServer } from '../helpers/server.js';

const A = 'http://acme.org';
const SD = `${A}/fhir/StructureDefinition/member`;

const valueSets: [id: string, url: string][] = [
  ['v1', `${A}/fhir/ValueSet`],
  ['v2', `${A}/fhir/ValueSet/123`],
  ['v3', `${A}/fhir/ValueSetX`],
  ['v4', `${A}/fhir/ValueSet/123/expansion`],
  ['v5', `${A}/fhir/`],
  ['v6', A],
  ['v7', `${A}/fhir/ValueSet?status=active`],
  ['v8', 'http://acme.org.evil.example/fhir/ValueSet/123'],
  ['v9', 'urn:oid:2.16.840.1.113883'],
  ['v10', 'urn:oid:2.16.840.1.113883.4.1'],
  ['v11', 'urn:oid:2.16.840.1.1138839'],
  ['v12', 'https://acme.org/fhir/ValueSet/123'],
  ['v13', `${A}/fhir/Value_et`],
  ['v14', `${A}/fhir/ValueSet/123#part`],
];

const profiles: [id: string, profile: string][] = [
  ['p1', SD],
  ['p2', `${SD}|1.2`],
  ['p3', `${SD}|1.2.3`],
  ['p4', `${SD}|1.20`],
  ['p5', `${SD}|2.0`],
  ['p6', `${SD}-child`],
  ['p7', `${SD}/sub`],
];

const data: Resource[] = [
  ...valueSets.map(([id, url]) => ({ resourceType: 'ValueSet', id, status: 'active', url }) as Resource),
  ...profiles.map(([id, profile]) => ({ resourceType: 'Patient', id, meta: { profile: [profile] } }) as Resource),
];

const q = (name: string, value: string) => `${name}=${encodeURIComponent(value)}`;

const cases: [query: string, expected: string[]][] = [
  // exact: the whole value, case-sensitive
  [`ValueSet?${q('url', `${A}/fhir/ValueSet`)}`, ['v1']],
  [`ValueSet?${q('url', `${A}/fhir/valueset`)}`, []],
  [`ValueSet?${q('url', `${A}/fhir/ValueSet/`)}`, []],
  // :below on a URL: the value and everything under it by path segment (query, fragment and |version included)
  [`ValueSet?${q('url:below', `${A}/fhir/ValueSet`)}`, ['v1', 'v14', 'v2', 'v4', 'v7']],
  [`ValueSet?${q('url:below', `${A}/fhir/ValueSet/`)}`, ['v1', 'v14', 'v2', 'v4', 'v7']],
  [`ValueSet?${q('url:below', `${A}/fhir/ValueSet/123`)}`, ['v14', 'v2', 'v4']],
  [`ValueSet?${q('url:below', `${A}/fhir`)}`, ['v1', 'v13', 'v14', 'v2', 'v3', 'v4', 'v5', 'v7']],
  [`ValueSet?${q('url:below', A)}`, ['v1', 'v13', 'v14', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7']],
  [`ValueSet?${q('url:below', `${A}/`)}`, ['v1', 'v13', 'v14', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7']],
  [`ValueSet?${q('url:below', `${A}/fhir/ValueSet/1`)}`, []],
  // a query or fragment has nothing below it
  [`ValueSet?${q('url:below', `${A}/fhir/ValueSet?status=active`)}`, ['v7']],
  [`ValueSet?${q('url:below', `${A}/fhir/ValueSet?status=`)}`, []],
  // LIKE wildcards in the value are literal characters
  [`ValueSet?${q('url:below', `${A}/fhir/Value_et`)}`, ['v13']],
  [`ValueSet?${q('url:below', `${A}/fhir/Value%`)}`, []],
  // not a hierarchical URL: a plain string prefix
  [`ValueSet?${q('url:below', 'urn:oid:2.16.840.1.113883')}`, ['v10', 'v11', 'v9']],
  [`ValueSet?${q('url:below', 'urn:oid:2.16.840.1.113883.')}`, ['v10']],
  [`ValueSet?${q('url:below', 'http://')}`, ['v1', 'v13', 'v14', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8']],
  // :above on a URL: the stored values that are the value or a path ancestor of it
  [`ValueSet?${q('url:above', `${A}/fhir/ValueSet/123/expansion/extra`)}`, ['v1', 'v2', 'v4', 'v5', 'v6']],
  [`ValueSet?${q('url:above', `${A}/fhir/ValueSet/123`)}`, ['v1', 'v2', 'v5', 'v6']],
  [`ValueSet?${q('url:above', `${A}/fhir/ValueSetX/1`)}`, ['v3', 'v5', 'v6']],
  [`ValueSet?${q('url:above', `${A}/fhir/`)}`, ['v5', 'v6']],
  [`ValueSet?${q('url:above', `${A}/fhir/ValueSet/123?x=1`)}`, ['v1', 'v2', 'v5', 'v6']],
  [`ValueSet?${q('url:above', `${A}/fhir/ValueSet/123#part`)}`, ['v1', 'v14', 'v2', 'v5', 'v6']],
  [`ValueSet?${q('url:above', `${A}/fhir/ValueSet?status=active`)}`, ['v1', 'v5', 'v6', 'v7']],
  [`ValueSet?${q('url:above', 'https://acme.org/fhir/ValueSet/123')}`, ['v12']],
  [`ValueSet?${q('url:above', 'http://acme.org.evil.example/x')}`, []],
  [`ValueSet?${q('url:above', 'urn:oid:2.16.840.1.113883.4.1.7')}`, ['v10', 'v9']],
  [`ValueSet?${q('url:above', 'urn:oid:2.16.840.1.11388')}`, []],
  // several values are OR'd; repeating the parameter is AND
  [`ValueSet?${q('url:below', `urn:oid:2.16.840.1.113883.,${A}/fhir/ValueSet/123`)}`, ['v10', 'v14', 'v2', 'v4']],
  [`ValueSet?${q('url:below', A)}&${q('url:above', `${A}/fhir/ValueSet/9`)}`, ['v1', 'v5', 'v6']],
  // canonical versions (meta.profile): :below takes dotted sub-versions, :above parent versions and the unversioned URL
  [`Patient?${q('_profile', `${SD}|1.2`)}`, ['p2']],
  [`Patient?${q('_profile:below', SD)}`, ['p1', 'p2', 'p3', 'p4', 'p5', 'p7']],
  [`Patient?${q('_profile:below', `${SD}|1.2`)}`, ['p2', 'p3']],
  [`Patient?${q('_profile:below', `${SD}|1`)}`, ['p2', 'p3', 'p4']],
  [`Patient?${q('_profile:below', `${SD}|1.2.3`)}`, ['p3']],
  [`Patient?${q('_profile:above', `${SD}|1.2.3`)}`, ['p1', 'p2', 'p3']],
  [`Patient?${q('_profile:above', `${SD}|1.20`)}`, ['p1', 'p4']],
  [`Patient?${q('_profile:above', `${SD}/sub`)}`, ['p1', 'p7']],
  [`Patient?${q('_profile:above', `${SD}-child|3`)}`, ['p6']],
];

describe.each(backends())('uri search on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSearchServer(backend);
    await seed(server, data);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual([...expected].sort());
  });

  it.each(['ValueSet?url:contains=acme', 'ValueSet?url:exact=x'])('%s is a 400', async (query) => {
    expectOutcome(await server.fhir(query), 400);
  });

  /**
   * The plan of a lookup of idx_uri rows by the condition, over enough other rows (added, then rolled back) that the
   * planner chooses by selectivity rather than by table size.
   */
  async function plan(modifier: 'below' | 'above' | undefined, value: string): Promise<string> {
    const sql = new SqlParams();
    const text = `SELECT id FROM idx_uri a WHERE a.resource_type = ${sql.add('ValueSet')} AND a.param = ${sql.add('url')} AND ${uriCondition(sql, 'a', modifier, [value])}`;
    class RollBack extends Error {
      constructor(readonly plan: string) {
        super('roll back');
      }
    }
    try {
      await server.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO idx_uri (resource_type, id, param, value)
           SELECT 'ValueSet', 'synthetic-' || g, 'url', CASE WHEN g % 2 = 0 THEN 'http://synthetic.example/ValueSet/' || g ELSE 'urn:oid:1.3.6.1.' || g END
             FROM generate_series(1, 5000) g`,
        );
        await tx.query('ANALYZE idx_uri');
        const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, sql.values);
        throw new RollBack(rows.map((r) => r['QUERY PLAN']).join('\n'));
      });
    } catch (err) {
      if (err instanceof RollBack) return err.plan;
      throw err;
    }
    throw new Error('unreachable');
  }

  it.each([
    // the LIKE prefix becomes an index range (~>=~ / ~<~ on text_pattern_ops); :above is equality with a few candidates
    ['below' as const, `${A}/fhir/ValueSet`, /~>=~.*~<~/],
    ['below' as const, `${A}/fhir/ValueSet|1.2`, /~>=~.*~<~/],
    ['below' as const, 'urn:oid:2.16.840', /~>=~.*~<~/],
    ['above' as const, `${A}/fhir/ValueSet/123`, /value = ANY/],
    [undefined, `${A}/fhir/ValueSet/123`, /value = ANY/],
  ])(':%s %s reads idx_uri_value by value', async (modifier, value, condition) => {
    const text = await plan(modifier, value);
    const uses = text.split('\n').findIndex((line) => line.includes('idx_uri_value'));
    expect(uses, text).toBeGreaterThanOrEqual(0);
    const indexCond = text.split('\n').slice(uses + 1).find((line) => line.includes('Index Cond'));
    expect(indexCond, text).toMatch(condition);
  });
});
