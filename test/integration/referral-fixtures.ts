// Shared referral fixtures: organizations, a member, ServiceRequests and Tasks, and HTTP helpers acting as an organization.
import type { TestServer, FhirResult } from '../helpers/server.js';

export const BASE = 'https://calaim-fhir.dev/fhir';
export const PLAN = 'plan-a';
export const CLINIC = 'clinic';
export const PROVIDER = 'ecm-provider';
export const PROVIDER_2 = 'cs-provider';
export const STRANGER = 'stranger';
export const DESIGNATED = 'street-medicine';
export const CLOSURE = `${BASE}/CodeSystem/loop-closure-reason`;
export const BUSINESS = `${BASE}/CodeSystem/referral-business-status`;
export const DHCS = `${BASE}/CodeSystem/referral-status`;

export interface Actor {
  get: (path: string) => Promise<FhirResult>;
  post: (path: string, body: unknown, headers?: Record<string, string>) => Promise<FhirResult>;
  put: (path: string, body: { id?: string; meta?: { versionId?: string } }, ifMatch?: string | null) => Promise<FhirResult>;
}

/** Requests made as `org` (X-Calaim-Organization; the test server runs with DEV_ORG_HEADER on). */
export function as(server: TestServer, org: string): Actor {
  const headers = { 'x-calaim-organization': org };
  return {
    get: (path) => server.fhir(path, { headers }),
    post: (path, body, extra = {}) => server.fhir(path, { method: 'POST', body, headers: { ...headers, ...extra } }),
    put: (path, body, ifMatch) => {
      const version = ifMatch === undefined ? body.meta?.versionId : ifMatch;
      return server.fhir(path, { method: 'PUT', body, headers: version === null || version === undefined ? headers : { ...headers, 'if-match': `W/"${version}"` } });
    },
  };
}

export function organizations(): Record<string, unknown>[] {
  return [
    { resourceType: 'Organization', id: PLAN, name: 'Plan A Health' },
    { resourceType: 'Organization', id: CLINIC, name: 'Main Street Clinic' },
    { resourceType: 'Organization', id: PROVIDER, name: 'ECM Partners', identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }] },
    { resourceType: 'Organization', id: PROVIDER_2, name: 'Housing Works' },
    { resourceType: 'Organization', id: STRANGER, name: 'Unrelated CBO' },
    { resourceType: 'Organization', id: DESIGNATED, name: 'Street Medicine Team', meta: { tag: [{ system: `${BASE}/CodeSystem/referral-designation`, code: 'ecm-presumptive-authorization' }] } },
  ];
}

let counter = 0;

export function member(id = `m${++counter}-${Date.now().toString(36)}`): Record<string, unknown> {
  return {
    resourceType: 'Patient',
    id,
    identifier: [{ system: `${BASE}/sid/cin`, value: `9${String(counter).padStart(7, '0')}A` }],
    name: [{ family: 'Member', given: [id] }],
    gender: 'female',
    birthDate: '1980-01-01',
  };
}

export function serviceRequest(id: string, patientId: string, service: string, requester = CLINIC): Record<string, unknown> {
  const ecm = service === 'ecm';
  return {
    resourceType: 'ServiceRequest',
    id,
    status: 'active',
    intent: 'order',
    category: [{ coding: [{ system: `${BASE}/CodeSystem/calaim-program`, code: ecm ? 'ecm' : 'community-supports' }] }],
    code: { coding: [ecm ? { system: `${BASE}/CodeSystem/calaim-program`, code: 'ecm' } : { system: `${BASE}/CodeSystem/community-support`, code: service }] },
    subject: { reference: `Patient/${patientId}` },
    requester: { reference: `Organization/${requester}` },
    authoredOn: '2026-01-05',
  };
}

export function task(patientId: string, srId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
    focus: { reference: `ServiceRequest/${srId}` },
    for: { reference: `Patient/${patientId}` },
    authoredOn: new Date().toISOString(),
    requester: { reference: `Organization/${CLINIC}` },
    owner: { reference: `Organization/${PLAN}` },
    ...extra,
  };
}

export function closure(code: string): Record<string, unknown> {
  return { coding: [{ system: CLOSURE, code }], text: code };
}

export function codeOf(concept: { coding?: { system?: string; code?: string }[] } | undefined, system: string): string | undefined {
  return concept?.coding?.find((c) => c.system === system)?.code;
}

/** Loads the organizations once per server (PUT as the system; Organizations are not referral Tasks). */
export async function seed(server: TestServer): Promise<void> {
  for (const org of organizations()) {
    const res = await server.fhir(`Organization/${org.id}`, { method: 'PUT', body: org });
    if (res.status >= 300) throw new Error(`seed ${org.id}: ${res.text}`);
  }
}

/** A member, an ECM (or CS) ServiceRequest and a requested referral Task; returns the stored Task. */
export async function referral(server: TestServer, service = 'ecm', extra: Record<string, unknown> = {}, requester = CLINIC): Promise<{ task: FhirResult['body']; patientId: string; srId: string }> {
  const patient = member();
  const patientId = patient.id as string;
  const srId = `sr-${patientId}`;
  await server.fhir(`Patient/${patientId}`, { method: 'PUT', body: patient });
  await server.fhir(`ServiceRequest/${srId}`, { method: 'PUT', body: serviceRequest(srId, patientId, service, requester) });
  const res = await as(server, requester).post('Task', task(patientId, srId, { requester: { reference: `Organization/${requester}` }, ...extra }));
  if (res.status !== 201) throw new Error(`create referral: ${res.status} ${res.text}`);
  return { task: res.body, patientId, srId };
}
