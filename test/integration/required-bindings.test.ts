// Required bindings of the R4 core definitions, enforced on every write without a profile: 422 at the exact element, the same issues from $validate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expressions } from '../helpers/outcome.js';
import { startTestServer, type FhirResult, type TestServer } from '../helpers/server.js';

interface Issue {
  severity: string;
  code: string;
  diagnostics?: string;
  expression?: string[];
}

type Body = Record<string, unknown>;

interface BindingCase {
  /** Where the code sits, as the test name says it. */
  place: string;
  /** The resource with `code` at the bound element. */
  make: (code: string) => Body;
  good: string;
  bad: string;
  expression: string;
}

const ucum = (comparator: string) => ({ value: 5, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg', comparator });
const observation = (extra: Body): Body => ({ resourceType: 'Observation', status: 'final', code: { text: 'weight' }, ...extra });
const condition = (extra: Body): Body => ({ resourceType: 'Condition', subject: { display: 'A member' }, code: { text: 'asthma' }, ...extra });
const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';

const CASES: BindingCase[] = [
  { place: 'a top-level code (Patient.gender)', make: (c) => ({ resourceType: 'Patient', gender: c }), good: 'female', bad: 'foo', expression: 'Patient.gender' },
  {
    place: 'Identifier.use in the second item of an array',
    make: (c) => ({ resourceType: 'Patient', identifier: [{ system: 'urn:x', value: '1' }, { use: c, system: 'urn:x', value: '2' }] }),
    good: 'official',
    bad: 'primary',
    expression: 'Patient.identifier[1].use',
  },
  { place: 'ContactPoint.system', make: (c) => ({ resourceType: 'Patient', telecom: [{ system: c, value: '916-555-0100' }] }), good: 'phone', bad: 'pigeon', expression: 'Patient.telecom[0].system' },
  { place: 'HumanName.use', make: (c) => ({ resourceType: 'Patient', name: [{ use: c, family: 'Nguyen' }] }), good: 'nickname', bad: 'alias', expression: 'Patient.name[0].use' },
  { place: 'Address.use', make: (c) => ({ resourceType: 'Patient', address: [{ use: c, city: 'Sacramento' }] }), good: 'temp', bad: 'vacation', expression: 'Patient.address[0].use' },
  {
    place: 'Narrative.status',
    make: (c) => ({ resourceType: 'Patient', text: { status: c, div: '<div xmlns="http://www.w3.org/1999/xhtml">A member</div>' } }),
    good: 'generated',
    bad: 'written',
    expression: 'Patient.text.status',
  },
  {
    place: 'a backbone element (Patient.contact.gender)',
    make: (c) => ({ resourceType: 'Patient', contact: [{ name: { family: 'Nguyen' }, gender: c }] }),
    good: 'other',
    bad: 'x',
    expression: 'Patient.contact[0].gender',
  },
  {
    place: 'a data type inside a backbone element (Patient.contact.telecom.use)',
    make: (c) => ({ resourceType: 'Patient', contact: [{ telecom: [{ system: 'phone', value: '1', use: c }] }] }),
    good: 'mobile',
    bad: 'cell',
    expression: 'Patient.contact[0].telecom[0].use',
  },
  {
    place: 'a nested backbone reached by contentReference (Questionnaire.item.item.type)',
    make: (c) => ({ resourceType: 'Questionnaire', status: 'draft', item: [{ linkId: '1', type: 'group', text: 'g', item: [{ linkId: '1.1', type: c, text: 'q' }] }] }),
    good: 'boolean',
    bad: 'yes-no',
    expression: 'Questionnaire.item[0].item[0].type',
  },
  {
    place: 'a choice type value (Observation.valueQuantity.comparator)',
    make: (c) => observation({ valueQuantity: ucum(c) }),
    good: '<=',
    bad: '~',
    expression: 'Observation.valueQuantity.comparator',
  },
  {
    place: 'a choice of a Quantity profile (Condition.onsetAge.comparator)',
    make: (c) => condition({ onsetAge: { value: 40, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a', comparator: c } }),
    good: '>',
    bad: '=>',
    expression: 'Condition.onsetAge.comparator',
  },
  {
    place: 'a CodeableConcept (Condition.clinicalStatus)',
    make: (c) => condition({ clinicalStatus: { coding: [{ system: CLINICAL, code: c }] } }),
    good: 'active',
    bad: 'dormant',
    expression: 'Condition.clinicalStatus',
  },
  {
    place: 'an extension value (Patient.extension.valueQuantity.comparator)',
    make: (c) => ({ resourceType: 'Patient', extension: [{ url: 'https://example.org/weight', valueQuantity: ucum(c) }] }),
    good: '<',
    bad: '<<',
    expression: 'Patient.extension[0].valueQuantity.comparator',
  },
  {
    place: 'a contained resource (Patient.contained.telecom.system)',
    make: (c) => ({ resourceType: 'Patient', managingOrganization: { reference: '#org' }, contained: [{ resourceType: 'Organization', id: 'org', name: 'CBO', telecom: [{ system: c, value: 'x' }] }] }),
    good: 'email',
    bad: 'telegram',
    expression: 'Patient.contained[0].telecom[0].system',
  },
];

const errors = (res: FhirResult): Issue[] => (res.body?.issue ?? []).filter((i: Issue) => i.severity === 'error' || i.severity === 'fatal');

describe.each(backends())('required bindings of the base specification on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  describe.each(CASES)('$place', ({ make, good, bad, expression }) => {
    it(`a code outside the value set is refused with 422 code-invalid at ${expression}, and $validate reports the same issues`, async () => {
      const resource = make(bad);
      const res = await server.fhir(resource.resourceType as string, { body: resource });
      expect(res.status, res.text).toBe(422);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(errors(res)).toEqual([expect.objectContaining({ severity: 'error', code: 'code-invalid', expression: [expression] })]);
      expect(errors(res)[0].diagnostics).toContain(bad);
      const validated = await server.fhir(`${resource.resourceType}/$validate`, { body: resource });
      expect(validated.status, validated.text).toBe(200);
      expect(errors(validated)).toEqual(errors(res));
    });

    it(`a code from the value set is stored (201), and $validate finds nothing at ${expression}`, async () => {
      const resource = make(good);
      const res = await server.fhir(resource.resourceType as string, { body: resource });
      expect(res.status, res.text).toBe(201);
      const validated = await server.fhir(`${resource.resourceType}/$validate`, { body: resource });
      expect(errors(validated)).toEqual([]);
    });
  });

  it('several bad codes are all reported, each at its own element', async () => {
    const res = await server.fhir('Patient', { body: { resourceType: 'Patient', gender: 'foo', telecom: [{ system: 'phone', value: '1', use: 'work' }, { system: 'pigeon', value: '2' }], name: [{ use: 'alias' }] } });
    expect(res.status, res.text).toBe(422);
    expect(expressions({ issue: errors(res) }).sort()).toEqual(['Patient.gender', 'Patient.name[0].use', 'Patient.telecom[1].system']);
  });

  it('an update (PUT) with a bad code is refused with 422 and keeps the stored version', async () => {
    const created = await server.fhir('Patient', { body: { resourceType: 'Patient', gender: 'male' } });
    const id = created.body.id as string;
    const res = await server.fhir(`Patient/${id}`, { method: 'PUT', body: { resourceType: 'Patient', id, gender: 'unknownish' } });
    expect(res.status, res.text).toBe(422);
    expect(expressions({ issue: errors(res) })).toEqual(['Patient.gender']);
    expect((await server.fhir(`Patient/${id}`)).body.gender).toBe('male');
  });

  it('a transaction entry with a bad code fails the transaction with 422 at that entry\'s element', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:8d1c2c56-2b7a-4bb0-9f0e-0c4f8b1f4f01', resource: { resourceType: 'Patient', gender: 'female' }, request: { method: 'POST', url: 'Patient' } },
        { fullUrl: 'urn:uuid:8d1c2c56-2b7a-4bb0-9f0e-0c4f8b1f4f02', resource: { resourceType: 'Patient', gender: 'feminine' }, request: { method: 'POST', url: 'Patient' } },
      ],
    };
    const res = await server.fhir('', { body: bundle });
    expect(res.status, res.text).toBe(422);
    expect(expressions({ issue: errors(res) })).toEqual(['Bundle.entry[1].resource.gender']);
  });

  it('a Bundle stored as a collection has its entries checked (Bundle.entry.resource)', async () => {
    const res = await server.fhir('Bundle', { body: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', gender: 'q' } }] } });
    expect(res.status, res.text).toBe(422);
    expect(expressions({ issue: errors(res) })).toEqual(['Bundle.entry[0].resource.gender']);
  });

  describe('value sets that cannot be expanded locally are not enforced', () => {
    it.each([
      ['mimetypes (Attachment.contentType)', { resourceType: 'Patient', photo: [{ contentType: 'application/x-not-registered', url: 'https://example.org/p.png' }] }],
      ['currencies (Money.currency)', { resourceType: 'Basic', code: { text: 'deposit' }, extension: [{ url: 'https://example.org/amount', valueMoney: { value: 10, currency: 'ZZZ' } }] }],
      ['ucum-units (ResearchElementDefinition.characteristic.unitOfMeasure)', {
        resourceType: 'ResearchElementDefinition',
        status: 'draft',
        type: 'population',
        characteristic: [{ definitionCodeableConcept: { text: 'adults' }, unitOfMeasure: { coding: [{ system: 'http://unitsofmeasure.org', code: 'not-a-unit' }] } }],
      }],
    ])('%s: any code is stored (201)', async (_name, resource) => {
      const res = await server.fhir(resource.resourceType, { body: resource });
      expect(res.status, res.text).toBe(201);
    });
  });

  it('a ValueSet stored under a core URL changes what is enforced at once, and deleting it restores the core one', async () => {
    const linked = await server.fhir('Patient', { body: { resourceType: 'Patient', gender: 'other' } });
    const patient = (type: string) => ({ resourceType: 'Patient', link: [{ other: { reference: `Patient/${linked.body.id}` }, type }] });
    expectErrorAt(await server.fhir('Patient', { body: patient('twin') }), 'Patient.link[0].type');
    const vs = await server.fhir('ValueSet', {
      body: {
        resourceType: 'ValueSet',
        url: 'http://hl7.org/fhir/ValueSet/link-type',
        status: 'active',
        compose: { include: [{ system: 'http://hl7.org/fhir/link-type', concept: [{ code: 'replaced-by' }, { code: 'replaces' }, { code: 'refer' }, { code: 'seealso' }, { code: 'twin' }] }] },
      },
    });
    expect(vs.status, vs.text).toBe(201);
    try {
      const res = await server.fhir('Patient', { body: patient('twin') });
      expect(res.status, res.text).toBe(201);
    } finally {
      expect((await server.fhir(`ValueSet/${vs.body.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
    }
    expectErrorAt(await server.fhir('Patient', { body: patient('twin') }), 'Patient.link[0].type');
  });
});

function expectErrorAt(res: FhirResult, expression: string): void {
  expect(res.status, res.text).toBe(422);
  expect(expressions({ issue: errors(res) })).toEqual([expression]);
}
