// One rule expression, runnable two ways (compiled fast path, or fhirpath.js), with evidence from the branches that held.
import type { Resource } from '@medplum/fhirtypes';
import { compileFast, type FastExpression, type VariableStatics } from './compiler/compile.js';
import { NotCompilable, toBoolean3, UNKNOWN_ELEMENTS, type Static, type Vars } from './compiler/runtime.js';
import { fhirpathEvaluator, type ReferenceEvaluator } from './fhirpath-eval.js';
import { logicTree, type LogicNode } from './logic-tree.js';
import type { FunctionEnv } from './rule-functions.js';

/** `fast` uses compiled closures where it can and fhirpath.js for the rest; `reference` uses fhirpath.js for everything. */
export type Mode = 'fast' | 'reference';

export interface EvaluationStats {
  compiled: number;
  fhirpath: number;
  /** Compiled expressions that handed over to fhirpath.js at run time (data outside the subset). */
  handedOver: number;
  errors: number;
}

export interface Scope {
  /** Evaluates every Library definition not evaluated yet (fhirpath.js needs all its variables up front). */
  materialize?: () => void;
  lazy?: (name: string) => unknown[] | undefined;
  root: Resource;
  /** [root], made once per member: every expression starts from it. */
  rootColl?: unknown[];
  vars: Vars;
  env: FunctionEnv;
  stats?: EvaluationStats;
  onError?: (expression: string, err: unknown) => void;
}

export class DualExpression {
  readonly fast?: FastExpression;
  /** Why the expression is not compiled (it then always runs on fhirpath.js). */
  readonly notCompiled?: string;
  private readonly reference: ReferenceEvaluator;

  constructor(
    readonly text: string,
    statics: VariableStatics,
  ) {
    this.reference = fhirpathEvaluator(text);
    try {
      this.fast = compileFast(text, statics);
    } catch (err) {
      if (!(err instanceof NotCompilable)) throw err;
      this.notCompiled = err.message;
    }
  }

  get static(): Static {
    return this.fast?.st ?? UNKNOWN_ELEMENTS;
  }

  /** The result collection; an expression that fails (as fhirpath.js would fail) yields an empty collection. */
  evaluate(scope: Scope, mode: Mode): unknown[] {
    if (mode === 'fast' && this.fast) {
      try {
        const result = this.fast.fn(scope, (scope.rootColl ??= [scope.root]));
        if (scope.stats) scope.stats.compiled++;
        return result;
      } catch {
        // The data left the subset (FastPathUnsupported) or the expression failed: fhirpath.js decides, as the reference.
        if (scope.stats) scope.stats.handedOver++;
      }
    }
    try {
      scope.materialize?.();
      const result = this.reference(scope.root, scope.vars, scope.env);
      if (scope.stats) scope.stats.fhirpath++;
      return result;
    } catch (err) {
      if (scope.stats) scope.stats.errors++;
      scope.onError?.(this.text, err);
      return [];
    }
  }
}

function isResource(value: unknown): value is Resource {
  return typeof value === 'object' && value !== null && typeof (value as Resource).resourceType === 'string';
}

export class RuleExpression {
  readonly whole: DualExpression;
  private readonly tree: LogicNode;
  private readonly parts = new Map<string, DualExpression>();

  constructor(
    readonly text: string,
    statics: VariableStatics,
  ) {
    this.whole = new DualExpression(text, statics);
    this.tree = logicTree(text);
    const add = (t: string) => {
      if (!this.parts.has(t)) this.parts.set(t, t === text ? this.whole : new DualExpression(t, statics));
    };
    const visit = (node: LogicNode) => {
      if (node.kind === 'leaf') {
        if (!node.test) add(node.text);
        node.sources.forEach(add);
      } else {
        visit(node.left);
        visit(node.right);
      }
    };
    visit(this.tree);
  }

  /** Every sub-expression, for reporting which ones the fast path compiles. */
  expressions(): DualExpression[] {
    return [...this.parts.values()];
  }

  value(scope: Scope, mode: Mode): unknown[] {
    return this.whole.evaluate(scope, mode);
  }

  /** The rule holds when it evaluates to exactly `true`. */
  holds(scope: Scope, mode: Mode): boolean {
    const v = this.whole.evaluate(scope, mode);
    return v.length === 1 && v[0] === true;
  }

  /** The resources of every branch that held (call only when the rule holds); may add a resource more than once. */
  evidence(scope: Scope, mode: Mode, into: Resource[]): void {
    this.walk(this.tree, scope, mode, into);
  }

  /**
   * Whether the node held, adding the evidence of what held to `into`. Only "held" matters (the rule's own value comes
   * from holds()), so an `and` stops at a side that did not hold.
   */
  private walk(node: LogicNode, scope: Scope, mode: Mode, into: Resource[]): boolean {
    if (node.kind === 'leaf') {
      if (node.test) {
        const source = (this.parts.get(node.sources[0]) as DualExpression).evaluate(scope, mode);
        if ((source.length > 0) !== (node.test === 'exists')) return false;
        for (const item of source) if (isResource(item)) into.push(item);
        return true;
      }
      let value: boolean | undefined;
      try {
        value = toBoolean3((this.parts.get(node.text) as DualExpression).evaluate(scope, mode));
      } catch {
        value = undefined;
      }
      if (value !== true) return false;
      for (const source of node.sources) for (const item of (this.parts.get(source) as DualExpression).evaluate(scope, mode)) if (isResource(item)) into.push(item);
      return true;
    }
    const mark = into.length;
    if (node.kind === 'and') {
      if (this.walk(node.left, scope, mode, into) && this.walk(node.right, scope, mode, into)) return true;
      into.length = mark;
      return false;
    }
    // `or`: the evidence of every side that held.
    const left = this.walk(node.left, scope, mode, into);
    const right = this.walk(node.right, scope, mode, into);
    return left || right;
  }
}
