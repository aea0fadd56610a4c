// Differential test: 10,000 seeded random members evaluated by the fast path and by fhirpath.js give identical results, evidence included.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { evaluateEntries } from '../../src/eligibility/evaluate.js';
import type { EvaluationStats } from '../../src/eligibility/expression.js';
import { usableEntries } from '../../src/eligibility/member.js';
import { packagedRuleSet } from '../../src/eligibility/packaged-rules.js';
import { generateMember } from '../helpers/eligibility-generator.js';
import { seededRandom, seedFrom } from '../helpers/random.js';

const MEMBERS = 10_000;
const CHUNK = 1_000;
const seed = seedFrom('ELIGIBILITY_SEED');
const rules = packagedRuleSet();
const rng = seededRandom(seed);
const stats: EvaluationStats = { compiled: 0, fhirpath: 0, handedOver: 0, errors: 0 };
const tally = { met: 0, eligible: 0, evidence: 0, exclusions: 0, statuses: new Set<string>() };

describe(`fast path and fhirpath.js agree on ${MEMBERS} random members (ELIGIBILITY_SEED=${seed})`, () => {
  for (let start = 0; start < MEMBERS; start += CHUNK) {
    it(`members ${start}-${start + CHUNK - 1}`, async () => {
      for (let i = start; i < start + CHUNK; i++) {
        // Let vitest's worker answer its supervisor now and then: the evaluation itself is synchronous.
        if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
        // Mostly small members (the reference is slow), some of the benchmark's size.
        const size = rng.chance(0.05) ? 60 + rng.int(100) : 1 + rng.int(14);
        const { bundle, asOf } = generateMember(rng, size, i);
        const entries = usableEntries(bundle.entry ?? []);
        const fast = evaluateEntries(rules, entries, asOf, { mode: 'fast', stats });
        const reference = evaluateEntries(rules, entries, asOf, { mode: 'reference' });
        if (!isDeepStrictEqual(fast, reference)) {
          expect({ member: i, asOf, fast }, `member ${i} (ELIGIBILITY_SEED=${seed}): ${JSON.stringify(bundle)}`).toEqual({ member: i, asOf, fast: reference });
        }
        tally.met += fast.populations.filter((p) => p.met).length;
        tally.eligible += fast.eligible ? 1 : 0;
        tally.exclusions += fast.exclusions.length;
        tally.evidence += [...fast.populations, ...fast.supports].reduce((n, x) => n + x.evidence.length, 0);
        fast.supports.forEach((s) => tally.statuses.add(`${s.code}:${s.status}`));
      }
    });
  }

  it('exercised the rules: populations met, exclusions, evidence and every support status', () => {
    expect(tally.eligible).toBeGreaterThan(MEMBERS / 20);
    expect(tally.met).toBeGreaterThan(MEMBERS / 10);
    expect(tally.exclusions).toBeGreaterThan(MEMBERS / 50);
    expect(tally.evidence).toBeGreaterThan(MEMBERS);
    for (const code of ['recuperative-care', 'asthma-remediation', 'sobering-center', 'respite']) expect([...tally.statuses].filter((s) => s.startsWith(`${code}:`)).length, code).toBeGreaterThan(1);
    // The fast path did the work: fhirpath.js only took over for data outside the compiled subset.
    expect(stats.fhirpath + stats.handedOver).toBeLessThan(stats.compiled / 100);
    expect(stats.errors).toBe(0);
  });
});
