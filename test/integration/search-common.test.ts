// Parameters for all resources (R4 search §common parameters): _id, _lastUpdated, _tag, _profile, _security, _source;
// and uri parameters with :below and :above.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { searchIds, seed, startSearchServer } from '../helpers/search.js';
import type { TestServer } from '../helpers/server.js';

const TAGS = 'urn:calaim:tags';
const CONF = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const PROFILE = 'http://calaim.example.org/fhir/StructureDefinition/ecm-member';
const VS = 'http://calaim.example.org/fhir/ValueSet';

const data: Resource[] = [
  {
    resourceType: 'Patient',
    id: 'm1',
    meta: { tag: [{ system: TAGS, code: 'pilot' }], security: [{ system: CONF, code: 'R' }], profile: [PROFILE], source: 'urn:calaim:source:ehr-a' },
  },
  { resourceType: 'Patient', id: 'm2', meta: { tag: [{ system: TAGS, code: 'pilot' }, { system: 'urn:other:tags', code: 'batch-7' }], source: 'urn:calaim:source:ehr-b#req-12' } },
  { resourceType: 'Patient', id: 'm3', meta: { tag: [{ code: 'pilot' }], security: [{ system: CONF, code: 'N' }], profile: [`${PROFILE}|1.0`] } },
  { resourceType: 'Patient', id: 'm4' },
  { resourceType: 'ValueSet', id: 'u1', status: 'active', url: `${VS}/ecm` },
  { resourceType: 'ValueSet', id: 'u2', status: 'active', url: `${VS}/ecm/adult` },
  { resourceType: 'ValueSet', id: 'u3', status: 'active', url: 'http://other.example.org/ValueSet/ecm' },
  { resourceType: 'ValueSet', id: 'u4', status: 'active', url: 'urn:oid:2.16.840.1.113883.3.1' },
  { resourceType: 'ValueSet', id: 'u5', status: 'draft' },
];

const cases: [query: string, expected: string[]][] = [
  ['Patient?_id=m1', ['m1']],
  ['Patient?_id=m1,m3,nobody', ['m1', 'm3']],
  ['Patient?_id=m1&_id=m3', []],
  ['Patient?_id=M1', []],
  ['Patient?_id=u1', []],
  ['Patient?_id:not=m1', ['m2', 'm3', 'm4']],
  // _tag and _security are tokens on meta Codings
  [`Patient?_tag=${TAGS}|pilot`, ['m1', 'm2']],
  ['Patient?_tag=pilot', ['m1', 'm2', 'm3']],
  ['Patient?_tag=|pilot', ['m3']],
  ['Patient?_tag=urn:other:tags|batch-7', ['m2']],
  [`Patient?_tag=${TAGS}|`, ['m1', 'm2']],
  [`Patient?_tag:not=${TAGS}|pilot`, ['m3', 'm4']],
  ['Patient?_tag:missing=true', ['m4']],
  [`Patient?_tag=${TAGS}|pilot&_tag=batch-7`, ['m2']],
  [`Patient?_security=${CONF}|R`, ['m1']],
  ['Patient?_security=R,N', ['m1', 'm3']],
  [`Patient?_security:not=${CONF}|R`, ['m2', 'm3', 'm4']],
  // _profile is a canonical uri; a |version suffix is part of the stored value
  [`Patient?_profile=${PROFILE}`, ['m1']],
  [`Patient?_profile=${PROFILE}|1.0`, ['m3']],
  [`Patient?_profile:below=${PROFILE}`, ['m1', 'm3']],
  ['Patient?_profile:missing=true', ['m2', 'm4']],
  // _source is a uri
  ['Patient?_source=urn:calaim:source:ehr-a', ['m1']],
  ['Patient?_source=urn:calaim:source:ehr-b', []],
  ['Patient?_source:below=urn:calaim:source:', ['m1', 'm2']],
  // uri: exact (case-sensitive), :below (starts with), :above (the stored URI starts the value)
  [`ValueSet?url=${VS}/ecm`, ['u1']],
  [`ValueSet?url=${VS}/ECM`, []],
  [`ValueSet?url=${VS}/ecm,urn:oid:2.16.840.1.113883.3.1`, ['u1', 'u4']],
  [`ValueSet?url:below=${VS}/`, ['u1', 'u2']],
  [`ValueSet?url:below=${VS}/ecm`, ['u1', 'u2']],
  ['ValueSet?url:below=http://', ['u1', 'u2', 'u3']],
  [`ValueSet?url:above=${VS}/ecm/adult/v2`, ['u1', 'u2']],
  [`ValueSet?url:above=${VS}/ecm`, ['u1']],
  [`ValueSet?url:above=${VS}`, []],
  ['ValueSet?url:below=urn:oid:2.16.840.1.113883', ['u4']],
  ['ValueSet?url:missing=true', ['u5']],
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(backends())('common parameters on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSearchServer(backend);
    await seed(server, data);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });

  describe('_lastUpdated compares meta.lastUpdated with date semantics', () => {
    const stamps: string[] = [];
    beforeAll(async () => {
      for (const id of ['lu1', 'lu2', 'lu3']) {
        const res = await server.fhir(`Basic/${id}`, { method: 'PUT', body: { resourceType: 'Basic', id, code: { text: 'timed' } } });
        expect(res.status).toBe(201);
        stamps.push(res.body.meta.lastUpdated);
        await sleep(15);
      }
    });
    const q = (value: string) => searchIds(server, `Basic?_lastUpdated=${encodeURIComponent(value)}`);
    /** The same instant written in a -08:00 zone. */
    const pacific = (iso: string) => new Date(Date.parse(iso) - 8 * 3600_000).toISOString().replace('Z', '-08:00');

    it('eq, gt, ge, lt, le, sa, eb at millisecond precision', async () => {
      const [t1, t2, t3] = stamps;
      expect(await q(t2)).toEqual(['lu2']);
      expect(await q(`eq${t2}`)).toEqual(['lu2']);
      expect(await q(`gt${t1}`)).toEqual(['lu2', 'lu3']);
      expect(await q(`ge${t2}`)).toEqual(['lu2', 'lu3']);
      expect(await q(`lt${t3}`)).toEqual(['lu1', 'lu2']);
      expect(await q(`le${t2}`)).toEqual(['lu1', 'lu2']);
      expect(await q(`sa${t2}`)).toEqual(['lu3']);
      expect(await q(`eb${t2}`)).toEqual(['lu1']);
      expect(await q(`ne${t2}`)).toEqual(['lu1', 'lu3']);
    });

    it('a value in another zone is the same instant', async () => {
      expect(await q(pacific(stamps[1]))).toEqual(['lu2']);
      expect(await q(`gt${pacific(stamps[1])}`)).toEqual(['lu3']);
    });

    it('a day covers the whole day; AND makes a window', async () => {
      const day = stamps[1].slice(0, 10);
      expect(await q(day)).toEqual(['lu1', 'lu2', 'lu3'].filter((_, i) => stamps[i].startsWith(day)));
      expect(await searchIds(server, `Basic?_lastUpdated=gt${encodeURIComponent(stamps[0])}&_lastUpdated=lt${encodeURIComponent(stamps[2])}`)).toEqual(['lu2']);
      expect(await q('gt2099')).toEqual([]);
      expect(await q('lt2000')).toEqual([]);
      expect(await q('ge2000')).toEqual(['lu1', 'lu2', 'lu3']);
    });

    it('_lastUpdated:missing=true matches nothing and :missing=false everything', async () => {
      expect(await searchIds(server, 'Basic?_lastUpdated:missing=true')).toEqual([]);
      expect(await searchIds(server, 'Basic?_lastUpdated:missing=false')).toEqual(['lu1', 'lu2', 'lu3']);
    });
  });

  it.each(['Patient?_id:exact=m1', 'Patient?_lastUpdated=yesterday', 'ValueSet?url:contains=ecm', 'Patient?_tag=a|b|c'])('%s is a 400', async (query) => {
    expectOutcome(await server.fhir(query), 400);
  });
});
