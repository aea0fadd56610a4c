// fhirpath.js's parse tree, typed, with helpers to read it (we never parse FHIRPath ourselves).
import fhirpath from 'fhirpath';

export interface AstNode {
  type: string;
  text?: string;
  start?: { line: number; column: number };
  length?: number;
  children?: AstNode[];
  /** Set by fhirpath.js on member names at the start of an expression. */
  atRoot?: number;
}

const parsed = new Map<string, AstNode>();

/** The expression's tree without its EntireExpression wrappers (memoised; never modify it); throws fhirpath.js's message on a syntax error. */
export function parseExpression(expression: string): AstNode {
  let node = parsed.get(expression);
  if (node) return node;
  node = fhirpath.parse(expression) as AstNode;
  while (node.type === 'EntireExpression' && node.children?.length === 1) node = node.children[0];
  if (parsed.size > 5000) parsed.clear();
  parsed.set(expression, node);
  return node;
}

export function child(node: AstNode, index = 0): AstNode {
  const found = node.children?.[index];
  if (!found) throw new Error(`FHIRPath ${node.type} has no child ${index}`);
  return found;
}

/** Line starts, to turn fhirpath.js's (line, 1-based column) positions into string offsets. */
export function offsetFinder(text: string): (position: { line: number; column: number }) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return ({ line, column }) => (starts[line - 1] ?? 0) + column - 1;
}

/** Every %name the expression reads. */
export function externalConstants(node: AstNode, out = new Set<string>()): Set<string> {
  if (node.type === 'ExternalConstantTerm') {
    const id = node.children?.[0]?.children?.[0];
    const name = id?.text ?? node.text ?? '';
    out.add(name.replace(/^`|`$/g, '').replace(/^'|'$/g, ''));
  }
  for (const c of node.children ?? []) externalConstants(c, out);
  return out;
}

/** The name of a FunctionInvocation node and its parameter nodes. */
export function functionParts(node: AstNode): { name: string; params: AstNode[] } {
  const functn = child(node);
  const name = child(functn).text as string;
  const params = functn.children?.[1]?.children ?? [];
  return { name, params };
}
