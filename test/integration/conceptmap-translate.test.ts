// ConceptMap/$translate over HTTP: CalAIM services to HCPCS code + modifiers and back, core maps, no match, errors.
import { readFileSync } from 'node:fs';
import type { CodeSystem, ConceptMap } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { BASE } from '../helpers/profile-fixtures.js';
import { startTestServer, type FhirResult, type TestServer } from '../helpers/server.js';

const readContent = <T>(file: string): T => JSON.parse(readFileSync(new URL(`../../valueSets/${file}`, import.meta.url), 'utf8')) as T;
const MAP = readContent<ConceptMap>('ConceptMap-calaim-service-to-hcpcs.json');
const HCPCS = readContent<CodeSystem>('CodeSystem-calaim-hcpcs-modifier.json');
const MAP_URL = MAP.url as string;
const CS_SYSTEM = `${BASE}/CodeSystem/community-support`;
const ECM_SYSTEM = `${BASE}/CodeSystem/ecm-core-service`;
const HCPCS_SYSTEM = `${BASE}/CodeSystem/calaim-hcpcs-modifier`;
const csGroup = MAP.group?.find((g) => g.source === CS_SYSTEM);
const CS_ELEMENTS = (csGroup?.element ?? []).map((e) => [e.code as string, e.target ?? []] as const);

/** The HCPCS code and its modifiers, as the code system's properties list them. */
function hcpcsParts(code: string): { hcpcs?: string; modifiers: string[] } {
  const concept = HCPCS.concept?.find((c) => c.code === code);
  const values = (name: string) => (concept?.property ?? []).filter((p) => p.code === name).map((p) => p.valueCode as string);
  return { hcpcs: values('hcpcs')[0], modifiers: values('modifier') };
}

type Param = { name: string; valueBoolean?: boolean; valueString?: string; valueCode?: string; valueUri?: string; valueCoding?: { system?: string; code?: string; display?: string }; part?: Param[] };
interface Match {
  equivalence?: string;
  concept?: { system?: string; code?: string; display?: string };
  source?: string;
}

const q = encodeURIComponent;
const parameters = (...parameter: Record<string, unknown>[]) => ({ resourceType: 'Parameters', parameter });
const result = (res: FhirResult): boolean | undefined => (res.body.parameter as Param[]).find((p) => p.name === 'result')?.valueBoolean;
const message = (res: FhirResult): string | undefined => (res.body.parameter as Param[]).find((p) => p.name === 'message')?.valueString;
const matches = (res: FhirResult): Match[] =>
  (res.body.parameter as Param[])
    .filter((p) => p.name === 'match')
    .map((m) => {
      const part = (name: string) => m.part?.find((p) => p.name === name);
      return { equivalence: part('equivalence')?.valueCode, concept: part('concept')?.valueCoding, source: part('source')?.valueUri };
    });

describe.each(backends())('ConceptMap/$translate on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  const translate = (query: string) => server.fhir(`ConceptMap/$translate?${query}`);

  it('the content map has a Community Supports group to test against', () => {
    expect(CS_ELEMENTS.length).toBe(15);
  });

  describe.each(CS_ELEMENTS)('Community Support %s', (code, targets) => {
    it('translates to every HCPCS code + modifier the ConceptMap lists for it, with their equivalence', async () => {
      const res = await translate(`url=${q(MAP_URL)}&system=${q(CS_SYSTEM)}&code=${code}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.resourceType).toBe('Parameters');
      expect(result(res)).toBe(true);
      expect(matches(res)).toEqual(
        targets.map((t) => ({ equivalence: t.equivalence, concept: { system: HCPCS_SYSTEM, code: t.code, display: t.display }, source: MAP_URL })),
      );
      for (const m of matches(res)) {
        const { hcpcs, modifiers } = hcpcsParts(m.concept?.code as string);
        expect(hcpcs, m.concept?.code).toMatch(/^[A-Z]\d{4}$/);
        expect(modifiers.length).toBeGreaterThan(0);
        expect(m.concept?.code).toBe([hcpcs, ...modifiers].join('-'));
      }
    });
  });

  it('finds the map without url, from system and code among every map the server holds', async () => {
    const res = await translate(`system=${q(CS_SYSTEM)}&code=housing-deposits`);
    expect(result(res)).toBe(true);
    expect(matches(res)).toEqual([{ equivalence: 'equivalent', concept: { system: HCPCS_SYSTEM, code: 'H0044-U2', display: 'Housing Deposits' }, source: MAP_URL }]);
  });

  it('narrows the maps by source and target value set, and by target system', async () => {
    const source = q(MAP.sourceUri as string);
    const target = q(MAP.targetUri as string);
    expect(result(await translate(`source=${source}&target=${target}&system=${q(CS_SYSTEM)}&code=sobering-center`))).toBe(true);
    expect(result(await translate(`source=${q('http://hl7.org/fhir/ValueSet/administrative-gender')}&system=${q(CS_SYSTEM)}&code=sobering-center`))).toBe(false);
    expect(result(await translate(`url=${q(MAP_URL)}&system=${q(CS_SYSTEM)}&code=sobering-center&targetsystem=${q(HCPCS_SYSTEM)}`))).toBe(true);
    const other = await translate(`url=${q(MAP_URL)}&system=${q(CS_SYSTEM)}&code=sobering-center&targetsystem=${q('http://www.ama-assn.org/go/cpt')}`);
    expect(result(other)).toBe(false);
  });

  it('translates an ECM core service to the wider ECM codes it is reported under', async () => {
    const res = await translate(`url=${q(MAP_URL)}&system=${q(ECM_SYSTEM)}&code=outreach-engagement`);
    expect(matches(res).map((m) => [m.equivalence, m.concept?.code])).toEqual([['wider', 'G9012-U8'], ['wider', 'G9012-U8-GQ']]);
  });

  describe('instance level', () => {
    it('GET ConceptMap/[id]/$translate uses that map', async () => {
      const res = await server.fhir(`ConceptMap/${MAP.id}/$translate?system=${q(CS_SYSTEM)}&code=recuperative-care`);
      expect(res.status, res.text).toBe(200);
      expect(matches(res).map((m) => m.concept?.code)).toEqual(['T2033-U6']);
    });

    it('an unknown id answers 404', async () => {
      expectOutcome(await server.fhir(`ConceptMap/no-such-map/$translate?system=${q(CS_SYSTEM)}&code=respite`), 404);
    });
  });

  describe('POST with Parameters', () => {
    it('translates a coding', async () => {
      const res = await server.fhir('ConceptMap/$translate', { body: parameters({ name: 'url', valueUri: MAP_URL }, { name: 'coding', valueCoding: { system: CS_SYSTEM, code: 'asthma-remediation' } }) });
      expect(res.status, res.text).toBe(200);
      expect(matches(res).map((m) => m.concept?.code)).toEqual(['S5165-U5']);
    });

    it('translates each coding of a codeableConcept (codings nothing maps are ignored)', async () => {
      const concept = { coding: [{ system: 'http://snomed.info/sct', code: '1234' }, { system: CS_SYSTEM, code: 'home-modifications' }], text: 'Home mods' };
      const res = await server.fhir('ConceptMap/$translate', { body: parameters({ name: 'codeableConcept', valueCodeableConcept: concept }) });
      expect(result(res)).toBe(true);
      expect(matches(res).map((m) => m.concept?.code)).toEqual(['S5165-U6']);
    });

    it('translates with a ConceptMap sent in the body', async () => {
      const map = {
        resourceType: 'ConceptMap',
        url: 'https://example.org/ConceptMap/posted',
        status: 'draft',
        group: [{ source: 'urn:a', target: 'urn:b', element: [{ code: 'x', target: [{ code: 'y', equivalence: 'equivalent' }] }] }],
      };
      const res = await server.fhir('ConceptMap/$translate', { body: parameters({ name: 'conceptMap', resource: map }, { name: 'system', valueUri: 'urn:a' }, { name: 'code', valueCode: 'x' }) });
      expect(matches(res)).toEqual([{ equivalence: 'equivalent', concept: { system: 'urn:b', code: 'y' }, source: 'https://example.org/ConceptMap/posted' }]);
    });
  });

  describe('reverse', () => {
    it('translates a HCPCS code + modifier back to the Community Support it reports', async () => {
      const res = await translate(`url=${q(MAP_URL)}&system=${q(HCPCS_SYSTEM)}&code=H0044-U2&reverse=true`);
      expect(result(res)).toBe(true);
      expect(matches(res)).toEqual([{ equivalence: 'equivalent', concept: { system: CS_SYSTEM, code: 'housing-deposits', display: 'Housing Deposits' }, source: MAP_URL }]);
    });

    it('every HCPCS target of a Community Support translates back to it', async () => {
      for (const [code, targets] of CS_ELEMENTS) {
        for (const t of targets) {
          const res = await translate(`system=${q(HCPCS_SYSTEM)}&code=${q(t.code as string)}&reverse=true&targetsystem=${q(CS_SYSTEM)}`);
          expect(matches(res).map((m) => m.concept?.code), t.code).toContain(code);
        }
      }
    });

    it('a wider ECM code reverses to each ECM core service as narrower', async () => {
      const res = await translate(`url=${q(MAP_URL)}&system=${q(HCPCS_SYSTEM)}&code=G9012-U2&reverse=true`);
      const ecm = MAP.group?.find((g) => g.source === ECM_SYSTEM)?.element?.filter((e) => e.target?.some((t) => t.code === 'G9012-U2')).map((e) => e.code);
      expect(matches(res).map((m) => [m.equivalence, m.concept?.system, m.concept?.code])).toEqual((ecm ?? []).map((c) => ['narrower', ECM_SYSTEM, c]));
      expect(ecm?.length).toBe(6);
    });

    it('the parameter value is checked: reverse=maybe answers 400', async () => {
      expectOutcome(await translate(`url=${q(MAP_URL)}&system=${q(HCPCS_SYSTEM)}&code=H0044-U2&reverse=maybe`), 400, 'reverse');
    });
  });

  describe('no match', () => {
    it('a code the map does not list answers 200 with result=false and a message', async () => {
      const res = await translate(`url=${q(MAP_URL)}&system=${q(CS_SYSTEM)}&code=not-a-service`);
      expect(res.status, res.text).toBe(200);
      expect(result(res)).toBe(false);
      expect(matches(res)).toEqual([]);
      expect(message(res)).toContain('not-a-service');
      expect(message(res)).toContain(MAP_URL);
    });

    it('a code of a system no map translates answers result=false with a message', async () => {
      const res = await translate(`system=${q('urn:example:nothing')}&code=abc`);
      expect(result(res)).toBe(false);
      expect(message(res)).toMatch(/No translation/);
    });
  });

  it('uses the R4 core concept maps too (administrative-gender to HL7 v2)', async () => {
    const res = await translate(`system=${q('http://hl7.org/fhir/administrative-gender')}&code=female&targetsystem=${q('http://terminology.hl7.org/CodeSystem/v2-0001')}`);
    expect(result(res)).toBe(true);
    expect(matches(res)[0]).toMatchObject({ equivalence: 'equal', concept: { system: 'http://terminology.hl7.org/CodeSystem/v2-0001', code: 'F' } });
  });

  it('a ConceptMap created through the API is used at once, with its unmapped rule', async () => {
    const map = {
      resourceType: 'ConceptMap',
      url: 'https://example.org/ConceptMap/with-unmapped',
      status: 'active',
      group: [{ source: 'urn:src', target: 'urn:tgt', element: [{ code: 'a', target: [{ code: 'A', equivalence: 'equal' }] }], unmapped: { mode: 'fixed', code: 'OTHER', display: 'Other' } }],
    };
    expect((await server.fhir('ConceptMap', { body: map })).status).toBe(201);
    const mapped = await translate(`url=${q(map.url)}&system=urn:src&code=a`);
    expect(matches(mapped).map((m) => m.concept?.code)).toEqual(['A']);
    const unmapped = await translate(`url=${q(map.url)}&system=urn:src&code=zzz`);
    expect(result(unmapped)).toBe(true);
    expect(matches(unmapped).map((m) => m.concept?.code)).toEqual(['OTHER']);
  });

  describe('errors', () => {
    it('an unknown url answers 404 naming url', async () => {
      expectOutcome(await translate(`url=${q('https://example.org/ConceptMap/unknown')}&system=${q(CS_SYSTEM)}&code=respite`), 404, 'url');
    });

    it('an unknown conceptMapVersion answers 404 naming url', async () => {
      expectOutcome(await translate(`url=${q(MAP_URL)}&conceptMapVersion=9.9.9&system=${q(CS_SYSTEM)}&code=respite`), 404, 'url');
    });

    it('no code, coding or codeableConcept answers 400 naming code', async () => {
      expectOutcome(await translate(`url=${q(MAP_URL)}&system=${q(CS_SYSTEM)}`), 400, 'code');
      expectOutcome(await server.fhir('ConceptMap/$translate', { body: parameters({ name: 'url', valueUri: MAP_URL }) }), 400, 'code');
    });

    it('a conceptMap parameter that is not a ConceptMap answers 400', async () => {
      const res = await server.fhir('ConceptMap/$translate', { body: parameters({ name: 'conceptMap', resource: { resourceType: 'ValueSet', status: 'draft' } }, { name: 'code', valueCode: 'x' }) });
      expectOutcome(res, 400, "Parameters.parameter.where(name='conceptMap')");
    });

    it('a coding in the query answers 400 (it must be sent in a Parameters body)', async () => {
      expectOutcome(await translate(`coding=${q(`${CS_SYSTEM}|respite`)}`), 400, 'coding');
    });

    it('is not offered at system level or on other types (404)', async () => {
      expectOutcome(await server.fhir(`$translate?system=${q(CS_SYSTEM)}&code=respite`), 404);
      expectOutcome(await server.fhir(`ValueSet/$translate?system=${q(CS_SYSTEM)}&code=respite`), 404);
    });
  });

  it('the CapabilityStatement lists $translate on ConceptMap with the R4 OperationDefinition', async () => {
    const res = await server.fhir('metadata');
    const conceptMap = res.body.rest[0].resource.find((r: { type: string }) => r.type === 'ConceptMap');
    expect(conceptMap.operation).toEqual(expect.arrayContaining([{ name: 'translate', definition: 'http://hl7.org/fhir/OperationDefinition/ConceptMap-translate' }]));
  });
});
