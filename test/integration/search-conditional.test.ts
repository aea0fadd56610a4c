// Conditional create, update, patch and delete (R4 http §conditional): criteria are searches with 0 / 1 / many outcomes,
// also inside transactions, where references to a conditional entry's fullUrl become the created or matched resource.
import { randomUUID } from 'node:crypto';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { expectOutcome } from '../helpers/outcome.js';
import { searchIds, seed, startSearchServer } from '../helpers/search.js';
import type { TestServer } from '../helpers/server.js';

const CIN = 'urn:oid:2.16.840.1.113883.4.1.99';
const member = (cin: string, family = 'Member', extra: Record<string, unknown> = {}): Resource =>
  ({ resourceType: 'Patient', identifier: [{ system: CIN, value: cin }], name: [{ family }], ...extra }) as Resource;
const urn = () => `urn:uuid:${randomUUID()}`;
const jsonPatchBinary = (ops: unknown[]) => ({ resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from(JSON.stringify(ops)).toString('base64') });
const jsonPatch = (ops: unknown[]) => ({ method: 'PATCH', body: JSON.stringify(ops), headers: { 'content-type': 'application/json-patch+json' } });

describe.each(backends())('conditional interactions on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSearchServer(backend);
    await seed(server, [
      { ...member('ONE-1', 'Single'), id: 'cd-one' },
      { ...member('TWO-2', 'Twin'), id: 'cd-two-a' },
      { ...member('TWO-2', 'Twin'), id: 'cd-two-b' },
    ] as Resource[]);
  });
  afterAll(async () => {
    await server?.close();
  });

  const byCin = (cin: string) => searchIds(server, `Patient?identifier=${encodeURIComponent(`${CIN}|${cin}`)}`);
  const ifNoneExist = (cin: string) => ({ 'if-none-exist': `identifier=${encodeURIComponent(`${CIN}|${cin}`)}` });

  describe('conditional create (If-None-Exist)', () => {
    it('no match: 201, the resource is created', async () => {
      const res = await server.fhir('Patient', { body: member('NEW-1'), headers: ifNoneExist('NEW-1') });
      expect(res.status, res.text).toBe(201);
      expect(await byCin('NEW-1')).toEqual([res.body.id]);
    });

    it('one match: 200 with the existing resource, nothing created', async () => {
      const res = await server.fhir('Patient', { body: member('ONE-1', 'Other'), headers: ifNoneExist('ONE-1') });
      expect(res.status, res.text).toBe(200);
      expect(res.body.id).toBe('cd-one');
      expect(res.body.name[0].family).toBe('Single');
      expect(await byCin('ONE-1')).toEqual(['cd-one']);
    });

    it('several matches: 412, nothing created', async () => {
      expectOutcome(await server.fhir('Patient', { body: member('TWO-2'), headers: ifNoneExist('TWO-2') }), 412);
      expect(await byCin('TWO-2')).toEqual(['cd-two-a', 'cd-two-b']);
    });

    it('criteria may be a full query with several parameters and a leading type', async () => {
      const res = await server.fhir('Patient', { body: member('ONE-1'), headers: { 'if-none-exist': `Patient?identifier=${CIN}|ONE-1&family=single` } });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe('cd-one');
      const none = await server.fhir('Patient', { body: member('ONE-1', 'Other'), headers: { 'if-none-exist': `identifier=${CIN}|ONE-1&family=other` } });
      expect(none.status).toBe(201);
      await server.fhir(`Patient/${none.body.id}`, { method: 'DELETE' });
    });

    it('unknown parameters in the criteria are a 400, not ignored (that would match everything)', async () => {
      expectOutcome(await server.fhir('Patient', { body: member('X-1'), headers: { 'if-none-exist': 'nonsense=1' } }), 400);
      expect(await byCin('X-1')).toEqual([]);
    });
  });

  describe('conditional update (PUT [type]?criteria)', () => {
    it('no match and no id: 201 with a server id', async () => {
      const res = await server.fhir(`Patient?identifier=${CIN}|UPD-0`, { method: 'PUT', body: member('UPD-0') });
      expect(res.status, res.text).toBe(201);
      expect(await byCin('UPD-0')).toEqual([res.body.id]);
    });

    it('no match with an id in the body: created with that id', async () => {
      const res = await server.fhir(`Patient?identifier=${CIN}|UPD-ID`, { method: 'PUT', body: { ...member('UPD-ID'), id: 'cd-upd-id' } });
      expect(res.status, res.text).toBe(201);
      expect(res.body.id).toBe('cd-upd-id');
    });

    it('one match: 200, the matched resource gets a new version and the old values stop matching', async () => {
      await seed(server, [{ ...member('UPD-1', 'Before'), id: 'cd-upd-1' } as Resource]);
      const res = await server.fhir(`Patient?identifier=${CIN}|UPD-1`, { method: 'PUT', body: member('UPD-1', 'After') });
      expect(res.status, res.text).toBe(200);
      expect(res.body.id).toBe('cd-upd-1');
      expect(res.body.meta.versionId).toBe('2');
      expect(await searchIds(server, 'Patient?family:exact=After')).toEqual(['cd-upd-1']);
      expect(await searchIds(server, 'Patient?family:exact=Before')).toEqual([]);
    });

    it('one match but a different id in the body: 400', async () => {
      expectOutcome(await server.fhir(`Patient?identifier=${CIN}|ONE-1`, { method: 'PUT', body: { ...member('ONE-1'), id: 'someone-else' } }), 400);
    });

    it('several matches: 412 and nothing changes', async () => {
      expectOutcome(await server.fhir(`Patient?identifier=${CIN}|TWO-2`, { method: 'PUT', body: member('TWO-2', 'Changed') }), 412);
      expect(await searchIds(server, 'Patient?family=changed')).toEqual([]);
    });
  });

  describe('conditional patch (PATCH [type]?criteria)', () => {
    const rename = (family: string) => jsonPatch([{ op: 'replace', path: '/name/0/family', value: family }]);

    it('one match: 200, the matched resource is patched', async () => {
      await seed(server, [{ ...member('PAT-1', 'Unpatched'), id: 'cd-pat-1' } as Resource]);
      const res = await server.fhir(`Patient?identifier=${CIN}|PAT-1`, rename('Patched'));
      expect(res.status, res.text).toBe(200);
      expect(res.body.id).toBe('cd-pat-1');
      expect(await searchIds(server, 'Patient?family:exact=Patched')).toEqual(['cd-pat-1']);
    });

    it('no match: 404 Not Found', async () => {
      expectOutcome(await server.fhir(`Patient?identifier=${CIN}|NOBODY`, rename('X')), 404);
    });

    it('several matches: 412 and nothing changes', async () => {
      expectOutcome(await server.fhir(`Patient?identifier=${CIN}|TWO-2`, rename('Changed')), 412);
      expect(await searchIds(server, 'Patient?family=changed')).toEqual([]);
    });
  });

  describe('conditional delete (DELETE [type]?criteria)', () => {
    it('one match: deleted, and it no longer matches any search', async () => {
      await seed(server, [{ ...member('DEL-1', 'Doomed'), id: 'cd-del-1' } as Resource]);
      const res = await server.fhir(`Patient?identifier=${CIN}|DEL-1`, { method: 'DELETE' });
      expect([200, 204]).toContain(res.status);
      expect((await server.fhir('Patient/cd-del-1')).status).toBe(410);
      expect(await byCin('DEL-1')).toEqual([]);
      expect(await searchIds(server, 'Patient?family=doomed')).toEqual([]);
    });

    it('no match: success, nothing deleted', async () => {
      const res = await server.fhir(`Patient?identifier=${CIN}|NOBODY`, { method: 'DELETE' });
      expect([200, 204]).toContain(res.status);
    });

    it('several matches: 412, nothing deleted', async () => {
      expectOutcome(await server.fhir(`Patient?identifier=${CIN}|TWO-2`, { method: 'DELETE' }), 412);
      expect(await byCin('TWO-2')).toEqual(['cd-two-a', 'cd-two-b']);
    });

    it('no criteria at all is refused rather than deleting everything', async () => {
      expectOutcome(await server.fhir('Patient', { method: 'DELETE' }), 400);
      expectOutcome(await server.fhir('Patient?_count=1', { method: 'DELETE' }), 400);
    });
  });

  describe('conditional create inside a transaction', () => {
    /** A transaction creating a member conditionally and a Task and Encounter that reference it by its urn:uuid. */
    function referral(cin: string, patientUrn = urn()): Bundle {
      return {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: urn(),
            resource: { resourceType: 'Task', status: 'requested', intent: 'order', for: { reference: patientUrn }, description: `referral for ${cin}` },
            request: { method: 'POST', url: 'Task' },
          },
          { fullUrl: patientUrn, resource: member(cin, 'Transactional'), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${CIN}|${cin}` } },
          {
            fullUrl: urn(),
            resource: {
              resourceType: 'Encounter',
              id: `enc-${cin.toLowerCase()}`,
              status: 'planned',
              class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
              subject: { reference: patientUrn },
            },
            request: { method: 'PUT', url: `Encounter/enc-${cin.toLowerCase()}` },
          },
        ],
      } as Bundle;
    }

    const post = (bundle: Bundle) => server.fhir('', { body: bundle });

    it('no match: the member is created and the other entries reference the new id', async () => {
      const res = await post(referral('TX-NEW'));
      expect(res.status, res.text).toBe(200);
      const [taskEntry, patientEntry] = res.body.entry;
      expect(patientEntry.response.status).toMatch(/^201/);
      const patientId = patientEntry.resource.id;
      expect(await byCin('TX-NEW')).toEqual([patientId]);
      expect(taskEntry.resource.for.reference).toBe(`Patient/${patientId}`);
      expect(await searchIds(server, `Task?patient=Patient/${patientId}`)).toEqual([taskEntry.resource.id]);
      expect(await searchIds(server, `Encounter?subject=Patient/${patientId}`)).toEqual(['enc-tx-new']);
    });

    it('one match: nothing is created and the other entries reference the existing member', async () => {
      const res = await post(referral('ONE-1'));
      expect(res.status, res.text).toBe(200);
      const [taskEntry, patientEntry] = res.body.entry;
      expect(patientEntry.response.status).toMatch(/^200/);
      expect(patientEntry.resource.id).toBe('cd-one');
      expect(taskEntry.resource.for.reference).toBe('Patient/cd-one');
      expect(await byCin('ONE-1')).toEqual(['cd-one']);
      expect(await searchIds(server, 'Task?patient=Patient/cd-one')).toEqual([taskEntry.resource.id]);
      expect(await searchIds(server, 'Encounter?subject=cd-one')).toEqual(['enc-one-1']);
    });

    it('several matches: 412 and the whole transaction is rolled back', async () => {
      const tasks = async () => (await server.fhir('Task?_summary=count')).body.total;
      const before = await tasks();
      expectOutcome(await post(referral('TWO-2')), 412, 'Bundle.entry[1]');
      expect(await tasks()).toBe(before);
      expect((await server.fhir('Encounter/enc-two-2')).status).toBe(404);
    });

    it('two conditional creates with the same criteria in one transaction create one resource', async () => {
      const a = urn();
      const b = urn();
      const bundle: Bundle = {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: a, resource: member('TX-DUP'), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${CIN}|TX-DUP` } },
          { fullUrl: b, resource: member('TX-DUP'), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${CIN}|TX-DUP` } },
          {
            resource: { resourceType: 'Task', status: 'requested', intent: 'order', for: { reference: b }, focus: { reference: a } } as Resource,
            request: { method: 'POST', url: 'Task' },
          },
        ],
      } as Bundle;
      const res = await post(bundle);
      expect(res.status, res.text).toBe(200);
      const ids = await byCin('TX-DUP');
      expect(ids).toHaveLength(1);
      expect(res.body.entry[2].resource.for.reference).toBe(`Patient/${ids[0]}`);
      expect(res.body.entry[2].resource.focus.reference).toBe(`Patient/${ids[0]}`);
    });

    it('a reference to a fullUrl that no entry has is still a 400', async () => {
      const bundle = referral('TX-BAD');
      (bundle.entry?.[0].resource as { for: { reference: string } }).for.reference = urn();
      expectOutcome(await post(bundle), 400, 'Bundle.entry[0]');
      expect(await byCin('TX-BAD')).toEqual([]);
    });
  });

  describe('conditional update, patch and delete inside a transaction', () => {
    beforeAll(async () => {
      await seed(server, [
        { ...member('TXU-1', 'Before'), id: 'cd-txu-1' },
        { ...member('TXU-2', 'Twin'), id: 'cd-txu-2a' },
        { ...member('TXU-2', 'Twin'), id: 'cd-txu-2b' },
        { ...member('TXP-1', 'Unpatched'), id: 'cd-txp-1' },
        { ...member('TXD-1', 'Doomed'), id: 'cd-txd-1' },
      ] as Resource[]);
    });

    const post = (entry: unknown[]) => server.fhir('', { body: { resourceType: 'Bundle', type: 'transaction', entry } });
    const task = (patientUrn: string, note: string) => ({
      fullUrl: urn(),
      resource: { resourceType: 'Task', status: 'requested', intent: 'order', for: { reference: patientUrn }, description: note },
      request: { method: 'POST', url: 'Task' },
    });
    const encounter = (id: string, patientUrn: string) => ({
      resource: { resourceType: 'Encounter', id, status: 'planned', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: patientUrn } },
      request: { method: 'PUT', url: `Encounter/${id}` },
    });
    const upsert = (fullUrl: string, cin: string, family: string, extra: Record<string, unknown> = {}) => ({
      fullUrl,
      resource: { ...member(cin, family), ...extra },
      request: { method: 'PUT', url: `Patient?identifier=${encodeURIComponent(`${CIN}|${cin}`)}` },
    });
    const tasks = async () => (await server.fhir('Task?_summary=count')).body.total;

    it('update, one match: the member is updated and the other entries reference it by its fullUrl', async () => {
      const p = urn();
      const res = await post([task(p, 'update one'), upsert(p, 'TXU-1', 'TxAfter'), encounter('enc-txu-1', p)]);
      expect(res.status, res.text).toBe(200);
      const [taskEntry, patientEntry, encounterEntry] = res.body.entry;
      expect(patientEntry.response.status).toMatch(/^200/);
      expect(patientEntry.resource.id).toBe('cd-txu-1');
      expect(patientEntry.resource.meta.versionId).toBe('2');
      expect(taskEntry.resource.for.reference).toBe('Patient/cd-txu-1');
      expect(encounterEntry.resource.subject.reference).toBe('Patient/cd-txu-1');
      expect(await byCin('TXU-1')).toEqual(['cd-txu-1']);
      expect(await searchIds(server, 'Patient?family:exact=TxAfter')).toEqual(['cd-txu-1']);
      expect(await searchIds(server, 'Task?patient=Patient/cd-txu-1')).toEqual([taskEntry.resource.id]);
      expect(await searchIds(server, 'Encounter?subject=cd-txu-1')).toEqual(['enc-txu-1']);
    });

    it('update, no match: the member is created and the other entries reference the new id', async () => {
      const p = urn();
      const res = await post([upsert(p, 'TXU-NEW', 'New'), task(p, 'update new')]);
      expect(res.status, res.text).toBe(200);
      const [patientEntry, taskEntry] = res.body.entry;
      expect(patientEntry.response.status).toMatch(/^201/);
      const id = patientEntry.resource.id;
      expect(await byCin('TXU-NEW')).toEqual([id]);
      expect(taskEntry.resource.for.reference).toBe(`Patient/${id}`);
      expect(await searchIds(server, `Task?patient=${id}`)).toEqual([taskEntry.resource.id]);
    });

    it('update, no match with an id in the body: created with that id, which the references name', async () => {
      const p = urn();
      const res = await post([task(p, 'update new with id'), upsert(p, 'TXU-ID', 'WithId', { id: 'cd-txu-id' })]);
      expect(res.status, res.text).toBe(200);
      expect(res.body.entry[1].response.status).toMatch(/^201/);
      expect(res.body.entry[0].resource.for.reference).toBe('Patient/cd-txu-id');
      expect(await byCin('TXU-ID')).toEqual(['cd-txu-id']);
    });

    it('update, several matches: 412 at the entry\'s request.url, and nothing is written', async () => {
      const before = await tasks();
      const p = urn();
      expectOutcome(await post([task(p, 'update twins'), upsert(p, 'TXU-2', 'TxChanged')]), 412, 'Bundle.entry[1].request.url');
      expect(await tasks()).toBe(before);
      expect(await searchIds(server, 'Patient?family:exact=TxChanged')).toEqual([]);
    });

    it('update, one match but another id in the body: 400 at the entry, nothing written', async () => {
      const before = await tasks();
      const p = urn();
      expectOutcome(await post([task(p, 'update other id'), upsert(p, 'TXU-1', 'Other', { id: 'someone-else' })]), 400, 'Bundle.entry[1]');
      expect(await tasks()).toBe(before);
    });

    it('two conditional updates that resolve to the same resource overlap: 400 (matched or to be created alike)', async () => {
      expectOutcome(await post([upsert(urn(), 'TXU-1', 'A'), upsert(urn(), 'TXU-1', 'B')]), 400, 'Bundle.entry[1].request.url');
      expectOutcome(await post([upsert(urn(), 'TXU-TWICE', 'A'), upsert(urn(), 'TXU-TWICE', 'B')]), 400, 'Bundle.entry[1].request.url');
      expect(await byCin('TXU-TWICE')).toEqual([]);
    });

    it('a conditional update and a DELETE of the resource it resolves to overlap: 400', async () => {
      const res = await post([upsert(urn(), 'TXU-1', 'A'), { request: { method: 'DELETE', url: 'Patient/cd-txu-1' } }]);
      expectOutcome(res, 400);
      expect((await server.fhir('Patient/cd-txu-1')).status).toBe(200);
    });

    it('patch, one match: the member is patched and references to the entry\'s fullUrl name it', async () => {
      const p = urn();
      const res = await post([
        task(p, 'patch one'),
        {
          fullUrl: p,
          resource: jsonPatchBinary([{ op: 'replace', path: '/name/0/family', value: 'TxPatched' }]),
          request: { method: 'PATCH', url: `Patient?identifier=${encodeURIComponent(`${CIN}|TXP-1`)}` },
        },
      ]);
      expect(res.status, res.text).toBe(200);
      expect(res.body.entry[1].response.status).toMatch(/^200/);
      expect(res.body.entry[0].resource.for.reference).toBe('Patient/cd-txp-1');
      expect(await searchIds(server, 'Patient?family:exact=TxPatched')).toEqual(['cd-txp-1']);
    });

    it.each([
      ['no match', 'NOBODY', 404],
      ['several matches', 'TXU-2', 412],
    ])('patch, %s (CIN %s): %i at the entry, nothing written', async (_, cin, status) => {
      const before = await tasks();
      const patchEntry = {
        resource: jsonPatchBinary([{ op: 'replace', path: '/name/0/family', value: 'TxChanged' }]),
        request: { method: 'PATCH', url: `Patient?identifier=${encodeURIComponent(`${CIN}|${cin}`)}` },
      };
      expectOutcome(await post([task('Patient/cd-txp-1', 'patch fails'), patchEntry]), status, 'Bundle.entry[1].request.url');
      expect(await tasks()).toBe(before);
      expect(await searchIds(server, 'Patient?family:exact=TxChanged')).toEqual([]);
    });

    it('delete: one match is deleted, no match is a success, several matches are a 412 that rolls everything back', async () => {
      const del = (cin: string) => ({ request: { method: 'DELETE', url: `Patient?identifier=${encodeURIComponent(`${CIN}|${cin}`)}` } });
      const twins = await post([del('TXD-1'), del('TXU-2')]);
      expectOutcome(twins, 412, 'Bundle.entry[1].request.url');
      expect((await server.fhir('Patient/cd-txd-1')).status).toBe(200);
      const res = await post([del('TXD-1'), del('NOBODY')]);
      expect(res.status, res.text).toBe(200);
      expect(res.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['200 OK', '200 OK']);
      expect((await server.fhir('Patient/cd-txd-1')).status).toBe(410);
      expect(await byCin('TXU-2')).toEqual(['cd-txu-2a', 'cd-txu-2b']);
    });

    it('conditional create (ifNoneExist) with several matches is still a 412 at the entry', async () => {
      const p = urn();
      const res = await post([task(p, 'create twins'), { fullUrl: p, resource: member('TXU-2'), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${CIN}|TXU-2` } }]);
      expectOutcome(res, 412, 'Bundle.entry[1].request.ifNoneExist');
      expect(await byCin('TXU-2')).toEqual(['cd-txu-2a', 'cd-txu-2b']);
    });
  });
});
