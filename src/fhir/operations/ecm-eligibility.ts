// $ecm-eligibility: a posted member Bundle (type level) or a stored Patient's compartment (instance level) against the stored rules.
import { readFileSync } from 'node:fs';
import type { Bundle, OperationDefinition, Parameters, Resource } from '@medplum/fhirtypes';
import { parseFullDate, todayInLosAngeles } from '../../eligibility/calendar.js';
import { currentRuleSet, ruleValueSets, RulesUnusableError } from '../../eligibility/current-rules.js';
import { evaluateEntries } from '../../eligibility/evaluate.js';
import { MemberInputError, usableEntries } from '../../eligibility/member.js';
import { toParameters } from '../../eligibility/parameters.js';
import { patientCompartment } from '../../search/compartment.js';
import { badRequest, FhirError, issue, notFound, outcome } from '../errors.js';
import type { OperationRoute } from '../registry.js';
import type { FhirRequest, Handler, HandlerContext } from '../request.js';

export const ecmEligibilityDefinition = JSON.parse(readFileSync(new URL('../../../bundles/OperationDefinition-ecm-eligibility.json', import.meta.url), 'utf8')) as OperationDefinition;

const PARAMETER = (name: string) => `Parameters.parameter.where(name='${name}')`;

interface Input {
  bundle?: Bundle;
  asOf?: string;
  /** Where asOf came from, for the error message. */
  asOfFrom?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fromParameters(body: Parameters): Input {
  if (body.parameter !== undefined && (!Array.isArray(body.parameter) || !body.parameter.every(isObject))) throw badRequest('Parameters.parameter must be an array of objects', 'Parameters.parameter');
  const input: Input = {};
  for (const p of body.parameter ?? []) {
    if (p.name === 'bundle') {
      if (input.bundle) throw badRequest('Only one bundle parameter is allowed', PARAMETER('bundle'));
      if (!isObject(p.resource) || p.resource.resourceType !== 'Bundle') throw badRequest('The bundle parameter must hold a Bundle resource', PARAMETER('bundle'));
      input.bundle = p.resource as Bundle;
    } else if (p.name === 'asOf') {
      if (typeof p.valueDate !== 'string') throw badRequest('The asOf parameter must be a valueDate (YYYY-MM-DD)', PARAMETER('asOf'));
      [input.asOf, input.asOfFrom] = [p.valueDate, PARAMETER('asOf')];
    }
  }
  return input;
}

function readInput(request: FhirRequest): Input {
  const body = request.body;
  let input: Input = {};
  if (body !== undefined && body !== '') {
    if (!isObject(body) || typeof body.resourceType !== 'string') throw badRequest('The body must be a Bundle, or a Parameters holding one in "bundle"', 'Bundle');
    if (body.resourceType === 'Parameters') input = fromParameters(body as unknown as Parameters);
    else if (body.resourceType === 'Bundle') input.bundle = body as unknown as Bundle;
    else throw badRequest(`The body must be a Bundle, or a Parameters holding one in "bundle"; got a ${body.resourceType}`, body.resourceType);
  }
  const query = request.query.asOf;
  if (query !== undefined) {
    if (query.length > 1 || (input.asOf !== undefined && input.asOf !== query[0])) throw badRequest('asOf is given more than once', 'asOf');
    [input.asOf, input.asOfFrom] = [query[0], 'asOf'];
  }
  if (input.asOf !== undefined && parseFullDate(input.asOf) === undefined) throw badRequest(`asOf must be a full date (YYYY-MM-DD), got "${input.asOf}"`, input.asOfFrom);
  return input;
}

function bundleEntries(bundle: Bundle): { fullUrl?: unknown; resource?: unknown }[] {
  if (bundle.entry === undefined) return [];
  if (!Array.isArray(bundle.entry) || !bundle.entry.every(isObject)) throw badRequest('Bundle.entry must be an array of objects', 'Bundle.entry');
  return bundle.entry;
}

/** The stored rules; definitions the server cannot evaluate are its own fault (500), not the caller's. */
async function storedRules(hc: HandlerContext) {
  try {
    const rules = await currentRuleSet(hc.repo, hc.ctx);
    return { rules, valueSets: await ruleValueSets(hc.repo, hc.ctx, rules) };
  } catch (err) {
    if (err instanceof RulesUnusableError) throw new FhirError(500, outcome([issue('processing', err.message)]));
    throw err;
  }
}

const handler: Handler = async (hc, request, params) => {
  const input = readInput(request);
  let entries: { fullUrl?: unknown; resource?: unknown }[];
  if (params.id !== undefined) {
    if (input.bundle) throw badRequest('A bundle can only be posted to Patient/$ecm-eligibility; Patient/[id]/$ecm-eligibility evaluates what the server stores', PARAMETER('bundle'));
    const stored: Resource[] = await patientCompartment(hc.repo, hc.ctx, params.id);
    if (stored.length === 0) throw notFound(`Patient/${params.id} not found`);
    entries = stored.map((resource) => ({ resource }));
  } else {
    if (!input.bundle) throw badRequest('POST the member data: a Bundle, or a Parameters holding one in "bundle"', 'Bundle');
    entries = bundleEntries(input.bundle);
  }
  const { rules, valueSets } = await storedRules(hc);
  try {
    const result = evaluateEntries(rules, usableEntries(entries), input.asOf ?? todayInLosAngeles(hc.ctx.now()), { valueSets });
    return { status: 200, resource: toParameters(result) };
  } catch (err) {
    if (err instanceof MemberInputError) throw badRequest(err.message, err.expression);
    throw err;
  }
};

export const ecmEligibilityOperation: OperationRoute = {
  name: 'ecm-eligibility',
  levels: ['type', 'instance'],
  resourceTypes: ['Patient'],
  methods: ['GET', 'POST'],
  definition: ecmEligibilityDefinition,
  handler,
};
