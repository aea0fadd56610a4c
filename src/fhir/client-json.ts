// Parses JSON sent by clients: bad syntax, absurd nesting and text PostgreSQL cannot store become 400s before any handler runs.
import { badRequest } from './errors.js';

/**
 * Deepest nesting of arrays and objects accepted. Real resources stay far below it (a Bundle of
 * QuestionnaireResponses with nested items reaches ~30); recursive code further down (the validator,
 * reference rewriting, JSON.stringify) overflows the stack somewhere in the thousands.
 */
export const MAX_JSON_DEPTH = 128;

/** A lone UTF-16 surrogate: JSON allows it as a \u escape, but it is not Unicode text and jsonb refuses it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return 'a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'an unpaired UTF-16 surrogate';
  return undefined;
}

/** Throws 400 when a parsed value nests deeper than MAX_JSON_DEPTH or holds a string or key that cannot be stored. */
export function assertStorableJson(value: unknown, expression: string): void {
  // Iterative, so the check itself cannot overflow the stack it protects.
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (typeof node === 'string') {
      const why = unstorable(node);
      if (why) throw badRequest(`JSON text contains ${why}, which is not valid in a FHIR string`, expression);
    } else if (node !== null && typeof node === 'object') {
      if (depth >= MAX_JSON_DEPTH) throw badRequest(`JSON nests deeper than ${MAX_JSON_DEPTH} levels`, expression);
      if (Array.isArray(node)) for (const child of node) stack.push({ node: child, depth: depth + 1 });
      else
        for (const [key, child] of Object.entries(node)) {
          const why = unstorable(key);
          if (why) throw badRequest(`JSON property name contains ${why}`, expression);
          stack.push({ node: child, depth: depth + 1 });
        }
    }
  }
}

/** JSON.parse for client text: 400 with the parser's message on bad syntax, then assertStorableJson. */
export function parseClientJson(text: string, expression: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw badRequest(`Request body is not valid JSON: ${(err as Error).message}`, expression);
  }
  assertStorableJson(value, expression);
  return value;
}
