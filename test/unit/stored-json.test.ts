// Stored documents in responses: sent as stored unless read, and then as the (possibly changed) object.
import { describe, expect, it } from 'vitest';
import { serializeJson, StoredJson } from '../../src/fhir/stored-json.js';

// Stored text in an order and spacing JSON.stringify would not produce, so the test can tell which path wrote it.
const STORED = '{"resourceType":"Patient","id":"p1","gender":"female",  "birthDate":"1980-02-03"}';

describe('StoredJson', () => {
  it('splices an unread document into the response exactly as stored', () => {
    const doc = new StoredJson('Patient', 'p1', STORED);
    const body = { resourceType: 'Bundle', entry: [{ fullUrl: 'x', resource: doc }] };
    expect(serializeJson(body, false)).toBe(`{"resourceType":"Bundle","entry":[{"fullUrl":"x","resource":${STORED}}]}`);
  });

  it('sends a document that was read as its object, with any change made to it', () => {
    const doc = new StoredJson('Patient', 'p1', STORED);
    (doc.resource as { gender?: string }).gender = 'male';
    const out = JSON.parse(serializeJson({ entry: [{ resource: doc }] }, false));
    expect(out.entry[0].resource).toEqual({ resourceType: 'Patient', id: 'p1', gender: 'male', birthDate: '1980-02-03' });
  });

  it('gives the resource to any other JSON.stringify, and to pretty output', () => {
    const doc = new StoredJson('Patient', 'p1', STORED);
    expect(JSON.parse(JSON.stringify({ r: doc }))).toEqual({ r: JSON.parse(STORED) });
    expect(serializeJson({ r: new StoredJson('Patient', 'p1', STORED) }, true)).toBe(JSON.stringify({ r: JSON.parse(STORED) }, null, 2));
  });

  it('leaves client strings alone, even ones that look like its placeholders', () => {
    const body = { a: 'stored-json-0', b: '"stored-json-00000000000000000000000000000000-0"', r: new StoredJson('Patient', 'p1', STORED) };
    const out = JSON.parse(serializeJson(body, false));
    expect(out.a).toBe('stored-json-0');
    expect(out.b).toBe('"stored-json-00000000000000000000000000000000-0"');
    expect(out.r).toEqual(JSON.parse(STORED));
  });
});
