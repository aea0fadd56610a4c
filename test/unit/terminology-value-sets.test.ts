// Value set compilation: membership (three-valued) and enumeration over concept lists, filters, imports and excludes.
import type { CodeSystem, ValueSet } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { fileTerminology } from '../../src/content/file-terminology.js';
import { contentHash, readContent, type ContentFile } from '../../src/content/files.js';
import { compileValueSet } from '../../src/terminology/compile-value-set.js';

const SYS = 'https://example.org/CodeSystem/animals';
const animals: CodeSystem = {
  resourceType: 'CodeSystem',
  id: 'animals',
  url: SYS,
  status: 'active',
  content: 'complete',
  property: [{ code: 'legs', type: 'integer' }],
  concept: [
    { code: 'animal', display: 'Animal', concept: [{ code: 'mammal', display: 'Mammal', concept: [{ code: 'dog', display: 'Dog', property: [{ code: 'legs', valueInteger: 4 }] }, { code: 'whale', display: 'Whale' }] }] },
    { code: 'bird', display: 'Bird', property: [{ code: 'parent', valueCode: 'animal' }, { code: 'legs', valueInteger: 2 }] },
  ],
};
const file = (r: CodeSystem | ValueSet): ContentFile => ({ file: `${r.resourceType}-${r.id}.json`, resource: r, hash: contentHash(r) });
const source = fileTerminology([file(animals), ...readContent(undefined, ['valueSets'])]);
const compile = (compose: ValueSet['compose']) => compileValueSet({ resourceType: 'ValueSet', status: 'active', url: 'https://example.org/ValueSet/t', compose }, source);
const codes = async (compose: ValueSet['compose']) => (await compile(compose)).concepts?.map((c) => c.code);

describe('filters over a code system the server holds', () => {
  it.each([
    ['is-a', 'mammal', ['mammal', 'dog', 'whale']],
    ['descendent-of', 'mammal', ['dog', 'whale']],
    ['is-not-a', 'mammal', ['animal', 'bird']],
    ['generalizes', 'dog', ['animal', 'mammal', 'dog']],
    ['in', 'dog,bird', ['dog', 'bird']],
    ['regex', '[bd].*', ['dog', 'bird']],
  ])('%s %s', async (op, value, expected) => {
    expect(await codes({ include: [{ system: SYS, filter: [{ property: 'concept', op: op as 'is-a', value }] }] })).toEqual(expected);
  });

  it('a parent given as a property counts as hierarchy (bird is-a animal)', async () => {
    expect(await codes({ include: [{ system: SYS, filter: [{ property: 'concept', op: 'descendent-of', value: 'animal' }] }] })).toEqual(['mammal', 'dog', 'whale', 'bird']);
  });

  it('property filters: = on a concept property, and several filters are ANDed', async () => {
    expect(await codes({ include: [{ system: SYS, filter: [{ property: 'legs', op: '=', value: '2' }] }] })).toEqual(['bird']);
    expect(await codes({ include: [{ system: SYS, filter: [{ property: 'concept', op: 'is-a', value: 'animal' }, { property: 'legs', op: 'exists', value: 'true' }] }] })).toEqual(['dog', 'bird']);
  });

  it('exclude removes, and membership follows', async () => {
    const vs = await compile({ include: [{ system: SYS }], exclude: [{ system: SYS, filter: [{ property: 'concept', op: 'is-a', value: 'mammal' }] }] });
    expect(vs.concepts?.map((c) => c.code)).toEqual(['animal', 'bird']);
    expect(vs.contains(SYS, 'bird')).toBe(true);
    expect(vs.contains(SYS, 'dog')).toBe(false);
    expect(vs.contains(SYS, 'cat')).toBe(false);
    expect(vs.contains('https://example.org/other', 'bird')).toBe(false);
    expect(vs.contains(undefined, 'bird')).toBe(true);
  });
});

describe('code systems the server holds no content for', () => {
  const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';

  it('ICD-10-CM is-a and regex are decided on the code itself; enumeration is refused with a reason', async () => {
    const vs = await compile({ include: [{ system: ICD, filter: [{ property: 'concept', op: 'is-a', value: 'O24.4' }] }, { system: ICD, filter: [{ property: 'code', op: 'regex', value: 'E(0[89]|1[0-3])(\\..*)?' }] }] });
    expect(vs.contains(ICD, 'O24.419')).toBe(true);
    expect(vs.contains(ICD, 'o244')).toBe(true);
    expect(vs.contains(ICD, 'O24.0')).toBe(false);
    expect(vs.contains(ICD, 'E13')).toBe(true);
    expect(vs.contains(ICD, 'E1390')).toBe(true);
    expect(vs.contains(ICD, 'E14.0')).toBe(false);
    expect(vs.concepts).toBeUndefined();
    expect(vs.notEnumerable).toContain(ICD);
    expect(vs.unknownSystems).toEqual([ICD]);
  });

  it('a whole unknown system cannot decide membership (undefined), but listed codes can', async () => {
    const vs = await compile({ include: [{ system: 'http://loinc.org' }] });
    expect(vs.contains('http://loinc.org', '1234-5')).toBeUndefined();
    const listed = await compile({ include: [{ system: 'http://loinc.org', concept: [{ code: '71802-3' }] }] });
    expect(listed.contains('http://loinc.org', '71802-3')).toBe(true);
    expect(listed.contains('http://loinc.org', '1234-5')).toBe(false);
    expect(listed.concepts).toEqual([{ system: 'http://loinc.org', code: '71802-3' }]);
  });
});

describe('imports', () => {
  it('an include of value sets is their intersection; an import cycle is reported, not followed', async () => {
    const both = await compile({ include: [{ valueSet: ['https://calaim-fhir.dev/fhir/ValueSet/attestation-code', 'https://calaim-fhir.dev/fhir/ValueSet/community-support'] }] });
    expect(both.concepts).toHaveLength(15);
    const cyclic: ValueSet = { resourceType: 'ValueSet', status: 'active', url: 'https://example.org/ValueSet/cycle', compose: { include: [{ valueSet: ['https://example.org/ValueSet/cycle'] }] } };
    const cycle = await compileValueSet(cyclic, fileTerminology([file(cyclic)]), ['https://example.org/ValueSet/cycle']);
    expect(cycle.notEnumerable).toContain('cycle');
  });
});
