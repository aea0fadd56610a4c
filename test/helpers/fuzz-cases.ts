// Generates hostile HTTP requests for the fuzz suite: valid FHIR documents, mutated, sent with random methods, paths and headers.
import type { Random } from './random.js';

type Json = null | boolean | number | string | Json[] | JsonObject;
type JsonObject = { [key: string]: Json };

export interface FuzzCase {
  method: string;
  /** Below /fhir, with any query string; already percent-encoded where it should be. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was done to it, for failure messages. */
  label: string;
}

/** Ids that exist on the server (created by the suite) and so reach deeper into update/patch/delete. */
export interface KnownIds {
  patients: string[];
  observations: string[];
}

// ---- valid starting points ----

function patient(): JsonObject {
  return {
    resourceType: 'Patient',
    identifier: [{ system: 'https://calaim.example/cin', value: '91234567A' }],
    active: true,
    name: [{ use: 'official', family: 'Nguyen', given: ['Mai', 'T'] }],
    telecom: [{ system: 'phone', value: '916-555-0100', use: 'home' }],
    gender: 'female',
    birthDate: '1984-07-12',
    address: [{ line: ['1 Capitol Mall'], city: 'Sacramento', state: 'CA', postalCode: '95814' }],
    extension: [{ url: 'http://example.org/fhir/StructureDefinition/housing', valueCode: 'unhoused' }],
    _birthDate: { extension: [{ url: 'http://example.org/precision', valueString: 'day' }] },
  };
}

function observation(subject = 'Patient/example'): JsonObject {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'social-history' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '71802-3', display: 'Housing status' }] },
    subject: { reference: subject },
    effectiveDateTime: '2025-03-01T10:00:00-08:00',
    valueQuantity: { value: 12.5, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' },
    component: [{ code: { text: 'component' }, valueString: 'text' }],
  };
}

function bundle(rng: Random, ids: KnownIds): Json {
  const id = rng.pick(ids.patients);
  const patch = Buffer.from(JSON.stringify([{ op: 'replace', path: '/active', value: false }])).toString('base64');
  const entries: JsonObject[] = [
    { fullUrl: 'urn:uuid:8f1c3b7e-2f8e-4d63-9a59-0d2f4c1c7b10', resource: patient(), request: { method: 'POST', url: 'Patient' } },
    { resource: observation('urn:uuid:8f1c3b7e-2f8e-4d63-9a59-0d2f4c1c7b10'), request: { method: 'POST', url: 'Observation' } },
    { resource: { ...patient(), id }, request: { method: 'PUT', url: `Patient/${id}` } },
    { resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patch }, request: { method: 'PATCH', url: `Patient/${rng.pick(ids.patients)}` } },
    { request: { method: 'GET', url: `Patient/${rng.pick(ids.patients)}` } },
      { request: { method: 'DELETE', url: `Observation/${rng.pick(ids.observations)}` } },
  ];
  return { resourceType: 'Bundle', type: rng.chance(0.75) ? 'transaction' : 'batch', entry: entries.slice(0, 1 + rng.int(entries.length)) };
}

function jsonPatch(): Json {
  return [
    { op: 'test', path: '/resourceType', value: 'Patient' },
    { op: 'replace', path: '/active', value: false },
    { op: 'add', path: '/name/-', value: { family: 'Added' } },
    { op: 'remove', path: '/telecom' },
    { op: 'copy', from: '/name/0', path: '/name/-' },
    { op: 'move', from: '/gender', path: '/gender' },
  ];
}

function parameters(): Json {
  return { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: patient() }, { name: 'mode', valueCode: 'create' }] };
}

// ---- mutation ----

const UNICODE = ['\u0000', '\uFEFF', '\u202E', '\uD800', '\uDFFF', '😀', '𝕏', 'ß', '\u0301', '\n\r\t', 'Ω≈ç√', '\u2028\u2029', '%00', "'; DROP TABLE resources; --", '$1', '\\'];
const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'resourceType', 'id', 'meta', 'extension', 'modifierExtension', 'contained', '_birthDate', 'reference', 'fullUrl', ''];

function weirdString(rng: Random): string {
  switch (rng.int(5)) {
    case 0:
      return 'x'.repeat(rng.chance(0.2) ? 200_000 + rng.int(800_000) : 1000 + rng.int(20_000));
    case 1:
      return Array.from({ length: 1 + rng.int(40) }, () => rng.pick(UNICODE)).join('');
    case 2:
      return rng.pick(['', ' ', 'null', 'undefined', 'NaN', '1e999', '-0', 'true', '2025-13-45', 'urn:uuid:nope', 'Patient/', '../../etc/passwd']);
    case 3:
      return rng.pick(KEYS);
    default:
      return String.fromCharCode(...Array.from({ length: 1 + rng.int(64) }, () => rng.int(0x10000)));
  }
}

/** A placeholder that serialise() expands to nesting this deep (JSON.stringify itself overflows the stack on such values). */
function deep(rng: Random): Json {
  return `@@DEEP-${rng.pick([50, 200, 1000, 5000, 20_000, 100_000])}-${rng.pick(['array', 'object', 'mixed'])}@@`;
}

function expandDeep(text: string): string {
  return text.replace(/"@@DEEP-(\d+)-(\w+)@@"/g, (_all, depth: string, shape: string) => {
    const open = shape === 'array' ? ['['] : shape === 'object' ? ['{"extension":'] : ['[', '{"extension":'];
    const close = shape === 'array' ? [']'] : shape === 'object' ? ['}'] : [']', '}'];
    const levels = Array.from({ length: Number(depth) }, (_, i) => i % open.length);
    return `${levels.map((i) => open[i]).join('')}{"resourceType":"Patient"}${levels.reverse().map((i) => close[i]).join('')}`;
  });
}

function weirdValue(rng: Random, ids: KnownIds): Json {
  switch (rng.int(12)) {
    case 0:
      return null;
    case 1:
      return rng.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 1.2345678901234568e29, 5e-324]);
    case 2:
      return rng.chance(0.5);
    case 3:
    case 4:
      return weirdString(rng);
    case 5:
      return [];
    case 6:
      return {};
    case 7:
      return [rng.pick([patient(), observation(), null, 'x', 1])];
    case 8:
      return deep(rng);
    case 9:
      return rng.pick([patient(), observation(), parameters(), bundle(rng, ids)]);
    case 10:
      return Array.from({ length: rng.pick([10, 1000, 20_000]) }, (_, i) => ({ url: `http://x/${i}`, valueString: 'v' }));
    default:
      return JSON.parse(`{"__proto__": {"polluted": true, "resourceType": "Patient"}, "constructor": {"prototype": {"polluted": true}}}`) as Json;
  }
}

interface Slot {
  parent: Json[] | { [key: string]: Json };
  key: string | number;
}

/** Every place in the document a value could be replaced (root excluded). */
function slots(doc: Json): Slot[] {
  const out: Slot[] = [];
  const walk = (node: Json, depth: number) => {
    if (depth > 30 || node === null || typeof node !== 'object') return;
    const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    for (const key of keys) {
      out.push({ parent: node, key });
      walk((node as Record<string | number, Json>)[key], depth + 1);
    }
  };
  walk(doc, 0);
  return out;
}

function set(slot: Slot, value: Json): void {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  // defineProperty so that "__proto__" and friends become own data properties, as JSON.parse would make them.
  else Object.defineProperty(slot.parent, slot.key, { value, enumerable: true, writable: true, configurable: true });
}

function mutate(doc: Json, rng: Random, ids: KnownIds): { doc: Json; what: string } {
  const places = slots(doc);
  if (places.length === 0 || rng.chance(0.05)) return { doc: weirdValue(rng, ids), what: 'replace-root' };
  const slot = rng.pick(places);
  const current = (slot.parent as Record<string | number, Json>)[slot.key];
  switch (rng.int(7)) {
    case 0:
      set(slot, weirdValue(rng, ids));
      return { doc, what: `value@${String(slot.key)}` };
    case 1:
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete slot.parent[slot.key as string];
      return { doc, what: `delete@${String(slot.key)}` };
    case 2: {
      const target = current !== null && typeof current === 'object' && !Array.isArray(current) ? current : slot.parent;
      if (Array.isArray(target)) target.push(weirdValue(rng, ids));
      else set({ parent: target, key: rng.pick(KEYS) }, weirdValue(rng, ids));
      return { doc, what: `add-key@${String(slot.key)}` };
    }
    case 3:
      set(slot, Array.isArray(current) ? (current[0] ?? {}) : [current, current]);
      return { doc, what: `flip-array@${String(slot.key)}` };
    case 4:
      set(slot, typeof current === 'string' ? Number(current) || current.length : typeof current === 'number' ? String(current) : JSON.stringify(current));
      return { doc, what: `retype@${String(slot.key)}` };
    case 5:
      set(slot, weirdString(rng));
      return { doc, what: `string@${String(slot.key)}` };
    default:
      set(slot, deep(rng));
      return { doc, what: `deep@${String(slot.key)}` };
  }
}

// ---- bytes on the wire ----

function serialise(doc: Json, rng: Random): { body: Buffer; what: string } {
  const text = expandDeep(JSON.stringify(doc) ?? 'null');
  switch (rng.int(10)) {
    case 0:
      return { body: Buffer.from(text.slice(0, rng.int(text.length))), what: 'truncated' };
    case 1: {
      const bytes = Buffer.from(text);
      for (let i = 0; i < 1 + rng.int(8); i++) bytes[rng.int(bytes.length)] = rng.int(256);
      return { body: bytes, what: 'flipped-bytes' };
    }
    case 2:
      return { body: Buffer.from(Array.from({ length: rng.int(4096) }, () => rng.int(256))), what: 'random-bytes' };
    case 3:
      return { body: Buffer.from(rng.pick(['', 'null', '[]', '{}', '"Patient"', '1', 'true', '{"resourceType":', '\uFEFF{}', '{"a":1}{"b":2}', 'NaN', '<Patient xmlns="http://hl7.org/fhir"/>'])), what: 'literal' };
    default:
      return { body: Buffer.from(text), what: 'json' };
  }
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const CONTENT_TYPES = [
  'application/fhir+json',
  'application/fhir+json; charset=utf-8',
  'application/json',
  'application/json-patch+json',
  'application/x-www-form-urlencoded',
  'application/fhir+xml',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/fhir+json; charset=latin1',
  'application/json; charset="UTF-8"',
  ';;;',
  'application/',
];
const IF_MATCH = ['W/"1"', 'W/"2"', '"1"', '1', '*', 'W/"-1"', 'W/"999999999999"', 'W/""', 'garbage', 'W/"1", W/"2"'];
const PREFER = ['return=minimal', 'return=representation', 'return=OperationOutcome', 'handling=strict', 'handling=lenient', 'respond-async', 'return=', 'return=minimal; handling=strict'];
const IF_NONE_EXIST = ['identifier=https://calaim.example/cin|91234567A', '_id=x', '', '&&&', 'name:missing=true', '%zz'];
const ACCEPT = ['application/fhir+json', 'application/json', '*/*', 'application/fhir+xml', 'text/html', 'application/fhir+json;q=0', ''];
const QUERIES = ['', '', '', '_pretty=true', '_format=json', '_format=xml', '_summary=true', '_summary=bogus', '_elements=name,birthDate', '_elements=..', '_count=-1', '_count=abc', '_count=99999999999', '_since=yesterday', '_since=2025-01-01T00:00:00Z', '_cursor=%%%', '_cursor=AAAA', 'mode=delete', 'a=1&a=2&a=3'];

function path(rng: Random, ids: KnownIds): string {
  const pid = () => rng.pick(ids.patients);
  const oid = () => rng.pick(ids.observations);
  const odd = () => rng.pick(['x'.repeat(65), '..', '%2e%2e', '%00', '%E0%A4%A', 'a%2Fb', '$validate', '_history', 'ünï', 'id with space', '-', '0'.repeat(64)]);
  const base = rng.pick([
    () => 'Patient',
    () => 'Observation',
    () => '',
    () => `Patient/${pid()}`,
    () => `Patient/${pid()}`,
    () => `Observation/${oid()}`,
    () => `Patient/${odd()}`,
    () => 'Patient/$validate',
    () => 'Patient/%24validate',
    () => `Patient/${pid()}/$validate`,
    () => 'Observation/$validate',
    () => '$validate',
    () => 'Patient/$unknown-op',
    () => `Patient/${pid()}/_history`,
    () => `Patient/${pid()}/_history/${rng.pick(['1', '2', '0', '-1', 'x', '99999999999'])}`,
    () => '_history',
    () => 'Patient/_history',
    () => 'metadata',
    () => 'NotAType',
    () => `NotAType/${pid()}`,
    () => 'Bundle',
    () => 'OperationOutcome',
    () => `${odd()}/${odd()}/${odd()}`,
  ])();
  const query = rng.pick(QUERIES);
  return query ? `${base}?${query}` : base;
}

function startingDocument(rng: Random, ids: KnownIds): { doc: Json; kind: string } {
  const kind = rng.pick(['Patient', 'Patient', 'Observation', 'Bundle', 'Bundle', 'JSONPatch', 'Parameters']);
  if (kind === 'Patient') return { doc: patient(), kind };
  if (kind === 'Observation') return { doc: observation(`Patient/${rng.pick(ids.patients)}`), kind };
  if (kind === 'Bundle') return { doc: bundle(rng, ids), kind };
  return { doc: kind === 'JSONPatch' ? jsonPatch() : parameters(), kind };
}

/** One random request; the same rng state always yields the same case. */
export function generateCase(rng: Random, ids: KnownIds): FuzzCase {
  // Mostly plausible method/path/content-type pairs with a mutated body, so requests get past the first checks.
  const plausible = rng.chance(0.6);
  const { doc, kind } = startingDocument(rng, ids);
  const mutations: string[] = [];
  let current = doc;
  for (let i = rng.int(4); i > 0; i--) {
    const m = mutate(current, rng, ids);
    current = m.doc;
    mutations.push(m.what);
  }
  // Ids in the URL and the body agree in plausible updates, so the mutation decides the outcome.
  let method = rng.pick(METHODS);
  let target = path(rng, ids);
  if (plausible) {
    if (kind === 'Bundle') [method, target] = ['POST', ''];
    else if (kind === 'JSONPatch') [method, target] = ['PATCH', `Patient/${rng.pick(ids.patients)}`];
    else if (kind === 'Parameters') [method, target] = ['POST', rng.chance(0.5) ? 'Patient/$validate' : `Patient/${rng.pick(ids.patients)}/$validate`];
    else if (rng.chance(0.5)) [method, target] = ['POST', kind];
    else {
      const id = rng.pick(kind === 'Patient' ? ids.patients : ids.observations);
      [method, target] = ['PUT', `${kind}/${id}`];
      if (current && typeof current === 'object' && !Array.isArray(current) && !Object.hasOwn(current, 'id')) current.id = id;
    }
  }
  const { body, what } = serialise(current, rng);
  const headers: Record<string, string> = {};
  const contentType = plausible ? (kind === 'JSONPatch' ? 'application/json-patch+json' : 'application/fhir+json') : rng.pick(CONTENT_TYPES);
  if (!rng.chance(0.05)) headers['content-type'] = contentType;
  if (rng.chance(0.15)) headers['if-match'] = rng.pick(IF_MATCH);
  if (rng.chance(0.15)) headers.prefer = rng.pick(PREFER);
  if (rng.chance(0.08)) headers['if-none-exist'] = rng.pick(IF_NONE_EXIST);
  if (rng.chance(0.05)) headers['if-none-match'] = rng.pick(['*', 'W/"1"', 'junk']);
  if (rng.chance(0.05)) headers['if-modified-since'] = rng.pick(['Wed, 21 Oct 2015 07:28:00 GMT', 'never']);
  if (rng.chance(0.1)) headers.accept = rng.pick(ACCEPT);
  if (rng.chance(0.05)) headers['x-request-id'] = rng.pick(['abc', 'x'.repeat(300), 'a b', '../../']);
  if (rng.chance(0.03)) headers['content-encoding'] = rng.pick(['gzip', 'deflate', 'br', 'identity', 'bogus']);
  const sendsBody = method !== 'GET' && method !== 'HEAD';
  return {
    method,
    path: target,
    headers,
    body: sendsBody ? body : undefined,
    label: `${plausible ? 'plausible' : 'random'} ${kind} [${mutations.join(', ') || 'unmutated'}] ${what}`,
  };
}
