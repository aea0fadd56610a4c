// Starts the real server on a random port for one suite, on the given backend, plus small HTTP helpers.
import type { Resource } from '@medplum/fhirtypes';
import { loadConfig, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { freshDatabase, type Backend } from './backends.js';

export interface TestServer extends RunningServer {
  /** The suite's own PostgreSQL database (postgres backend only), for a second server process on it. */
  databaseUrl?: string;
  /** fetch relative to the FHIR base, JSON bodies encoded for you. */
  fhir: (path: string, init?: FhirInit) => Promise<FhirResult>;
  close: () => Promise<void>;
}

export interface FhirInit {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FhirResult {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

export async function startTestServer(backend: Backend, overrides: Partial<Config> = {}): Promise<TestServer> {
  let drop: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  if (backend.name === 'postgres') {
    const db = await freshDatabase(backend.adminUrl as string);
    databaseUrl = db.url;
    drop = db.drop;
  }
  // The presumptive-expiry job is off: a suite that moves time runs sweeps itself (sweepPresumptions).
  const config: Config = { ...loadConfig({}), port: 0, host: '127.0.0.1', logLevel: 'silent', dataDir: 'memory://', databaseUrl, poolSize: 10, loadDemoData: false, presumptiveSweepSeconds: 0, ...overrides };
  const server = await startServer(config);
  const fhir = async (path: string, init: FhirInit = {}): Promise<FhirResult> => {
    const headers: Record<string, string> = { accept: 'application/fhir+json', ...init.headers };
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/fhir+json';
    }
    const response = await fetch(`${server.baseUrl}/${path.replace(/^\//, '')}`, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };
  return {
    ...server,
    databaseUrl: config.databaseUrl,
    fhir,
    close: async () => {
      await server.stop();
      await drop?.();
    },
  };
}

export function patient(family = 'Doe', extra: Partial<Resource> = {}): Resource {
  return { resourceType: 'Patient', name: [{ family, given: ['Alex'] }], birthDate: '1980-02-29', ...extra } as Resource;
}
