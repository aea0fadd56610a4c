// The fast path: fhirpath.js's parse tree compiled into closures; anything outside the subset throws NotCompilable.
import { DateValue } from '../date-value.js';
import { child, functionParts, parseExpression, type AstNode } from '../fhirpath-ast.js';
import { RULE_FUNCTION_BY_NAME, type ArgType, type RuleFunction } from '../rule-functions.js';
import { BUILTINS, type ParamCompiler } from './builtins.js';
import { compileChain } from './chain.js';
import { fresh } from './fresh.js';
import { compileMember } from './navigate.js';
import { dateArithmetic, equality, inequality, logic, membership, union } from './operators.js';
import { BOOLEAN, DATE, EMPTY, FastPathUnsupported, INTEGER, NotCompilable, RESOURCES, STRING, type Coll, type Compiled, type Fn, type Static } from './runtime.js';

/** What the compiler knows about each %variable (engine variables, resource types, Library definitions). */
export interface VariableStatics {
  get(name: string): Static | undefined;
}

/** fhirpath.js's string escapes (\', \n, \uXXXX...). */
function unescape(text: string): string {
  return text.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, s: string) =>
    s.length > 1 ? String.fromCharCode(parseInt(s.slice(1), 16)) : ({ r: '\r', n: '\n', t: '\t', f: '\f' } as Record<string, string>)[s] ?? s,
  );
}

const constant = (value: unknown, st: Static): Compiled => {
  const coll = Object.freeze([value]) as unknown as Coll;
  return { st: { ...st, constant: coll }, fn: () => coll };
};

function literal(node: AstNode): Compiled {
  const term = node.children?.[0];
  if (!term) throw new NotCompilable('literal');
  switch (term.type) {
    case 'StringLiteral':
      return constant(unescape(term.text as string), STRING);
    case 'BooleanLiteral':
      return constant(term.text === 'true', BOOLEAN);
    case 'NumberLiteral': {
      const n = Number(term.text);
      return constant(n, Number.isInteger(n) && !(term.text as string).includes('.') ? INTEGER : { kind: 'value', types: ['System.Decimal'] });
    }
    case 'DateLiteral': {
      const date = DateValue.parse((term.text as string).slice(1));
      if (!date) throw new NotCompilable(`partial date literal ${term.text}`);
      return constant(date, DATE);
    }
    case 'NullLiteral':
      return { st: { kind: 'value', constant: EMPTY }, fn: () => EMPTY };
    default:
      throw new NotCompilable(term.type);
  }
}

function variableName(node: AstNode): string {
  const id = node.children?.[0]?.children?.[0]?.text ?? node.text ?? '';
  if (id.startsWith('`') || id.startsWith("'")) throw new NotCompilable('delimited variable name');
  return id;
}

function single(coll: Coll, type: ArgType, fn: string): unknown {
  if (coll.length !== 1) throw new FastPathUnsupported(`${fn}() argument is not a single value`);
  const v = coll[0];
  if (type === 'string' && typeof v !== 'string') throw new FastPathUnsupported(`${fn}() argument is not a string`);
  if (type === 'integer' && !Number.isInteger(v)) throw new FastPathUnsupported(`${fn}() argument is not an integer`);
  return v;
}

const callPrepared = fresh(
  (prepared: NonNullable<ReturnType<NonNullable<RuleFunction['prepare']>>>, inputFn: Fn): Fn =>
    (s, coll) =>
      prepared(s.env, inputFn(s, coll)),
);
const callImpl = fresh(
  (impl: RuleFunction['impl'], inputFn: Fn, fixed: unknown[]): Fn =>
    (s, coll) =>
      impl(s.env, inputFn(s, coll), fixed),
);
const compose = fresh(
  (lf: Fn, rf: Fn): Fn =>
    (s, coll) =>
      rf(s, lf(s, coll)),
);

/** A Library definition is computed when first read (scope.lazy); a missing variable fails as in fhirpath.js. */
const readVariable = fresh(
  (name: string): Fn =>
    (s) => {
      const value = s.vars[name] ?? s.lazy?.(name);
      if (value === undefined) throw new Error(`Attempting to access an undefined environment variable: ${name}`);
      return value;
    },
);

const RESULT_STATIC: Record<RuleFunction['returns'], Static> = { boolean: BOOLEAN, integer: INTEGER, date: STRING, resource: RESOURCES };
const RESOURCE_RESULTS: Record<string, Static> = { attested: { kind: 'resource', paths: ['Observation'] }, latestAttestation: { kind: 'resource', paths: ['Observation'] } };

function engineFunction(fn: RuleFunction, input: Compiled, p: ParamCompiler): Compiled {
  const types = fn.arities.find((a) => a.length === p.count) ?? (fn.variadic && p.count >= 1 ? Array<ArgType>(p.count).fill(fn.variadic) : undefined);
  if (!types) throw new NotCompilable(`${fn.name}() with ${p.count} arguments`);
  const args = types.map((_t, i) => p.value(i));
  const st = RESOURCE_RESULTS[fn.name] ?? RESULT_STATIC[fn.returns];
  // Literal arguments (the usual case) are checked once, and the same array is passed every time (functions cache on it).
  if (args.every((a) => a.st.constant)) {
    let fixed: unknown[];
    try {
      fixed = args.map((a, i) => single(a.st.constant as Coll, types[i], fn.name));
    } catch {
      throw new NotCompilable(`${fn.name}() with arguments of the wrong type`);
    }
    const prepared = fn.prepare?.(fixed);
    if (prepared) return { st, fn: callPrepared(prepared, input.fn) };
    return { st, fn: callImpl(fn.impl, input.fn, fixed) };
  }
  return {
    st,
    fn: (s, coll) => {
      const items = input.fn(s, coll);
      const values = args.map((a, i) => single(a.fn(s, items), types[i], fn.name));
      return fn.impl(s.env, items, values);
    },
  };
}

class Compiler {
  constructor(private readonly vars: VariableStatics) {}

  /** `input` is what the node is applied to: the focus for a term, the left side's result inside an invocation chain. */
  compile(node: AstNode, input: Static): Compiled {
    switch (node.type) {
      case 'TermExpression':
      case 'InvocationTerm':
        return this.compile(child(node), input);
      case 'ParenthesizedTerm':
        return this.compile(child(node), input);
      case 'LiteralTerm':
        return literal(node);
      case 'ExternalConstantTerm':
        return this.variable(node);
      case 'ThisInvocation':
        return { st: input, fn: (_s, coll) => coll };
      case 'InvocationExpression': {
        const fused = this.chain(node, input);
        if (fused) return fused;
        const left = this.compile(child(node, 0), input);
        const right = child(node, 1);
        if (right.type === 'ThisInvocation') throw new NotCompilable('$this inside a path');
        // A function reads its input straight from the left side (one closure call less per step).
        if (right.type === 'FunctionInvocation') return this.call(right, left);
        const r = this.compile(right, left.st);
        return { st: r.st, fn: compose(left.fn, r.fn), any: r.any && ((s, coll) => (r.any as NonNullable<Compiled['any']>)(s, left.fn(s, coll))) };
      }
      case 'MemberInvocation':
        return compileChain([child(node).text as string], input) ?? compileMember(child(node).text as string, input);
      case 'FunctionInvocation':
        return this.call(node, { st: input, fn: (_s, coll) => coll });
      case 'IndexerExpression':
        return this.indexer(node, input);
      case 'EqualityExpression':
        return equality(node.text as string, this.compile(child(node, 0), input), this.compile(child(node, 1), input));
      case 'InequalityExpression':
        return inequality(node.text as string, this.compile(child(node, 0), input), this.compile(child(node, 1), input));
      case 'MembershipExpression':
        return membership(node.text as string, this.compile(child(node, 0), input), this.compile(child(node, 1), input));
      case 'AndExpression':
      case 'OrExpression':
      case 'ImpliesExpression':
        return logic(node.text as string, this.compile(child(node, 0), input), this.compile(child(node, 1), input));
      case 'UnionExpression':
        return union(this.compile(child(node, 0), input), this.compile(child(node, 1), input));
      case 'AdditiveExpression':
        return this.additive(node, input);
      default:
        throw new NotCompilable(node.type);
    }
  }

  /** `base.a.b...`: the member names after a base expression, fused when the path is known (see chain.ts). */
  private chain(node: AstNode, input: Static): Compiled | undefined {
    const names: string[] = [];
    let base: AstNode = node;
    while (base.type === 'InvocationExpression' && child(base, 1).type === 'MemberInvocation') {
      names.unshift(child(child(base, 1)).text as string);
      base = child(base, 0);
    }
    // A member at the very start (`period.start` inside where()) reads from the input itself.
    const first = base.type === 'TermExpression' && child(base).type === 'InvocationTerm' && child(child(base)).type === 'MemberInvocation' ? child(child(child(base))).text : undefined;
    if (first !== undefined) names.unshift(first);
    if (names.length === 0 || (names.length === 1 && first !== undefined)) return undefined;
    const baseCompiled: Compiled = first !== undefined ? { st: input, fn: (_s, coll) => coll } : this.compile(base, input);
    const fused = compileChain(names, baseCompiled.st);
    if (!fused) return undefined;
    if (first !== undefined) return fused;
    return { st: fused.st, fn: compose(baseCompiled.fn, fused.fn) };
  }

  private variable(node: AstNode): Compiled {
    const name = variableName(node);
    if (name === 'context') return { st: { kind: 'resource', paths: ['Patient'] }, fn: (s) => [s.root] };
    const st = this.vars.get(name);
    if (!st) throw new NotCompilable(`%${name}`);
    if (st.constant) {
      const value = st.constant;
      return { st, fn: () => value };
    }
    return { st, fn: readVariable(name) };
  }

  private indexer(node: AstNode, input: Static): Compiled {
    const coll = this.compile(child(node, 0), input);
    const index = this.compile(child(node, 1), input);
    if (!index.st.types?.includes('System.Integer')) throw new NotCompilable('indexer that is not an integer');
    return {
      st: coll.st,
      fn: (s, c) => {
        const i = index.fn(s, c);
        if (i.length === 0) return [];
        const items = coll.fn(s, c);
        const n = i[0] as number;
        return n >= 0 && n < items.length ? [items[n]] : [];
      },
    };
  }

  private additive(node: AstNode, input: Static): Compiled {
    const right = child(node, 1);
    const quantity = right.type === 'TermExpression' ? right.children?.[0]?.children?.[0] : undefined;
    if (quantity?.type !== 'QuantityLiteral') throw new NotCompilable(`operator ${node.text} on non-dates`);
    const unit = (quantity as AstNode & { unit?: string }).unit ?? '';
    if (unit.startsWith("'")) throw new NotCompilable(`UCUM duration ${unit}`);
    return dateArithmetic(node.text as string, this.compile(child(node, 0), input), Number((quantity as AstNode & { value?: string }).value), unit);
  }

  private call(node: AstNode, input: Compiled): Compiled {
    const { name, params } = functionParts(node);
    const p: ParamCompiler = {
      count: params.length,
      criteria: (i, itemStatic) => this.compile(params[i], itemStatic),
      value: (i) => this.compile(params[i], input.st),
      typeName: (i) => {
        const text = params[i].text ?? '';
        if (!/^[A-Za-z]+$/.test(text)) throw new NotCompilable(`type specifier ${text}`);
        return text;
      },
    };
    const engine = RULE_FUNCTION_BY_NAME.get(name);
    if (engine) return engineFunction(engine, input, p);
    const builtin = BUILTINS[name];
    if (!builtin) throw new NotCompilable(`${name}()`);
    return builtin(input, p);
  }
}

export interface FastExpression {
  fn: Fn;
  st: Static;
}

/** Compiles an expression evaluated with %context (the Patient) as its focus; throws NotCompilable when outside the subset. */
export function compileFast(expression: string, vars: VariableStatics): FastExpression {
  const compiled = new Compiler(vars).compile(parseExpression(expression), { kind: 'resource', paths: ['Patient'] });
  return { fn: compiled.fn, st: compiled.st };
}
