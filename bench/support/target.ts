// The system under test: a dedicated database (created and dropped here) and the server, in a child process or in-process.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';

export interface Database {
  /** postgres URL of the dedicated database, or the PGlite data directory. */
  databaseUrl?: string;
  dataDir?: string;
  drop: () => Promise<void>;
}

export async function createPostgresDatabase(adminUrl: string, name: string): Promise<Database> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export function createPgliteDirectory(): Database {
  const dataDir = mkdtempSync(join(tmpdir(), 'calaim-bench-'));
  return { dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

export interface ServerUnderTest {
  /** http://127.0.0.1:port (the FHIR base is at /fhir). */
  url: string;
  /** Process id of the server (the benchmark's own when in-process). */
  pid: number;
  stop: () => Promise<void>;
}

export interface ServerOptions {
  mode: 'child' | 'inprocess';
  database: Database;
  poolSize: number;
  logLevel: string;
  /** Child mode: the server's stdout/stderr go to this file. */
  logFile: string;
  /** Child mode: extra node flags, e.g. --cpu-prof. */
  nodeFlags: string[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitReady(url: string, exited: () => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (exited()) throw new Error('the server process exited during start-up; see its log');
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`server at ${url} not ready after 60 s`);
}

export async function startServerUnderTest(options: ServerOptions): Promise<ServerUnderTest> {
  const env = {
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel,
    DB_POOL_SIZE: String(options.poolSize),
    DATABASE_URL: options.database.databaseUrl ?? '',
    DATA_DIR: options.database.dataDir ?? '',
  };
  if (options.mode === 'inprocess') {
    const server = await startServer({ ...loadConfig({ ...process.env, ...env, PORT: '0' }) });
    return { url: server.url.replace('localhost', '127.0.0.1'), pid: process.pid, stop: server.stop };
  }
  const port = await freePort();
  const log = openSync(options.logFile, 'w');
  // The child runs the same entry point as `npm start` (tsx only transpiles on load; the hot path is plain JS).
  const child = spawn(process.execPath, [...options.nodeFlags, '--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', log, log],
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, () => exited);
  return {
    url,
    pid: child.pid as number,
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      await exit;
    },
  };
}
