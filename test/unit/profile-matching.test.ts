// Small pieces of profile checking: pattern and fixed matching, reference types, element values with paths.
import { describe, expect, it } from 'vitest';
import { matchesFixed, matchesPattern } from '../../src/validation/profile/match.js';
import { navigate, referenceType, valuesOf } from '../../src/validation/profile/values.js';

describe('pattern[x] and fixed[x]', () => {
  const pattern = { coding: [{ system: 'https://s', code: 'c' }] };
  it('a pattern matches a value holding at least its properties, in any array position', () => {
    expect(matchesPattern({ coding: [{ system: 'https://o', code: 'x' }, { system: 'https://s', code: 'c', display: 'C' }], text: 't' }, pattern)).toBe(true);
    expect(matchesPattern({ coding: [{ system: 'https://s', code: 'd' }] }, pattern)).toBe(false);
    expect(matchesPattern({ coding: [{ system: 'https://s' }] }, { coding: [{ system: 'https://s' }] })).toBe(true);
  });
  it('fixed needs the exact value', () => {
    expect(matchesFixed('order', 'order')).toBe(true);
    expect(matchesFixed({ a: 1, b: 2 }, { a: 1 })).toBe(false);
  });
});

describe('reference types', () => {
  it.each([
    ['Patient/123', 'Patient'],
    ['https://server.example/fhir/ServiceRequest/abc/_history/2', 'ServiceRequest'],
    ['Organization?identifier=x|y', 'Organization'],
    ['#contained', undefined],
    ['urn:uuid:6f1c0a52-4b1e-4a34-9f0a-0c8a3d7e2b11', undefined],
  ])('%s -> %s', (reference, type) => expect(referenceType(reference)).toBe(type));
});

describe('element values', () => {
  it('arrays get indexed paths; choice elements report their type suffix', () => {
    expect(valuesOf({ name: [{ family: 'a' }, { family: 'b' }] }, 'name', 'Patient').map((v) => v.path)).toEqual(['Patient.name[0]', 'Patient.name[1]']);
    expect(valuesOf({ valueBoolean: true }, 'value[x]', 'Observation')).toEqual([{ value: true, path: 'Observation.valueBoolean', suffix: 'Boolean' }]);
  });
  it('navigate flattens arrays along a dotted path', () => {
    expect(navigate({ coding: [{ system: 'a' }, { system: 'b' }] }, 'coding.system')).toEqual(['a', 'b']);
    expect(navigate({ x: 1 }, '$this')).toEqual([{ x: 1 }]);
  });
});
