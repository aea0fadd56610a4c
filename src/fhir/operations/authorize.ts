// $authorize (instance Task, POST): the plan's authorization decision on a referral, recorded as a ClaimResponse linked from Task.insurance.
import type { CodeableConcept, Money, OperationDefinition, Period } from '@medplum/fhirtypes';
import { decide, prepareDecision } from '../../referrals/decide.js';
import { DECISIONS, type Decision } from '../../referrals/codes.js';
import { badRequest, FhirError } from '../errors.js';
import type { OperationRoute } from '../registry.js';
import type { Handler } from '../request.js';
import { parseVersionTag } from '../responses.js';
import { readOperationInput } from './params.js';

const MAX_ATTEMPTS = 5;

export const authorizeDefinition: OperationDefinition = {
  resourceType: 'OperationDefinition',
  id: 'authorize',
  url: 'https://calaim-fhir.dev/fhir/OperationDefinition/authorize',
  name: 'Authorize',
  title: 'Record the plan authorization decision on a referral',
  status: 'active',
  kind: 'operation',
  code: 'authorize',
  description:
    'Only the plan responsible for the referral Task may call it. Creates a ClaimResponse (use = preauthorization, extension authorization-decision) and links it from Task.insurance; ' +
    'approval accepts a requested Task, denial rejects (or cancels) it with the reason as statusReason. Community Supports caps are checked against the member accumulator ' +
    '(Basic/cs-accumulator-[patient]); a refusal states the cap, what was used and what remains.',
  system: false,
  type: false,
  instance: true,
  affectsState: true,
  resource: ['Task'],
  parameter: [
    { name: 'decision', use: 'in', min: 1, max: '1', type: 'code', documentation: 'approved | approved-modified | denied' },
    { name: 'reason', use: 'in', min: 0, max: '1', type: 'CodeableConcept', documentation: 'Required for a denial: a loop-closure-reason code' },
    { name: 'period', use: 'in', min: 0, max: '1', type: 'Period', documentation: 'Authorized service period (required for day-capped services)' },
    { name: 'amount', use: 'in', min: 0, max: '1', type: 'Money', documentation: 'Authorized amount (required for dollar-capped services)' },
    { name: 'changeOfCircumstances', use: 'in', min: 0, max: '1', type: 'string', documentation: 'Documentation of a change of circumstances, where policy allows an exception' },
    { name: 'note', use: 'in', min: 0, max: '1', type: 'string' },
    { name: 'authorization', use: 'out', min: 1, max: '1', type: 'ClaimResponse' },
    { name: 'task', use: 'out', min: 1, max: '1', type: 'Task' },
  ],
};

const handler: Handler = async (hc, request, params) => {
  const input = readOperationInput(request, authorizeDefinition);
  const decision = input.get<string>('decision');
  if (!decision || !(DECISIONS as readonly string[]).includes(decision)) throw badRequest(`decision must be one of approved, approved-modified, denied`, 'decision');
  const ifMatch = parseVersionTag(request.ifMatch, 'If-Match');
  const taskId = params.id as string;
  const decisionInput = {
    decision: decision as Decision,
    reason: input.get<CodeableConcept>('reason'),
    period: input.get<Period>('period'),
    amount: input.get<Money>('amount'),
    changeOfCircumstances: input.get<string>('changeOfCircumstances'),
    note: input.get<string>('note'),
  };
  await prepareDecision(hc.repo, hc.ctx, taskId);
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await hc.repo.transaction(hc.ctx, (repo) => decide(repo, hc.ctx, taskId, decisionInput, ifMatch));
      return {
        status: 200,
        resource: { resourceType: 'Parameters', parameter: [{ name: 'authorization', resource: result.authorization }, { name: 'task', resource: result.task }] },
      };
    } catch (err) {
      // A concurrent decision for the same member or Task moved a version on: decide again on what is stored now.
      if (ifMatch !== undefined || attempt >= MAX_ATTEMPTS || !(err instanceof FhirError) || err.status !== 412) throw err;
    }
  }
};

export const authorizeOperation: OperationRoute = {
  name: 'authorize',
  levels: ['instance'],
  resourceTypes: ['Task'],
  methods: ['POST'],
  definition: authorizeDefinition,
  handler,
};
