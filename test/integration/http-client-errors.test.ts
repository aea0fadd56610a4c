// Requests refused by the HTTP parser itself (before routing) still get an OperationOutcome with the right status.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Sends raw bytes and returns the whole response the server writes before closing. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('utf8')));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

function parse(response: string): { status: number; contentType?: string; body: { resourceType: string; issue: { severity: string; expression?: string[] }[] } } {
  const [head, body] = response.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const contentType = /content-type: ([^\r\n]+)/i.exec(head)?.[1];
  return { status, contentType, body: JSON.parse(body) };
}

describe('HTTP requests the parser refuses', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ name: 'pglite' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('headers over the 16 KB limit are a 431 OperationOutcome naming the headers, not a bare status line', async () => {
    const res = await fetch(`${server.baseUrl}/metadata`, { headers: { 'x-padding': 'a'.repeat(20_000) } });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const body = (await res.json()) as { resourceType: string; issue: { severity: string; code: string; expression?: string[] }[] };
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue[0]).toMatchObject({ severity: 'error', code: 'too-long', expression: ['headers'] });
  });

  it('a malformed request line is a 400 OperationOutcome', async () => {
    const parsed = parse(await raw(server.port, 'GET /fhir/metadata HTTP/1.1 EXTRA\r\nHost: x\r\n\r\n'));
    expect(parsed.status).toBe(400);
    expect(parsed.contentType).toMatch(/^application\/fhir\+json/);
    expect(parsed.body.resourceType).toBe('OperationOutcome');
    expect(parsed.body.issue[0].expression).toEqual(['request']);
  });

  it('a header line without a colon is a 400 OperationOutcome, and the server keeps serving', async () => {
    const parsed = parse(await raw(server.port, 'GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n'));
    expect(parsed.status).toBe(400);
    expect(parsed.body.resourceType).toBe('OperationOutcome');
    expect((await server.fhir('metadata')).status).toBe(200);
  });
});
