// Shapes @medplum/core's validator cannot cope with, refused as issues before it runs: it throws on them, or spends
// time in proportion to a string's length (one issue per character).
import { getDataType, type InternalSchemaElement, type InternalTypeSchema } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';

const isObject = (value: unknown): boolean => value !== null && typeof value === 'object' && !Array.isArray(value);
/** A primitive's element part (`_birthDate`) is an Element: an id and extensions, nothing else. */
const isElement = (value: unknown): boolean => isObject(value) && Object.keys(value as object).every((k) => k === 'id' || k === 'extension');
const isPrimitiveType = (code: string): boolean => /^[a-z]/.test(code);

function structure(diagnostics: string, expression: string): OperationOutcomeIssue {
  return { severity: 'error', code: 'structure', diagnostics, expression: [expression] };
}

function schemaOf(type: string): InternalTypeSchema | undefined {
  try {
    return getDataType(type);
  } catch {
    return undefined;
  }
}

/** The complex type a property holds, or undefined for primitives, unknown properties and choices of several types. */
function complexTypeOf(schema: InternalTypeSchema, key: string): string | undefined {
  // Own properties only: a client key such as "constructor" must not find Object.prototype's.
  let element: InternalSchemaElement | undefined = Object.hasOwn(schema.elements, key) ? schema.elements[key] : undefined;
  let code = element?.type.length === 1 ? element.type[0].code : undefined;
  if (!element) {
    // A choice type: valueQuantity is value[x] of type Quantity.
    const choice = Object.keys(schema.elements).find((name) => name.endsWith('[x]') && key.startsWith(name.slice(0, -3)));
    element = choice ? schema.elements[choice] : undefined;
    const suffix = choice ? key.slice(choice.length - 3) : '';
    code = element?.type.find((t) => t.code.toLowerCase() === suffix.toLowerCase())?.code;
  }
  return code && !isPrimitiveType(code) ? code : undefined;
}

/**
 * - `_x` primitive extensions that are not Elements (medplum merges them into the primitive value and throws a plain
 *   Error or TypeError, or calls a client-supplied "valueOf");
 * - strings where the definitions expect an object (medplum reports every character as an unknown property: a
 *   megabyte string took half a minute);
 * - unknown properties named like Object.prototype's ("constructor", "toString"), which medplum lets through.
 */
export function shapeIssues(resource: Resource): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  const visit = (node: Record<string, unknown>, type: string | undefined, path: string): void => {
    const schema = type === undefined ? undefined : schemaOf(type === 'Resource' ? String(node.resourceType) : type);
    for (const [key, value] of Object.entries(node)) {
      const at = `${path}.${key}`;
      if (schema && key in Object.prototype && !Object.hasOwn(schema.elements, key)) {
        issues.push(structure(`Unknown property ${JSON.stringify(key)}`, at));
        continue;
      }
      if (key.length > 1 && key.startsWith('_') && value !== null) {
        const sibling = Object.hasOwn(node, key.slice(1)) ? node[key.slice(1)] : undefined;
        const asArray = Array.isArray(value) && value.every((v) => v === null || isElement(v)) && (sibling === undefined || Array.isArray(sibling));
        if (!asArray && !(isElement(value) && !Array.isArray(sibling))) {
          issues.push(structure(`Primitive extension ${key} must be an Element with only id and extension (an array of them, or nulls, beside an array)`, at));
        }
      }
      // A primitive's `_x` part is an Element, so a string where its extensions belong is caught like any other.
      const childType = key.length > 1 && key.startsWith('_') ? 'Element' : schema ? complexTypeOf(schema, key) : undefined;
      const items = Array.isArray(value) ? value : [value];
      items.forEach((item, i) => {
        const itemPath = Array.isArray(value) ? `${at}[${i}]` : at;
        if (typeof item === 'string' && childType !== undefined) issues.push(structure(`${itemPath} must be an object (${childType}), not a string`, itemPath));
        else if (isObject(item)) visit(item as Record<string, unknown>, childType, itemPath);
        else if (Array.isArray(item)) item.forEach((inner, j) => isObject(inner) && visit(inner as Record<string, unknown>, undefined, `${itemPath}[${j}]`));
      });
    }
  };
  visit(resource as unknown as Record<string, unknown>, 'Resource', resource.resourceType);
  return issues;
}
