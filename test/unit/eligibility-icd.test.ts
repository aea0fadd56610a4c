// ICD-10-CM patterns of the rule language: normalisation, ranges on categories, X.* and bare categories, exact codes.
import { describe, expect, it } from 'vitest';
import { icdMatcher, normalizeIcd } from '../../src/eligibility/icd.js';

const matches = (patterns: string[], code: string) => icdMatcher(patterns)(normalizeIcd(code));

describe('ICD-10-CM matching', () => {
  it('normalises dots, spaces and case', () => {
    expect(normalizeIcd(' z59.01 ')).toBe('Z5901');
    expect(matches(['Z59.01'], 'Z5901')).toBe(true);
    expect(matches(['Z5901'], 'z59.01')).toBe(true);
  });

  it('a range compares the first three characters, both ends inclusive', () => {
    for (const code of ['E08', 'E08.00', 'E13.9', 'E11.65']) expect(matches(['E08-E13'], code)).toBe(true);
    for (const code of ['E07.9', 'E14', 'E15.1']) expect(matches(['E08-E13'], code)).toBe(false);
    expect(matches(['C00-C96'], 'C96.Z')).toBe(true);
    expect(matches(['C00-C96'], 'C4A.9')).toBe(true);
    expect(matches(['C00-C96'], 'C97')).toBe(false);
    expect(matches(['Z55-Z65'], 'Z65.9')).toBe(true);
    expect(matches(['Z55-Z65'], 'Z66')).toBe(false);
    expect(matches(['O00-O9A'], 'O9A.13')).toBe(true);
    expect(matches(['O00-O9A'], 'O99.89')).toBe(true);
    expect(matches(['F01-F99'], 'F32.A')).toBe(true);
  });

  it('a one-letter range compares first letters (health need: A-U)', () => {
    expect(matches(['A-U'], 'U07.1')).toBe(true);
    expect(matches(['A-U'], 'A00.0')).toBe(true);
    expect(matches(['A-U'], 'V00.01')).toBe(false);
    expect(matches(['A-U'], 'Z59.01')).toBe(false);
  });

  it('X.* and a bare category match themselves and every code under them', () => {
    expect(matches(['Z34.*'], 'Z34.00')).toBe(true);
    expect(matches(['Z34.*'], 'Z34')).toBe(true);
    expect(matches(['Z34.*'], 'Z35.0')).toBe(false);
    expect(matches(['I50'], 'I50.9')).toBe(true);
    expect(matches(['J45'], 'J45.909')).toBe(true);
    expect(matches(['O24.4*'], 'O24.410')).toBe(true);
    expect(matches(['O24.4*'], 'O24.3')).toBe(false);
  });

  it('fully specified codes match exactly: Z59.0 is not a category', () => {
    expect(matches(['Z59.0'], 'Z59.0')).toBe(true);
    expect(matches(['Z59.0'], 'Z59.00')).toBe(false);
    expect(matches(['Z33.1'], 'Z33.2')).toBe(false);
    expect(matches(['Z59.811'], 'Z59.81')).toBe(false);
  });

  it('rejects malformed patterns', () => {
    expect(() => icdMatcher(['E08-E1'])).toThrow(/same length/);
    expect(() => icdMatcher(['*'])).toThrow();
  });
});
