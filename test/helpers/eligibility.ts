// Evaluates a member Bundle on the packaged rules with both evaluators and checks they agree, so every rule test also tests the fast path.
import type { Bundle } from '@medplum/fhirtypes';
import { expect } from 'vitest';
import type { CsStatus } from '../../src/eligibility/codes.js';
import { evaluateEntries, type EligibilityResult } from '../../src/eligibility/evaluate.js';
import type { EvaluationStats } from '../../src/eligibility/expression.js';
import { usableEntries } from '../../src/eligibility/member.js';
import { packagedRuleSet } from '../../src/eligibility/packaged-rules.js';

export const rules = packagedRuleSet();

export function evaluate(bundle: Bundle, asOf: string): EligibilityResult {
  const entries = usableEntries(bundle.entry ?? []);
  const stats: EvaluationStats = { compiled: 0, fhirpath: 0, handedOver: 0, errors: 0 };
  const fast = evaluateEntries(rules, entries, asOf, { mode: 'fast', stats });
  const reference = evaluateEntries(rules, entries, asOf, { mode: 'reference' });
  expect(fast, 'fast path and fhirpath.js disagree').toEqual(reference);
  expect(stats.errors, 'an expression failed').toBe(0);
  return fast;
}

/** Populations met, in contract order. */
export function met(result: EligibilityResult): string[] {
  return result.populations.filter((p) => p.met).map((p) => p.code);
}

export function population(result: EligibilityResult, code: string): { met: boolean; evidence: string[] } {
  const p = result.populations.find((x) => x.code === code);
  if (!p) throw new Error(`no population ${code}`);
  return { met: p.met, evidence: p.evidence.map((e) => e.reference ?? e.display ?? '') };
}

export function support(result: EligibilityResult, code: string): { status: CsStatus; evidence: string[] } {
  const s = result.supports.find((x) => x.code === code);
  if (!s) throw new Error(`no community support ${code}`);
  return { status: s.status, evidence: s.evidence.map((e) => e.reference ?? e.display ?? '') };
}
