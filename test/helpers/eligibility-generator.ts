// Seeded random members for the differential test and the benchmark: boundary dates, codes with and without dots, missing fields.
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { dayToIso, minusMonths, parseFullDate } from '../../src/eligibility/calendar.js';
import { ATTESTATION, CS, ICD, PROGRAM, RACE_URL, SNOMED } from './eligibility-builder.js';
import type { Random } from './random.js';

export const AS_OF_CHOICES = ['2026-06-15', '2026-08-31', '2026-01-01', '2025-12-31', '2024-02-29', '2026-03-08', '2026-11-01'];

const ICD_CODES = [
  'Z59.0', 'Z59.00', 'Z59.01', 'Z5902', 'z59.811', 'Z59.812', 'Z59.819', 'Z59.1', 'Z60.2', 'Z65.9', 'Z55.0', 'Z66',
  'E11.9', 'E13.10', 'E14', 'I50.9', 'I51', 'N18.6', 'J44.1', 'B20', 'C50.911', 'C96.Z', 'C97', 'O24.410', 'O24.3',
  'J45.909', 'J45', 'J44.9', 'F10.20', 'F32.9', 'F99', 'G30.9', 'Z33.1', 'Z33.2', 'Z34.00', 'O9A.13', 'O80', 'O00.0',
  'Z37.0', 'Z39.2', 'U07.1', 'A00.0', 'V00.01XA', 'W19', 'R69', 'Z59.9',
];
const SNOMED_CODES = ['32911000', '44054006', '73211009', '160903007'];
const ATTESTATIONS = [
  'homelessness', 'at-risk-of-homelessness', 'complex-health-need', 'smhs-access', 'dmc-access', 'smh-sud-high-risk', 'incarceration-release',
  'nf-level-of-care', 'nf-resident-transition', 'ccs-enrolled', 'ccs-additional-needs', 'foster-care-current', 'foster-care-former',
  'foster-care-aged-out', 'adoption-assistance', 'family-maintenance', 'asthma-trigger-assessment',
];
const SUPPORTS = ['respite', 'day-habilitation', 'assisted-living-transition', 'community-transition', 'personal-care-homemaker', 'home-modifications', 'transitional-rent', 'housing-deposits'];
const PROGRAMS = ['hospice', 'pace', 'ccm', 'cct', '1915c-hiv-aids', '1915c-hcba', '1915c-alw', '1915c-hcbs-dd', '1915c-mssp', 'self-determination', 'unknown-program'];
const RACES = ['2054-5', '1002-5', '2076-8', '2106-3', '2028-9'];

export interface GeneratedMember {
  bundle: Bundle;
  asOf: string;
}

/** Dates around the boundaries a rule looks at, in the shapes FHIR allows (and a few it does not, unless `valid`). */
function dateNear(rng: Random, asOf: string, valid = false): string | undefined {
  const day = parseFullDate(asOf) as number;
  const anchors = [day, day - 1, day + 1, minusMonths(day, 6), minusMonths(day, 6) - 1, minusMonths(day, 12), minusMonths(day, 12) - 1, day - 30, day - 31, day - rng.int(400), day - rng.int(60), day + rng.int(30)];
  const iso = dayToIso(rng.pick(anchors));
  switch (rng.int(14)) {
    case 0:
      return undefined;
    case 1:
      return iso.slice(0, 7);
    case 2:
      return iso.slice(0, 4);
    case 3:
      return `${iso}T0${rng.int(10)}:30:00Z`;
    case 4:
      return `${iso}T${rng.pick(['07:15:00Z', '07:59:59Z', '23:30:00-05:00', '01:00:00+09:00', '16:00:00-08:00'])}`;
    case 5:
      return valid ? iso : rng.pick(['not-a-date', '2026-02-30', '']);
    default:
      return iso;
  }
}

function birthDate(rng: Random, asOf: string): string | undefined {
  const year = Number(asOf.slice(0, 4));
  const rest = asOf.slice(4);
  switch (rng.int(10)) {
    case 0:
      return undefined;
    case 1:
      return String(year - rng.pick([18, 21, 26, 17, 20, 25]));
    case 2:
      return `${year - rng.pick([18, 21, 26])}${rest.slice(0, 3)}`;
    case 3:
      return rng.pick(['2004-02-29', '2008-02-29', '2000-02-29']);
    case 4:
    case 5:
      return `${year - rng.pick([17, 18, 20, 21, 25, 26])}${rest}`;
    default:
      return dayToIso((parseFullDate(asOf) as number) - rng.int(365 * 80));
  }
}

export interface GenerateOptions {
  /** Only data a FHIR server accepts (valid dates, required elements present): for storing members. */
  valid?: boolean;
}

export function generateMember(rng: Random, size: number, index: number, options: GenerateOptions = {}): GeneratedMember {
  const valid = options.valid ?? false;
  const asOf = rng.pick(AS_OF_CHOICES);
  const near = () => dateNear(rng, asOf, valid);
  const id = `m${index}`;
  const patientRef = valid ? `Patient/${id}` : rng.pick([`Patient/${id}`, `urn:uuid:${id}`, `https://ehr.example/fhir/Patient/${id}/_history/1`]);
  const patient: Resource = { resourceType: 'Patient', id };
  const bd = birthDate(rng, asOf);
  if (bd) patient.birthDate = bd;
  if (rng.chance(0.3)) patient.extension = [{ url: RACE_URL, extension: Array.from({ length: 1 + rng.int(2) }, () => ({ url: rng.chance(0.85) ? 'ombCategory' : 'detailed', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: rng.pick(RACES) } })) }];
  const resources: Resource[] = [];
  const subject = () => (!valid && rng.chance(0.04) ? rng.pick([{ reference: 'Patient/someone-else' }, { display: 'no reference' }, undefined]) : { reference: patientRef });
  const conditionIds: string[] = [];
  let n = 0;
  const nextId = (p: string) => `${p}${index}-${++n}`;
  const theme = rng.int(6);

  const condition = (): Resource => {
    const c: Record<string, unknown> = { resourceType: 'Condition', id: nextId('c'), subject: subject() };
    const icd = rng.chance(0.85);
    const code = icd ? rng.pick(theme === 0 ? ['Z59.01', 'Z59.811', 'E11.9', 'Z60.2'] : ICD_CODES) : rng.pick(SNOMED_CODES);
    c.code = { coding: [{ system: icd ? (rng.chance(0.97) ? ICD : 'http://hl7.org/fhir/sid/icd-10') : SNOMED, code: rng.chance(0.5) ? code.replace('.', '') : code }] };
    if (rng.chance(0.1)) (c.code as { coding: unknown[] }).coding.push({ system: SNOMED, code: rng.pick(SNOMED_CODES) });
    if (valid || rng.chance(0.8)) c.clinicalStatus = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: rng.pick(['active', 'active', 'recurrence', 'relapse', 'inactive', 'resolved', 'remission']) }] };
    if (rng.chance(0.2)) c.verificationStatus = { coding: [{ ...(valid ? { system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status' } : {}), code: rng.pick(['confirmed', 'refuted', 'entered-in-error', 'unconfirmed']) }] };
    const onset = near();
    if (onset !== undefined) c[rng.pick(['onsetDateTime', 'onsetDateTime', 'recordedDate'])] = onset;
    if (rng.chance(0.05) && !(valid && c.onsetDateTime)) c.onsetPeriod = { start: near() ?? (valid ? asOf : undefined) };
    if (!valid && rng.chance(0.05)) c.onsetString = 'childhood';
    if (rng.chance(0.25)) c.abatementDateTime = near();
    if (rng.chance(0.05) && !(valid && c.abatementDateTime)) c.abatementPeriod = { start: near() ?? (valid ? asOf : undefined) };
    if (rng.chance(0.1)) c.category = [{ coding: [{ system: rng.pick(['http://hl7.org/fhir/us/core/CodeSystem/us-core-category', 'http://hl7.org/fhir/us/core/CodeSystem/us-core-tags']), code: rng.pick(['sdoh', 'problem-list-item']) }] }];
    if (valid && (c.abatementDateTime || c.abatementPeriod)) c.clinicalStatus = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: rng.pick(['inactive', 'resolved', 'remission']) }] };
    if (valid && (c.verificationStatus as { coding: { code: string }[] } | undefined)?.coding[0].code === 'entered-in-error') {
      delete c.clinicalStatus;
      delete c.abatementDateTime;
      delete c.abatementPeriod;
    }
    conditionIds.push(c.id as string);
    return c as unknown as Resource;
  };

  const encounter = (): Resource => {
    const e: Record<string, unknown> = { resourceType: 'Encounter', id: nextId('e'), subject: subject() };
    if (valid || rng.chance(0.95)) e.status = rng.pick(['finished', 'finished', 'finished', 'in-progress', 'cancelled', 'entered-in-error', 'planned', 'arrived']);
    const classCode = rng.pick(theme === 1 ? ['EMER', 'EMER', 'IMP'] : ['EMER', 'EMER', 'IMP', 'ACUTE', 'NONAC', 'AMB']);
    if (valid || rng.chance(0.97)) e.class = rng.chance(0.9) ? { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: classCode } : { ...(rng.chance(0.5) ? { system: 'http://example.org/class' } : {}), code: classCode };
    const start = near();
    const end = rng.chance(0.4) ? near() : undefined;
    if (start !== undefined || end !== undefined) e.period = { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
    if (rng.chance(0.2)) e.priority = { coding: [{ ...(rng.chance(0.8) ? { system: 'http://terminology.hl7.org/CodeSystem/v3-ActPriority' } : {}), code: rng.pick(['EL', 'EM', 'UR']) }] };
    if (rng.chance(0.3)) e.reasonCode = [{ coding: [{ system: ICD, code: rng.pick(['F10.20', 'F32.9', 'J45.901', 'J45', 'R69', 'F99']) }] }];
    if (conditionIds.length && rng.chance(0.3)) e.reasonReference = [{ reference: `Condition/${rng.chance(0.9) ? rng.pick(conditionIds) : 'missing'}` }];
    if (conditionIds.length && rng.chance(0.2)) e.diagnosis = [{ condition: { reference: `Condition/${rng.pick(conditionIds)}` } }];
    return e as unknown as Resource;
  };

  const attestation = (): Resource => {
    const decision = rng.chance(0.15);
    const o: Record<string, unknown> = {
      resourceType: 'Observation',
      id: nextId('o'),
      status: rng.pick(['final', 'final', 'amended', 'corrected', 'preliminary']),
      code: { coding: [decision ? { system: CS, code: rng.pick(SUPPORTS) } : { system: ATTESTATION, code: rng.pick(ATTESTATIONS) }] },
      subject: subject(),
    };
    if (rng.chance(0.93)) o.valueBoolean = rng.chance(0.75);
    else o.valueString = 'yes';
    const date = near();
    if (date !== undefined) o[valid ? 'effectiveDateTime' : rng.pick(['effectiveDateTime', 'effectiveDateTime', 'effectiveInstant'])] = date;
    if (rng.chance(0.05) && !(valid && o.effectiveDateTime)) o.effectivePeriod = { start: near() ?? (valid ? asOf : undefined) };
    return o as unknown as Resource;
  };

  const lab = (): Resource =>
    ({
      resourceType: 'Observation',
      id: nextId('lab'),
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: rng.pick(['4548-4', '2345-7', '8480-6']) }] },
      subject: subject(),
      effectiveDateTime: near() ?? asOf,
      valueQuantity: { value: Math.round(rng.next() * 2000) / 10, unit: 'mg/dL' },
    }) as Resource;

  const episode = (): Resource => {
    const start = near();
    const end = rng.chance(0.5) ? near() : undefined;
    return {
      resourceType: 'EpisodeOfCare',
      id: nextId('eoc'),
      status: rng.pick(['active', 'onhold', 'finished', 'finished', 'planned', 'cancelled', 'waitlist']),
      type: [{ coding: [{ system: rng.chance(0.9) ? PROGRAM : 'http://example.org/program', code: rng.pick(PROGRAMS) }] }],
      patient: rng.chance(0.95) ? { reference: patientRef } : { reference: 'Patient/someone-else' },
      ...(start || end ? { period: { ...(start ? { start } : {}), ...(end ? { end } : {}) } } : {}),
    } as Resource;
  };

  const makers = [condition, condition, encounter, encounter, attestation, attestation, lab, episode];
  for (let i = 0; i < size; i++) {
    const make = i < 4 ? rng.pick(makers) : rng.chance(0.55) ? lab : rng.pick(makers);
    resources.push(make());
  }
  const entries: BundleEntry[] = [{ fullUrl: `urn:uuid:${id}`, resource: patient }, ...resources.map((resource) => ({ resource }))];
  if (rng.chance(0.02)) entries.push({ resource: { resourceType: 'Condition', id: 'foreign', subject: { reference: 'Patient/someone-else' }, code: { coding: [{ system: ICD, code: 'Z59.01' }] } } as Resource });
  return { bundle: { resourceType: 'Bundle', type: 'collection', entry: entries }, asOf };
}

/** Members of about `size` resources each (size varies +-50% when `vary`). */
export function* generateMembers(rng: Random, count: number, size: number, vary = true, options: GenerateOptions = {}): Generator<GeneratedMember> {
  for (let i = 0; i < count; i++) yield generateMember(rng, vary ? Math.max(1, Math.round(size * (0.5 + rng.next()))) : size, i, options);
}
