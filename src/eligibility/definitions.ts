// Definition resources -> a RuleSet: the Library's named definitions, one Group per PoF, one PlanDefinition per CS.
import type { Expression, Group, Library, PlanDefinition, Resource } from '@medplum/fhirtypes';
import { isKnownResourceType } from './compiler/resource-types.js';
import { BOOLEAN, DATE, type Static } from './compiler/runtime.js';
import type { VariableStatics } from './compiler/compile.js';
import { COMMUNITY_SUPPORTS, CS_STATUSES, DEFINITIONS_LIBRARY_ID, EXCLUSIONS_VARIABLE, POPULATIONS, populationGroupId, supportPlanId, type CsStatus } from './codes.js';
import { DualExpression, RuleExpression } from './expression.js';
import { externalConstants, parseExpression, type AstNode } from './fhirpath-ast.js';
import { RULE_FUNCTION_BY_NAME } from './rule-functions.js';

export const VARIABLE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/variable';
export const CHARACTERISTIC_EXPRESSION = 'http://hl7.org/fhir/StructureDefinition/characteristicExpression';

export interface SupportAction {
  status: CsStatus;
  /** Absent: the action applies whenever no earlier one did. */
  condition?: RuleExpression;
}

export interface RuleSet {
  /** Changes whenever a definition resource changes (the cache key). */
  version: string;
  variables: { name: string; expression: DualExpression }[];
  populations: { code: string; group: string; rule: RuleExpression }[];
  supports: { code: string; actions: SupportAction[] }[];
  /** The %ResourceType variables the rules read (each is given the member's resources of that type, or nothing). */
  resourceVariables: string[];
  /** Canonical URLs of the ValueSets memberOf() names: the caller loads them (see EvaluateOptions.valueSets). */
  valueSetUrls: string[];
}

/** A definition resource that cannot be used; the message names the resource and the element. */
export class DefinitionError extends Error {}

/** Variables the engine provides; %adult and %child only exist in Group expressions. */
const ENGINE_VARIABLES: Record<string, Static> = {
  asOf: DATE,
  patient: { kind: 'resource', paths: ['Patient'] },
};
const COLUMN_VARIABLES: Record<string, Static> = { adult: BOOLEAN, child: BOOLEAN };

class Statics implements VariableStatics {
  private readonly defined = new Map<string, Static>();
  /** What the definitions so far are (expressions compiled against these statics are cached under it). */
  signature = '';
  constructor(
    private readonly columns: boolean,
    readonly resourceTypes = new Set<string>(),
    readonly valueSets = new Set<string>(),
  ) {}
  withColumns(): Statics {
    const copy = new Statics(true, this.resourceTypes, this.valueSets);
    copy.signature = `${this.signature}\u0000columns`;
    this.defined.forEach((v, k) => copy.defined.set(k, v));
    return copy;
  }
  define(name: string, st: Static): void {
    this.defined.set(name, st);
  }
  has(name: string): boolean {
    return this.get(name) !== undefined || name === 'context';
  }
  get(name: string): Static | undefined {
    if (this.defined.has(name)) return this.defined.get(name);
    if (this.columns && name in COLUMN_VARIABLES) return COLUMN_VARIABLES[name];
    if (name in ENGINE_VARIABLES) return ENGINE_VARIABLES[name];
    if (isKnownResourceType(name)) {
      this.resourceTypes.add(name);
      return { kind: 'resource', paths: [name] };
    }
    return undefined;
  }
}

function checkFunctions(node: AstNode, where: string, valueSets: Set<string>): void {
  if (node.type === 'FunctionInvocation') {
    const functn = node.children?.[0];
    const name = functn?.children?.[0]?.text ?? '';
    const count = functn?.children?.[1]?.children?.length ?? 0;
    if (name === 'memberOf') {
      const literal = functn?.children?.[1]?.children?.[0]?.children?.[0]?.children?.[0];
      if (count !== 1 || literal?.type !== 'StringLiteral') throw new DefinitionError(`${where}: memberOf() takes one ValueSet URL, written as a string`);
      valueSets.add((literal.text as string).slice(1, -1));
    }
    const fn = RULE_FUNCTION_BY_NAME.get(name);
    if (fn && !fn.arities.some((a) => a.length === count) && !(fn.variadic && count >= 1)) {
      throw new DefinitionError(`${where}: ${name}() takes ${fn.arities.map((a) => a.length).join(' or ')} arguments, not ${count}`);
    }
  }
  for (const c of node.children ?? []) checkFunctions(c, where, valueSets);
}

/** Parses and checks an expression's variables and engine functions; the message says where it is. */
function checked(expression: Expression | undefined, statics: Statics, where: string): string {
  if (!expression?.expression) throw new DefinitionError(`${where}: no expression`);
  if (expression.language !== 'text/fhirpath') throw new DefinitionError(`${where}: language must be text/fhirpath, not ${expression.language}`);
  let ast: AstNode;
  try {
    ast = parseExpression(expression.expression);
  } catch (err) {
    throw new DefinitionError(`${where}: the FHIRPath does not parse: ${(err as Error).message.split('\n')[0]}`);
  }
  for (const name of externalConstants(ast)) if (!statics.has(name)) throw new DefinitionError(`${where}: unknown variable %${name}`);
  checkFunctions(ast, where, statics.valueSets);
  return expression.expression;
}

/** Compiled expressions by (Library definitions, kind, text): after an edit only what changed is compiled again. */
const compiledExpressions = new Map<string, unknown>();

function build<T>(where: string, key: string, make: () => T): T {
  const known = compiledExpressions.get(key);
  if (known) return known as T;
  try {
    const made = make();
    if (compiledExpressions.size > 2000) compiledExpressions.clear();
    compiledExpressions.set(key, made);
    return made;
  } catch (err) {
    if (err instanceof DefinitionError) throw err;
    throw new DefinitionError(`${where}: ${(err as Error).message}`);
  }
}

function libraryVariables(library: Library, statics: Statics): RuleSet['variables'] {
  const variables: RuleSet['variables'] = [];
  let prefix = 'library';
  (library.extension ?? []).forEach((ext, i) => {
    if (ext.url !== VARIABLE_EXTENSION) return;
    const where = `Library/${library.id}.extension[${i}]`;
    const name = ext.valueExpression?.name;
    if (!name || !/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new DefinitionError(`${where}: a variable needs a name (letters and digits)`);
    if (statics.has(name)) throw new DefinitionError(`${where}: %${name} is already defined`);
    const text = checked(ext.valueExpression, statics, where);
    const expression = build(where, `${prefix}\u0000${text}`, () => new DualExpression(text, statics));
    prefix += `\u0000${name}=${text}`;
    statics.define(name, expression.static);
    variables.push({ name, expression });
  });
  if (!variables.some((v) => v.name === EXCLUSIONS_VARIABLE)) throw new DefinitionError(`Library/${library.id}: defines no %${EXCLUSIONS_VARIABLE}`);
  statics.signature = prefix;
  return variables;
}

function populationRule(group: Group, statics: Statics): RuleExpression {
  const where = `Group/${group.id}`;
  const ext = group.extension?.find((e) => e.url === CHARACTERISTIC_EXPRESSION);
  if (!ext) throw new DefinitionError(`${where}: no characteristicExpression extension`);
  const text = checked(ext.valueExpression, statics, `${where}.extension(characteristicExpression)`);
  return build(where, `${statics.signature}\u0000${text}`, () => new RuleExpression(text, statics));
}

function supportActions(plan: PlanDefinition, statics: Statics): SupportAction[] {
  return (plan.action ?? []).map((action, i) => {
    const where = `PlanDefinition/${plan.id}.action[${i}]`;
    const status = action.code?.[0]?.coding?.[0]?.code as CsStatus | undefined;
    if (!status || !CS_STATUSES.includes(status)) throw new DefinitionError(`${where}: code must be one of ${CS_STATUSES.join(', ')}`);
    const conditions = (action.condition ?? []).filter((c) => c.kind === 'applicability');
    if (conditions.length > 1) throw new DefinitionError(`${where}: at most one applicability condition`);
    if (conditions.length === 0) return { status };
    const text = checked(conditions[0].expression, statics, `${where}.condition[0]`);
    return { status, condition: build(where, `${statics.signature}\u0000${text}`, () => new RuleExpression(text, statics)) };
  });
}

/** Finds each definition by id among the given resources; throws DefinitionError when one is missing or unusable. */
export function buildRuleSet(resources: readonly Resource[], version: string): RuleSet {
  const byId = new Map(resources.map((r) => [`${r.resourceType}/${r.id}`, r]));
  const need = <T extends Resource>(type: string, id: string): T => {
    const found = byId.get(`${type}/${id}`);
    if (!found) throw new DefinitionError(`${type}/${id} is missing`);
    return found as T;
  };
  const statics = new Statics(false);
  const variables = libraryVariables(need<Library>('Library', DEFINITIONS_LIBRARY_ID), statics);
  const ruleStatics = statics.withColumns();
  return {
    version,
    variables,
    populations: POPULATIONS.map((code) => ({ code, group: `Group/${populationGroupId(code)}`, rule: populationRule(need<Group>('Group', populationGroupId(code)), ruleStatics) })),
    supports: COMMUNITY_SUPPORTS.map((code) => ({ code, actions: supportActions(need<PlanDefinition>('PlanDefinition', supportPlanId(code)), statics) })),
    resourceVariables: [...statics.resourceTypes],
    valueSetUrls: [...statics.valueSets],
  };
}
