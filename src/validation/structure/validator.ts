// Structural validation against the base R4 definitions: known properties, arrays where the definition repeats,
// cardinality, JSON types and formats of primitives, the definitions' error invariants, and reference target types.
// It reports what @medplum/core's validateResource reports (same messages and expression paths, stricter in the two places
// its differential test names), walking an instance's own keys through indexed types instead of every element of every type.
import {
  createConstraintIssue,
  createOperationOutcomeIssue,
  createProcessingIssue,
  createStructureIssue,
  evalFhirPathTyped,
  isEmpty,
  toTypedValue,
  UCUM,
  type TypedValue,
} from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { checkPrimitive } from './primitives.js';
import { typeIndex, type CheckedConstraint, type IndexedElement, type KeyOf, type TypeIndex } from './type-index.js';

type Json = Record<string, unknown>;

const HL7_SD = 'http://hl7.org/fhir/StructureDefinition/';
const MEDPLUM_SD = 'https://medplum.com/fhir/StructureDefinition/';
const UCUM_VALUE = toTypedValue(UCUM);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class StructureValidator {
  readonly issues: OperationOutcomeIssue[] = [];
  private readonly resources: TypedValue[] = [];

  constructor(private readonly root: TypedValue) {}

  run(index: TypeIndex): void {
    this.resources.push(this.root);
    this.checkConstraints(index.constraints, this.root, index.schema.path);
    nullIssues(this.root.value as Json, index.schema.path, this.issues);
    this.visitObject(this.root.value as Json, index, index.schema.path, index.schema.path);
  }

  /** `path` locates the object in the instance; `plain` is the same path without array indexes, where issues about an element's shape go. */
  private visitObject(obj: Json, index: TypeIndex, path: string, plain: string): void {
    // Each element present, with the type positions that hold a value (several only for a choice given twice).
    const found = new Map<IndexedElement, number[]>();
    const emptyChoices: string[] = [];
    for (const key of Object.keys(obj)) {
      if (key === 'resourceType') continue;
      const hit = index.byKey.get(key);
      if (!hit) {
        this.issues.push(createStructureIssue(`${path}.${key}`, `Invalid additional property "${key}"`));
        continue;
      }
      const { element, at } = hit;
      let positions = found.get(element);
      if (!positions) found.set(element, (positions = []));
      const partner = element.partnerKeys[at];
      const filled = !isEmpty(obj[element.keys[at]]) || (partner !== undefined && !isEmpty(obj[partner]));
      if (filled && !positions.includes(at)) positions.push(at);
      else if (!filled && element.keys.length > 1) emptyChoices.push(key);
    }
    // A choice key with nothing in it, and no other type of that choice filled, is not taken for the choice.
    for (const key of emptyChoices) {
      if (!found.get((index.byKey.get(key) as KeyOf).element)?.length) this.issues.push(createStructureIssue(`${path}.${key}`, `Invalid additional property "${key}"`));
    }
    const present = [...found].filter(([, positions]) => positions.length > 0).sort(([a], [b]) => a.order - b.order);
    for (const [element, positions] of present) {
      // Given twice, a choice is read as its first type in definition order (as FHIRPath reads it).
      positions.sort((a, b) => a - b);
      for (const other of positions.slice(1)) {
        const key = element.keys[other];
        this.issues.push(createOperationOutcomeIssue('warning', 'structure', `Conflicting choice of type properties: "${key}", "${element.keys[positions[0]]}"`, key));
      }
      this.visitElement(obj, element, positions[0], `${path}.${element.name}`, `${plain}.${element.name}`);
    }
    for (const element of index.required) {
      if (!found.get(element)?.length) this.issues.push(createStructureIssue(`${path}.${element.name}`, 'Missing required property'));
    }
  }

  private visitElement(obj: Json, element: IndexedElement, at: number, path: string, plain: string): void {
    const key = element.keys[at];
    const type = element.types[at];
    const raw = obj[key];
    const partnerKey = element.partnerKeys[at];
    const partner = partnerKey ? obj[partnerKey] : undefined;
    const definition = element.definition;
    const many = Array.isArray(raw) || (raw === undefined && Array.isArray(partner));
    // A single value where the definition repeats (or the reverse) is reported once; its objects are still walked.
    const shaped = definition.isArray === many;
    if (!shaped) this.issues.push(createStructureIssue(plain, definition.isArray ? 'Expected array of values for property' : 'Expected single value for property'));
    const values: unknown[] = many ? [...((raw as unknown[] | undefined) ?? [])] : [raw];
    const partners: unknown[] = many ? ((partner as unknown[] | undefined) ?? []) : [partner];
    if (many) for (let i = values.length; i < partners.length; i++) values.push(undefined);
    if (shaped && (values.length < definition.min || values.length > definition.max)) {
      const max = Number.isFinite(definition.max) ? definition.max : '*';
      this.issues.push(createStructureIssue(definition.path, `Invalid number of values: expected ${definition.min}..${max}, but found ${values.length}`));
    }
    for (let i = 0; i < values.length; i++) this.visitValue(element, type, partnerKey !== undefined, values[i], partners[i], many ? `${path}[${i}]` : path, plain, shaped);
  }

  private visitValue(element: IndexedElement, type: string, primitive: boolean, value: unknown, partner: unknown, path: string, plain: string, check: boolean): void {
    const itemType = type === 'Resource' && isObject(value) && typeof value.resourceType === 'string' ? value.resourceType : type;
    if (check) {
      // An object where a primitive belongs gets its one type error, not invariant failures about it as well.
      if (element.constraints.length > 0 && !(primitive && typeof value === 'object' && value !== null)) this.checkConstraints(element.constraints, { type: itemType, value: typedValueOf(value, partner) }, path);
      if (itemType === 'Reference') this.checkReferenceTarget(value, element, path);
      if (primitive) this.visitPrimitive(type, value, partner, path);
      else if (isEmpty(value)) this.issues.push(createStructureIssue(path, 'Invalid empty non-primitive value'));
    }
    if (primitive) return;
    if (typeof value === 'string') {
      this.issues.push(createStructureIssue(path, `Invalid JSON type: expected object (${itemType}), but got string`));
      return;
    }
    const index = typeIndex(itemType);
    if (!index) {
      this.issues.push(createStructureIssue(path, `Unknown data type: ${itemType}`));
      return;
    }
    const nested = type === 'Resource';
    if (nested) this.resources.push({ type: itemType, value });
    // A number, boolean or array where an object belongs is walked as one: its required elements are missing, its indexes unknown.
    this.visitObject(Object(value) as Json, index, path, plain);
    if (nested) this.resources.pop();
  }

  private visitPrimitive(type: string, value: unknown, partner: unknown, path: string): void {
    if (value !== undefined && value !== null) {
      const problem = checkPrimitive(type, value);
      if (problem) this.issues.push(createStructureIssue(path, problem));
    }
    if (isObject(partner) && Object.keys(partner).length > 0) {
      const element = typeIndex('Element');
      if (element) this.visitObject(partner, element, path, path);
    }
  }

  private checkConstraints(constraints: CheckedConstraint[], value: TypedValue, path: string): void {
    for (const constraint of constraints) {
      if (!this.holds(constraint, value, path)) {
        this.issues.push(createConstraintIssue(path, { key: constraint.key, severity: 'error', expression: constraint.expression, description: constraint.description }));
        return;
      }
    }
  }

  private holds(constraint: CheckedConstraint, value: TypedValue, path: string): boolean {
    const variables: Record<string, TypedValue> = { '%context': value, '%ucum': UCUM_VALUE, '%rootResource': this.root };
    const resource = this.resources[this.resources.length - 1];
    if (resource) variables['%resource'] = resource;
    try {
      const result = evalFhirPathTyped(constraint.atom, [value], variables);
      return result.length === 1 && result[0].value === true;
    } catch (err) {
      this.issues.push(createProcessingIssue(path, 'Error evaluating invariant expression', err as Error, { fhirpath: constraint.expression }));
      return false;
    }
  }

  private checkReferenceTarget(value: unknown, element: IndexedElement, path: string): void {
    const reference = isObject(value) ? value.reference : undefined;
    if (typeof reference !== 'string' || reference.startsWith('#')) return;
    const type = reference.includes('?') ? reference.split('?')[0] : reference.split('/')[0];
    if (!type) return;
    const targets = element.definition.type.find((t) => t.code === 'Reference')?.targetProfile;
    if (!targets) return;
    for (const target of targets) {
      if (target === `${HL7_SD}Resource` || target === `${HL7_SD}${type}` || target === `${MEDPLUM_SD}${type}`) return;
      if (!target.startsWith(HL7_SD) && !target.startsWith(MEDPLUM_SD)) return;
    }
    this.issues.push(createOperationOutcomeIssue('warning', 'structure', `Invalid reference: got "${type}", expected "${targets.join('", "')}"`, path));
  }
}

/** A primitive's value as FHIRPath sees it: with its `_x` element's id and extensions attached. */
function typedValueOf(value: unknown, partner: unknown): unknown {
  if (!isObject(partner) || value === undefined || value === null || typeof value === 'object') return value ?? partner;
  const boxed = Object(value) as object;
  return Object.assign(boxed, partner);
}

/** Nulls are allowed only in a primitive array whose `_x` partner has an element at the same index. */
function nullIssues(obj: Json, path: string, issues: OperationOutcomeIssue[]): void {
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    const at = `${path}.${key}`;
    if (value === null) {
      issues.push(createStructureIssue(at, 'Invalid null value'));
    } else if (Array.isArray(value)) {
      const partner = obj[key.startsWith('_') ? key.slice(1) : `_${key}`];
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item === undefined) issues.push(createStructureIssue(`${at}[${i}]`, 'Invalid undefined value'));
        else if (item === null && !(Array.isArray(partner) && partner[i])) issues.push(createStructureIssue(`${at}[${i}]`, 'Invalid null value'));
        else if (isObject(item)) nullIssues(item, `${at}[${i}]`, issues);
      }
    } else if (isObject(value)) {
      nullIssues(value, at, issues);
    }
  }
}

/** Every structural issue (errors and warnings) of a resource against the base definitions of its type. */
export function structureIssues(resource: Resource): OperationOutcomeIssue[] {
  const index = typeIndex(resource.resourceType);
  if (!index) return [createStructureIssue(String(resource.resourceType), `Unknown resource type "${resource.resourceType}"`)];
  const validator = new StructureValidator({ type: resource.resourceType, value: resource });
  validator.run(index);
  return validator.issues;
}
