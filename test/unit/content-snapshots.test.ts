// Every profile's committed snapshot is consistent with its differential, and all content passes npm run content:check.
import type { ElementDefinition, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkContent } from '../../src/content/check.js';
import { readContent } from '../../src/content/files.js';
import { coreStructureDefinition } from '../../src/validation/profile/core-definitions.js';
import { generateSnapshots } from '../../src/validation/profile/snapshot.js';

const files = readContent();
const profiles = files.filter((f) => f.resource.resourceType === 'StructureDefinition').map((f) => f.resource as StructureDefinition);
const byUrl = new Map(profiles.map((sd) => [sd.url as string, sd]));
const resolve = (url: string) => byUrl.get(url) ?? coreStructureDefinition(url);
const max = (m: string | undefined) => (m === undefined || m === '*' ? Infinity : Number(m));

describe.each(profiles.map((sd) => [sd.id as string, sd] as const))('StructureDefinition %s', (_id, sd) => {
  const snapshot = sd.snapshot?.element ?? [];
  const base = resolve(sd.baseDefinition as string);

  it('has a snapshot holding at least every element of its base, with unique element ids, rooted at its type', () => {
    // A simple extension's snapshot is as short as the base Extension (5 elements), so the floor is the base, not a fixed size.
    expect(base?.snapshot?.element.length, sd.baseDefinition).toBeGreaterThan(0);
    expect(snapshot.length).toBeGreaterThanOrEqual(base?.snapshot?.element.length ?? Infinity);
    expect(snapshot[0].id).toBe(sd.type);
    expect(new Set(snapshot.map((e) => e.id)).size).toBe(snapshot.length);
  });

  it('its snapshot is exactly what its differential generates', () => {
    const [generated] = generateSnapshots([sd], resolve);
    expect(generated.snapshot?.element).toEqual(snapshot);
  });

  it('every differential element is in the snapshot with the same values, and only narrows its base', () => {
    for (const diff of sd.differential?.element ?? []) {
      const element = snapshot.find((e) => e.id === diff.id) as ElementDefinition;
      expect(element, diff.id).toBeDefined();
      for (const [key, value] of Object.entries(diff)) {
        if (key === 'constraint') {
          for (const c of diff.constraint ?? []) expect(element.constraint?.map((x) => x.key), diff.id).toContain(c.key);
        } else expect(isDeepStrictEqual((element as unknown as Record<string, unknown>)[key], value), `${diff.id}.${key}`).toBe(true);
      }
      const inBase = base?.snapshot?.element.find((e) => e.id === diff.id) ?? base?.snapshot?.element.find((e) => e.path === element.path && !e.sliceName);
      if (inBase && !diff.sliceName) {
        expect(element.min ?? 0, `${diff.id} min`).toBeGreaterThanOrEqual(inBase.min ?? 0);
        expect(max(element.max), `${diff.id} max`).toBeLessThanOrEqual(max(inBase.max));
      }
    }
  });
});

describe('npm run content:check', () => {
  it('finds no problem in the committed content', async () => {
    expect(await checkContent(files)).toEqual([]);
  });

  it('reports a snapshot that no longer matches its differential', async () => {
    const tampered = files.map((f) => {
      if (f.resource.id !== 'attestation' || f.resource.resourceType !== 'StructureDefinition') return f;
      const sd = structuredClone(f.resource) as StructureDefinition;
      (sd.snapshot?.element.find((e) => e.id === 'Observation.subject') as ElementDefinition).min = 0;
      return { ...f, resource: sd };
    });
    const problems = await checkContent(tampered);
    expect(problems).toEqual([{ file: 'profiles/StructureDefinition-attestation.json', message: expect.stringContaining('snapshot is not the one its differential generates') }]);
  });

  it('reports a code outside a required binding of the base specification', async () => {
    const tampered = files.map((f) => (f.resource.resourceType === 'CodeSystem' && f.resource.id === 'community-support' ? { ...f, resource: { ...f.resource, status: 'live' } as unknown as Resource } : f));
    const problems = await checkContent(tampered);
    expect(problems).toEqual([{ file: 'valueSets/CodeSystem-community-support.json', message: expect.stringMatching(/^CodeSystem\.status: "live" is not in the required ValueSet http:\/\/hl7\.org\/fhir\/ValueSet\/publication-status/) }]);
  });
});
