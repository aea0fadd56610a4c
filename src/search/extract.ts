// Extracts search index rows from a resource with each parameter's FHIRPath expression (at write time).
import { evalFhirPathTyped, toTypedValue, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { localView } from './local-base.js';
import { memberPathReader } from './member-path.js';
import { dateRange, normalizeString, NUMBER_RE } from './normalize.js';
import type { ParamDef } from './parameters.js';

export interface IndexRows {
  token: [param: string, system: string | null, code: string | null, text: string | null][];
  string: [param: string, norm: string, raw: string][];
  reference: [param: string, type: string | null, id: string | null, url: string | null, identSystem: string | null, identValue: string | null][];
  date: [param: string, low: string, high: string][];
  number: [param: string, value: string][];
  quantity: [param: string, value: string, system: string | null, code: string | null, unit: string | null][];
  uri: [param: string, value: string][];
  composite: [
    param: string,
    system1: string | null,
    code1: string | null,
    system2: string | null,
    code2: string | null,
    number2: string | null,
    low2: string | null,
    high2: string | null,
    text2: string | null,
  ][];
}

export function emptyRows(): IndexRows {
  return { token: [], string: [], reference: [], date: [], number: [], quantity: [], uri: [], composite: [] };
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
/**
 * The system of a Coding, Identifier or ContactPoint: '' when it has none, so that `system|code` does not match it.
 * NULL is kept for primitive codes, whose system is implied by their binding and matches any `system|code`.
 */
const systemOf = (v: unknown): string => str(v) ?? '';

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? normalizeString(value) : null;
}

function addToken(rows: IndexRows, param: string, tv: TypedValue): void {
  const v = tv.value as unknown;
  if (v === null || v === undefined) return;
  switch (tv.type) {
    case 'Coding': {
      const c = v as Json;
      if (c.code !== undefined || c.system !== undefined) rows.token.push([param, systemOf(c.system), str(c.code), textOf(c.display)]);
      return;
    }
    case 'CodeableConcept': {
      const cc = v as Json;
      const codings = (cc.coding as Json[] | undefined) ?? [];
      for (const c of codings) rows.token.push([param, systemOf(c.system), str(c.code), textOf(c.display)]);
      if (cc.text) rows.token.push([param, null, null, textOf(cc.text)]);
      return;
    }
    case 'Identifier': {
      const id = v as Json;
      rows.token.push([param, systemOf(id.system), str(id.value), textOf((id.type as Json | undefined)?.text)]);
      for (const c of ((id.type as Json | undefined)?.coding as Json[] | undefined) ?? []) {
        // :of-type matches type system|code|value; kept as its own pseudo-parameter.
        if (c.code && id.value) rows.token.push([`${param}:of-type`, str(c.system), `${c.code}|${id.value}`, null]);
      }
      return;
    }
    case 'ContactPoint': {
      const cp = v as Json;
      rows.token.push([param, systemOf(cp.system), str(cp.value), null]);
      return;
    }
    case 'boolean':
      rows.token.push([param, null, String(v), null]);
      return;
    default:
      if (typeof v === 'string' || typeof v === 'number') rows.token.push([param, null, String(v), null]);
  }
}

const STRING_PARTS: Record<string, string[]> = {
  HumanName: ['text', 'family', 'given', 'prefix', 'suffix'],
  Address: ['text', 'line', 'city', 'district', 'state', 'postalCode', 'country'],
};

function addString(rows: IndexRows, param: string, tv: TypedValue): void {
  const v = tv.value as unknown;
  const push = (s: unknown) => {
    if (typeof s === 'string' && s.trim()) rows.string.push([param, normalizeString(s), s]);
  };
  const parts = STRING_PARTS[tv.type];
  if (parts && v && typeof v === 'object') {
    for (const part of parts) {
      const value = (v as Json)[part];
      if (Array.isArray(value)) value.forEach(push);
      else push(value);
    }
    return;
  }
  push(v);
}

/** Splits a relative reference into Type/id (a version is dropped); anything else is kept as a URL. */
export function parseReference(reference: string): { type: string | null; id: string | null; url: string | null } {
  const clean = reference.replace(/\/_history\/[^/]+$/, '');
  const relative = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(clean);
  if (relative) return { type: relative[1], id: relative[2], url: null };
  return { type: null, id: null, url: clean };
}

function addReference(rows: IndexRows, param: string, tv: TypedValue): void {
  const v = tv.value as unknown;
  if (typeof v === 'string') {
    // canonical / uri references (e.g. instantiatesCanonical): match by URL, version suffix dropped.
    rows.reference.push([param, null, null, v.split('|')[0], null, null]);
    return;
  }
  const ref = v as Json | null;
  if (!ref) return;
  const identifier = ref.identifier as Json | undefined;
  if (typeof ref.reference === 'string' && !ref.reference.startsWith('#')) {
    const { type, id, url } = parseReference(ref.reference);
    rows.reference.push([param, type, id, url, null, null]);
  }
  if (identifier && (identifier.value || identifier.system)) rows.reference.push([param, null, null, null, str(identifier.system), str(identifier.value)]);
}

function addDate(rows: IndexRows, param: string, tv: TypedValue): void {
  const v = tv.value as unknown;
  if (typeof v === 'string') {
    const range = dateRange(v);
    if (range) rows.date.push([param, range.low, range.high]);
    return;
  }
  if (!v || typeof v !== 'object') return;
  if (tv.type === 'Period') {
    const p = v as Json;
    const start = typeof p.start === 'string' ? dateRange(p.start) : undefined;
    const end = typeof p.end === 'string' ? dateRange(p.end) : undefined;
    if (start || end) rows.date.push([param, start?.low ?? '-infinity', end?.high ?? 'infinity']);
    return;
  }
  if (tv.type === 'Timing') {
    for (const event of ((v as Json).event as string[] | undefined) ?? []) {
      const range = dateRange(event);
      if (range) rows.date.push([param, range.low, range.high]);
    }
  }
}

function addNumber(rows: IndexRows, param: string, tv: TypedValue): void {
  const v = tv.value as unknown;
  if (typeof v === 'number' && Number.isFinite(v)) rows.number.push([param, String(v)]);
  else if (typeof v === 'string' && NUMBER_RE.test(v)) rows.number.push([param, v]);
}

function addQuantity(rows: IndexRows, param: string, tv: TypedValue): void {
  const q = tv.value as Json | null;
  if (!q || typeof q !== 'object' || typeof q.value !== 'number') return;
  rows.quantity.push([param, String(q.value), str(q.system), str(q.code), str(q.unit)]);
}

function addUri(rows: IndexRows, param: string, tv: TypedValue): void {
  if (typeof tv.value === 'string' && tv.value) rows.uri.push([param, tv.value]);
}

const ADDERS: Partial<Record<ParamDef['type'], (rows: IndexRows, param: string, tv: TypedValue) => void>> = {
  token: addToken,
  string: addString,
  reference: addReference,
  date: addDate,
  number: addNumber,
  quantity: addQuantity,
  uri: addUri,
};

type SecondValue = [system2: string | null, code2: string | null, number2: string | null, low2: string | null, high2: string | null, text2: string | null];

/** The second component's values in composite-row form, by its parameter type. */
function secondValues(type: ParamDef['type'], values: TypedValue[]): SecondValue[] {
  const rows = emptyRows();
  const add = ADDERS[type];
  if (add) for (const tv of values) add(rows, '', tv);
  return [
    ...rows.token.filter((t) => t[2] !== null).map((t): SecondValue => [t[1], t[2], null, null, null, null]),
    ...rows.quantity.map((q): SecondValue => [q[2], q[3] ?? q[4], q[1], null, null, null]),
    ...rows.number.map((n): SecondValue => [null, null, n[1], null, null, null]),
    ...rows.date.map((d): SecondValue => [null, null, null, d[1], d[2], null]),
    ...rows.string.map((v): SecondValue => [null, null, null, null, null, v[1]]),
    ...rows.reference.filter((r) => r[1] && r[2]).map((r): SecondValue => [null, `${r[1]}/${r[2]}`, null, null, null, null]),
  ];
}

function addComposite(rows: IndexRows, def: ParamDef, items: TypedValue[]): void {
  const [first, second] = def.resolved ?? [];
  if (!first || !second) return;
  for (const item of items) {
    const tokens = emptyRows();
    for (const tv of evalFhirPathTyped(first.atom, [item])) addToken(tokens, '', tv);
    const seconds = secondValues(second.type, evalFhirPathTyped(second.atom, [item]));
    for (const t of tokens.token) {
      if (t[2] === null) continue;
      for (const v of seconds) rows.composite.push([def.code, t[1], t[2], ...v]);
    }
  }
}

/** A parameter's values: by property access where its expression is plain member paths, else by FHIRPath. */
function valuesOf(def: ParamDef, resourceType: string, input: TypedValue[]): TypedValue[] {
  if (def.reader === undefined) def.reader = (def.expression && memberPathReader(resourceType, def.expression)) || null;
  return def.reader?.(input[0].value as object) ?? evalFhirPathTyped(def.atom as NonNullable<ParamDef['atom']>, input);
}

/**
 * Index rows for every parameter; a parameter whose expression fails to evaluate is skipped, not fatal.
 * References that are absolute URLs on this server's base (the definitions' localBases) are indexed as Type/id.
 */
export function extractRows(resource: Resource, params: Iterable<ParamDef>): IndexRows {
  const rows = emptyRows();
  const defs = [...params];
  const input = [toTypedValue(localView(resource, defs[0]?.localBases))];
  for (const def of defs) {
    const add = ADDERS[def.type];
    const composite = def.type === 'composite' && def.resolved !== undefined;
    if ((!add && !composite) || !def.atom || def.code === '_id' || def.code === '_lastUpdated') continue;
    try {
      const values = valuesOf(def, resource.resourceType, input);
      if (composite) addComposite(rows, def, values);
      else for (const tv of values) add?.(rows, def.code, tv);
    } catch {
      // a parameter whose expression fails on this resource contributes no rows
    }
  }
  return rows;
}
