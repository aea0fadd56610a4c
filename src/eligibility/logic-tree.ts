// Splits a rule into its and/or tree, so evidence can follow the branches that held (the contract's evidence rule).
import { child, functionParts, offsetFinder, parseExpression, type AstNode } from './fhirpath-ast.js';

/**
 * A leaf is any sub-expression that is not an `and`/`or`. Its evidence, when it holds, is the resources in the input
 * of its outermost function call (both sides of a comparison are looked at): `%H.exists()` -> %H,
 * `%visits.countDates() >= 5` -> %visits, `%patient.ageUnder(26)` -> %patient. `X.exists(criteria)` counts only the
 * items of X that meet the criteria. Leaves with no such call (`%adult`, `%asOf < @2026-01-01`) add no evidence,
 * and neither does a negation such as `X.empty()` or `Y.not()`, whose input is empty or not resources.
 */
export type LogicNode =
  | { kind: 'and' | 'or'; left: LogicNode; right: LogicNode }
  | {
      kind: 'leaf';
      text: string;
      sources: string[];
      /** `S.exists()` / `S.empty()`: the leaf's value follows from its source S, which is evaluated once for both. */
      test?: 'exists' | 'empty';
    };

const COMPARISON = new Set(['EqualityExpression', 'InequalityExpression', 'MembershipExpression']);

export function logicTree(expression: string): LogicNode {
  const root = parseExpression(expression);
  const offset = offsetFinder(expression);
  const slice = (s: number, e: number) => expression.slice(s, e).trim();

  /** [s, e) with surrounding whitespace removed. */
  const trim = (s: number, e: number): [number, number] => {
    while (s < e && /\s/.test(expression[s])) s++;
    while (e > s && /\s/.test(expression[e - 1])) e--;
    return [s, e];
  };

  const operatorSpan = (node: AstNode): [number, number] => {
    const at = offset(node.start as { line: number; column: number });
    return [at, at + (node.length ?? (node.text ?? '').length)];
  };

  /** The input of the outermost function call of one side of a leaf, as text. */
  const sourceOf = (node: AstNode, s: number, e: number): string | undefined => {
    [s, e] = trim(s, e);
    const last = node.children?.[node.children.length - 1];
    if (node.type === 'InvocationExpression' && last?.type === 'FunctionInvocation') {
      const fnAt = offset(child(last).children?.[0]?.start ?? (last.start as { line: number; column: number }));
      const dot = expression.lastIndexOf('.', fnAt);
      const input = slice(s, dot);
      const { name, params } = functionParts(last);
      if (name === 'exists' && params.length === 1) {
        const open = expression.indexOf('(', fnAt);
        const close = expression.lastIndexOf(')', e - 1);
        return `(${input}).where(${slice(open + 1, close)})`;
      }
      return input;
    }
    if (node.type === 'TermExpression' && child(node).type === 'InvocationTerm' && child(child(node)).type === 'FunctionInvocation') return '$this';
    return undefined;
  };

  const leaf = (node: AstNode, s: number, e: number): LogicNode => {
    const sides: (string | undefined)[] = [];
    if (COMPARISON.has(node.type)) {
      const [os, oe] = operatorSpan(node);
      sides.push(sourceOf(child(node, 0), s, os), sourceOf(child(node, 1), oe, e));
    } else sides.push(sourceOf(node, s, e));
    const sources = sides.filter((x): x is string => x !== undefined && x !== '');
    const last = node.children?.[node.children.length - 1];
    const call = node.type === 'InvocationExpression' && last?.type === 'FunctionInvocation' ? functionParts(last) : undefined;
    const test = call && call.params.length === 0 && (call.name === 'exists' || call.name === 'empty') && sources.length === 1 ? call.name : undefined;
    return { kind: 'leaf', text: slice(s, e), sources, ...(test ? { test } : {}) };
  };

  const build = (node: AstNode, s: number, e: number): LogicNode => {
    [s, e] = trim(s, e);
    if (node.type === 'TermExpression' && child(node).type === 'ParenthesizedTerm') {
      if (expression[s] !== '(' || expression[e - 1] !== ')') throw new Error(`Cannot locate the parentheses of "${slice(s, e)}"`);
      return build(child(child(node)), s + 1, e - 1);
    }
    if (node.type === 'AndExpression' || (node.type === 'OrExpression' && node.text === 'or')) {
      const [os, oe] = operatorSpan(node);
      return { kind: node.type === 'AndExpression' ? 'and' : 'or', left: build(child(node, 0), s, os), right: build(child(node, 1), oe, e) };
    }
    return leaf(node, s, e);
  };

  return build(root, 0, expression.length);
}
