// One data type's definition (from @medplum/core's parsed R4 schemas) indexed by the JSON keys an instance can carry,
// so validating an object walks its own keys instead of every element of its type.
import { getDataType, isPrimitiveType, parseFhirPath, type FhirPathAtom, type InternalSchemaElement, type InternalTypeSchema } from '@medplum/core';

/** Constraint keys the base validator does not evaluate (the same list as @medplum/core's validator). */
const SKIPPED_CONSTRAINTS = new Set(['ele-1', 'dom-3', 'org-1', 'sdf-19']);

export interface CheckedConstraint {
  key: string;
  description: string;
  expression: string;
  atom: FhirPathAtom;
}

export interface IndexedElement {
  /** The element's name in its type ("status", "value[x]"). */
  name: string;
  definition: InternalSchemaElement;
  /** The element's type codes in definition order; one for all but choice elements. */
  types: string[];
  /** The JSON key for each type code ("valueString"); the element name itself when it is not a choice. */
  keys: string[];
  /** For each type code, whether it is a primitive type, and so the key of its `_x` part ("_valueString"), or undefined. */
  partnerKeys: (string | undefined)[];
  /** The element's index in its type's definition order. */
  order: number;
  constraints: CheckedConstraint[];
}

export interface KeyOf {
  element: IndexedElement;
  /** The position of the key's type in the element's types. */
  at: number;
}

export interface TypeIndex {
  schema: InternalTypeSchema;
  /** Every JSON key an instance may carry, primitive `_key` parts included, to its element and type position. */
  byKey: Map<string, KeyOf>;
  elements: IndexedElement[];
  required: IndexedElement[];
  /** Constraints on the type itself, checked on a resource at the root of validation. */
  constraints: CheckedConstraint[];
}

const capitalize = (code: string): string => code.charAt(0).toUpperCase() + code.slice(1);
const atoms = new Map<string, FhirPathAtom>();

function checked(constraints: InternalSchemaElement['constraints']): CheckedConstraint[] {
  return (constraints ?? [])
    .filter((c) => c.severity === 'error' && !SKIPPED_CONSTRAINTS.has(c.key))
    .map((c) => {
      let atom = atoms.get(c.expression);
      if (!atom) atoms.set(c.expression, (atom = parseFhirPath(c.expression)));
      return { key: c.key, description: c.description, expression: c.expression, atom };
    });
}

function indexElement(name: string, definition: InternalSchemaElement, order: number): IndexedElement {
  const types = definition.type.map((t) => t.code);
  const choice = name.endsWith('[x]');
  const keys = choice ? types.map((code) => name.slice(0, -3) + capitalize(code)) : types.map(() => name);
  const partnerKeys = keys.map((key, i) => (isPrimitiveType(types[i]) ? `_${key}` : undefined));
  return { name, definition, types, keys, partnerKeys, order, constraints: checked(definition.constraints) };
}

function build(schema: InternalTypeSchema): TypeIndex {
  const byKey = new Map<string, KeyOf>();
  const elements = Object.entries(schema.elements).map(([name, definition], order) => indexElement(name, definition, order));
  for (const element of elements) {
    element.keys.forEach((key, at) => {
      if (!byKey.has(key)) byKey.set(key, { element, at });
      const partner = element.partnerKeys[at];
      if (partner && !byKey.has(partner)) byKey.set(partner, { element, at });
    });
  }
  return { schema, byKey, elements, required: elements.filter((e) => e.definition.min > 0), constraints: checked(schema.constraints) };
}

const indexes = new WeakMap<InternalTypeSchema, TypeIndex>();

/** The index of a data type or resource type by name, or undefined when the definitions do not know it. */
export function typeIndex(type: string): TypeIndex | undefined {
  let schema: InternalTypeSchema;
  try {
    schema = getDataType(type);
  } catch {
    return undefined;
  }
  let index = indexes.get(schema);
  if (!index) indexes.set(schema, (index = build(schema)));
  return index;
}
