// uri :below and :above (R4 search §uri): the prefixes and candidate values the SQL is built from.
import { describe, expect, it } from 'vitest';
import { aboveValues, belowPattern } from '../../src/search/filters/uri.js';

const A = 'http://acme.org';

describe(':below pattern', () => {
  it.each([
    [`${A}/fhir/ValueSet`, `${A}/fhir/ValueSet`, ['', '/', '?', '#', '|']],
    // a trailing slash is the same path
    [`${A}/fhir/ValueSet/`, `${A}/fhir/ValueSet`, ['', '/', '?', '#', '|']],
    [`${A}/`, A, ['', '/', '?', '#', '|']],
    [A, A, ['', '/', '?', '#', '|']],
    // nothing lies below a query or fragment
    [`${A}/fhir/ValueSet?status=active`, `${A}/fhir/ValueSet?status=active`, ['']],
    [`${A}/fhir/ValueSet/#x`, `${A}/fhir/ValueSet/#x`, ['']],
    // a canonical version: that version and its dotted sub-versions
    [`${A}/fhir/ValueSet/1|1.2`, `${A}/fhir/ValueSet/1|1.2`, ['', '.']],
    // not hierarchical URLs: plain prefixes
    ['urn:oid:2.16.840.1.113883', 'urn:oid:2.16.840.1.113883', undefined],
    ['urn:uuid:6f9619ff', 'urn:uuid:6f9619ff', undefined],
    ['http://', 'http://', undefined],
    ['ValueSet/123', 'ValueSet/123', undefined],
  ])('%s -> prefix %s, then %j', (value, prefix, next) => {
    expect(belowPattern(value)).toEqual(next === undefined ? { prefix } : { prefix, next });
  });
});

describe(':above values', () => {
  it.each([
    [
      `${A}/fhir/ValueSet/123/_history/5`,
      [
        `${A}/fhir/ValueSet/123/_history/5`,
        `${A}/fhir/ValueSet/123/_history/5/`,
        `${A}/fhir/ValueSet/123/_history`,
        `${A}/fhir/ValueSet/123/_history/`,
        `${A}/fhir/ValueSet/123`,
        `${A}/fhir/ValueSet/123/`,
        `${A}/fhir/ValueSet`,
        `${A}/fhir/ValueSet/`,
        `${A}/fhir`,
        `${A}/fhir/`,
        A,
        `${A}/`,
      ],
    ],
    [`${A}/fhir/`, [`${A}/fhir/`, `${A}/fhir`, A, `${A}/`]],
    [`${A}/fhir?x=1`, [`${A}/fhir?x=1`, `${A}/fhir`, `${A}/fhir/`, A, `${A}/`]],
    [`${A}/vs|1.2.3`, [`${A}/vs|1.2.3`, `${A}/vs|1`, `${A}/vs|1.2`, `${A}/vs`, `${A}/vs/`, A, `${A}/`]],
    ['urn:oid:1.2', ['u', 'ur', 'urn', 'urn:', 'urn:o', 'urn:oi', 'urn:oid', 'urn:oid:', 'urn:oid:1', 'urn:oid:1.', 'urn:oid:1.2']],
  ])('%s', (value, expected) => {
    expect(aboveValues(value).sort()).toEqual([...expected].sort());
  });
});
