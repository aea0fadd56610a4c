// number and quantity search parameters (R4 search §number, §quantity): prefixes, and the implicit precision of the
// search value for eq/ne ("100" is [99.5, 100.5), "100.0" is [99.95, 100.05)); gt/lt/ge/le/sa/eb ignore it.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { searchIds, seed, startSearchServer } from '../helpers/search.js';
import type { TestServer } from '../helpers/server.js';

const UCUM = 'http://unitsofmeasure.org';

const risk = (id: string, probability?: number): Resource =>
  ({ resourceType: 'RiskAssessment', id, status: 'final', subject: { reference: 'Patient/np1' }, ...(probability !== undefined ? { prediction: [{ probabilityDecimal: probability }] } : {}) }) as Resource;

const obs = (id: string, value: Record<string, unknown>): Resource =>
  ({ resourceType: 'Observation', id, status: 'final', code: { text: 'dose' }, subject: { reference: 'Patient/np1' }, ...value }) as Resource;

const data: Resource[] = [
  { resourceType: 'Patient', id: 'np1' },
  risk('ra1', 99.4),
  risk('ra2', 99.5),
  risk('ra3', 99.96),
  risk('ra4', 100),
  risk('ra5', 0.5),
  risk('ra6', 0.75),
  risk('ra7', 1),
  risk('ra8'),
  obs('oq1', { valueQuantity: { value: 100, unit: 'mg', system: UCUM, code: 'mg' } }),
  obs('oq2', { valueQuantity: { value: 99.5, unit: 'mg', system: UCUM, code: 'mg' } }),
  obs('oq3', { valueQuantity: { value: 100.5, unit: 'mg', system: UCUM, code: 'mg' } }),
  obs('oq4', { valueQuantity: { value: 100, unit: 'g', system: UCUM, code: 'g' } }),
  obs('oq5', { valueQuantity: { value: 100, unit: 'mg' } }),
  obs('oq6', { valueString: 'a lot' }),
  obs('oq7', { valueQuantity: { value: -2.5, unit: 'Cel', system: UCUM, code: 'Cel' } }),
];

const cases: [query: string, expected: string[]][] = [
  // eq with implicit precision
  ['RiskAssessment?probability=100', ['ra2', 'ra3', 'ra4']],
  ['RiskAssessment?probability=eq100', ['ra2', 'ra3', 'ra4']],
  ['RiskAssessment?probability=100.0', ['ra3', 'ra4']],
  ['RiskAssessment?probability=100.00', ['ra4']],
  ['RiskAssessment?probability=99', ['ra1']],
  ['RiskAssessment?probability=99.5', ['ra2']],
  ['RiskAssessment?probability=0.5', ['ra5']],
  ['RiskAssessment?probability=.5', ['ra5']],
  ['RiskAssessment?probability=1', ['ra5', 'ra6', 'ra7']],
  ['RiskAssessment?probability=1.0', ['ra7']],
  // ne: outside the implicit range
  ['RiskAssessment?probability=ne100', ['ra1', 'ra5', 'ra6', 'ra7']],
  ['RiskAssessment?probability=ne1.0', ['ra1', 'ra2', 'ra3', 'ra4', 'ra5', 'ra6']],
  // ordering prefixes take the value as exact
  ['RiskAssessment?probability=gt99.5', ['ra3', 'ra4']],
  ['RiskAssessment?probability=ge99.5', ['ra2', 'ra3', 'ra4']],
  ['RiskAssessment?probability=lt1', ['ra5', 'ra6']],
  ['RiskAssessment?probability=le1', ['ra5', 'ra6', 'ra7']],
  ['RiskAssessment?probability=gt100', []],
  ['RiskAssessment?probability=sa99.5', ['ra3', 'ra4']],
  ['RiskAssessment?probability=eb0.75', ['ra5']],
  // ap: within 10%
  ['RiskAssessment?probability=ap1', ['ra7']],
  ['RiskAssessment?probability=ap100', ['ra1', 'ra2', 'ra3', 'ra4']],
  ['RiskAssessment?probability=ap0.7', ['ra6']],
  // OR, AND, :missing
  ['RiskAssessment?probability=0.5,1.0', ['ra5', 'ra7']],
  ['RiskAssessment?probability=gt0.5&probability=lt1', ['ra6']],
  ['RiskAssessment?probability:missing=true', ['ra8']],
  // quantity: number alone ignores units
  ['Observation?value-quantity=100', ['oq1', 'oq2', 'oq4', 'oq5']],
  ['Observation?value-quantity=100.0', ['oq1', 'oq4', 'oq5']],
  // number||code matches the code or the unit text; number|system|code both
  ['Observation?value-quantity=100||mg', ['oq1', 'oq2', 'oq5']],
  [`Observation?value-quantity=100|${UCUM}|mg`, ['oq1', 'oq2']],
  [`Observation?value-quantity=100|${UCUM}|g`, ['oq4']],
  [`Observation?value-quantity=lt100|${UCUM}|mg`, ['oq2']],
  ['Observation?value-quantity=gt100||mg', ['oq3']],
  ['Observation?value-quantity=ge100.5', ['oq3']],
  ['Observation?value-quantity=le99.5', ['oq2', 'oq7']],
  ['Observation?value-quantity=ne100||mg', ['oq3']],
  ['Observation?value-quantity=ap100||mg', ['oq1', 'oq2', 'oq3', 'oq5']],
  ['Observation?value-quantity=sa100', ['oq3']],
  ['Observation?value-quantity=eb100', ['oq2', 'oq7']],
  // negative values
  [`Observation?value-quantity=-2.5|${UCUM}|Cel`, ['oq7']],
  ['Observation?value-quantity=lt0', ['oq7']],
  ['Observation?value-quantity=-3', []],
  [`Observation?value-quantity=100|${UCUM}|mg,100|${UCUM}|g`, ['oq1', 'oq2', 'oq4']],
  ['Observation?value-quantity:missing=true', ['oq6']],
];

describe.each(backends())('number and quantity search on $name', (backend) => {
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

  it.each(['RiskAssessment?probability=abc', 'RiskAssessment?probability=gt', 'RiskAssessment?probability=1.2.3', 'RiskAssessment?probability:exact=1', 'Observation?value-quantity=mg'])(
    '%s is a 400',
    async (query) => {
      expectOutcome(await server.fhir(query), 400);
    },
  );
});
