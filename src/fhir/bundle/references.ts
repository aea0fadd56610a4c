// Resolves fullUrl references (urn:uuid and others) inside transaction entries to the server's ids.
import { badRequest } from '../errors.js';

/** Returns a copy of value with every string equal to a mapped fullUrl replaced by its target. */
export function rewriteReferences<T>(value: T, map: Map<string, string>): T {
  if (map.size === 0) return value;
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return map.get(node) ?? node;
    if (Array.isArray(node)) return node.map(walk);
    // Object.fromEntries defines own properties, so a "__proto__" key in client JSON stays inert data.
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
    return node;
  };
  return walk(value) as T;
}

/** Throws 400 naming the first Reference.reference that is still a urn:uuid/urn:oid placeholder. */
export function assertNoPlaceholders(value: unknown, expression: string): void {
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) node.forEach((child, i) => visit(child, `${path}[${i}]`));
    else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (key === 'reference' && typeof child === 'string' && /^urn:(uuid|oid):/.test(child)) {
          throw badRequest(`Reference "${child}" does not match the fullUrl of any entry in the transaction`, `${path}.reference`);
        }
        visit(child, `${path}.${key}`);
      }
    }
  };
  visit(value, expression);
}
