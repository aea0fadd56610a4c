// Runs the real entry point (src/main.ts) as a child process, so suites can SIGKILL or SIGTERM it and start it again.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** main.ts prints this once the server listens (after migrations); with PORT=0 it is the only way to learn the port. */
const LISTENING = /listening: FHIR base (http:\/\/\S+?)\/fhir\b/;

export interface ChildServerOptions {
  /** PostgreSQL URL; when absent the child uses PGlite in dataDir. */
  databaseUrl?: string;
  /** PGlite data directory (on disk, so it outlives the process). */
  dataDir?: string;
  /** Extra environment variables (LOG_LEVEL defaults to warn). */
  env?: Record<string, string>;
  /** How long start-up (including PGlite initdb or crash recovery) may take. */
  startTimeoutMs?: number;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildServer {
  /** http://127.0.0.1:PORT (no /fhir). */
  url: string;
  baseUrl: string;
  pid: number;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<ChildExit>;
  /** Everything the child wrote to stdout and stderr so far (for failure messages). */
  output: () => string;
  /** Sends a signal and waits for the exit. */
  kill: (signal: NodeJS.Signals) => Promise<ChildExit>;
}

export async function startChildServer(options: ChildServerOptions = {}): Promise<ChildServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...options.env };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'BASE_URL']) delete env[name];
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  if (options.dataDir) env.DATA_DIR = options.dataDir;
  // `node --import tsx` rather than `npx tsx`: the tsx CLI runs the server in a grandchild, so signals would hit the wrong process.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<ChildExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`server did not start within ${options.startTimeoutMs ?? 60_000} ms`)), options.startTimeoutMs ?? 60_000);
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n--- child output ---\n${output}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = settled ? null : LISTENING.exec(output);
      if (match) {
        settled = true;
        clearTimeout(timer);
        resolve(match[1].replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((exit) => fail(new Error(`server exited during start-up (code ${exit.code}, signal ${exit.signal})`)));
  });
  await waitUntilReady(url, exited);
  return {
    url,
    baseUrl: `${url}/fhir`,
    pid: child.pid as number,
    child,
    exited,
    output: () => output,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls /readyz until it answers 200 (the database is reachable). */
async function waitUntilReady(url: string, exited: Promise<ChildExit>, timeoutMs = 30_000): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (!gone && Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(gone ? 'server exited before it was ready' : `server at ${url} was not ready within ${timeoutMs} ms`);
}
