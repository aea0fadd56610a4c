// The error handler: what a client sees when a handler throws something the server did not expect.
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { badRequest } from '../../src/fhir/errors.js';
import { errorHandler, notFoundHandler } from '../../src/http/error-handler.js';
import { requestContext } from '../../src/http/request-context.js';

const SECRET = 'password=hunter2 in /srv/calaim/src/storage/sql-repository.ts:42';

describe('errorHandler', () => {
  const logged: Record<string, unknown>[] = [];
  let url: string;
  let close: () => Promise<void>;

  // The same middleware order as src/app.ts around the routes: request context first, errorHandler last.
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    const app = express();
    app.use(requestContext(loadConfig({})));
    app.get('/throws', () => {
      throw new Error(SECRET);
    });
    app.get('/rejects', async () => {
      await Promise.resolve();
      throw new TypeError(`Cannot read properties of undefined (reading '${SECRET}')`);
    });
    app.get('/throws-a-string', () => {
      throw SECRET as unknown as Error;
    });
    app.get('/fhir-error', () => {
      throw badRequest('Patient.name is wrong', 'Patient.name');
    });
    app.use(notFoundHandler);
    app.use(errorHandler(pino({ level: 'error' }, sink)));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => {
    await close?.();
  });

  it.each(['/throws', '/rejects', '/throws-a-string'])('%s answers 500 with an OperationOutcome naming the request id, without message or stack', async (path) => {
    const res = await fetch(`${url}${path}`);
    const text = await res.text();
    const requestId = res.headers.get('x-request-id') as string;
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(JSON.parse(text)).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'exception', diagnostics: `Internal server error (request id ${requestId})` }],
    });
    expect(text).not.toMatch(/hunter2|sql-repository|\.ts:|\bat \w|TypeError|Error:/);
  });

  it('uses the caller\'s X-Request-Id, so the outcome can be matched with the caller\'s own logs', async () => {
    const res = await fetch(`${url}/throws`, { headers: { 'x-request-id': 'trace-1234' } });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { issue: { diagnostics: string }[] }).issue[0].diagnostics).toBe('Internal server error (request id trace-1234)');
  });

  it('logs the full error with the request id, for the operator rather than the client', async () => {
    const res = await fetch(`${url}/throws`, { headers: { 'x-request-id': 'trace-5678' } });
    expect(res.status).toBe(500);
    const line = logged.find((l) => l.requestId === 'trace-5678') as { msg: string; method: string; path: string; err: { message: string; stack: string } };
    expect(line).toMatchObject({ msg: 'unhandled error', method: 'GET', path: '/throws', err: { message: SECRET } });
    expect(line.err.stack).toContain('error-handler.test.ts');
  });

  it('a FhirError keeps its own status and issue and is not logged as unhandled', async () => {
    const before = logged.length;
    const res = await fetch(`${url}/fhir-error`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics: 'Patient.name is wrong', expression: ['Patient.name'] }] });
    expect(logged.length).toBe(before);
  });

  it('an unknown path is a 404 OperationOutcome', async () => {
    const res = await fetch(`${url}/nowhere`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { issue: { code: string }[] }).issue[0].code).toBe('not-found');
  });
});
