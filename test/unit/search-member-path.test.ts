// Index extraction reads plain member-path expressions by property access; it must give what FHIRPath gives.
import { evalFhirPathTyped, toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../src/fhir/definitions.js';
import { memberPathReader } from '../../src/search/member-path.js';
import { SearchParameterIndex } from '../../src/search/parameters.js';
import { resourceCorpus } from '../helpers/resource-corpus.js';

const member: Resource[] = [
  {
    resourceType: 'Patient',
    identifier: [{ system: 'https://calaim-fhir.dev/fhir/sid/cin', value: '91234567A' }, { value: 'x' }],
    name: [{ family: 'Nguyen', given: ['Mai', 'T'] }, { text: 'Mai Nguyen' }],
    telecom: [{ system: 'phone', value: '555-0100' }, { system: 'email', value: 'mai@example.org' }],
    address: [{ line: ['1 Main St'], city: 'Fresno', state: 'CA', postalCode: '93701' }],
    gender: 'female',
    birthDate: '1980-02-03',
    generalPractitioner: [{ reference: 'Practitioner/p1' }, { reference: 'Organization/o1' }],
    managingOrganization: { reference: 'Organization/o1' },
    link: [{ other: { reference: 'Patient/other' }, type: 'seealso' }],
  },
  {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    businessStatus: { coding: [{ system: 'https://calaim-fhir.dev/fhir/CodeSystem/referral-business-status', code: 'received' }] },
    focus: { reference: 'ServiceRequest/sr1' },
    for: { reference: 'Patient/p1' },
    owner: { reference: 'Organization/plan' },
    requester: { reference: 'Organization/clinic' },
    partOf: [{ reference: 'Task/parent' }],
    authoredOn: '2026-11-01T10:00:00Z',
    lastModified: '2026-11-02T10:00:00Z',
    restriction: { period: { start: '2026-11-01', end: '2026-11-08' } },
    code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
    priority: 'routine',
    identifier: [{ system: 'urn:x', value: '1' }],
  },
  {
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    category: [{ coding: [{ system: 'https://calaim-fhir.dev/fhir/CodeSystem/calaim-program', code: 'ecm' }] }],
    code: { coding: [{ system: 'https://calaim-fhir.dev/fhir/CodeSystem/calaim-program', code: 'ecm' }] },
    subject: { reference: 'Patient/p1' },
    requester: { reference: 'Organization/clinic' },
    performer: [{ reference: 'Organization/provider' }],
    authoredOn: '2026-11-20',
    occurrencePeriod: { start: '2026-11-20' },
  },
];

describe('member-path extraction', () => {
  loadDefinitions();
  const index = new SearchParameterIndex([]);

  it('reads what FHIRPath reads, for every parameter of every resource shipped or fixed', () => {
    let compared = 0;
    for (const resource of [...member, ...resourceCorpus()]) {
      for (const def of index.all(resource.resourceType).values()) {
        const reader = def.expression && def.atom ? memberPathReader(resource.resourceType, def.expression) : undefined;
        if (!reader || !def.atom) continue;
        const fast = reader(resource);
        if (fast === undefined) continue;
        expect({ param: `${resource.resourceType}.${def.code}`, values: fast }).toEqual({ param: `${resource.resourceType}.${def.code}`, values: evalFhirPathTyped(def.atom, [toTypedValue(resource)]) });
        if (fast.length > 0) compared++;
      }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('covers most of the referral types parameters and leaves the rest to FHIRPath', () => {
    const plain = (type: string) => [...index.all(type).values()].filter((d) => d.expression && memberPathReader(type, d.expression)).map((d) => d.code);
    expect(plain('Task')).toEqual(expect.arrayContaining(['owner', 'status', 'focus', 'subject', 'requester', 'business-status', 'part-of', 'authored-on', 'period']));
    expect(plain('Patient')).toEqual(expect.arrayContaining(['identifier', 'name', 'birthdate', 'gender', 'address-city']));
    // A choice, a function or a type test needs FHIRPath.
    expect(memberPathReader('Observation', '(Observation.value as Quantity)')).toBeUndefined();
    expect(memberPathReader('Patient', 'Patient.telecom.where(system=\'phone\')')).toBeUndefined();
    expect(memberPathReader('Observation', 'Observation.value')).toBeUndefined();
    // A custom SearchParameter naming an Object.prototype member is not an element.
    expect(memberPathReader('Patient', 'Patient.constructor')).toBeUndefined();
  });

  it('hands a primitive with an extension part to FHIRPath', () => {
    const reader = memberPathReader('Patient', 'Patient.birthDate');
    expect(reader?.({ resourceType: 'Patient', birthDate: '1980-02-03' })).toEqual([{ type: 'date', value: '1980-02-03' }]);
    expect(reader?.({ resourceType: 'Patient', birthDate: '1980-02-03', _birthDate: { extension: [{ url: 'http://x', valueString: 'y' }] } })).toBeUndefined();
  });
});
