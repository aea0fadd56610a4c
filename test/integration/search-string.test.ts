// string search parameters (R4 search §string): starts-with, case- and accent-insensitive by default; :exact, :contains; HumanName and Address parts.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { searchIds, seed, startSearchServer } from '../helpers/search.js';
import type { TestServer } from '../helpers/server.js';

const patients: Resource[] = [
  {
    resourceType: 'Patient',
    id: 's1',
    name: [{ family: 'Müller', given: ['Anna', 'Maria'] }],
    address: [{ line: ['12 Main St', 'Apt 4'], city: 'Sacramento', state: 'CA', postalCode: '95814', country: 'USA' }],
  },
  { resourceType: 'Patient', id: 's2', name: [{ family: 'Muller', given: ['Bob'] }], address: [{ city: 'San Diego', district: 'San Diego County' }] },
  { resourceType: 'Patient', id: 's3', name: [{ text: 'José van der Berg', family: 'van der Berg', given: ['José'] }], address: [{ text: '1 Ocean Ave, Los Angeles', city: 'Los Angeles' }] },
  { resourceType: 'Patient', id: 's4', name: [{ family: 'MULLIGAN', given: ['Chris'], prefix: ['Dr.'], suffix: ['Jr.'] }] },
  { resourceType: 'Patient', id: 's5', gender: 'unknown' },
  { resourceType: 'Patient', id: 's6', name: [{ family: 'Doe,Jane' }] },
  { resourceType: 'Patient', id: 's7', name: [{ family: 'Doering' }] },
  { resourceType: 'Patient', id: 's8', name: [{ family: '100%_Real' }] },
];

const cases: [query: string, expected: string[]][] = [
  // default: starts-with, case- and accent-insensitive
  ['family=mul', ['s1', 's2', 's4']],
  ['family=MUL', ['s1', 's2', 's4']],
  ['family=Müll', ['s1', 's2', 's4']],
  ['family=MÜLLER', ['s1', 's2']],
  ['family=muller', ['s1', 's2']],
  ['family=ller', []],
  ['family=Müllerin', []],
  // wildcard characters are literal
  ['family=100%25_', ['s8']],
  ['family=1%25', []],
  ['family=_', []],
  // :contains anywhere in the value, still case- and accent-insensitive
  ['family:contains=ller', ['s1', 's2']],
  ['family:contains=LIG', ['s4']],
  ['family:contains=üll', ['s1', 's2', 's4']],
  ['family:contains=%25', ['s8']],
  // :exact: the whole value, case- and accent-sensitive
  ['family:exact=Müller', ['s1']],
  ['family:exact=Muller', ['s2']],
  ['family:exact=muller', []],
  ['family:exact=Müll', []],
  ['family:exact=van der Berg', ['s3']],
  // name covers every HumanName part: text, family, given, prefix, suffix
  ['name=jose', ['s3']],
  ['name=josé van', ['s3']],
  ['name=van', ['s3']],
  ['name=berg', []],
  ['name:contains=berg', ['s3']],
  ['name=maria', ['s1']],
  ['name=dr', ['s4']],
  ['name=jr.', ['s4']],
  ['given=maria', ['s1']],
  ['given=anna', ['s1']],
  ['given=chr', ['s4']],
  ['given=mul', []],
  // address covers every Address part; address-* parameters one part each
  ['address=12 main', ['s1']],
  ['address=apt', ['s1']],
  ['address=main', []],
  ['address:contains=main', ['s1']],
  ['address=sacra', ['s1']],
  ['address=958', ['s1']],
  ['address=ca', ['s1']],
  ['address=usa', ['s1']],
  ['address=san diego county', ['s2']],
  ['address=1 ocean', ['s3']],
  ['address=los', ['s3']],
  ['address-city=san', ['s2']],
  ['address-city=los angeles', ['s3']],
  ['address-city=LOS ANGELES', ['s3']],
  ['address-city=angeles', []],
  ['address-postalcode=95814', ['s1']],
  ['address-state=ca', ['s1']],
  ['address-country=usa', ['s1']],
  // OR with commas, a literal comma escaped as \,
  ['family=mul,van', ['s1', 's2', 's3', 's4']],
  ['family=doe,zzz', ['s6', 's7']],
  ['family=doe\\,jane', ['s6']],
  ['family=doe\\,', ['s6']],
  ['family:exact=Doe\\,Jane', ['s6']],
  // AND with repeated parameters
  ['family=mul&given=bob', ['s2']],
  ['family=mul&family=muller', ['s1', 's2']],
  ['family=mul&family=mulli', ['s4']],
  ['name=anna&name=maria', ['s1']],
  ['name=anna&name=bob', []],
  // :missing
  ['family:missing=true', ['s5']],
  ['family:missing=false', ['s1', 's2', 's3', 's4', 's6', 's7', 's8']],
  ['address:missing=true', ['s4', 's5', 's6', 's7', 's8']],
];

describe.each(backends())('string search on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSearchServer(backend);
    await seed(server, patients);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(cases)('Patient?%s', async (query, expected) => {
    expect(await searchIds(server, `Patient?${query.replace(/ /g, '%20')}`)).toEqual(expected);
  });

  it('string parameters on other resource types match the same way (Organization?name, Practitioner?given)', async () => {
    await seed(server, [
      { resourceType: 'Organization', id: 'so1', name: 'Clínica Esperanza', alias: ['CE Health'] },
      { resourceType: 'Organization', id: 'so2', name: 'Esperanza Community Clinic' },
      { resourceType: 'Practitioner', id: 'spr1', name: [{ family: 'Nguyễn', given: ['Thảo'] }] },
    ]);
    expect(await searchIds(server, 'Organization?name=clinica')).toEqual(['so1']);
    expect(await searchIds(server, 'Organization?name=esperanza')).toEqual(['so2']);
    expect(await searchIds(server, 'Organization?name=ce%20health')).toEqual(['so1']);
    expect(await searchIds(server, 'Organization?name:contains=esperanza')).toEqual(['so1', 'so2']);
    expect(await searchIds(server, 'Practitioner?family=nguyen&given=thao')).toEqual(['spr1']);
  });

  it.each(['family:text=mul', 'family:below=mul', 'family:missing=maybe'])('an unsupported modifier or value (%s) is a 400', async (query) => {
    expectOutcome(await server.fhir(`Patient?${query}`), 400);
  });
});
