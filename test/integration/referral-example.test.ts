// The shipped content-rich referral (bundles/examples/referral-ecm-content-rich.json) as one transaction, with eligibility evidence attached.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type FhirResult, type TestServer } from '../helpers/server.js';
import { as, BUSINESS, referral, seed } from './referral-fixtures.js';

type Body = FhirResult['body'];
const example = JSON.parse(readFileSync(new URL('../../bundles/examples/referral-ecm-content-rich.json', import.meta.url), 'utf8'));
const WORKFLOW = 'https://calaim-fhir.dev/fhir/CodeSystem/referral-workflow';
const outputs = (task: Body, code: string): Body[] => (task.output ?? []).filter((o: Body) => o.type.coding[0].system === WORKFLOW && o.type.coding[0].code === code);

describe.each(backends())('content-rich referral transaction on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { devOrgHeader: true });
    await seed(server);
    for (const id of ['demo-hospital', 'demo-plan']) await server.fhir(`Organization/${id}`, { method: 'PUT', body: { resourceType: 'Organization', id, name: id } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates member, evidence, consent, ServiceRequest and Task in one transaction; the Task carries the eligibility evaluation', async () => {
    const res = await as(server, 'demo-hospital').post('', example);
    expect(res.status, res.text).toBe(200);
    const taskLocation = res.body.entry[6].response.location as string;
    const task = (await server.fhir(taskLocation.replace(/\/_history\/.*/, ''))).body;
    expect(codeOfBusiness(task)).toBe('received');
    expect(outputs(task, 'ecm-eligible')[0].valueBoolean).toBe(true);
    expect(outputs(task, 'population-of-focus-met').map((o: Body) => o.valueCodeableConcept.coding[0].code)).toContain('homelessness');
    expect(outputs(task, 'eligibility-evidence').length).toBeGreaterThan(0);
    expect(task.restriction.period.end).toBeDefined();
  });

  it('sent again, the member is matched by CIN (conditional create) and a second referral is opened', async () => {
    const first = await server.fhir('Patient?identifier=https://calaim-fhir.dev/fhir/sid/cin|91234567A');
    const res = await as(server, 'demo-hospital').post('', example);
    expect(res.status, res.text).toBe(200);
    expect(res.body.entry[0].response.status).toMatch(/^200/);
    const after = await server.fhir('Patient?identifier=https://calaim-fhir.dev/fhir/sid/cin|91234567A');
    expect(after.body.total ?? after.body.entry.length).toBe(first.body.total ?? first.body.entry.length);
  });

  it('a JI reentry warm handoff is not re-determined', async () => {
    const { task } = await referral(server, 'ecm', { meta: { tag: [{ system: 'https://calaim-fhir.dev/fhir/CodeSystem/referral-flag', code: 'ji-reentry-warm-handoff' }] } });
    expect(outputs(task, 'eligibility-not-redetermined')).toHaveLength(1);
    expect(outputs(task, 'ecm-eligible')).toHaveLength(0);
  });
});

function codeOfBusiness(task: Body): string | undefined {
  return task.businessStatus.coding.find((c: Body) => c.system === BUSINESS)?.code;
}
