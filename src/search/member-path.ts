// Search expressions that are unions of plain member paths ("Task.owner", "Patient.name | Patient.address"), read as
// property access with each result's type known from the definitions, instead of through the FHIRPath evaluator.
import { getDataType, isEmpty, removeDuplicates, type TypedValue } from '@medplum/core';

interface MemberPath {
  keys: string[];
  /** Each key's primitive extension part ("_birthDate"). */
  partners: string[];
  /** The type of the values at the end of the path. */
  type: string;
}

/** Reads the values; undefined where the FHIRPath evaluator must decide (a primitive's `_x` part is on the way). */
export type MemberPathReader = (resource: object) => TypedValue[] | undefined;

const PART = /^[A-Z][A-Za-z]*(\.[a-z][A-Za-z0-9]*)+$/;

/** One dotted path, typed through the definitions; undefined unless every step is a known element of a single type. */
function typed(resourceType: string, part: string): MemberPath | undefined {
  const [root, ...keys] = part.split('.');
  if (root !== resourceType) return undefined;
  let type = resourceType;
  for (const key of keys) {
    let elements;
    try {
      elements = getDataType(type).elements;
    } catch {
      return undefined;
    }
    const element = Object.hasOwn(elements, key) ? elements[key] : undefined;
    if (!element || element.type.length !== 1) return undefined;
    type = element.type[0].code;
    // A contained resource's type is its own resourceType, known only per value.
    if (type === 'Resource' || type === 'Element' || type === 'BackboneElement') return undefined;
  }
  return { keys, partners: keys.map((key) => `_${key}`), type };
}

function read(resource: object, path: MemberPath, out: TypedValue[]): boolean {
  let values: unknown[] = [resource];
  for (let k = 0; k < path.keys.length; k++) {
    const next: unknown[] = [];
    for (const value of values) {
      const record = value as Record<string, unknown>;
      if (record[path.partners[k]] !== undefined) return false;
      const child = record[path.keys[k]];
      if (Array.isArray(child)) {
        for (const item of child) if (!isEmpty(item)) next.push(item);
      } else if (!isEmpty(child)) next.push(child);
    }
    values = next;
    if (values.length === 0) return true;
  }
  for (const value of values) out.push({ type: path.type, value });
  return true;
}

/** A reader for the expression, or undefined when it is anything but a union of plain member paths of one type each. */
export function memberPathReader(resourceType: string, expression: string): MemberPathReader | undefined {
  const parts = expression.split('|').map((p) => p.trim());
  if (!parts.every((p) => PART.test(p))) return undefined;
  const paths = parts.map((p) => typed(resourceType, p));
  if (!paths.every((p): p is MemberPath => p !== undefined)) return undefined;
  return (resource) => {
    const out: TypedValue[] = [];
    for (const path of paths) if (!read(resource, path, out)) return undefined;
    // FHIRPath's union drops duplicates (by FHIRPath equality).
    return paths.length > 1 ? removeDuplicates(out) : out;
  };
}
