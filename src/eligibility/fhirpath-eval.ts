// The reference evaluator: one expression run by fhirpath.js (R4 model) with the engine's functions and variables.
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import type { UserInvocationTable } from 'fhirpath';
import { DateValue } from './date-value.js';
import { RULE_FUNCTIONS, type ArgType, type FunctionEnv } from './rule-functions.js';

/** Where fhirpath.js user functions find the engine state (they receive fhirpath.js's ctx, whose `vars` we pass). */
const ENV_VAR = '__eligibility';

type FhirpathType = 'String' | 'Integer' | 'Any';
const ARG_TYPE: Record<ArgType, FhirpathType> = { string: 'String', integer: 'Integer', date: 'Any' };

interface ResourceNodeClass {
  makeResNode(ctx: unknown, data: unknown, parent: null, path: null, _data: null, type: null): unknown;
}
interface ResourceNodeLike {
  data: unknown;
}

// fhirpath.js does not export ResourceNode; every evaluation result with resolveInternalTypes:false is one.
const ResourceNode = (fhirpath.evaluate({ resourceType: 'Basic' }, '$this', {}, r4, { resolveInternalTypes: false }) as unknown[])[0]!.constructor as unknown as ResourceNodeClass;

function isResourceNode(value: unknown): value is ResourceNodeLike {
  return value instanceof (ResourceNode as unknown as new () => object);
}

function plain(value: unknown): unknown {
  return isResourceNode(value) ? value.data : value;
}

function numberArg(value: unknown): number {
  const v = plain(value);
  if (typeof v === 'number') return v;
  return Number((v as { value?: unknown }).value ?? String(v));
}

function convertArg(type: ArgType, value: unknown): unknown {
  if (type === 'integer') return numberArg(value);
  if (type === 'date') return Array.isArray(value) ? plain(value[0]) : plain(value);
  return plain(value);
}

function buildTable(): UserInvocationTable {
  const table: UserInvocationTable = {};
  for (const fn of RULE_FUNCTIONS) {
    const arity: UserInvocationTable[string]['arity'] = {};
    for (const args of fn.arities) arity[args.length] = args.map((a) => ARG_TYPE[a]);
    const entry = {
      internalStructures: true,
      arity,
      fn(this: { vars: Record<string, unknown> }, input: unknown[], ...args: unknown[]) {
        const env = this.vars[ENV_VAR] as FunctionEnv;
        const types = fn.arities.find((a) => a.length === args.length) ?? args.map(() => fn.variadic as ArgType);
        const result = fn.impl(
          env,
          input.map(plain),
          args.map((a, i) => convertArg(types[i], a)),
        );
        return result.map((v) => (typeof v === 'object' && v !== null && 'resourceType' in v ? ResourceNode.makeResNode(this, v, null, null, null, null) : v));
      },
    };
    if (fn.variadic) Object.assign(entry, { variadicArity: { min: 1, type: ARG_TYPE[fn.variadic] } });
    table[fn.name] = entry;
  }
  return table;
}

const table = buildTable();
const fpDates = new Map<string, unknown>();

/** fhirpath.js's own Date value for a DateValue, so %asOf takes part in its date arithmetic and comparisons. */
function fhirpathDate(value: DateValue): unknown {
  let fp = fpDates.get(value.text);
  if (!fp) {
    fp = (fhirpath.evaluate({}, `@${value.text}`, {}, r4, { resolveInternalTypes: false }) as unknown[])[0];
    fpDates.set(value.text, fp);
  }
  return fp;
}

/** Converts result values back: resources and elements unwrapped, fhirpath.js full Dates as DateValue. */
function fromFhirpath(value: unknown): unknown {
  const v = plain(value);
  if (typeof v === 'object' && v !== null && v.constructor?.name === 'FP_Date') {
    const parsed = DateValue.parse(String((v as { asStr?: string }).asStr));
    if (parsed) return parsed;
  }
  return v;
}

function toFhirpath(value: unknown): unknown {
  return value instanceof DateValue ? fhirpathDate(value) : value;
}

export type Vars = Record<string, unknown[]>;
export type ReferenceEvaluator = (root: unknown, vars: Vars, env: FunctionEnv) => unknown[];

/** Compiles an expression with fhirpath.js; throws its message on a syntax error. */
export function fhirpathEvaluator(expression: string): ReferenceEvaluator {
  const run = fhirpath.compile(expression, r4, { userInvocationTable: table, resolveInternalTypes: false });
  return (root, vars, env) => {
    const envVars: Record<string, unknown> = { [ENV_VAR]: env };
    for (const name in vars) {
      const values = vars[name];
      // Names declared but not set (a column variable outside its rules) stay undefined for fhirpath.js as well.
      if (values !== undefined) envVars[name] = values.some((v) => v instanceof DateValue) ? values.map(toFhirpath) : values;
    }
    return (run(root, envVars) as unknown[]).map(fromFhirpath);
  };
}
