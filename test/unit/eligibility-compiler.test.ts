// The compiled FHIRPath subset gives fhirpath.js's answers; what it cannot compile, or meets at run time, goes to fhirpath.js.
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { parseFullDate } from '../../src/eligibility/calendar.js';
import type { Static } from '../../src/eligibility/compiler/runtime.js';
import { DateValue } from '../../src/eligibility/date-value.js';
import { DualExpression, type EvaluationStats, type Scope } from '../../src/eligibility/expression.js';
import { memberFromBundle } from '../../src/eligibility/member.js';
import { member } from '../helpers/eligibility-builder.js';

const m = member('1980-06-15', 'p');
m.race('2054-5', '2106-3');
m.condition('E11.9', { id: 'c1', onset: '2026-01-01' });
m.condition('Z59.01', { id: 'c2', clinicalStatus: null });
m.ed('2026-03-01T10:00:00Z', { id: 'e1', reasonRefs: ['c1'], diagnoses: ['c1', 'missing'] });
m.stay('2026-04-01', { id: 'e2', end: '2026-04-05', priority: 'EL' });
m.add({ resourceType: 'Observation', id: 'o1', status: 'final', subject: { reference: m.ref }, code: { text: 'x' }, valueQuantity: { value: 3.5, unit: 'mg' } });
m.add({ resourceType: 'Observation', id: 'o2', subject: { reference: m.ref }, code: { text: 'y' }, valueBoolean: false, _status: { extension: [{ url: 'http://x', valueString: 'z' }] } } as unknown as Resource);

const asOf = parseFullDate('2026-06-15') as number;
const data = memberFromBundle(m.bundle().entry ?? [], asOf);
const statics = {
  get: (name: string): Static | undefined =>
    name === 'asOf' ? { kind: 'value', types: ['System.Date'] } : name === 'patient' ? { kind: 'resource', paths: ['Patient'] } : /^[A-Z]/.test(name) ? { kind: 'resource', paths: [name] } : undefined,
};
const scope = (stats?: EvaluationStats): Scope => ({
  root: data.patient,
  vars: { asOf: [new DateValue(asOf)], patient: [data.patient], Condition: data.byType.get('Condition') ?? [], Encounter: data.byType.get('Encounter') ?? [], Observation: data.byType.get('Observation') ?? [] },
  env: { asOf, member: data, ages: { min: 46, max: 46 } },
  stats,
});

function both(expression: string): { fast: unknown[]; reference: unknown[]; compiled: boolean; handedOver: boolean } {
  const e = new DualExpression(expression, statics);
  const stats: EvaluationStats = { compiled: 0, fhirpath: 0, handedOver: 0, errors: 0 };
  const fast = e.evaluate(scope(stats), 'fast');
  const reference = e.evaluate(scope(), 'reference');
  return { fast, reference, compiled: !e.notCompiled, handedOver: stats.handedOver > 0 };
}

const ids = (coll: unknown[]) => coll.map((r) => (r as Resource).id ?? r);

describe('the compiled subset agrees with fhirpath.js', () => {
  const cases: [string, unknown[]][] = [
    ['%Condition.count()', [2]],
    ["%Condition.where(code.coding.code = 'E11.9').id", ['c1']],
    ["%Condition.where(code.coding.where(code.startsWith('Z')).exists()).id", ['c2']],
    ["%Condition.select(code.coding.code)", ['E11.9', 'Z59.01']],
    ["%Condition.where(clinicalStatus.empty()).id", ['c2']],
    ["%Encounter.where(class.code = 'EMER').reasonReference.resolve().id", ['c1']],
    ['(%Encounter.reasonReference | %Encounter.diagnosis.condition).resolve().ofType(Condition).id', ['c1']],
    ['(%Encounter.reasonReference | %Encounter.diagnosis.condition).count()', [2]],
    ["%Encounter.where(priority.coding.code = 'EL').exists()", [true]],
    ["%Encounter.where(period.end.exists()).id", ['e2']],
    ['%Encounter.first().id | %Encounter.last().id', ['e1', 'e2']],
    ["%patient.extension('http://hl7.org/fhir/us/core/StructureDefinition/us-core-race').extension('ombCategory').value.code", ['2054-5', '2106-3']],
    ["%patient.extension('http://hl7.org/fhir/us/core/StructureDefinition/us-core-race').extension('ombCategory').value.where(code = '2054-5').exists()", [true]],
    ['%Observation.where(value = false).id', ['o2']],
    ["%Observation.value.exists()", [true]],
    ["birthDate.exists() and %asOf > @2026-01-01", [true]],
    ['%asOf - 6 months', [new DateValue(parseFullDate('2025-12-15') as number)]],
    ['%asOf + 1 year < @2027-06-16', [true]],
    ["'a' in ('a' | 'b')", [true]],
    ["('a' | 'b') contains 'c'", [false]],
    ['{} = 1', []],
    ['true and {}', []],
    ['false and {}', [false]],
    ['{} or true', [true]],
    ['true xor false', [true]],
    ['false implies {}', [true]],
    ["iif(%Condition.count() > 1, 'many', 'few')", ['many']],
    ["%Condition.code.coding.code.matches('^[EZ][0-9]+')", []],
    ["%Condition.first().code.coding.code.matches('^[EZ][0-9]+')", [true]],
    ['%Condition[1].id', ['c2']],
    ['%Condition.code.coding.system.distinct().count()', [1]],
    ['%Condition.where(code.icd(\'E08-E13\')).id', ['c1']],
    ['%Condition.onset.exists()', [true]],
  ];
  for (const [expression, expected] of cases) {
    it(expression, () => {
      const { fast, reference, compiled } = both(expression);
      expect(compiled, 'compiled').toBe(true);
      expect(ids(fast)).toEqual(ids(reference));
      expect(ids(fast)).toEqual(expected);
    });
  }
});

describe('memberOf() against loaded ValueSets', () => {
  const withValueSets = (stats?: EvaluationStats): Scope => ({ ...scope(stats), env: { ...scope().env, valueSets: new Map([['urn:vs:diabetes', (system: string | undefined, code: string) => system === 'http://hl7.org/fhir/sid/icd-10-cm' && code.startsWith('E11')]]) } });
  it('is compiled and agrees with fhirpath.js (whose own memberOf needs a terminology server)', () => {
    for (const [expression, expected] of [
      ["%Condition.where(code.memberOf('urn:vs:diabetes')).id", ['c1']],
      ["%Condition.code.coding.where(memberOf('urn:vs:diabetes')).code", ['E11.9']],
      ["%Condition.where(code.memberOf('urn:vs:diabetes').not()).id", ['c2']],
    ] as const) {
      const e = new DualExpression(expression, statics);
      expect(e.notCompiled, expression).toBeUndefined();
      expect(ids(e.evaluate(withValueSets(), 'fast'))).toEqual(expected);
      expect(ids(e.evaluate(withValueSets(), 'reference'))).toEqual(expected);
    }
  });
  it('a ValueSet that was not loaded fails the expression on both paths', () => {
    const e = new DualExpression("%Condition.where(code.memberOf('urn:vs:unknown')).exists()", statics);
    expect(e.evaluate(withValueSets(), 'fast')).toEqual([]);
    expect(e.evaluate(withValueSets(), 'reference')).toEqual([]);
  });
});

describe('fallback to fhirpath.js', () => {
  it('compiles nothing outside the subset, and says why', () => {
    for (const expression of ['%Condition.onset.ofType(dateTime)', "%Condition.code.coding.code.replace('E', 'F')", '%Condition.onset > @2025', 'Patient.birthDate', '%Condition.onset = %Condition.recordedDate', "'abc'.length"]) {
      const { fast, reference, compiled } = both(expression);
      expect(compiled, expression).toBe(false);
      expect(fast).toEqual(reference);
    }
  });

  it('hands over at run time when the data leaves the subset (a primitive with only an extension, a decimal, a date compared as text)', () => {
    for (const expression of ['%Observation.where(status.exists()).id', '%Observation.value.value = 3.5', "%Condition.onsetDateTime = '2026-01-01'", 'birthDate = @1980-06-15']) {
      const { fast, reference, compiled, handedOver } = both(expression);
      expect(compiled, expression).toBe(true);
      expect(handedOver, expression).toBe(true);
      expect(ids(fast)).toEqual(ids(reference));
    }
  });

  it('a failing expression yields nothing on both paths', () => {
    const { fast, reference } = both('%Condition.id < 3');
    expect(fast).toEqual([]);
    expect(reference).toEqual([]);
  });
});
