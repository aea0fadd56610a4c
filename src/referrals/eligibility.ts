// Eligibility evidence for the plan's reviewer: the eligibility engine run over what the server stores for the member, as Task.output.
import type { Task, TaskOutput } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { CS_SYSTEM, POF_SYSTEM, EXCLUDED_PROGRAM_SYSTEM } from '../eligibility/codes.js';
import type { VersionedCache } from '../content/versioned-cache.js';
import { currentRuleSet, ruleValueSets, RulesUnusableError } from '../eligibility/current-rules.js';
import { evaluateEntries } from '../eligibility/evaluate.js';
import { patientCompartment } from '../search/compartment.js';
import type { Repository } from '../storage/repository.js';
import { pacificDate } from './deadlines.js';
import { JI_REENTRY_FLAG, REFERRAL_FLAG_SYSTEM, WORKFLOW_SYSTEM } from './codes.js';
import { refId } from './references.js';
import type { ReferralService } from './service.js';

/** The server's caches: built RuleSets, and the conformance cache the rules' ValueSets compile in (hooks see a repository bound to the write). */
export interface EligibilityCaches {
  rules: VersionedCache;
  conformance?: VersionedCache;
}

const type = (code: string) => ({ coding: [{ system: WORKFLOW_SYSTEM, code }] });

function isJiReentry(task: Task): boolean {
  return !!task.meta?.tag?.some((t) => t.system === REFERRAL_FLAG_SYSTEM && t.code === JI_REENTRY_FLAG);
}

/**
 * Outputs: eligibility-as-of, ecm-eligible, each population-of-focus met, each ecm-exclusion, the requested CS's status, and the evidence.
 * Never a denial: the plan's reviewer decides. A failure (unusable stored rules included) is recorded as an output, not a refused referral.
 */
export async function eligibilityOutputs(repo: Repository, ctx: RequestContext, task: Task, service: ReferralService, caches: EligibilityCaches): Promise<TaskOutput[]> {
  if (isJiReentry(task)) return [{ type: type('eligibility-not-redetermined'), valueString: 'JI reentry pre-release care management warm handoff: ECM without a new eligibility determination' }];
  const patientId = refId(task.for?.reference, 'Patient');
  if (!patientId) return [];
  const resources = await patientCompartment(repo, ctx, patientId);
  if (resources.length === 0) return [{ type: type('eligibility-error'), valueString: `Patient/${patientId} is not stored on this server; no eligibility evaluation` }];
  const asOf = pacificDate(ctx.now());
  const failed = (err: unknown): TaskOutput[] => [{ type: type('eligibility-error'), valueString: `Eligibility could not be evaluated: ${(err as Error).message}` }];
  // The stored, current rules, exactly as $ecm-eligibility reads them: a PUT of a definition counts from the next referral.
  // Unusable definitions become an output; a storage error propagates (the write's transaction is lost anyway).
  let rules, valueSets;
  try {
    rules = await currentRuleSet(repo, ctx, caches.rules);
    valueSets = await ruleValueSets(repo, ctx, rules, caches.conformance);
  } catch (err) {
    if (err instanceof RulesUnusableError) return failed(err);
    throw err;
  }
  let result;
  try {
    result = evaluateEntries(rules, resources.map((resource) => ({ resource })), asOf, { valueSets });
  } catch (err) {
    return failed(err);
  }
  const outputs: TaskOutput[] = [{ type: type('eligibility-as-of'), valueDate: result.asOf }, { type: type('ecm-eligible'), valueBoolean: result.eligible }];
  const evidence = new Set<string>();
  for (const p of result.populations.filter((x) => x.met)) {
    outputs.push({ type: type('population-of-focus-met'), valueCodeableConcept: { coding: [{ system: POF_SYSTEM, code: p.code }] } });
    for (const e of p.evidence) if (e.reference) evidence.add(e.reference);
  }
  for (const x of result.exclusions) outputs.push({ type: type('ecm-exclusion'), valueCodeableConcept: { coding: [{ system: EXCLUDED_PROGRAM_SYSTEM, code: x.code }] } });
  const cs = service.program === 'community-supports' ? result.supports.find((s) => s.code === service.code) : undefined;
  if (cs) {
    outputs.push({ type: type('community-support-status'), valueCodeableConcept: { coding: [{ system: CS_SYSTEM, code: cs.code }], text: cs.status } });
    for (const e of cs.evidence) if (e.reference) evidence.add(e.reference);
  }
  for (const reference of evidence) outputs.push({ type: type('eligibility-evidence'), valueReference: { reference } });
  return outputs;
}
