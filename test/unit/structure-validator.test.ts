// The structural validator against @medplum/core's validateResource as an oracle: the same errors (message and
// expression) for every conformance resource the server ships, every fixture, and seeded mutations of each.
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../src/fhir/definitions.js';
import { shapeIssues } from '../../src/validation/shape-guard.js';
import { structureIssues } from '../../src/validation/structure/validator.js';
import { resourceCorpus } from '../helpers/resource-corpus.js';
import { seededRandom, type Random } from '../helpers/random.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const errorsOf = (issues: OperationOutcomeIssue[]): string[] =>
  issues
    .filter((i) => i.severity === 'error')
    .map((i) => `${i.expression?.join(',')} | ${i.details?.text ?? i.diagnostics}`)
    .sort();

function oracle(resource: Resource): string[] {
  try {
    return errorsOf(validateResource(resource));
  } catch (err) {
    if (err instanceof OperationOutcomeError) return errorsOf(err.outcome.issue ?? []);
    throw err;
  }
}

const OBJECT_AS_PRIMITIVE = / \| Invalid JSON type: expected (string|number|boolean), but got object$/;

/**
 * Ours, with its deliberate difference mapped onto the oracle's: an object or array where a primitive belongs is one
 * "Invalid JSON type" error at its path, where the oracle reads the object as the primitive's Element part and reports
 * its unknown keys below that path (or nothing, for `{"id": "x"}`).
 */
function reconcile(ours: string[], oracle: string[]): string[] {
  const objectPaths = ours.filter((e) => OBJECT_AS_PRIMITIVE.test(e)).map((e) => e.split(' | ')[0]);
  const under = (e: string) => objectPaths.some((p) => e.startsWith(`${p}.`) || e.startsWith(`${p} |`));
  return [...ours.filter((e) => !OBJECT_AS_PRIMITIVE.test(e)), ...oracle.filter(under)].sort();
}

/** An array directly inside an array: the oracle reads Array.prototype's members ("filter", "map") as element values there. */
function hasNestedArray(doc: unknown): boolean {
  if (Array.isArray(doc)) return doc.some((v) => Array.isArray(v) || hasNestedArray(v));
  return !!doc && typeof doc === 'object' && Object.values(doc).some(hasNestedArray);
}

interface Slot {
  parent: Json[] | { [key: string]: Json };
  key: string | number;
}

function slots(doc: Json, out: Slot[] = []): Slot[] {
  if (!doc || typeof doc !== 'object') return out;
  const entries: [string | number, Json][] = Array.isArray(doc) ? doc.map((v, i) => [i, v]) : Object.entries(doc).filter(([k]) => k !== 'resourceType');
  for (const [key, value] of entries) {
    out.push({ parent: doc, key });
    slots(value, out);
  }
  return out;
}

const REPLACEMENTS: Json[] = [42, 1.5, -3, true, 'text', '  ', '', [], {}, ['x'], [{}], { bogus: 1 }, '2020-13-45', 'http://x y', 0];

/** One structural change at a random place: a wrong type, an empty value, an unknown key, an array where a value belongs. */
function mutate(resource: Resource, rng: Random): Resource {
  const doc = structuredClone(resource) as unknown as { [key: string]: Json };
  const all = slots(doc);
  if (all.length === 0) return resource;
  const slot = all[rng.int(all.length)];
  const parent = slot.parent as Record<string | number, Json>;
  const value = parent[slot.key];
  switch (rng.int(6)) {
    case 0:
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete parent[slot.key];
      break;
    case 1:
      parent[slot.key] = REPLACEMENTS[rng.int(REPLACEMENTS.length)];
      break;
    case 2:
      parent[slot.key] = Array.isArray(value) ? value[0] : [value];
      break;
    case 3:
      if (!Array.isArray(slot.parent)) (slot.parent as Record<string, Json>)[`extra${slot.key}`] = value;
      break;
    case 4:
      if (!Array.isArray(slot.parent) && typeof value !== 'object') (slot.parent as Record<string, Json>)[`_${slot.key}`] = { extension: [{ url: 'http://example.org/x', valueString: 'y' }] };
      break;
    default:
      if (value && typeof value === 'object' && !Array.isArray(value)) (value as Record<string, Json>).extension = [{ url: 'http://example.org/x' }];
      break;
  }
  return doc as unknown as Resource;
}

describe('structural validation agrees with @medplum/core validateResource', () => {
  loadDefinitions();
  const resources = resourceCorpus();

  it('finds a corpus to compare', () => {
    expect(resources.length).toBeGreaterThan(100);
  });

  it('reports the same errors for every shipped resource and fixture', () => {
    for (const resource of resources) {
      expect({ id: `${resource.resourceType}/${resource.id}`, errors: errorsOf(structureIssues(resource)) }).toEqual({ id: `${resource.resourceType}/${resource.id}`, errors: oracle(resource) });
    }
  });

  it('refuses an unknown key that starts like a choice element, which the oracle lets through beside a valid choice', () => {
    const observation = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, effectiveDateTime: '2026-01-01', effectiveDateTimeExtra: 'y' } as Resource;
    expect(oracle(observation)).toEqual([]);
    expect(errorsOf(structureIssues(observation))).toEqual(['Observation.effectiveDateTimeExtra | Invalid additional property "effectiveDateTimeExtra"']);
  });

  it('reports the same errors for seeded mutations of them', () => {
    const rng = seededRandom(20261125);
    let invalid = 0;
    for (let round = 0; round < 4; round++) {
      for (const resource of resources) {
        const mutated = mutate(resource, rng);
        // Shapes the guard refuses never reach either validator.
        if (shapeIssues(mutated).length > 0) continue;
        const expected = oracle(mutated);
        if (expected.length > 0) invalid++;
        if (hasNestedArray(mutated)) {
          // The oracle's messages there describe Array.prototype (or pass an empty inner array), so only this holds: what it refuses, we refuse.
          if (expected.length > 0) expect(structureIssues(mutated).some((i) => i.severity === 'error')).toBe(true);
          continue;
        }
        expect({ doc: JSON.stringify(mutated), errors: reconcile(errorsOf(structureIssues(mutated)), expected) }).toEqual({ doc: JSON.stringify(mutated), errors: expected });
      }
    }
    expect(invalid).toBeGreaterThan(resources.length);
  });
});
