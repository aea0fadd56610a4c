// date search parameters (R4 search §date): prefixes eq/ne/lt/gt/le/ge/sa/eb/ap compare the search value's range
// (from its precision) with the target's range: a date, a dateTime with zone, or a Period, possibly open-ended.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { searchIds, seed, startSearchServer } from '../helpers/search.js';
import type { TestServer } from '../helpers/server.js';

const enc = (period: Record<string, string> | undefined, id: string): Resource =>
  ({ resourceType: 'Encounter', id, status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, ...(period ? { period } : {}) }) as Resource;

const data: Resource[] = [
  // birthDate at year, month and day precision
  { resourceType: 'Patient', id: 'd1', birthDate: '2000' },
  { resourceType: 'Patient', id: 'd2', birthDate: '2000-06' },
  { resourceType: 'Patient', id: 'd3', birthDate: '2000-06-15' },
  { resourceType: 'Patient', id: 'd4', birthDate: '2001-01-01' },
  { resourceType: 'Patient', id: 'd5', birthDate: '1999-12-31' },
  { resourceType: 'Patient', id: 'd6' },
  // Encounter.period: closed with times, closed with dates, open-ended on either side, local zone
  enc({ start: '2024-01-10T08:00:00Z', end: '2024-01-10T17:00:00Z' }, 'e1'),
  enc({ start: '2024-01-01', end: '2024-03-31' }, 'e2'),
  enc({ start: '2024-02-15' }, 'e3'),
  enc({ end: '2023-12-31' }, 'e4'),
  enc({ start: '2024-01-10T20:00:00-08:00', end: '2024-01-10T22:00:00-08:00' }, 'e5'),
  enc(undefined, 'e6'),
  // Task.authoredOn: dateTime in another zone, in UTC, and a date-only value
  { resourceType: 'Task', id: 'ta1', status: 'requested', intent: 'order', authoredOn: '2024-05-01T23:30:00-07:00' },
  { resourceType: 'Task', id: 'ta2', status: 'requested', intent: 'order', authoredOn: '2024-05-01T10:00:00Z' },
  { resourceType: 'Task', id: 'ta3', status: 'requested', intent: 'order', authoredOn: '2024-05-01' },
  { resourceType: 'Task', id: 'ta4', status: 'requested', intent: 'order', authoredOn: '2024-05-01T10:00:00.250Z' },
  // Condition.onset as an open-ended Period and as a dateTime
  { resourceType: 'Condition', id: 'co1', subject: { reference: 'Patient/d1' }, onsetPeriod: { start: '2023-06-01' } },
  { resourceType: 'Condition', id: 'co2', subject: { reference: 'Patient/d1' }, onsetDateTime: '2022-03-04T05:06:07Z' },
];

const cases: [query: string, expected: string[]][] = [
  // eq (default): the search range contains the target range
  ['Patient?birthdate=2000', ['d1', 'd2', 'd3']],
  ['Patient?birthdate=eq2000', ['d1', 'd2', 'd3']],
  ['Patient?birthdate=2000-06', ['d2', 'd3']],
  ['Patient?birthdate=2000-06-15', ['d3']],
  ['Patient?birthdate=2000-06-15T10:00:00Z', []],
  // ne: the search range does not contain the target range (resources without a value never match)
  ['Patient?birthdate=ne2000-06', ['d1', 'd4', 'd5']],
  ['Patient?birthdate=ne2000', ['d4', 'd5']],
  // gt / lt: the target range reaches above / below the search range
  ['Patient?birthdate=gt2000-06', ['d1', 'd4']],
  ['Patient?birthdate=lt2000-06', ['d1', 'd5']],
  ['Patient?birthdate=gt2000', ['d4']],
  ['Patient?birthdate=lt2000', ['d5']],
  ['Patient?birthdate=gt2000-12-31', ['d4']],
  ['Patient?birthdate=lt2001-01-01', ['d1', 'd2', 'd3', 'd5']],
  // ge / le: gt or lt, or eq
  ['Patient?birthdate=ge2000-06', ['d1', 'd2', 'd3', 'd4']],
  ['Patient?birthdate=le2000-06', ['d1', 'd2', 'd3', 'd5']],
  ['Patient?birthdate=ge2000', ['d1', 'd2', 'd3', 'd4']],
  ['Patient?birthdate=le2000', ['d1', 'd2', 'd3', 'd5']],
  // sa / eb: the target range starts after / ends before the search range, no overlap
  ['Patient?birthdate=sa2000-06', ['d4']],
  ['Patient?birthdate=eb2000-06', ['d5']],
  ['Patient?birthdate=sa2000', ['d4']],
  ['Patient?birthdate=eb2000', ['d5']],
  ['Patient?birthdate=sa1999-12-30', ['d1', 'd2', 'd3', 'd4', 'd5']],
  // ap: approximately (within 10% of the distance from now)
  ['Patient?birthdate=ap2000-06-15', ['d1', 'd2', 'd3', 'd4', 'd5']],
  ['Patient?birthdate=ap1990', []],
  // OR and AND
  ['Patient?birthdate=1999,2001', ['d4', 'd5']],
  ['Patient?birthdate=ge2000&birthdate=lt2000-07', ['d1', 'd2', 'd3']],
  ['Patient?birthdate=ge2000-06&birthdate=le2000-06', ['d1', 'd2', 'd3']],
  ['Patient?birthdate=sa1999&birthdate=eb2001', ['d1', 'd2', 'd3']],
  ['Patient?birthdate:missing=true', ['d6']],
  ['Patient?birthdate:missing=false', ['d1', 'd2', 'd3', 'd4', 'd5']],
  // Periods: eq needs the whole period inside the search range; open ends reach to +/- infinity
  ['Encounter?date=2024-01-10', ['e1']],
  ['Encounter?date=2024-01-11', ['e5']],
  ['Encounter?date=2024-01', ['e1', 'e5']],
  ['Encounter?date=2024', ['e1', 'e2', 'e5']],
  ['Encounter?date=ne2024-01', ['e2', 'e3', 'e4']],
  ['Encounter?date=ge2024-03-01', ['e2', 'e3']],
  ['Encounter?date=gt2024-03-31', ['e3']],
  ['Encounter?date=gt2030', ['e3']],
  ['Encounter?date=lt2024-01-01', ['e4']],
  ['Encounter?date=lt1900', ['e4']],
  ['Encounter?date=le2024-01-01', ['e4']],
  ['Encounter?date=lt2024-01-10T12:00:00Z', ['e1', 'e2', 'e4']],
  ['Encounter?date=gt2024-01-10T12:00:00Z', ['e1', 'e2', 'e3', 'e5']],
  ['Encounter?date=sa2023-12-31', ['e1', 'e2', 'e3', 'e5']],
  ['Encounter?date=eb2024-01-01', ['e4']],
  ['Encounter?date=eb2024-02-01', ['e1', 'e4', 'e5']],
  ['Encounter?date=sa2024-02-01', ['e3']],
  ['Encounter?date=2024-01-10T08:00:00Z', []],
  // a search dateTime with a zone is the same instant in UTC
  ['Encounter?date=ge2024-01-10T21:00:00-08:00', ['e2', 'e3', 'e5']],
  ['Encounter?date=lt2024-01-10T21:00:00-08:00', ['e1', 'e2', 'e4', 'e5']],
  ['Encounter?date:missing=true', ['e6']],
  // an overlap window: starts before the end of January and ends after its start
  ['Encounter?date=le2024-01-31&date=ge2024-01-01', ['e1', 'e2', 'e5']],
  // dateTime elements with zones and with only a date
  ['Task?authored-on=2024-05-01', ['ta2', 'ta3', 'ta4']],
  ['Task?authored-on=2024-05-02', ['ta1']],
  ['Task?authored-on=2024-05-01T23:30:00-07:00', ['ta1']],
  ['Task?authored-on=2024-05-02T06:30:00Z', ['ta1']],
  ['Task?authored-on=2024-05-01T10:00Z', ['ta2', 'ta4']],
  // a value to the second covers that whole second, so it contains 10:00:00.250
  ['Task?authored-on=2024-05-01T10:00:00Z', ['ta2', 'ta4']],
  ['Task?authored-on=2024-05-01T10:00:00.250Z', ['ta4']],
  ['Task?authored-on=gt2024-05-01T12:00:00Z', ['ta1', 'ta3']],
  ['Task?authored-on=sa2024-05-01T12:00:00Z', ['ta1']],
  ['Task?authored-on=sa2024-05-01', ['ta1']],
  ['Task?authored-on=lt2024-05-01T10:00:00Z', ['ta3']],
  ['Task?authored-on=eb2024-05-01T10:00:01Z', ['ta2', 'ta4']],
  // Condition.onset: an open-ended Period or a dateTime
  ['Condition?onset-date=ge2025', ['co1']],
  ['Condition?onset-date=2025', []],
  ['Condition?onset-date=sa2023-05-31', ['co1']],
  ['Condition?onset-date=lt2023', ['co2']],
  ['Condition?onset-date=2022-03-04', ['co2']],
];

describe.each(backends())('date search on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSearchServer(backend);
    await seed(server, data);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query.replace(/\+/g, '%2B'))).toEqual(expected);
  });

  it.each(['Patient?birthdate=2000-13', 'Patient?birthdate=2000-02-30', 'Patient?birthdate=gtfoo', 'Patient?birthdate=xx2000', 'Patient?birthdate=20000101', 'Patient?birthdate:exact=2000'])(
    '%s is a 400',
    async (query) => {
      expectOutcome(await server.fhir(query), 400);
    },
  );
});
