// Terminology over HTTP: ValueSet $expand and $validate-code, CodeSystem $lookup and $validate-code, token :in search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { BASE, profileFixture } from '../helpers/profile-fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const VS = (id: string) => encodeURIComponent(`${BASE}/ValueSet/${id}`);
const CS = (id: string) => encodeURIComponent(`${BASE}/CodeSystem/${id}`);
const ICD = encodeURIComponent('http://hl7.org/fhir/sid/icd-10-cm');

type Param = { name: string; valueBoolean?: boolean; valueString?: string; part?: Param[]; valueCode?: string };
const param = (body: { parameter: Param[] }, name: string) => body.parameter.find((p) => p.name === name);
const codes = (body: { expansion: { contains?: { code: string }[] } }) => (body.expansion.contains ?? []).map((c) => c.code);

describe.each(backends())('terminology operations on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('ValueSet/$expand', () => {
    it('expands a loaded value set by url, in code-system order, with total', async () => {
      const res = await server.fhir(`ValueSet/$expand?url=${VS('community-support')}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.expansion.total).toBe(15);
      expect(codes(res.body)[0]).toBe('housing-transition-navigation');
      expect(codes(res.body)[14]).toBe('transitional-rent');
      expect(res.body.expansion.contains[14]).toEqual({ system: `${BASE}/CodeSystem/community-support`, version: '0.1.0', code: 'transitional-rent', display: 'Transitional Rent' });
      expect(res.body.compose).toBeUndefined();
    });

    it('pages with count and offset; total stays the full size', async () => {
      const res = await server.fhir(`ValueSet/$expand?url=${VS('community-support')}&count=3&offset=12`);
      expect(codes(res.body)).toEqual(['sobering-center', 'asthma-remediation', 'transitional-rent']);
      expect(res.body.expansion).toMatchObject({ total: 15, offset: 12 });
      expect(res.body.expansion.parameter).toEqual(expect.arrayContaining([{ name: 'count', valueInteger: 3 }, { name: 'offset', valueInteger: 12 }]));
    });

    it('filters on code and display text, case-insensitively', async () => {
      const res = await server.fhir(`ValueSet/$expand?url=${VS('community-support')}&filter=HOUSING`);
      expect(codes(res.body)).toEqual(['housing-transition-navigation', 'housing-deposits', 'housing-tenancy-sustaining', 'short-term-post-hospitalization-housing']);
      expect(res.body.expansion.total).toBe(4);
    });

    it('expands an instance: ValueSet/[id]/$expand', async () => {
      const res = await server.fhir('ValueSet/ecm-population-of-focus/$expand');
      expect(codes(res.body)).toEqual(['homelessness', 'avoidable-utilization', 'smh-sud', 'justice-involved', 'birth-equity', 'ltc-risk', 'nf-transition', 'ccs-wcm', 'child-welfare']);
    });

    it('applies compose.exclude: the referral Task statuses are task-status without ready and received', async () => {
      const res = await server.fhir(`ValueSet/$expand?url=${VS('referral-task-status')}`);
      expect(codes(res.body)).toEqual(['draft', 'requested', 'accepted', 'rejected', 'cancelled', 'in-progress', 'on-hold', 'failed', 'completed', 'entered-in-error']);
    });

    it('expands core FHIR value sets from the R4 definitions', async () => {
      const res = await server.fhir(`ValueSet/$expand?url=${encodeURIComponent('http://hl7.org/fhir/ValueSet/administrative-gender')}`);
      expect(codes(res.body)).toEqual(['male', 'female', 'other', 'unknown']);
    });

    it('accepts POST with a Parameters body, and a posted valueSet', async () => {
      const byUrl = await server.fhir('ValueSet/$expand', {
        body: { resourceType: 'Parameters', parameter: [{ name: 'url', valueUri: `${BASE}/ValueSet/referral-status` }, { name: 'count', valueInteger: 2 }] },
      });
      expect(codes(byUrl.body)).toEqual(['pending', 'accepted']);
      const posted = await server.fhir('ValueSet/$expand', {
        body: {
          resourceType: 'Parameters',
          parameter: [{ name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'active', compose: { include: [{ valueSet: [`${BASE}/ValueSet/loop-closure-reason`] }], exclude: [{ system: `${BASE}/CodeSystem/loop-closure-reason`, concept: [{ code: 'member-deceased' }] }] } } }],
        },
      });
      expect(codes(posted.body)).toEqual(['services-received', 'member-declined', 'unable-to-reach', 'member-ineligible', 'provider-unable-to-serve', 'member-disenrolled']);
    });

    it('lists enumerated codes of systems the server holds no content for (ICD-10-CM, SNOMED CT)', async () => {
      const res = await server.fhir(`ValueSet/$expand?url=${VS('icd10cm-homelessness')}`);
      expect(codes(res.body)).toEqual(['Z59.0', 'Z59.00', 'Z59.01', 'Z59.02', '32911000']);
    });

    it('refuses with 422 to enumerate a filter over ICD-10-CM, which the server holds no content for', async () => {
      const res = await server.fhir(`ValueSet/$expand?url=${VS('icd10cm-social-factors')}`);
      expect(res.status).toBe(422);
      expect(res.body.issue[0].code).toBe('too-costly');
      expect(res.body.issue[0].diagnostics).toContain('$validate-code');
    });

    it('answers 404 for an unknown url and 400 for a bad count', async () => {
      expect((await server.fhir(`ValueSet/$expand?url=${encodeURIComponent('https://example.org/ValueSet/nope')}`)).status).toBe(404);
      const bad = await server.fhir(`ValueSet/$expand?url=${VS('community-support')}&count=-1`);
      expect(bad.status).toBe(400);
      expect(bad.body.issue[0].expression).toEqual(['count']);
      expect((await server.fhir('ValueSet/$expand')).status).toBe(400);
    });
  });

  describe('ValueSet/$validate-code', () => {
    const check = async (vs: string, system: string, code: string) => (await server.fhir(`ValueSet/$validate-code?url=${VS(vs)}&system=${system}&code=${encodeURIComponent(code)}`)).body;

    it('a member code is true, with its display; a non-member is false with a message', async () => {
      const ok = await check('referral-status', CS('referral-status'), 'declined');
      expect(param(ok, 'result')?.valueBoolean).toBe(true);
      expect(param(ok, 'display')?.valueString).toBe('Declined');
      const no = await check('referral-status', CS('referral-status'), 'approved');
      expect(param(no, 'result')?.valueBoolean).toBe(false);
      expect(param(no, 'message')?.valueString).toContain('is not in value set');
    });

    it.each([
      ['icd10cm-social-factors', 'Z59.01', true],
      ['icd10cm-social-factors', 'Z5901', true],
      ['icd10cm-social-factors', 'Z65.9', true],
      ['icd10cm-social-factors', 'Z66', false],
      ['icd10cm-social-factors', 'Z54.0', false],
      ['icd10cm-mtm-chronic-conditions', 'E11.9', true],
      ['icd10cm-mtm-chronic-conditions', 'E14.9', false],
      ['icd10cm-mtm-chronic-conditions', 'C96.Z', true],
      ['icd10cm-mtm-chronic-conditions', 'O24.419', true],
      ['icd10cm-mtm-chronic-conditions', 'O24.0', false],
      ['icd10cm-pregnancy', 'O9A.13', true],
      ['icd10cm-pregnancy', 'Z33.2', false],
      ['icd10cm-homelessness', 'Z59.0', true],
      ['icd10cm-homelessness', 'Z59.03', false],
      ['icd10cm-behavioral-health', 'F32.9', true],
      ['icd10cm-asthma', 'J45.50', true],
      ['icd10cm-asthma', 'J44.9', false],
    ])('%s: ICD-10-CM %s is %s (ranges and categories by the code itself)', async (vs, code, expected) => {
      expect(param(await check(vs, ICD, code), 'result')?.valueBoolean).toBe(expected);
    });

    it('a CodeableConcept is valid when any of its codings is (POST)', async () => {
      const res = await server.fhir('ValueSet/$validate-code', {
        body: {
          resourceType: 'Parameters',
          parameter: [
            { name: 'url', valueUri: `${BASE}/ValueSet/attestation-code` },
            { name: 'codeableConcept', valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: '71802-3' }, { system: `${BASE}/CodeSystem/community-support`, code: 'respite' }] } },
          ],
        },
      });
      expect(param(res.body, 'result')?.valueBoolean).toBe(true);
      expect(param(res.body, 'display')?.valueString).toBe('Respite Services');
    });

    it('reports a display that is not the code system\'s', async () => {
      const res = await server.fhir(`ValueSet/$validate-code?url=${VS('referral-status')}&system=${CS('referral-status')}&code=declined&display=Refused`);
      expect(param(res.body, 'result')?.valueBoolean).toBe(true);
      expect(param(res.body, 'message')?.valueString).toContain('"Refused"');
    });
  });

  describe('CodeSystem/$lookup', () => {
    it('returns name, version, display and properties of a loaded code', async () => {
      const res = await server.fhir(`CodeSystem/$lookup?system=${CS('community-support')}&code=transitional-rent`);
      expect(res.status).toBe(200);
      expect(param(res.body, 'name')?.valueString).toBe('CommunitySupport');
      expect(param(res.body, 'version')?.valueString).toBe('0.1.0');
      expect(param(res.body, 'display')?.valueString).toBe('Transitional Rent');
      const props = res.body.parameter.filter((p: Param) => p.name === 'property').map((p: Param) => p.part?.[0].valueCode);
      expect(props).toEqual(['definition', 'confidence']);
    });

    it('marks unverified closed-loop values through the confidence property', async () => {
      const res = await server.fhir(`CodeSystem/$lookup?system=${CS('loop-closure-reason')}&code=unable-to-reach&property=confidence`);
      const confidence = res.body.parameter.find((p: Param) => p.name === 'property');
      expect(confidence.part).toEqual([{ name: 'code', valueCode: 'confidence' }, { name: 'value', valueCode: 'unverified' }]);
    });

    it('looks up core code systems and HCPCS modifier properties', async () => {
      const core = await server.fhir(`CodeSystem/$lookup?system=${encodeURIComponent('http://hl7.org/fhir/task-status')}&code=ready`);
      expect(param(core.body, 'display')?.valueString).toBe('Ready');
      const hcpcs = await server.fhir(`CodeSystem/$lookup?system=${CS('calaim-hcpcs-modifier')}&code=G9012-U8-GQ&property=modifier`);
      const modifiers = hcpcs.body.parameter.filter((p: Param) => p.name === 'property').map((p: Param) => p.part?.[1].valueCode);
      expect(modifiers).toEqual(['U8', 'GQ']);
    });

    it('answers 404 for an unknown code, and for a system the server holds no content for', async () => {
      expect((await server.fhir(`CodeSystem/$lookup?system=${CS('community-support')}&code=nope`)).status).toBe(404);
      const icd = await server.fhir(`CodeSystem/$lookup?system=${ICD}&code=Z59.01`);
      expect(icd.status).toBe(404);
      expect(icd.body.issue[0].diagnostics).toContain('no content');
    });
  });

  describe('CodeSystem/$validate-code', () => {
    it('by url, and at instance level', async () => {
      const ok = await server.fhir(`CodeSystem/$validate-code?url=${CS('ecm-excluded-program')}&code=1915c-mssp`);
      expect(param(ok.body, 'result')?.valueBoolean).toBe(true);
      const no = await server.fhir(`CodeSystem/$validate-code?url=${CS('ecm-excluded-program')}&code=medicare`);
      expect(param(no.body, 'result')?.valueBoolean).toBe(false);
      const instance = await server.fhir('CodeSystem/referral-status/$validate-code?code=closed');
      expect(param(instance.body, 'result')?.valueBoolean).toBe(true);
      expect(param(instance.body, 'display')?.valueString).toBe('Closed');
    });
  });

  describe('token :in search uses the same expansion', () => {
    it('finds referrals whose code is in a value set, and excludes them with :not-in', async () => {
      const created = await server.fhir('ServiceRequest', { body: profileFixture('cs-referral.valid') });
      expect(created.status).toBe(201);
      const inSet = await server.fhir(`ServiceRequest?code:in=${VS('community-support')}&_count=1000`);
      expect(inSet.status, inSet.text).toBe(200);
      expect(inSet.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toContain(created.body.id);
      const notIn = await server.fhir(`ServiceRequest?code:not-in=${VS('community-support')}&_count=1000`);
      expect((notIn.body.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id)).not.toContain(created.body.id);
    });
  });
});
