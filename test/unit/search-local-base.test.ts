// Absolute references on this server's own base: which are local, and the view of a resource the index reads.
import { describe, expect, it } from 'vitest';
import { LocalBases, localView, pathBelow } from '../../src/search/local-base.js';

const BASE = 'http://localhost:8080/fhir';

describe('LocalBases.relative', () => {
  const bases = new LocalBases([`${BASE}/`, 'https://fhir.calaim.example/fhir']);
  it.each([
    [`${BASE}/Patient/123`, 'Patient/123'],
    [`${BASE}/Patient/123/_history/2`, 'Patient/123/_history/2'],
    ['https://fhir.calaim.example/fhir/Task/a-b.c', 'Task/a-b.c'],
    // not a resource on our base
    ['http://other.example.org/fhir/Patient/123', undefined],
    ['http://localhost:8080/fhirx/Patient/123', undefined],
    [`${BASE}Patient/123`, undefined],
    [`${BASE}/Patient`, undefined],
    [`${BASE}/Patient/123/extra`, undefined],
    [`${BASE}/Patient?identifier=x|y`, undefined],
    [`${BASE}/patient/123`, undefined],
    ['Patient/123', undefined],
    ['urn:uuid:6f9619ff-8b86-d011-b42d-00cf4fc964ff', undefined],
  ])('%s -> %s', (reference, expected) => {
    expect(bases.relative(reference)).toBe(expected);
  });

  it('a base added later counts (the listening address is known only after listen)', () => {
    const later = new LocalBases();
    expect(later.relative(`${BASE}/Patient/1`)).toBeUndefined();
    later.add(BASE);
    later.add(`${BASE}/`);
    expect(later.list()).toEqual([BASE]);
    expect(later.relative(`${BASE}/Patient/1`)).toBe('Patient/1');
  });
});

describe('pathBelow', () => {
  it('strips the first base the URL is under', () => {
    expect(pathBelow(`${BASE}/Patient/1`, ['', 'http://x/fhir', BASE])).toBe('Patient/1');
    expect(pathBelow(`${BASE}/Patient/1`, ['http://x/fhir'])).toBeUndefined();
  });
});

describe('localView', () => {
  const bases = new LocalBases([BASE]);

  it('rewrites Reference.reference on our base, at any depth, and leaves the input untouched', () => {
    const resource = {
      resourceType: 'Encounter',
      subject: { reference: `${BASE}/Patient/p1` },
      participant: [{ individual: { reference: `${BASE}/Practitioner/x/_history/3` } }, { individual: { reference: 'Practitioner/y' } }],
      serviceProvider: { reference: 'http://other.example.org/fhir/Organization/o' },
      contained: [{ resourceType: 'Patient', id: 'c', link: [{ other: { reference: `${BASE}/Patient/p2` } }] }],
    };
    const before = structuredClone(resource);
    const view = localView(resource, bases);
    expect(resource).toEqual(before);
    expect(view.subject.reference).toBe('Patient/p1');
    expect(view.participant[0].individual.reference).toBe('Practitioner/x/_history/3');
    expect(view.participant[1]).toBe(resource.participant[1]);
    expect(view.serviceProvider).toBe(resource.serviceProvider);
    expect(view.contained[0].link[0].other.reference).toBe('Patient/p2');
  });

  it('returns the same object when nothing is on our base, or when no base is known', () => {
    const resource = { resourceType: 'Task', for: { reference: 'Patient/1' }, url: `${BASE}/Patient/1` };
    expect(localView(resource, bases)).toBe(resource);
    const absolute = { resourceType: 'Task', for: { reference: `${BASE}/Patient/1` } };
    expect(localView(absolute, new LocalBases())).toBe(absolute);
    expect(localView(absolute, undefined)).toBe(absolute);
  });

  it('keeps a "__proto__" key of client JSON as plain data', () => {
    const resource = JSON.parse(`{"resourceType":"Task","__proto__":{"polluted":true},"for":{"reference":"${BASE}/Patient/1"}}`);
    const view = localView(resource, bases) as Record<string, unknown> & { for: { reference: string } };
    expect(view.for.reference).toBe('Patient/1');
    expect(Object.getPrototypeOf(view)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
