// Evaluates one member against a RuleSet: Library definitions, PoFs per age column, exclusions, Community Supports, evidence.
import type { Patient, Resource } from '@medplum/fhirtypes';
import { columnsFor, possibleAges, restrictToColumn } from './age.js';
import { parseFullDate } from './calendar.js';
import { EXCLUDED_PROGRAM_SYSTEM, EXCLUDED_PROGRAMS, EXCLUSIONS_VARIABLE, type CsStatus } from './codes.js';
import type { Vars } from './compiler/runtime.js';
import { DateValue } from './date-value.js';
import type { RuleSet } from './definitions.js';
import type { EvaluationStats, Mode, Scope } from './expression.js';
import { memberData, type MemberData } from './member.js';
import type { MemberEntry } from './references.js';
import type { FunctionEnv, ValueSetTest } from './rule-functions.js';

/** A reference to evidence: "Type/id" (or the entry's fullUrl); a resource with neither is described instead. */
export interface EvidenceRef {
  reference?: string;
  display?: string;
}

export interface EligibilityResult {
  eligible: boolean;
  asOf: string;
  populations: { code: string; group: string; met: boolean; evidence: EvidenceRef[] }[];
  exclusions: { code: string; evidence: EvidenceRef[] }[];
  supports: { code: string; status: CsStatus; evidence: EvidenceRef[] }[];
}

export interface EvaluateOptions {
  mode?: Mode;
  /** The ValueSets of RuleSet.valueSetUrls, for memberOf() (an expression naming one not given here fails: not met). */
  valueSets?: ReadonlyMap<string, ValueSetTest>;
  stats?: EvaluationStats;
  /** Called when an expression fails on this member's data (it then counts as not holding). */
  onError?: (expression: string, err: unknown) => void;
}

/** Sorted by reference, so a posted Bundle and the stored compartment give the same list. */
function evidenceOf(member: MemberData, found: Iterable<Resource>): EvidenceRef[] {
  const refs = [...new Set(found)].map((r): EvidenceRef => {
    const reference = member.referenceTo(r);
    return reference ? { reference } : { display: `${r.resourceType} with neither id nor fullUrl` };
  });
  return refs.sort((a, b) => (a.reference === undefined ? 1 : b.reference === undefined ? -1 : a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
}

function exclusions(member: MemberData, episodes: unknown[]): EligibilityResult['exclusions'] {
  if (episodes.length === 0) return [];
  const byProgram = new Map<string, Resource[]>();
  const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
  for (const e of episodes) {
    for (const t of list((e as { type?: unknown }).type)) {
      for (const c of list((t as { coding?: unknown } | null)?.coding) as ({ system?: unknown; code?: unknown } | null)[]) {
        if (c?.system !== EXCLUDED_PROGRAM_SYSTEM || typeof c.code !== 'string') continue;
        const list = byProgram.get(c.code) ?? [];
        if (!list.includes(e as Resource)) list.push(e as Resource);
        byProgram.set(c.code, list);
      }
    }
  }
  return EXCLUDED_PROGRAMS.filter((code) => byProgram.has(code)).map((code) => ({ code, evidence: evidenceOf(member, byProgram.get(code) as Resource[]) }));
}

const byNames = new WeakMap<RuleSet, Map<string, RuleSet['variables'][number]['expression']>>();
function variablesByName(rules: RuleSet): Map<string, RuleSet['variables'][number]['expression']> {
  let map = byNames.get(rules);
  if (!map) byNames.set(rules, (map = new Map(rules.variables.map((v) => [v.name, v.expression]))));
  return map;
}

const makers = new WeakMap<RuleSet, () => Vars>();

/**
 * A variables object with every name a rule can read declared up front (undefined until set), built by a function made
 * for the RuleSet: all members' objects share one shape, so compiled variable reads stay fast.
 */
function newVars(rules: RuleSet): Vars {
  let make = makers.get(rules);
  if (!make) {
    const names = ['asOf', 'patient', 'adult', 'child', ...rules.resourceVariables, ...rules.variables.map((v) => v.name)];
    make = new Function(`return { ${names.map((n) => `${JSON.stringify(n)}: undefined`).join(', ')} };`) as () => Vars;
    makers.set(rules, make);
  }
  return make();
}

/**
 * The Library definitions: on the fast path each is evaluated when a rule first reads it (rules that stop early never
 * pay for the definitions they did not need); fhirpath.js gets them all, in order, as its variables.
 */
function libraryVariables(rules: RuleSet, scope: Scope, mode: Mode): void {
  const { vars } = scope;
  const full = scope.env.ages;
  // Columns change %adult/%child only; Library definitions cannot read them, so a value once computed stays valid.
  const byName = variablesByName(rules);
  const order = new Map(rules.variables.map((v, i) => [v.name, i]));
  /** Positions of the definitions being computed (a definition reads only earlier ones). */
  const computing: number[] = [];
  const compute = (name: string): unknown[] | undefined => {
    const expression = byName.get(name);
    if (!expression) return undefined;
    const ageColumn = [scope.env.ages, scope.env.column] as const;
    // Definitions are column-free: evaluate them with the member's full age range whatever column is being evaluated.
    [scope.env.ages, scope.env.column] = [full, undefined];
    computing.push(order.get(name) as number);
    try {
      return (vars[name] = expression.evaluate(scope, mode));
    } finally {
      computing.pop();
      [scope.env.ages, scope.env.column] = ageColumn;
    }
  };
  if (mode === 'fast') {
    scope.lazy = compute;
    // fhirpath.js needs its variables given: every definition a rule may read, or, inside a definition, the earlier ones.
    scope.materialize = () => {
      const upTo = computing.length ? computing[computing.length - 1] : rules.variables.length;
      for (let i = 0; i < upTo; i++) if (vars[rules.variables[i].name] === undefined) compute(rules.variables[i].name);
    };
  } else for (const { name } of rules.variables) compute(name);
}

/** Evaluates the member whose data `entries` hold (exactly one Patient; MemberInputError otherwise). asOf is YYYY-MM-DD. */
export function evaluateEntries(rules: RuleSet, entries: readonly MemberEntry[], asOf: string, options: EvaluateOptions = {}): EligibilityResult {
  const day = parseFullDate(asOf);
  if (day === undefined) throw new Error(`asOf must be a full date, got ${asOf}`);
  return evaluateMember(rules, memberData(entries, day), new DateValue(day, asOf), options);
}

export function evaluateMember(rules: RuleSet, member: MemberData, asOf: DateValue, options: EvaluateOptions = {}): EligibilityResult {
  const mode = options.mode ?? 'fast';
  const ages = possibleAges((member.patient as Patient).birthDate, asOf.day);
  const env: FunctionEnv = { asOf: asOf.day, member, ages, valueSets: options.valueSets };
  const vars: Vars = newVars(rules);
  vars.asOf = [asOf];
  vars.patient = [member.patient];
  for (const type of rules.resourceVariables) vars[type] = member.byType.get(type) ?? [];
  const scope: Scope = { root: member.patient, vars, env, stats: options.stats, onError: options.onError };
  libraryVariables(rules, scope, mode);

  // Populations: each column the age allows; met only when met in every one of them.
  const met = rules.populations.map(() => true);
  const found: Resource[][] = [];
  for (const column of columnsFor(ages)) {
    vars.adult = [column === 'adult'];
    vars.child = [column === 'child'];
    env.ages = restrictToColumn(ages, column);
    env.column = column;
    rules.populations.forEach((p, i) => {
      if (!met[i]) return;
      met[i] = p.rule.holds(scope, mode);
      if (met[i]) p.rule.evidence(scope, mode, (found[i] ??= []));
    });
  }
  // %adult and %child stay behind: CS rules cannot name them (they are checked when the definitions load).
  env.ages = ages;
  env.column = undefined;
  const populations = rules.populations.map((p, i) => ({ code: p.code, group: p.group, met: met[i], evidence: met[i] ? evidenceOf(member, found[i]) : [] }));
  const excluded = exclusions(member, vars[EXCLUSIONS_VARIABLE] ?? scope.lazy?.(EXCLUSIONS_VARIABLE) ?? []);

  const supports = rules.supports.map(({ code, actions }) => {
    for (const action of actions) {
      if (!action.condition) return { code, status: action.status, evidence: [] };
      if (action.condition.holds(scope, mode)) {
        const evidence: Resource[] = [];
        action.condition.evidence(scope, mode, evidence);
        return { code, status: action.status, evidence: evidenceOf(member, evidence) };
      }
    }
    return { code, status: 'not-eligible' as CsStatus, evidence: [] };
  });

  return { eligible: populations.some((p) => p.met) && excluded.length === 0, asOf: asOf.text, populations, exclusions: excluded, supports };
}
