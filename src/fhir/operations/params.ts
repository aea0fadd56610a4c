// Reads an operation's input parameters from the query (GET or form POST) and a Parameters body, typed by its OperationDefinition.
import type { OperationDefinition, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { badRequest } from '../errors.js';
import type { FhirRequest } from '../request.js';

const PRIMITIVE_KEYS: Record<string, string> = {
  boolean: 'valueBoolean', integer: 'valueInteger', string: 'valueString', uri: 'valueUri', code: 'valueCode', canonical: 'valueCanonical', dateTime: 'valueDateTime', url: 'valueUrl',
};
const COMPLEX_KEYS: Record<string, string> = { Coding: 'valueCoding', CodeableConcept: 'valueCodeableConcept' };

export interface OperationInput {
  /** The first value of a parameter, typed (number, boolean, string, Coding, CodeableConcept or a resource). */
  get<T = unknown>(name: string): T | undefined;
  all<T = unknown>(name: string): T[];
}

function where(name: string): string {
  return `Parameters.parameter.where(name='${name}')`;
}

function fromQuery(name: string, type: string | undefined, raw: string): unknown {
  if (type === 'integer') {
    if (!/^-?\d+$/.test(raw)) throw badRequest(`Parameter ${name} must be an integer, got "${raw}"`, name);
    return Number(raw);
  }
  if (type === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw badRequest(`Parameter ${name} must be true or false, got "${raw}"`, name);
    return raw === 'true';
  }
  if (type && (COMPLEX_KEYS[type] || /^[A-Z]/.test(type))) throw badRequest(`Parameter ${name} (${type}) must be sent in a Parameters body with POST`, name);
  return raw;
}

function fromBody(p: ParametersParameter, type: string | undefined): unknown {
  if (p.resource) return p.resource;
  const key = type ? (PRIMITIVE_KEYS[type] ?? COMPLEX_KEYS[type]) : undefined;
  const record = p as unknown as Record<string, unknown>;
  if (key && record[key] !== undefined) return record[key];
  const anyValue = Object.keys(record).find((k) => k.startsWith('value'));
  if (anyValue === undefined) throw badRequest(`Parameter ${p.name} has no value`, where(p.name as string));
  if (key) throw badRequest(`Parameter ${p.name} must be ${key}, got ${anyValue}`, where(p.name as string));
  return record[anyValue];
}

export function readOperationInput(request: FhirRequest, definition: OperationDefinition): OperationInput {
  const types = new Map((definition.parameter ?? []).filter((p) => p.use === 'in').map((p) => [p.name as string, p.type]));
  const values = new Map<string, unknown[]>();
  const add = (name: string, value: unknown) => values.set(name, [...(values.get(name) ?? []), value]);
  for (const [name, raws] of Object.entries(request.query)) {
    if (!types.has(name)) continue;
    for (const raw of raws) add(name, fromQuery(name, types.get(name), raw));
  }
  const body = request.body as Parameters | undefined;
  if (body !== undefined) {
    if (typeof body !== 'object' || body === null || body.resourceType !== 'Parameters') throw badRequest(`$${definition.code} expects a Parameters resource as its body`, 'Parameters');
    if (body.parameter !== undefined && (!Array.isArray(body.parameter) || body.parameter.some((p) => p === null || typeof p !== 'object'))) {
      throw badRequest('Parameters.parameter must be an array of objects', 'Parameters.parameter');
    }
    for (const p of body.parameter ?? []) if (p.name && types.has(p.name)) add(p.name, fromBody(p, types.get(p.name)));
  }
  return {
    get: <T>(name: string) => values.get(name)?.[0] as T | undefined,
    all: <T>(name: string) => (values.get(name) ?? []) as T[],
  };
}

/** A non-negative integer parameter, or a 400 naming it. */
export function nonNegative(input: OperationInput, name: string): number | undefined {
  const value = input.get<number>(name);
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw badRequest(`Parameter ${name} must be a non-negative integer`, name);
  return value;
}
