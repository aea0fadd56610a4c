// Builds member Bundles for eligibility tests and examples in a few readable lines: conditions, visits, attestations, episodes.
import type { Bundle, BundleEntry, Condition, Encounter, EpisodeOfCare, Observation, Patient, Resource } from '@medplum/fhirtypes';

export const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
export const SNOMED = 'http://snomed.info/sct';
export const BASE = 'https://calaim-fhir.dev/fhir';
export const ATTESTATION = `${BASE}/CodeSystem/ecm-attestation`;
export const CS = `${BASE}/CodeSystem/community-support`;
export const PROGRAM = `${BASE}/CodeSystem/ecm-excluded-program`;
export const RACE_URL = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race';

export interface ConditionOptions {
  id?: string;
  system?: string;
  onset?: string;
  onsetPeriodStart?: string;
  recorded?: string;
  clinicalStatus?: string | null;
  verificationStatus?: string;
  abatement?: string;
  category?: { system: string; code: string };
}

export interface EncounterOptions {
  id?: string;
  status?: Encounter['status'];
  end?: string;
  classSystem?: string | null;
  priority?: string;
  reasons?: string[];
  reasonRefs?: string[];
  diagnoses?: string[];
}

export interface AttestOptions {
  id?: string;
  system?: string;
  status?: Observation['status'];
  period?: boolean;
}

export class MemberBuilder {
  readonly patient: Patient;
  private readonly resources: Resource[] = [];
  private n = 0;

  constructor(
    readonly id = 'member',
    /** null: no birthDate at all. */
    birthDate: string | null = '1980-06-15',
  ) {
    this.patient = { resourceType: 'Patient', id, ...(birthDate ? { birthDate } : {}) };
  }

  private nextId(prefix: string, id?: string): string {
    return id ?? `${prefix}${++this.n}`;
  }

  get ref(): string {
    return `Patient/${this.id}`;
  }

  add<T extends Resource>(resource: T): T {
    this.resources.push(resource);
    return resource;
  }

  race(...codes: string[]): this {
    this.patient.extension = [{ url: RACE_URL, extension: codes.map((code) => ({ url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code } })) }];
    return this;
  }

  condition(code: string, o: ConditionOptions = {}): Condition {
    const c: Condition = {
      resourceType: 'Condition',
      id: this.nextId('cond', o.id),
      subject: { reference: this.ref },
      code: { coding: [{ system: o.system ?? ICD, code }] },
    };
    if (o.clinicalStatus !== null) c.clinicalStatus = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: o.clinicalStatus ?? 'active' }] };
    if (o.verificationStatus) c.verificationStatus = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: o.verificationStatus }] };
    if (o.onset) c.onsetDateTime = o.onset;
    if (o.onsetPeriodStart) c.onsetPeriod = { start: o.onsetPeriodStart };
    if (o.recorded) c.recordedDate = o.recorded;
    if (o.abatement) c.abatementDateTime = o.abatement;
    if (o.category) c.category = [{ coding: [o.category] }];
    return this.add(c);
  }

  encounter(classCode: string, start: string | undefined, o: EncounterOptions = {}): Encounter {
    const e: Encounter = {
      resourceType: 'Encounter',
      id: this.nextId('enc', o.id),
      status: o.status ?? 'finished',
      class: { ...(o.classSystem === null ? {} : { system: o.classSystem ?? 'http://terminology.hl7.org/CodeSystem/v3-ActCode' }), code: classCode },
      subject: { reference: this.ref },
    };
    if (start || o.end) e.period = { ...(start ? { start } : {}), ...(o.end ? { end: o.end } : {}) };
    if (o.priority) e.priority = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActPriority', code: o.priority }] };
    if (o.reasons) e.reasonCode = o.reasons.map((code) => ({ coding: [{ system: ICD, code }] }));
    if (o.reasonRefs) e.reasonReference = o.reasonRefs.map((id) => ({ reference: `Condition/${id}` }));
    if (o.diagnoses) e.diagnosis = o.diagnoses.map((id) => ({ condition: { reference: `Condition/${id}` } }));
    return this.add(e);
  }

  ed(start: string, o: EncounterOptions = {}): Encounter {
    return this.encounter('EMER', start, o);
  }

  stay(start: string, o: EncounterOptions = {}): Encounter {
    return this.encounter('IMP', start, o);
  }

  attest(code: string, value: boolean, date: string | undefined, o: AttestOptions = {}): Observation {
    const obs: Observation = {
      resourceType: 'Observation',
      id: this.nextId('att', o.id),
      status: o.status ?? 'final',
      code: { coding: [{ system: o.system ?? ATTESTATION, code }] },
      subject: { reference: this.ref },
      valueBoolean: value,
    };
    if (date) {
      if (o.period) obs.effectivePeriod = { start: date };
      else obs.effectiveDateTime = date;
    }
    return this.add(obs);
  }

  episode(program: string, o: { id?: string; status?: EpisodeOfCare['status']; start?: string; end?: string } = {}): EpisodeOfCare {
    const ep: EpisodeOfCare = {
      resourceType: 'EpisodeOfCare',
      id: this.nextId('eoc', o.id),
      status: o.status ?? 'active',
      type: [{ coding: [{ system: PROGRAM, code: program }] }],
      patient: { reference: this.ref },
    };
    if (o.start || o.end) ep.period = { ...(o.start ? { start: o.start } : {}), ...(o.end ? { end: o.end } : {}) };
    return this.add(ep);
  }

  bundle(extra: BundleEntry[] = []): Bundle {
    return {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ fullUrl: `urn:uuid:${this.id}`, resource: this.patient }, ...this.resources.map((resource) => ({ resource })), ...extra],
    };
  }
}

export function member(birthDate?: string | null, id?: string): MemberBuilder {
  return new MemberBuilder(id, birthDate);
}
