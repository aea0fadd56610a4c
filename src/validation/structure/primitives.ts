// A primitive value's JSON type and format, by its FHIR type (the formats @medplum/core's validator uses).
import { fhirTypeToJsType, validationRegexes } from '@medplum/core';

const MAX_STRING = 1024 * 1024;
const INTEGER_TYPES = new Set(['integer', 'positiveInt', 'unsignedInt']);

/** What is wrong with a primitive value, or undefined when it is valid for its type. */
export function checkPrimitive(type: string, value: unknown): string | undefined {
  if (!(type in fhirTypeToJsType)) return `Invalid JSON type: ${type} is not a valid FHIR type`;
  const expected = fhirTypeToJsType[type as keyof typeof fhirTypeToJsType];
  if (typeof value !== expected) return `Invalid JSON type: expected ${expected}, but got ${typeof value}`;
  if (typeof value === 'string') {
    if (!value.trim()) return 'String must contain non-whitespace content';
    if (value.length > MAX_STRING) return 'String cannot be larger than 1 MB';
    const format = validationRegexes[type];
    if (format && !format.exec(value)) return `Invalid ${type} format`;
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'Invalid numeric value';
    if (INTEGER_TYPES.has(type) && !Number.isInteger(value)) return 'Expected number to be an integer';
    if (type === 'positiveInt' && value <= 0) return 'Expected number to be positive';
    if (type === 'unsignedInt' && value < 0) return 'Expected number to be non-negative';
  }
  return undefined;
}
