// A member's data: the one Patient, the resources that count as theirs (contract "Whose data", Conditions, Encounters), evidence order.
import type { Patient, Reference, Resource } from '@medplum/fhirtypes';
import { dayRange, type Day } from './calendar.js';
import { conditionDate } from './resource-dates.js';
import { ReferenceIndex, type MemberEntry } from './references.js';

export interface MemberData {
  patient: Patient;
  /** The resources that count as the member's, in input order (the Patient included). */
  resources: Resource[];
  byType: Map<string, Resource[]>;
  /** Resolves a reference to one of the member's counted resources (anything else resolves to nothing). */
  resolve: (reference: unknown) => Resource | undefined;
  /** How evidence points at a resource: "Type/id", else the entry's fullUrl. */
  referenceTo: (resource: Resource) => string | undefined;
}

/** Bad member input (no Patient, two Patients); the operation turns it into a 400. */
export class MemberInputError extends Error {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(message);
  }
}

const VOID_VERIFICATION = new Set(['refuted', 'entered-in-error']);
const VOID_ENCOUNTER = new Set(['cancelled', 'entered-in-error', 'planned']);

function isResource(value: unknown): value is Resource {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Resource).resourceType === 'string';
}

/** Entries without a resource (or with something that is not one) are ignored; usable entries are passed on as they are. */
export function usableEntries(entries: readonly { fullUrl?: unknown; resource?: unknown }[]): MemberEntry[] {
  const out: MemberEntry[] = [];
  for (const e of entries) {
    if (!e || !isResource(e.resource)) continue;
    out.push(e.fullUrl === undefined || typeof e.fullUrl === 'string' ? (e as MemberEntry) : { resource: e.resource });
  }
  return out;
}

function singlePatient(entries: readonly MemberEntry[]): Patient {
  const patients = entries.filter((e) => e.resource.resourceType === 'Patient');
  if (patients.length === 0) throw new MemberInputError('The Bundle holds no Patient: it must hold exactly one (the member)', 'Bundle.entry');
  if (patients.length > 1) throw new MemberInputError(`The Bundle holds ${patients.length} Patients: it must hold exactly one (the member)`, 'Bundle.entry');
  return patients[0].resource as Patient;
}

/** On or before asOf for every day a (partial) date covers; absent or invalid dates fail. */
function onOrBefore(value: unknown, asOf: Day): boolean {
  const range = dayRange(value);
  return range !== undefined && range.hi <= asOf;
}

/** Contract conventions applied before any rule sees the data. */
function counts(resource: Resource, asOf: Day): boolean {
  if (resource.resourceType === 'Condition') {
    // Posted data may have any shape: only a well-formed coding can void a Condition.
    const coding = (resource.verificationStatus as { coding?: unknown } | undefined)?.coding;
    if (Array.isArray(coding) && coding.some((c) => typeof c?.code === 'string' && VOID_VERIFICATION.has(c.code))) return false;
    const date = conditionDate(resource);
    return date === undefined || onOrBefore(date, asOf);
  }
  if (resource.resourceType === 'Encounter') {
    if (typeof resource.status === 'string' && VOID_ENCOUNTER.has(resource.status)) return false;
    return onOrBefore(resource.period?.start, asOf);
  }
  return true;
}

function subjectOf(resource: Resource): Reference | undefined {
  const holder = resource as { subject?: unknown; patient?: unknown };
  const ref = resource.resourceType === 'EpisodeOfCare' ? holder.patient : holder.subject;
  return typeof ref === 'object' && ref !== null ? (ref as Reference) : undefined;
}

export function memberData(entries: readonly MemberEntry[], asOf: Day): MemberData {
  const patient = singlePatient(entries);
  const index = new ReferenceIndex(entries);
  const resources: Resource[] = [];
  const byType = new Map<string, Resource[]>();
  // No Maps or Sets keyed by resource objects here: hashing thousands of objects per member is what made this slow.
  for (const { resource } of entries) {
    const mine = resource === patient || index.resolvesTo(subjectOf(resource)?.reference, patient);
    if (!mine || !counts(resource, asOf)) continue;
    let list = byType.get(resource.resourceType);
    if (!list) byType.set(resource.resourceType, (list = []));
    list.push(resource);
    resources.push(resource);
  }
  return {
    patient,
    resources,
    byType,
    resolve: (reference) => {
      const found = index.resolve(reference);
      return found && byType.get(found.resourceType)?.includes(found) ? found : undefined;
    },
    referenceTo: (resource) => (typeof resource.id === 'string' ? `${resource.resourceType}/${resource.id}` : entries.find((e) => e.resource === resource)?.fullUrl),
  };
}

/** The member's data from a Bundle (posted) or from stored resources (a Patient compartment). */
export function memberFromBundle(entries: readonly { fullUrl?: unknown; resource?: unknown }[], asOf: Day): MemberData {
  return memberData(usableEntries(entries), asOf);
}
