// Members from files: a member Bundle (.json), Bundles or resources one per line (.ndjson), or a directory of them
// (e.g. a Bulk Data export: Patient.ndjson, Condition.ndjson...), grouped into one entry list per Patient.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { typeIdOf, type MemberEntry } from '../eligibility/references.js';
import { CliError } from './io.js';

export interface MemberSource {
  /** "Patient/<id>" (or the Patient's fullUrl), for the output. */
  patient: string;
  entries: MemberEntry[];
}

function isResource(value: unknown): value is Resource {
  return typeof value === 'object' && value !== null && typeof (value as Resource).resourceType === 'string';
}

/** The entries in one parsed JSON value: a Bundle's entries, or a resource on its own. */
function entriesOf(value: unknown, where: string): MemberEntry[] {
  if (!isResource(value)) throw new CliError(`${where}: not a FHIR resource`);
  if (value.resourceType !== 'Bundle') return [{ resource: value }];
  const entries = (value as { entry?: unknown }).entry;
  if (entries !== undefined && !Array.isArray(entries)) throw new CliError(`${where}: Bundle.entry is not an array`);
  return (entries ?? [])
    .filter((e): e is { fullUrl?: unknown; resource: Resource } => typeof e === 'object' && e !== null && isResource((e as { resource?: unknown }).resource))
    .map((e) => (typeof e.fullUrl === 'string' ? { fullUrl: e.fullUrl, resource: e.resource } : { resource: e.resource }));
}

function parse(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${where}: not JSON (${(err as Error).message})`);
  }
}

function readFile(path: string): MemberEntry[] {
  const text = readFileSync(path, 'utf8');
  if (!path.endsWith('.ndjson')) return entriesOf(parse(text, path), path);
  return text.split('\n').flatMap((line, i) => (line.trim() ? entriesOf(parse(line, `${path}:${i + 1}`), `${path}:${i + 1}`) : []));
}

function subjectReference(resource: Resource): unknown {
  const r = resource as { subject?: { reference?: unknown }; patient?: { reference?: unknown } };
  return resource.resourceType === 'EpisodeOfCare' ? r.patient?.reference : r.subject?.reference;
}

/**
 * One entry list per Patient: the Patient and every resource whose subject (EpisodeOfCare: patient) points at it, by fullUrl
 * or by Patient/id. The engine applies the contract's "whose data" rule again within each list; grouping only keeps each
 * member's list small.
 */
export function groupByPatient(entries: MemberEntry[]): MemberSource[] {
  const members: MemberSource[] = [];
  const byKey = new Map<string, MemberSource>();
  for (const entry of entries) {
    if (entry.resource.resourceType !== 'Patient') continue;
    const id = entry.resource.id;
    const member: MemberSource = { patient: typeof id === 'string' ? `Patient/${id}` : (entry.fullUrl ?? `Patient #${members.length + 1}`), entries: [entry] };
    members.push(member);
    if (entry.fullUrl && !byKey.has(entry.fullUrl)) byKey.set(entry.fullUrl, member);
    if (typeof id === 'string' && !byKey.has(`Patient/${id}`)) byKey.set(`Patient/${id}`, member);
  }
  for (const entry of entries) {
    if (entry.resource.resourceType === 'Patient') continue;
    const reference = subjectReference(entry.resource);
    if (typeof reference !== 'string') continue;
    const member = byKey.get(reference) ?? byKey.get(typeIdOf(reference) ?? '');
    member?.entries.push(entry);
  }
  return members;
}

/** Every member found at `path` (a file or a directory, not recursive). */
export function readMembers(path: string): MemberSource[] {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new CliError(`${path}: no such file or directory`);
  }
  const files = stats.isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.json') || f.endsWith('.ndjson'))
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (files.length === 0) throw new CliError(`${path}: no .json or .ndjson files`);
  const members = groupByPatient(files.flatMap(readFile));
  if (members.length === 0) throw new CliError(`${path}: no Patient found (each member needs one)`);
  return members;
}
