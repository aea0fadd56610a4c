// What compiled expressions are made of: closures over collections, the static facts known about their items, and their errors.
import type { FunctionEnv } from '../rule-functions.js';

export type Coll = unknown[];
export type Vars = Record<string, unknown[]>;

export interface FastScope {
  /** %context: the member's Patient. */
  root: unknown;
  vars: Vars;
  env: FunctionEnv;
  /** Computes a variable not in `vars` yet (Library definitions are evaluated when first read). */
  lazy?: (name: string) => unknown[] | undefined;
}

/** A compiled sub-expression: `input` is the collection it is applied to (fhirpath.js's parentData). */
export type Fn = (scope: FastScope, input: Coll) => Coll;

/**
 * What is known at compile time about a collection's items:
 * - resource: resources (their model path is their resourceType);
 * - element: values read from data, with their model paths and FHIR types when known;
 * - value: values computed by an operator, literal, variable or function (`boolean` when they are raw booleans).
 */
export interface Static {
  kind: 'resource' | 'element' | 'value';
  paths?: string[];
  types?: string[];
  boolean?: boolean;
  /** The value, when it is known at compile time (literals, and Library definitions that are literals). */
  constant?: Coll;
}

export interface Compiled {
  fn: Fn;
  st: Static;
  /** Set by where(): whether any item passes, stopping at the first (exists() and empty() use it instead of building the list). */
  any?: (scope: FastScope, input: Coll) => boolean;
}

/** The expression uses something outside the compiled subset: it is evaluated by fhirpath.js instead. */
export class NotCompilable extends Error {}

/** At run time the data leaves the subset (a primitive extension, a date compared as text...): fhirpath.js takes over. */
export class FastPathUnsupported extends Error {}

/** Shared results (never mutated: compiled code only pushes into arrays it has just created). */
export const TRUE: Coll = Object.freeze([true]) as unknown as Coll;
export const FALSE: Coll = Object.freeze([false]) as unknown as Coll;
export const EMPTY: Coll = Object.freeze([]) as unknown as Coll;
export const bool = (value: boolean | undefined): Coll => (value === undefined ? EMPTY : value ? TRUE : FALSE);

export const UNKNOWN_ELEMENTS: Static = { kind: 'element' };
export const BOOLEAN: Static = { kind: 'value', boolean: true, types: ['System.Boolean'] };
export const INTEGER: Static = { kind: 'value', types: ['System.Integer'] };
export const STRING: Static = { kind: 'value', types: ['System.String'] };
export const DATE: Static = { kind: 'value', types: ['System.Date'] };
export const RESOURCES: Static = { kind: 'resource' };

export function isResource(value: unknown): value is { resourceType: string } {
  return typeof value === 'object' && value !== null && typeof (value as { resourceType?: unknown }).resourceType === 'string';
}

/** fhirpath.js's singleton(coll, 'Boolean'): empty stays empty, one boolean is itself, one other value is true. */
export function toBoolean3(coll: Coll): boolean | undefined {
  if (coll.length === 0) return undefined;
  if (coll.length > 1) throw new Error(`Expected a single boolean, got ${coll.length} items`);
  const v = coll[0];
  if (v === null || v === undefined) return undefined;
  return typeof v === 'boolean' ? v : true;
}

export function merge(a: Static, b: Static): Static {
  if (a.kind !== b.kind) {
    if (a.kind !== 'value' && b.kind !== 'value') return UNKNOWN_ELEMENTS;
    return { kind: 'value' };
  }
  const union = (x?: string[], y?: string[]) => (x && y ? [...new Set([...x, ...y])] : undefined);
  return { kind: a.kind, paths: union(a.paths, b.paths), types: union(a.types, b.types), boolean: a.boolean && b.boolean };
}
