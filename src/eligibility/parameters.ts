// The $ecm-eligibility response: a Parameters resource in the contract's order.
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { CS_SYSTEM, EXCLUDED_PROGRAM_SYSTEM, POF_SYSTEM } from './codes.js';
import type { EligibilityResult, EvidenceRef } from './evaluate.js';

const evidence = (refs: EvidenceRef[]): ParametersParameter[] => refs.map((valueReference) => ({ name: 'evidence', valueReference }));

export function toParameters(result: EligibilityResult): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'eligible', valueBoolean: result.eligible },
      { name: 'asOf', valueDate: result.asOf },
      ...result.populations.map((p) => ({
        name: 'population',
        part: [
          { name: 'code', valueCoding: { system: POF_SYSTEM, code: p.code } },
          { name: 'met', valueBoolean: p.met },
          ...evidence(p.evidence),
          { name: 'group', valueReference: { reference: p.group } },
        ],
      })),
      ...result.exclusions.map((x) => ({ name: 'exclusion', part: [{ name: 'code', valueCoding: { system: EXCLUDED_PROGRAM_SYSTEM, code: x.code } }, ...evidence(x.evidence)] })),
      ...result.supports.map((s) => ({
        name: 'communitySupport',
        part: [{ name: 'code', valueCoding: { system: CS_SYSTEM, code: s.code } }, { name: 'status', valueCode: s.status }, ...evidence(s.evidence)],
      })),
    ],
  };
}
