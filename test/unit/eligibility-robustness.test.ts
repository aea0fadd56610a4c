// Malformed member data never breaks the engine: whatever shape the JSON takes, the answer is a result or a MemberInputError (a 400).
import type { Bundle } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { evaluateEntries } from '../../src/eligibility/evaluate.js';
import { MemberInputError, usableEntries } from '../../src/eligibility/member.js';
import { packagedRuleSet } from '../../src/eligibility/packaged-rules.js';
import { generateMember } from '../helpers/eligibility-generator.js';
import { seededRandom, seedFrom } from '../helpers/random.js';

const seed = seedFrom('ELIGIBILITY_FUZZ_SEED');
const rules = packagedRuleSet();
const WEIRD: unknown[] = [null, 0, -1, 1.5, true, false, '', 'x', '2026-02-30', '2026-06', [], {}, [null], [{}], { coding: {} }, { reference: 5 }, [[1]], 'Patient/m0'];

/** Replaces a random value somewhere in the Bundle (never the Patient's resourceType, which decides 400 vs result). */
function mutate(bundle: Bundle, rng: ReturnType<typeof seededRandom>): void {
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown, depth: number) => {
    if (depth > 8 || typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      node.forEach((v, i) => {
        slots.push({ parent: node, key: i });
        walk(v, depth + 1);
      });
    }
    else {
      for (const k of Object.keys(node)) {
        if (k === 'resourceType') continue;
        slots.push({ parent: node as Record<string, unknown>, key: k });
        walk((node as Record<string, unknown>)[k], depth + 1);
      }
    }
  };
  walk(bundle.entry, 0);
  for (let n = 1 + rng.int(4); n > 0 && slots.length; n--) {
    const slot = rng.pick(slots);
    (slot.parent as Record<string | number, unknown>)[slot.key] = structuredClone(rng.pick(WEIRD));
  }
}

describe(`malformed member data (ELIGIBILITY_FUZZ_SEED=${seed})`, () => {
  it('2,000 mutated members each give a result (or a MemberInputError), on both evaluators alike', () => {
    const rng = seededRandom(seed);
    for (let i = 0; i < 2000; i++) {
      const { bundle, asOf } = generateMember(rng, 1 + rng.int(12), i);
      mutate(bundle, rng);
      let entries;
      try {
        entries = usableEntries(Array.isArray(bundle.entry) ? bundle.entry : []);
        const fast = evaluateEntries(rules, entries, asOf, { mode: 'fast' });
        expect(fast, `member ${i}: ${JSON.stringify(bundle)}`).toEqual(evaluateEntries(rules, entries, asOf, { mode: 'reference' }));
      } catch (err) {
        if (!(err instanceof MemberInputError)) throw new Error(`member ${i} (ELIGIBILITY_FUZZ_SEED=${seed}): ${(err as Error).stack}\n${JSON.stringify(bundle)}`);
      }
    }
  });
});
