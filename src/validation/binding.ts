// The required-binding rule, shared by base validation and profile validation: is a code, Coding or CodeableConcept in a value set.
import type { CompiledValueSet } from '../terminology/compile-value-set.js';

export interface CodingLike {
  system?: string;
  code?: string;
}

/** Longest code quoted back in a diagnostic: a client's megabyte "code" is not echoed whole. */
const MAX_SHOWN = 200;

/** The codings a value carries: a code string, a Coding, a CodeableConcept (its codings; none when it is text only); undefined for anything else. */
export function codingsOf(value: unknown): CodingLike[] | undefined {
  if (typeof value === 'string') return [{ code: value }];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as { coding?: unknown; text?: unknown; code?: unknown; system?: unknown };
  if (Array.isArray(record.coding) || typeof record.text === 'string') {
    return (Array.isArray(record.coding) ? record.coding : []).filter((c): c is CodingLike => c !== null && typeof c === 'object');
  }
  if (record.code !== undefined || record.system !== undefined) return [record as CodingLike];
  return undefined;
}

function show(c: CodingLike): string {
  const text = c.system ? `${c.system}#${c.code}` : `"${c.code}"`;
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

/**
 * Why a value breaks a required binding to `vs`, or undefined when it does not (or when the server cannot tell: a code
 * system it holds no content for counts as a pass). A CodeableConcept needs at least one coding from the value set.
 */
export function requiredBindingProblem(vs: CompiledValueSet, url: string, value: unknown): string | undefined {
  const codings = codingsOf(value);
  if (!codings) return undefined;
  if (codings.length === 0) return `A code from ValueSet ${url} is required`;
  const results = codings.map((c) => (typeof c.code !== 'string' ? false : vs.contains(typeof c.system === 'string' ? c.system : undefined, c.code)));
  if (results.includes(true) || !results.every((r) => r === false)) return undefined;
  return `${codings.map(show).join(', ')} is not in the required ValueSet ${url}`;
}
