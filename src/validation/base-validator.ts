// Validates resources against the base R4 StructureDefinitions (via @medplum/core's validator).
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { loadDefinitions } from '../fhir/definitions.js';

const isObject = (value: unknown): boolean => value !== null && typeof value === 'object' && !Array.isArray(value);
/** A primitive's element part (`_birthDate`) is an Element: an id and extensions, nothing else. */
const isElement = (value: unknown): boolean => isObject(value) && Object.keys(value as object).every((k) => k === 'id' || k === 'extension');

/**
 * Primitive extensions (`_birthDate`) that are not Elements, or arrays of Elements and nulls beside an array.
 * @medplum/core's validator merges them into the primitive value and throws a plain Error or TypeError
 * (or calls a client-supplied "valueOf") instead of reporting an issue.
 */
function malformedPrimitiveExtensions(resource: Resource): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) node.forEach((child, i) => visit(child, `${path}[${i}]`));
    else if (isObject(node)) {
      const record = node as Record<string, unknown>;
      for (const [key, value] of Object.entries(record)) {
        if (key.length > 1 && key.startsWith('_') && value !== null) {
          const sibling = Object.hasOwn(record, key.slice(1)) ? record[key.slice(1)] : undefined;
          const asArray = Array.isArray(value) && value.every((v) => v === null || isElement(v)) && (sibling === undefined || Array.isArray(sibling));
          const ok = asArray || (isElement(value) && !Array.isArray(sibling));
          if (!ok) issues.push({ severity: 'error', code: 'structure', diagnostics: `Primitive extension ${key} must be an Element with only id and extension (an array of them, or nulls, beside an array)`, expression: [`${path}.${key}`] });
        }
        visit(value, `${path}.${key}`);
      }
    }
  };
  visit(resource, resource.resourceType);
  return issues;
}

/** Returns all issues (errors and warnings) for a resource; never throws for an invalid resource. */
export function validateBase(resource: Resource): OperationOutcomeIssue[] {
  loadDefinitions();
  const malformed = malformedPrimitiveExtensions(resource);
  if (malformed.length > 0) return malformed;
  try {
    return validateResource(resource);
  } catch (err) {
    if (err instanceof OperationOutcomeError) return err.outcome.issue ?? [];
    throw err;
  }
}
