import { describe, expect, it } from 'vitest';
import type { Patient, Task } from '@medplum/fhirtypes';
import { CIN_SYSTEM, member, memberCount, population, populationBatches } from '../../bench/population/generate.js';

describe('synthetic plan population (bench/population)', () => {
  const spec = { seed: 7, resources: 3000 };

  it('is deterministic: the same seed and size give the same resources with the same ids', () => {
    expect(JSON.stringify([...population(spec)])).toBe(JSON.stringify([...population(spec)]));
    expect(JSON.stringify(member(spec, 12))).toBe(JSON.stringify(member(spec, 12)));
  });

  it('reaches the requested size, with every id unique and every member holding exactly one CIN, unique across members', () => {
    const all = [...population(spec)];
    expect(all.length).toBeGreaterThanOrEqual(spec.resources);
    expect(all.length).toBeLessThan(spec.resources + 30);
    expect(new Set(all.map((r) => `${r.resourceType}/${r.id}`)).size).toBe(all.length);
    const patients = all.filter((r): r is Patient => r.resourceType === 'Patient');
    expect(patients.length).toBe(memberCount(spec));
    const cins = patients.map((p) => p.identifier?.filter((i) => i.system === CIN_SYSTEM).map((i) => i.value));
    expect(cins.every((c) => c?.length === 1)).toBe(true);
    expect(new Set(cins.map((c) => c?.[0])).size).toBe(patients.length);
  });

  it('mixes referral Task statuses, leaves some unowned, and dates them within two years', () => {
    const tasks = [...population({ seed: 7, resources: 10_000 })].filter((r): r is Task => r.resourceType === 'Task');
    const statuses = new Set(tasks.map((t) => t.status));
    for (const s of ['requested', 'accepted', 'in-progress', 'completed', 'rejected', 'cancelled']) expect(statuses).toContain(s);
    const unowned = tasks.filter((t) => !t.owner).length / tasks.length;
    expect(unowned).toBeGreaterThan(0.05);
    expect(unowned).toBeLessThan(0.3);
    const years = tasks.map((t) => Date.parse(t.authoredOn as string));
    expect(Math.max(...years) - Math.min(...years)).toBeGreaterThan(600 * 86_400_000);
  });

  it('batches whole members after a first batch of Organizations', () => {
    const batches = [...populationBatches(spec, 100)];
    expect(batches[0].every((r) => r.resourceType === 'Organization')).toBe(true);
    for (const batch of batches.slice(1)) expect(batch[0].resourceType).toBe('Patient');
    expect(batches.flat().length).toBe([...population(spec)].length);
  });
});
