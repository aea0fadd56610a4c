// $ecm-eligibility over HTTP: both forms (posted Bundle, stored compartment), the contract's output, 400s, and rules read from the server.
import type { Bundle, Group, Library, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, freshDatabase } from '../helpers/backends.js';
import { startChildServer } from '../helpers/child-server.js';
import { expectOutcome } from '../helpers/outcome.js';
import { member, type MemberBuilder } from '../helpers/eligibility-builder.js';
import { startTestServer, type FhirResult, type TestServer } from '../helpers/server.js';

const ASOF = '2026-06-15';
const POF = ['homelessness', 'avoidable-utilization', 'smh-sud', 'justice-involved', 'birth-equity', 'ltc-risk', 'nf-transition', 'ccs-wcm', 'child-welfare'];
const CS = [
  'housing-transition-navigation', 'housing-deposits', 'housing-tenancy-sustaining', 'short-term-post-hospitalization-housing', 'recuperative-care', 'respite', 'day-habilitation',
  'assisted-living-transition', 'community-transition', 'personal-care-homemaker', 'home-modifications', 'medically-tailored-meals', 'sobering-center', 'asthma-remediation', 'transitional-rent',
];

type Body = FhirResult['body'];
const part = (p: Body, name: string) => p.part.filter((x: Body) => x.name === name);
const population = (body: Body, code: string) => {
  const p = body.parameter.find((x: Body) => x.name === 'population' && part(x, 'code')[0].valueCoding.code === code);
  return { met: part(p, 'met')[0].valueBoolean as boolean, evidence: part(p, 'evidence').map((e: Body) => e.valueReference.reference) as string[] };
};
const support = (body: Body, code: string) => {
  const p = body.parameter.find((x: Body) => x.name === 'communitySupport' && part(x, 'code')[0].valueCoding.code === code);
  return { status: part(p, 'status')[0].valueCode as string, evidence: part(p, 'evidence').map((e: Body) => e.valueReference.reference) as string[] };
};

/** The member's resources as a transaction of PUTs, so the compartment form sees the same ids. */
function transaction(bundle: Bundle): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: (bundle.entry ?? []).map((e) => ({ resource: e.resource, request: { method: 'PUT' as const, url: `${e.resource?.resourceType}/${e.resource?.id}` } })),
  };
}

describe.each(backends())('ecm-eligibility operation on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { contentWritable: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  const postBundle = (bundle: Bundle, asOf = ASOF) => server.fhir(`Patient/$ecm-eligibility?asOf=${asOf}`, { body: bundle });
  const stored = async (m: MemberBuilder, asOf = ASOF) => {
    const res = await server.fhir('', { body: transaction(m.bundle()) });
    expect(res.status, res.text).toBe(200);
    return server.fhir(`Patient/${m.id}/$ecm-eligibility?asOf=${asOf}`);
  };
  /** Both forms must agree; returns the body. */
  const both = async (m: MemberBuilder, asOf = ASOF) => {
    const posted = await postBundle(m.bundle(), asOf);
    expect(posted.status, posted.text).toBe(200);
    const fromStore = await stored(m, asOf);
    expect(fromStore.status, fromStore.text).toBe(200);
    expect(fromStore.body).toEqual(posted.body);
    return posted.body;
  };

  it('returns the Parameters of the contract, in its order', async () => {
    const m = member('2012-01-01', 'order-kid');
    m.condition('Z59.01', { id: 'order-h' });
    m.episode('pace', { id: 'order-pace' });
    const res = await server.fhir('Patient/$ecm-eligibility', { body: { resourceType: 'Parameters', parameter: [{ name: 'bundle', resource: m.bundle() }, { name: 'asOf', valueDate: ASOF }] } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.resourceType).toBe('Parameters');
    const names = res.body.parameter.map((p: Body) => p.name);
    expect(names).toEqual(['eligible', 'asOf', ...POF.map(() => 'population'), 'exclusion', ...CS.map(() => 'communitySupport')]);
    expect(res.body.parameter[0]).toEqual({ name: 'eligible', valueBoolean: false });
    expect(res.body.parameter[1]).toEqual({ name: 'asOf', valueDate: ASOF });
    expect(res.body.parameter.slice(2, 11).map((p: Body) => part(p, 'code')[0].valueCoding)).toEqual(POF.map((code) => ({ system: 'https://calaim-fhir.dev/fhir/CodeSystem/ecm-population-of-focus', code })));
    expect(res.body.parameter[2]).toEqual({
      name: 'population',
      part: [
        { name: 'code', valueCoding: { system: 'https://calaim-fhir.dev/fhir/CodeSystem/ecm-population-of-focus', code: 'homelessness' } },
        { name: 'met', valueBoolean: true },
        { name: 'evidence', valueReference: { reference: 'Condition/order-h' } },
        { name: 'group', valueReference: { reference: 'Group/pof-homelessness' } },
      ],
    });
    expect(res.body.parameter[11]).toEqual({
      name: 'exclusion',
      part: [{ name: 'code', valueCoding: { system: 'https://calaim-fhir.dev/fhir/CodeSystem/ecm-excluded-program', code: 'pace' } }, { name: 'evidence', valueReference: { reference: 'EpisodeOfCare/order-pace' } }],
    });
    expect(res.body.parameter.slice(12).map((p: Body) => part(p, 'code')[0].valueCoding.code)).toEqual(CS);
    expect(support(res.body, 'housing-deposits')).toEqual({ status: 'eligible', evidence: ['Condition/order-h'] });
    expect(support(res.body, 'respite')).toEqual({ status: 'needs-assessment', evidence: [] });
  });

  it('stores nothing for a posted Bundle', async () => {
    const m = member('1990-01-01', 'not-stored');
    m.condition('Z59.01', { id: 'not-stored-h' });
    expect((await postBundle(m.bundle())).status).toBe(200);
    expect((await server.fhir('Patient/not-stored')).status).toBe(404);
    expect((await server.fhir('Condition/not-stored-h')).status).toBe(404);
  });

  it('defaults asOf to today in Los Angeles and echoes it', async () => {
    const res = await server.fhir('Patient/$ecm-eligibility', { body: member('1990-01-01', 'today').bundle() });
    expect(res.status).toBe(200);
    expect(res.body.parameter[1].valueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('is listed in the CapabilityStatement and its OperationDefinition is served', async () => {
    const metadata = await server.fhir('metadata');
    const patient = metadata.body.rest[0].resource.find((r: Body) => r.type === 'Patient');
    expect(patient.operation).toContainEqual({ name: 'ecm-eligibility', definition: 'https://calaim-fhir.dev/fhir/OperationDefinition/ecm-eligibility' });
    const definition = await server.fhir('OperationDefinition/ecm-eligibility');
    expect(definition.status).toBe(200);
    expect(definition.body.code).toBe('ecm-eligibility');
    expect(definition.body.instance).toBe(true);
  });

  describe('the contract boundaries, on both forms', () => {
    let n = 0;
    const next = (birthDate: string | null = '1980-06-15') => member(birthDate, `b${++n}-${backend.name}`);
    const visits = (birthDate: string, dates: string[]) => {
      const m = next(birthDate);
      dates.forEach((d, i) => m.ed(d, { id: `${m.id}-v${i}` }));
      return m;
    };

    it('4 ED visits within 6 months are not enough, 5 are', async () => {
      const four = ['2026-01-10', '2026-02-10', '2026-03-10', '2026-04-10'];
      expect(population(await both(visits('1980-06-15', four)), 'avoidable-utilization').met).toBe(false);
      expect(population(await both(visits('1980-06-15', [...four, '2026-05-10'])), 'avoidable-utilization').evidence).toHaveLength(5);
    });

    it('a visit exactly 6 months before asOf counts, one day earlier does not; from 31 August the window clamps to 28 February', async () => {
      const four = ['2026-02-10', '2026-03-10', '2026-04-10', '2026-05-10'];
      expect(population(await both(visits('1980-06-15', [...four, '2025-12-15'])), 'avoidable-utilization').met).toBe(true);
      expect(population(await both(visits('1980-06-15', [...four, '2025-12-14'])), 'avoidable-utilization').met).toBe(false);
      const later = ['2026-03-10', '2026-04-10', '2026-05-10', '2026-06-10'];
      expect(population(await both(visits('1980-06-15', [...later, '2026-02-28']), '2026-08-31'), 'avoidable-utilization').met).toBe(true);
      expect(population(await both(visits('1980-06-15', [...later, '2026-02-27']), '2026-08-31'), 'avoidable-utilization').met).toBe(false);
    });

    it('two ED Encounters on one date are one visit; a UTC time that moves the Los Angeles date counts on that date', async () => {
      const four = ['2026-02-10', '2026-03-10', '2026-04-10', '2026-05-10'];
      const sameDay = await both(visits('1980-06-15', [...four, '2026-05-10T22:00:00Z']));
      expect(population(sameDay, 'avoidable-utilization').met).toBe(false);
      expect(population(await both(visits('1980-06-15', [...four, '2026-05-11T03:00:00Z'])), 'avoidable-utilization').met).toBe(false);
      expect(population(await both(visits('1980-06-15', [...four, '2026-05-11T09:00:00Z'])), 'avoidable-utilization').met).toBe(true);
    });

    it('age 20 vs 21 on the birthday, and a 29 February birthday', async () => {
      const three = ['2026-01-10', '2026-02-10', '2026-03-10'];
      expect(population(await both(visits('2005-06-16', three)), 'avoidable-utilization').met).toBe(true);
      expect(population(await both(visits('2005-06-15', three)), 'avoidable-utilization').met).toBe(false);
      const leap = ['2024-10-01', '2024-11-01', '2025-01-10'];
      expect(population(await both(visits('2004-02-29', leap), '2025-02-28'), 'avoidable-utilization').met).toBe(true);
      expect(population(await both(visits('2004-02-29', leap), '2025-03-01'), 'avoidable-utilization').met).toBe(false);
    });

    it('postpartum: 12 months vs 12 months and a day', async () => {
      const within = next().race('2054-5');
      within.condition('Z39.2', { id: `${within.id}-pp`, onset: '2025-06-15', clinicalStatus: 'resolved' });
      expect(population(await both(within), 'birth-equity')).toEqual({ met: true, evidence: [`Condition/${within.id}-pp`, `Patient/${within.id}`] });
      const late = next().race('2054-5');
      late.condition('Z39.2', { id: `${late.id}-pp`, onset: '2025-06-14', clinicalStatus: 'resolved' });
      expect(population(await both(late), 'birth-equity').met).toBe(false);
    });

    it('a withdrawn attestation', async () => {
      const m = next('2012-01-01');
      m.attest('homelessness', true, '2026-01-10', { id: `${m.id}-yes` });
      expect(population(await both(m), 'homelessness').met).toBe(true);
      m.attest('homelessness', false, '2026-05-01', { id: `${m.id}-no` });
      expect(population(await both(m), 'homelessness').met).toBe(false);
    });

    it('an exclusion episode ending the day before asOf no longer excludes', async () => {
      const m = next('2012-01-01');
      m.condition('Z59.01', { id: `${m.id}-h` });
      m.episode('hospice', { id: `${m.id}-old`, status: 'finished', start: '2025-01-01', end: '2026-06-14' });
      expect((await both(m)).parameter[0].valueBoolean).toBe(true);
      m.episode('hospice', { id: `${m.id}-now`, status: 'finished', start: '2025-01-01', end: '2026-06-15' });
      const excluded = await both(m);
      expect(excluded.parameter[0].valueBoolean).toBe(false);
      expect(population(excluded, 'homelessness').met).toBe(true);
    });

    it('asthma remediation needs an assessment from 2026', async () => {
      const m = next();
      m.condition('J45.909', { id: `${m.id}-a` });
      m.ed('2025-09-01', { id: `${m.id}-v`, reasons: ['J45.901'] });
      expect(support(await both(m, '2025-12-31'), 'asthma-remediation').status).toBe('eligible');
      expect(support(await both(m, '2026-01-01'), 'asthma-remediation')).toEqual({ status: 'needs-assessment', evidence: [`Condition/${m.id}-a`, `Encounter/${m.id}-v`] });
    });
  });

  describe('bad input is a 400 naming the problem', () => {
    const eligibility = (body: unknown, query = '') => server.fhir(`Patient/$ecm-eligibility${query}`, { body });

    it('a body that is not a Bundle or a Parameters holding one', async () => {
      expectOutcome(await eligibility({ resourceType: 'Patient' }), 400, 'Patient');
      expectOutcome(await eligibility({ resourceType: 'Parameters', parameter: [{ name: 'asOf', valueDate: ASOF }] }), 400, 'Bundle');
      expectOutcome(await eligibility({ resourceType: 'Parameters', parameter: [{ name: 'bundle', resource: { resourceType: 'Patient' } }] }), 400, "Parameters.parameter.where(name='bundle')");
      expectOutcome(await eligibility('[1,2]'), 400);
      expectOutcome(await eligibility({ resourceType: 'Bundle', type: 'collection', entry: {} }), 400, 'Bundle.entry');
      expectOutcome(await server.fhir('Patient/$ecm-eligibility'), 400, 'Bundle');
    });

    it('a Bundle with no Patient or with two', async () => {
      expectOutcome(await eligibility({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Condition', subject: { reference: 'Patient/x' } } }] }), 400, 'Bundle.entry');
      expectOutcome(await eligibility({ resourceType: 'Bundle', type: 'collection' }), 400, 'Bundle.entry');
      const two = member('1990-01-01', 'a').bundle();
      two.entry?.push({ resource: { resourceType: 'Patient', id: 'b' } as Resource });
      const res = await eligibility(two);
      expectOutcome(res, 400, 'Bundle.entry');
      expect(res.body.issue[0].diagnostics).toMatch(/2 Patients/);
    });

    it('an asOf that is not a full date', async () => {
      const bundle = member('1990-01-01', 'd').bundle();
      for (const asOf of ['2026-06', '2026-02-30', 'today', '2026-06-15T10:00:00Z']) expectOutcome(await eligibility(bundle, `?asOf=${encodeURIComponent(asOf)}`), 400, 'asOf');
      expectOutcome(await eligibility({ resourceType: 'Parameters', parameter: [{ name: 'bundle', resource: bundle }, { name: 'asOf', valueDate: '2026' }] }), 400, "Parameters.parameter.where(name='asOf')");
      expectOutcome(await eligibility({ resourceType: 'Parameters', parameter: [{ name: 'bundle', resource: bundle }, { name: 'asOf', valueString: ASOF }] }), 400, "Parameters.parameter.where(name='asOf')");
      expectOutcome(await eligibility(bundle, '?asOf=2026-06-15&asOf=2026-06-16'), 400, 'asOf');
    });

    it('references that resolve to nothing are not errors', async () => {
      const m = member('2012-01-01', 'dangling');
      m.condition('Z59.01', { id: 'dangling-h' });
      m.ed('2026-01-01', { reasonRefs: ['nowhere'], diagnoses: ['nowhere-else'] });
      m.add({ resourceType: 'Condition', id: 'orphan', subject: { reference: 'urn:uuid:unknown' }, code: { text: 'x' } } as Resource);
      const res = await eligibility(m.bundle(), `?asOf=${ASOF}`);
      expect(res.status, res.text).toBe(200);
      expect(population(res.body, 'homelessness').met).toBe(true);
    });

    it('an unknown Patient is a 404; a bundle at instance level is a 400', async () => {
      expectOutcome(await server.fhir('Patient/nobody-here/$ecm-eligibility'), 404);
      const m = member('1990-01-01', 'instance-bundle');
      await server.fhir('', { body: transaction(m.bundle()) });
      expectOutcome(await server.fhir('Patient/instance-bundle/$ecm-eligibility', { body: { resourceType: 'Parameters', parameter: [{ name: 'bundle', resource: m.bundle() }] } }), 400, "Parameters.parameter.where(name='bundle')");
      const ok = await server.fhir('Patient/instance-bundle/$ecm-eligibility', { body: { resourceType: 'Parameters', parameter: [{ name: 'asOf', valueDate: ASOF }] } });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body.parameter[1].valueDate).toBe(ASOF);
    });
  });

  describe('rules are data', () => {
    it("changing a Group's expression through the API changes results at once, and so does changing a Library definition", async () => {
      const m = member('1980-06-15', 'rules-data');
      m.attest('nf-level-of-care', true, '2026-01-01', { id: 'rules-data-loc' });
      const before = await postBundle(m.bundle());
      expect(population(before.body, 'ltc-risk').met).toBe(false);

      const group = (await server.fhir('Group/pof-ltc-risk')).body as Group;
      const original = structuredClone(group);
      const ext = group.extension?.find((e) => e.url === 'http://hl7.org/fhir/StructureDefinition/characteristicExpression');
      if (!ext?.valueExpression) throw new Error('no expression');
      ext.valueExpression.expression = "%adult and %Observation.attested('nf-level-of-care').exists()";
      expect((await server.fhir('Group/pof-ltc-risk', { method: 'PUT', body: group })).status).toBe(200);
      expect(population((await postBundle(m.bundle())).body, 'ltc-risk')).toEqual({ met: true, evidence: ['Observation/rules-data-loc'] });

      const library = (await server.fhir('Library/ecm-eligibility-definitions')).body as Library;
      const libraryOriginal = structuredClone(library);
      const social = library.extension?.find((e) => e.valueExpression?.name === 'socialFactor');
      if (!social?.valueExpression) throw new Error('no socialFactor');
      social.valueExpression.expression = "%activeConditions.where(code.icd('Z55-Z65')) | %Observation.attested('nf-level-of-care')";
      ext.valueExpression.expression = "%adult and %Observation.attested('nf-level-of-care').exists() and %socialFactor.exists()";
      expect((await server.fhir('Group/pof-ltc-risk', { method: 'PUT', body: group })).status).toBe(200);
      expect(population((await postBundle(m.bundle())).body, 'ltc-risk').met).toBe(false);
      expect((await server.fhir('Library/ecm-eligibility-definitions', { method: 'PUT', body: library })).status).toBe(200);
      expect(population((await postBundle(m.bundle())).body, 'ltc-risk').met).toBe(true);

      await server.fhir('Group/pof-ltc-risk', { method: 'PUT', body: { ...original, meta: undefined } });
      await server.fhir('Library/ecm-eligibility-definitions', { method: 'PUT', body: { ...libraryOriginal, meta: undefined } });
      expect(population((await postBundle(m.bundle())).body, 'ltc-risk').met).toBe(false);
    });

    it('memberOf() tests codes against ValueSets the server stores', async () => {
      const group = (await server.fhir('Group/pof-nf-transition')).body as Group;
      const original = structuredClone(group);
      const ext = group.extension?.find((e) => e.url === 'http://hl7.org/fhir/StructureDefinition/characteristicExpression');
      if (!ext?.valueExpression) throw new Error('no expression');
      ext.valueExpression.expression = "%adult and %Condition.where(code.memberOf('https://calaim-fhir.dev/fhir/ValueSet/icd10cm-asthma')).exists()";
      expect((await server.fhir('Group/pof-nf-transition', { method: 'PUT', body: group })).status).toBe(200);
      const m = member('1980-06-15', 'member-of');
      m.condition('J45.909', { id: 'member-of-asthma' });
      expect(population((await postBundle(m.bundle())).body, 'nf-transition')).toEqual({ met: true, evidence: ['Condition/member-of-asthma'] });
      ext.valueExpression.expression = "%adult and %Condition.where(code.memberOf('https://calaim-fhir.dev/fhir/ValueSet/nowhere')).exists()";
      await server.fhir('Group/pof-nf-transition', { method: 'PUT', body: group });
      const unknown = await postBundle(m.bundle());
      expectOutcome(unknown, 500);
      expect(unknown.body.issue[0].diagnostics).toMatch(/ValueSet\/nowhere/);
      await server.fhir('Group/pof-nf-transition', { method: 'PUT', body: { ...original, meta: undefined } });
    });

    it('a stored definition that does not parse is reported, and a fixed one is used again', async () => {
      const group = (await server.fhir('Group/pof-nf-transition')).body as Group;
      const original = structuredClone(group);
      const ext = group.extension?.find((e) => e.url === 'http://hl7.org/fhir/StructureDefinition/characteristicExpression');
      if (!ext?.valueExpression) throw new Error('no expression');
      ext.valueExpression.expression = '%adult and (';
      await server.fhir('Group/pof-nf-transition', { method: 'PUT', body: group });
      const broken = await postBundle(member('1980-01-01', 'broken').bundle());
      expectOutcome(broken, 500);
      expect(broken.body.issue[0].diagnostics).toMatch(/Group\/pof-nf-transition/);
      await server.fhir('Group/pof-nf-transition', { method: 'PUT', body: { ...original, meta: undefined } });
      expect((await postBundle(member('1980-01-01', 'fixed').bundle())).status).toBe(200);
    });

    it.runIf(backend.name === 'postgres')('a change written by another server process sharing the database is seen at once', async () => {
      const db = await freshDatabase(backend.adminUrl as string);
      const here = await startTestServer({ name: 'pglite' }, { contentWritable: true, databaseUrl: db.url });
      const there = await startChildServer({ databaseUrl: db.url, env: { CONTENT_WRITABLE: 'true' } });
      try {
        const m = member('1980-06-15', 'two-processes');
        m.attest('nf-resident-transition', true, '2026-01-01');
        const evaluate = async () => population((await here.fhir(`Patient/$ecm-eligibility?asOf=${ASOF}`, { body: m.bundle() })).body, 'nf-transition').met;
        expect(await evaluate()).toBe(true);
        const group = (await (await fetch(`${there.baseUrl}/Group/pof-nf-transition`)).json()) as Group;
        const ext = group.extension?.find((e) => e.url === 'http://hl7.org/fhir/StructureDefinition/characteristicExpression');
        if (!ext?.valueExpression) throw new Error('no expression');
        ext.valueExpression.expression = 'false';
        const put = await fetch(`${there.baseUrl}/Group/pof-nf-transition`, { method: 'PUT', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(group) });
        expect(put.status).toBe(200);
        expect(await evaluate()).toBe(false);
      } finally {
        await there.kill('SIGTERM');
        await here.close();
        await db.drop();
      }
    });
  });
});
