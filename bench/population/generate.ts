// Seeded synthetic Medi-Cal plan population: Organizations, then members (Patient + Encounters, Conditions, referrals as ServiceRequest + Tasks).
//
// Deterministic: the same {seed, resources} yields the same resources with the same ids, and member i can be
// regenerated on its own (the benchmark picks query values that way). Ids are UUIDs derived from (seed, type, index).
import { createHash } from 'node:crypto';
import type { CodeableConcept, Condition, Encounter, Organization, Patient, Reference, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import {
  COMMUNITY_SUPPORTS, CONDITIONS, CS_SYSTEM, FAMILY_NAMES, GIVEN_FEMALE, GIVEN_MALE, ICD10_SYSTEM, LANGUAGES, LOOP_CLOSURE_REASONS,
  BUSINESS_STATUS_SYSTEM, LOOP_CLOSURE_SYSTEM, PLACES, POF_SYSTEM, POPULATIONS_OF_FOCUS, PROGRAM_SYSTEM, RACES, REFERRAL_STATUS_SYSTEM, SDOH_SYSTEM,
} from './vocabulary.js';

/** Bump when the output changes, so a benchmark database loaded by an older generator is reloaded. */
export const GENERATOR_VERSION = 2;
export const CIN_SYSTEM = 'https://calaim-fhir.dev/fhir/sid/cin';
export const PLAN_MEMBER_ID_SYSTEM = 'https://calaim-fhir.dev/fhir/sid/mcp-member-id';
export const REFERRAL_ID_SYSTEM = 'https://calaim-fhir.dev/fhir/sid/referral-id';
const NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';
const PROFILE = 'https://calaim-fhir.dev/fhir/StructureDefinition';
/** Every date falls in the two years before this instant (fixed, so output does not depend on the clock). */
export const POPULATION_END = Date.parse('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const SPAN_DAYS = 730;

export interface PopulationSpec {
  seed: number;
  /** Total resources wanted; generation stops at the first member that reaches it (so the total may exceed it by a few). */
  resources: number;
}

export interface Referral {
  serviceRequest: ServiceRequest;
  tasks: Task[];
}

export interface Member {
  index: number;
  patient: Patient;
  encounters: Encounter[];
  conditions: Condition[];
  referrals: Referral[];
}

/** How many resources of each kind a member has (drawn from its own stream, so counting is cheap). */
export interface MemberShape {
  encounters: number;
  conditions: number;
  /** Tasks per referral (0: a draft ServiceRequest never sent; 2: declined and re-routed). */
  referrals: number[];
}

// ---- randomness -------------------------------------------------------------------------------------------

export interface Rng {
  next(): number;
  int(n: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  weighted<T extends readonly unknown[]>(items: readonly T[], weight: (item: T) => number): T;
}

/** sfc32 seeded with 128 bits: streams of different members do not overlap in practice. */
export function rngFrom(words: [number, number, number, number]): Rng {
  let [a, b, c, d] = words.map((w) => w >>> 0);
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const int = (n: number) => Math.floor(next() * n);
  const weightTotals = new WeakMap<object, number>();
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(items.length)],
    weighted(items, weight) {
      let total = weightTotals.get(items);
      if (total === undefined) weightTotals.set(items, (total = items.reduce((s, it) => s + weight(it), 0)));
      let r = next() * total;
      for (const item of items) if ((r -= weight(item)) < 0) return item;
      return items[items.length - 1];
    },
  };
}

function digest(key: string): Buffer {
  return createHash('sha1').update(key).digest();
}

export function rngFor(key: string): Rng {
  const h = digest(key);
  return rngFrom([h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12)]);
}

/** A version-4-shaped UUID derived from a key: stable across runs, spread like server-assigned ids. */
export function uuidFor(key: string): string {
  const h = digest(key).toString('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const w3 = (item: readonly [unknown, unknown, number, ...unknown[]]) => item[2];
const w2 = <T extends readonly [unknown, number]>(item: T) => item[1];

// ---- organizations ----------------------------------------------------------------------------------------

export interface OrganizationPlan {
  plans: number;
  providers: number;
  hospitals: number;
  clinics: number;
}

/** Organization counts grow with the square root of the population: a bigger plan contracts with more providers. */
export function organizationPlan(spec: PopulationSpec): OrganizationPlan {
  const providers = Math.max(8, Math.round(Math.sqrt(spec.resources / 5)));
  return { plans: 3, providers, hospitals: Math.max(4, Math.round(providers / 4)), clinics: Math.max(4, Math.round(providers / 4)) };
}

type OrgKind = 'plan' | 'provider' | 'hospital' | 'clinic';
export const orgId = (spec: PopulationSpec, kind: OrgKind, i: number) => uuidFor(`${spec.seed}:Organization:${kind}:${i}`);

function organization(spec: PopulationSpec, kind: OrgKind, i: number): Organization {
  const rng = rngFor(`${spec.seed}:org:${kind}:${i}`);
  const place = rng.weighted(PLACES, w2)[0];
  const label = { plan: 'Medi-Cal Managed Care Plan', provider: 'Community Care Partners', hospital: 'Community Hospital', clinic: 'Family Health Center' }[kind];
  const type = { plan: 'pay', provider: 'prov', hospital: 'prov', clinic: 'prov' }[kind];
  return {
    resourceType: 'Organization',
    id: orgId(spec, kind, i),
    identifier: [{ system: NPI_SYSTEM, value: String(1_000_000_000 + rng.int(999_999_999)) }],
    active: true,
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: type }] }],
    name: `${place.city} ${label} ${i + 1}`,
    telecom: [{ system: 'phone', value: `(${200 + rng.int(800)}) 555-${String(rng.int(10_000)).padStart(4, '0')}`, use: 'work' }],
    address: [{ line: [`${100 + rng.int(9000)} ${rng.pick(place.streets)}`], city: place.city, district: place.county, state: 'CA', postalCode: rng.pick(place.zips), country: 'US' }],
  };
}

export function organizations(spec: PopulationSpec): Organization[] {
  const plan = organizationPlan(spec);
  const out: Organization[] = [];
  for (const kind of ['plan', 'provider', 'hospital', 'clinic'] as const) {
    const n = { plan: plan.plans, provider: plan.providers, hospital: plan.hospitals, clinic: plan.clinics }[kind];
    for (let i = 0; i < n; i++) out.push(organization(spec, kind, i));
  }
  return out;
}

/** Zipf-like pick: index k with weight 1/(k+1), so a few large providers receive most referrals. */
function zipf(rng: Rng, n: number): number {
  const harmonic = Math.log(n) + 0.5772 + 1 / (2 * n);
  let r = rng.next() * harmonic;
  for (let k = 0; k < n; k++) if ((r -= 1 / (k + 1)) < 0) return k;
  return n - 1;
}

// ---- members ----------------------------------------------------------------------------------------------

export function memberShape(spec: PopulationSpec, index: number): MemberShape {
  const rng = rngFor(`${spec.seed}:shape:${index}`);
  const small = (weights: number[]) => rng.weighted(weights.map((w, n) => [n, w] as const), w2)[0];
  const referrals = Array.from({ length: small([45, 40, 10, 5]) }, () => small([10, 80, 10]));
  return { encounters: small([30, 30, 25, 10, 5]), conditions: small([28, 32, 25, 10, 5]), referrals };
}

export function shapeSize(shape: MemberShape): number {
  return 1 + shape.encounters + shape.conditions + shape.referrals.reduce((s, tasks) => s + 1 + tasks, 0);
}

/** Number of members needed to reach spec.resources (Organizations included). */
export function memberCount(spec: PopulationSpec): number {
  let total = organizations(spec).length;
  let n = 0;
  while (total < spec.resources) total += shapeSize(memberShape(spec, n++));
  return n;
}

/** Medi-Cal CIN shape: 8 digits (here starting with 9) and a letter; the digits are a bijection of the member index below 10 million. */
export function cinFor(spec: PopulationSpec, index: number): string {
  const digits = (index * 48_271 + (spec.seed % 10_000_000)) % 10_000_000;
  const letter = 'ABCDEFGHJKLMNPQRSTUVWXYZ'[(index * 7 + spec.seed) % 24];
  return `9${String(digits).padStart(7, '0')}${letter}`;
}

export const memberId = (spec: PopulationSpec, index: number) => uuidFor(`${spec.seed}:Patient:${index}`);
const childId = (spec: PopulationSpec, type: string, index: number, k: number) => uuidFor(`${spec.seed}:${type}:${index}:${k}`);

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoInstant = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
/** Typed as Reference<never> so it fits every reference element whatever its target types. */
const ref = (type: string, id: string, display?: string): Reference<never> => (display ? { reference: `${type}/${id}`, display } : { reference: `${type}/${id}` });
const coding = (system: string, code: string, display?: string): CodeableConcept => ({ coding: [display ? { system, code, display } : { system, code }] });

function birthDate(rng: Rng): string | undefined {
  if (rng.chance(0.005)) return undefined;
  // Medi-Cal skews young: about 40% under 21.
  const band = rng.weighted([[0, 21, 40], [21, 45, 30], [45, 65, 20], [65, 95, 10]] as const, w3);
  const ageDays = (band[0] + rng.next() * (band[1] - band[0])) * 365.25;
  return isoDate(POPULATION_END - ageDays * DAY);
}

function patient(spec: PopulationSpec, index: number, rng: Rng): Patient {
  const gender = rng.weighted([['female', 52], ['male', 47], ['other', 0.5], ['unknown', 0.5]] as const, w2)[0];
  const givenPool = gender === 'male' ? GIVEN_MALE : gender === 'female' ? GIVEN_FEMALE : rng.pick([GIVEN_MALE, GIVEN_FEMALE]);
  const family = rng.weighted(FAMILY_NAMES, w2)[0];
  const given = rng.chance(0.4) ? [rng.pick(givenPool), rng.pick(givenPool)] : [rng.pick(givenPool)];
  const place = rng.weighted(PLACES, w2)[0];
  const language = rng.weighted(LANGUAGES, w3);
  const plan = orgId(spec, 'plan', rng.int(organizationPlan(spec).plans));
  const p: Patient = {
    resourceType: 'Patient',
    id: memberId(spec, index),
    meta: { profile: [`${PROFILE}/medi-cal-member`] },
    identifier: [
      { use: 'official', type: coding('http://terminology.hl7.org/CodeSystem/v2-0203', 'SB', 'Social Beneficiary Identifier'), system: CIN_SYSTEM, value: cinFor(spec, index) },
      { type: coding('http://terminology.hl7.org/CodeSystem/v2-0203', 'MB', 'Member Number'), system: PLAN_MEMBER_ID_SYSTEM, value: `M${String(index).padStart(9, '0')}` },
    ],
    active: !rng.chance(0.04),
    name: [{ use: 'official', family, given }],
    telecom: [{ system: 'phone', value: `(${rng.pick(['213', '323', '559', '916', '619', '909', '951', '510', '408', '661'])}) 555-${String(rng.int(10_000)).padStart(4, '0')}`, use: rng.pick(['mobile', 'home'] as const) }],
    gender,
    birthDate: birthDate(rng),
    address: [{ use: 'home', line: [`${1 + rng.int(19_999)} ${rng.pick(place.streets)}`], city: place.city, district: place.county, state: 'CA', postalCode: rng.pick(place.zips), country: 'US' }],
    communication: [{ language: coding('urn:ietf:bcp:47', language[0], language[1]), preferred: true }],
    managingOrganization: ref('Organization', plan),
  };
  if (rng.chance(0.15)) p.name?.push({ use: 'usual', given: [given[0].slice(0, Math.max(3, given[0].length - 2))] });
  if (rng.chance(0.3)) p.telecom?.push({ system: 'email', value: `${given[0].normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()}.${index}@example.org` });
  if (rng.chance(0.6)) {
    const race = rng.weighted(RACES, w3);
    p.extension = [
      {
        url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
        extension: [
          // Unknown is a NullFlavor in US Core, not an OMB category.
          { url: 'ombCategory', valueCoding: { system: race[0] === 'UNK' ? 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor' : 'urn:oid:2.16.840.1.113883.6.238', code: race[0], display: race[1] } },
          { url: 'text', valueString: race[1] },
        ],
      },
    ];
  }
  return p;
}

/** A day in the two-year window; `recentBias` > 1 crowds dates towards the end (programmes grow over time). */
function dayInWindow(rng: Rng, recentBias = 1): number {
  const u = Math.pow(rng.next(), 1 / recentBias);
  return POPULATION_END - (1 - u) * SPAN_DAYS * DAY + rng.int(DAY);
}

function encounter(spec: PopulationSpec, index: number, k: number, rng: Rng, subject: string, conditions: string[]): Encounter {
  const cls = rng.weighted([['AMB', 'ambulatory', 60], ['EMER', 'emergency', 25], ['IMP', 'inpatient encounter', 11], ['ACUTE', 'inpatient acute', 2], ['NONAC', 'inpatient non-acute', 2]] as const, w3);
  const status = rng.weighted([['finished', 90], ['in-progress', 3], ['cancelled', 3], ['planned', 2], ['entered-in-error', 1], ['arrived', 1]] as const, w2)[0];
  const start = dayInWindow(rng);
  const stay = cls[0] === 'AMB' ? 0.04 : cls[0] === 'EMER' ? 0.25 : 1 + rng.int(9);
  const e: Encounter = {
    resourceType: 'Encounter',
    id: childId(spec, 'Encounter', index, k),
    status,
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: cls[0], display: cls[1] },
    type: [cls[0] === 'AMB' ? coding('http://snomed.info/sct', '185349003', 'Encounter for check up') : cls[0] === 'EMER' ? coding('http://snomed.info/sct', '50849002', 'Emergency room admission') : coding('http://snomed.info/sct', '32485007', 'Hospital admission')],
    subject: ref('Patient', subject),
    period: status === 'in-progress' || status === 'planned' ? { start: isoInstant(start) } : { start: isoInstant(start), end: isoInstant(start + stay * DAY) },
    serviceProvider: ref('Organization', orgId(spec, cls[0] === 'AMB' ? 'clinic' : 'hospital', rng.int(cls[0] === 'AMB' ? organizationPlan(spec).clinics : organizationPlan(spec).hospitals))),
  };
  if (cls[0] !== 'AMB' && rng.chance(0.6)) {
    const c = rng.weighted(CONDITIONS, w3);
    e.reasonCode = [coding(ICD10_SYSTEM, c[0], c[1])];
  }
  if (cls[0] === 'IMP' && rng.chance(0.3)) e.priority = coding('http://terminology.hl7.org/CodeSystem/v3-ActPriority', 'EL', 'elective');
  if (conditions.length && rng.chance(0.3)) e.diagnosis = [{ condition: ref('Condition', rng.pick(conditions)), rank: 1 }];
  return e;
}

function condition(spec: PopulationSpec, index: number, k: number, rng: Rng, subject: string): Condition {
  const c = rng.weighted(CONDITIONS, w3);
  const onset = dayInWindow(rng) - rng.int(3 * 365) * DAY;
  const resolved = rng.chance(0.2);
  const out: Condition = {
    resourceType: 'Condition',
    id: childId(spec, 'Condition', index, k),
    clinicalStatus: coding('http://terminology.hl7.org/CodeSystem/condition-clinical', resolved ? 'resolved' : 'active'),
    verificationStatus: coding('http://terminology.hl7.org/CodeSystem/condition-ver-status', rng.chance(0.97) ? 'confirmed' : 'provisional'),
    category: [coding('http://terminology.hl7.org/CodeSystem/condition-category', rng.chance(0.7) ? 'problem-list-item' : 'encounter-diagnosis')],
    code: { coding: [{ system: ICD10_SYSTEM, code: c[0], display: c[1] }], text: c[1] },
    subject: ref('Patient', subject),
    onsetDateTime: isoDate(onset),
    recordedDate: isoInstant(onset + rng.int(60) * DAY),
  };
  if (resolved) out.abatementDateTime = isoDate(Math.min(POPULATION_END, onset + (30 + rng.int(300)) * DAY));
  return out;
}

type TaskStatus = Task['status'];
const STATUS_BY_AGE: readonly (readonly [maxAgeDays: number, weights: readonly (readonly [TaskStatus, number])[]])[] = [
  [14, [['requested', 55], ['accepted', 20], ['in-progress', 15], ['on-hold', 3], ['rejected', 4], ['cancelled', 2], ['draft', 1]]],
  [60, [['requested', 20], ['accepted', 15], ['in-progress', 35], ['on-hold', 5], ['rejected', 8], ['cancelled', 5], ['completed', 10], ['failed', 2]]],
  [Infinity, [['requested', 5], ['accepted', 3], ['in-progress', 15], ['on-hold', 2], ['rejected', 10], ['cancelled', 10], ['completed', 50], ['failed', 4], ['entered-in-error', 1]]],
];
const UNOWNED: readonly (readonly [TaskStatus, number])[] = [['requested', 70], ['cancelled', 20], ['draft', 10]];

/** CalAIM business-status detail per Task status (none for draft, entered-in-error). */
const BUSINESS_DETAIL: Partial<Record<TaskStatus, string>> = {
  requested: 'received', accepted: 'authorized', 'in-progress': 'member-contacted', 'on-hold': 'unable-to-reach',
  rejected: 'declined', completed: 'services-received', cancelled: 'closed', failed: 'closed',
};

/** DHCS CLR Referral Status, derived from the status as src/referrals/dhcs-status.ts does. */
const DHCS_STATUS: Partial<Record<TaskStatus, string>> = {
  requested: 'pending', accepted: 'accepted', 'in-progress': 'accepted', 'on-hold': 'accepted', rejected: 'declined', completed: 'closed', cancelled: 'closed', failed: 'closed',
};

function businessStatus(status: TaskStatus): CodeableConcept | undefined {
  const detail = BUSINESS_DETAIL[status];
  const dhcs = DHCS_STATUS[status];
  const codings = [...(detail ? [{ system: BUSINESS_STATUS_SYSTEM, code: detail }] : []), ...(dhcs ? [{ system: REFERRAL_STATUS_SYSTEM, code: dhcs }] : [])];
  return codings.length ? { coding: codings } : undefined;
}

const SR_STATUS: Record<TaskStatus, ServiceRequest['status']> = {
  draft: 'draft', requested: 'active', received: 'active', ready: 'active', accepted: 'active', 'in-progress': 'active', 'on-hold': 'on-hold',
  rejected: 'revoked', cancelled: 'revoked', failed: 'revoked', completed: 'completed', 'entered-in-error': 'entered-in-error',
};

function referral(spec: PopulationSpec, index: number, k: number, taskCount: number, rng: Rng, subject: string, conditions: string[], taskSerial: { n: number }): Referral {
  const orgs = organizationPlan(spec);
  const ecm = rng.chance(0.3);
  const cs = rng.weighted(COMMUNITY_SUPPORTS, w3);
  const authored = dayInWindow(rng, 1.6);
  const from = rng.weighted([['plan', orgs.plans, 25], ['clinic', orgs.clinics, 45], ['hospital', orgs.hospitals, 30]] as const, w3);
  const requester = ref('Organization', orgId(spec, from[0], rng.int(from[1])));
  const srId = childId(spec, 'ServiceRequest', index, k);
  const ageDays = (POPULATION_END - authored) / DAY;
  const tasks: Task[] = [];
  let previousOwner = -1;
  for (let t = 0; t < taskCount; t++) {
    const last = t === taskCount - 1;
    const owned = !(last && rng.chance(0.15));
    let owner = zipf(rng, orgs.providers);
    if (owner === previousOwner) owner = (owner + 1) % orgs.providers;
    previousOwner = owner;
    // An earlier Task of a re-routed referral was declined by its provider.
    const status: TaskStatus = !last ? 'rejected' : owned ? rng.weighted(STATUS_BY_AGE.find(([max]) => ageDays <= max)?.[1] ?? [], w2)[0] : rng.weighted(UNOWNED, w2)[0];
    const taskAuthored = Math.min(authored + (t * 5 + rng.next() * 2) * DAY, POPULATION_END - DAY);
    const modifiedAfterDays = status === 'requested' || status === 'draft' ? 0 : Math.min(Math.max(0, ageDays - t * 5 - 1), 1 + rng.int(status === 'completed' ? 120 : 20));
    const task: Task = {
      resourceType: 'Task',
      id: childId(spec, 'Task', index, taskSerial.n++),
      meta: { profile: [`${PROFILE}/referral-task`] },
      identifier: [{ system: REFERRAL_ID_SYSTEM, value: `R-${spec.seed}-${index}-${k}-${t}` }],
      status,
      businessStatus: businessStatus(status),
      intent: 'order',
      priority: rng.chance(0.1) ? 'urgent' : 'routine',
      code: coding('http://hl7.org/fhir/CodeSystem/task-code', 'fulfill', 'Fulfill the focal request'),
      focus: ref('ServiceRequest', srId),
      for: ref('Patient', subject),
      authoredOn: isoInstant(taskAuthored),
      lastModified: isoInstant(Math.max(taskAuthored, Math.min(POPULATION_END, taskAuthored + modifiedAfterDays * DAY))),
      requester,
    };
    if (owned) task.owner = ref('Organization', orgId(spec, 'provider', owner));
    if (status === 'rejected' || status === 'cancelled' || status === 'failed' || status === 'completed') {
      const reason = status === 'completed' ? LOOP_CLOSURE_REASONS[0] : status === 'rejected' ? LOOP_CLOSURE_REASONS[4] : rng.weighted(LOOP_CLOSURE_REASONS.slice(1), w3);
      task.statusReason = coding(LOOP_CLOSURE_SYSTEM, reason[0], reason[1]);
    }
    tasks.push(task);
  }
  const lastTask = tasks[tasks.length - 1];
  const sr: ServiceRequest = {
    resourceType: 'ServiceRequest',
    id: srId,
    meta: { profile: [ecm ? `${PROFILE}/ecm-referral` : `${PROFILE}/cs-referral-${cs[0]}`] },
    status: lastTask ? SR_STATUS[lastTask.status] : 'draft',
    intent: 'order',
    category: [coding(PROGRAM_SYSTEM, ecm ? 'ecm' : 'community-supports', ecm ? 'Enhanced Care Management' : 'Community Supports')],
    priority: lastTask?.priority === 'urgent' ? 'urgent' : 'routine',
    code: ecm ? coding(PROGRAM_SYSTEM, 'ecm', 'Enhanced Care Management') : coding(CS_SYSTEM, cs[0], cs[1]),
    subject: ref('Patient', subject),
    authoredOn: isoInstant(authored),
    requester,
  };
  if (!ecm && cs[3]) sr.category?.push(coding(SDOH_SYSTEM, cs[3]));
  if (lastTask?.owner) sr.performer = [lastTask.owner];
  if (ecm) {
    const pofs = rng.chance(0.25) ? [rng.weighted(POPULATIONS_OF_FOCUS, w3), rng.weighted(POPULATIONS_OF_FOCUS, w3)] : [rng.weighted(POPULATIONS_OF_FOCUS, w3)];
    sr.reasonCode = [...new Map(pofs.map((p) => [p[0], coding(POF_SYSTEM, p[0], p[1])])).values()];
  }
  if (conditions.length && rng.chance(0.4)) sr.reasonReference = [ref('Condition', rng.pick(conditions))];
  return { serviceRequest: sr, tasks };
}

export function member(spec: PopulationSpec, index: number): Member {
  const shape = memberShape(spec, index);
  const rng = rngFor(`${spec.seed}:member:${index}`);
  const p = patient(spec, index, rng);
  const subject = p.id as string;
  const conditions = Array.from({ length: shape.conditions }, (_, k) => condition(spec, index, k, rng, subject));
  const conditionIds = conditions.map((c) => c.id as string);
  const encounters = Array.from({ length: shape.encounters }, (_, k) => encounter(spec, index, k, rng, subject, conditionIds));
  const serial = { n: 0 };
  const referrals = shape.referrals.map((tasks, k) => referral(spec, index, k, tasks, rng, subject, conditionIds, serial));
  return { index, patient: p, encounters, conditions, referrals };
}

export function memberResources(m: Member): Resource[] {
  return [m.patient, ...m.conditions, ...m.encounters, ...m.referrals.flatMap((r) => [r.serviceRequest, ...r.tasks])];
}

/** Every resource of the population in load order: Organizations first, then member by member. */
export function* population(spec: PopulationSpec): Generator<Resource> {
  let total = 0;
  for (const org of organizations(spec)) {
    total++;
    yield org;
  }
  for (let i = 0; total < spec.resources; i++) {
    for (const r of memberResources(member(spec, i))) {
      total++;
      yield r;
    }
  }
}

/** The population in write batches: all Organizations first (one batch), then whole members, about `size` resources each. */
export function* populationBatches(spec: PopulationSpec, size: number): Generator<Resource[]> {
  const orgs = organizations(spec);
  yield orgs;
  let total = orgs.length;
  let batch: Resource[] = [];
  for (let i = 0; total < spec.resources; i++) {
    const resources = memberResources(member(spec, i));
    total += resources.length;
    batch.push(...resources);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

export interface PopulationStats {
  resources: number;
  members: number;
  byType: Record<string, { count: number; bytes: number }>;
}

/** Counts and JSON sizes per type (as sent, without id/meta stamps added by the server). */
export function populationStats(spec: PopulationSpec): PopulationStats {
  const byType: PopulationStats['byType'] = {};
  let resources = 0;
  for (const r of population(spec)) {
    const entry = (byType[r.resourceType] ??= { count: 0, bytes: 0 });
    entry.count++;
    entry.bytes += Buffer.byteLength(JSON.stringify(r));
    resources++;
  }
  return { resources, members: byType.Patient?.count ?? 0, byType };
}
