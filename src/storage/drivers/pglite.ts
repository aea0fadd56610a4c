// Embedded driver: PGlite (PostgreSQL compiled to WebAssembly) in-process, on disk or in memory.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { lazyTransaction, type SqlDriver, type SqlExecutor } from './driver.js';

/**
 * PGlite runs each query synchronously in WebAssembly and resolves at once, so queued requests chain their queries
 * as microtasks and the event loop never turns: no signals (SIGTERM), timers, health checks or new connections
 * until the queue drains (seconds under load). Yielding once per time slice keeps the process responsive.
 */
const SLICE_MS = 10;
let sliceStarted = performance.now();

async function yieldWhenSliceIsUsed(): Promise<void> {
  if (performance.now() - sliceStarted < SLICE_MS) return;
  await new Promise((resolve) => setImmediate(resolve));
  sliceStarted = performance.now();
}

export async function openPglite(dataDir: string, settings: Record<string, string> = {}): Promise<SqlDriver> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const db = new PGlite(inMemory ? undefined : dataDir);
  await db.waitReady;
  // One connection: a session setting holds for everything the server runs.
  for (const [name, value] of Object.entries(settings)) await db.query('SELECT set_config($1, $2, false)', [name, value]);
  const alone: SqlExecutor = {
    async query<R>(text: string, params?: unknown[]) {
      await yieldWhenSliceIsUsed();
      return (await db.query<R>(text, params)).rows;
    },
  };
  return {
    name: 'pglite',
    query: alone.query,
    async transaction<T>(fn: Parameters<SqlDriver['transaction']>[0]): Promise<T> {
      // PGlite holds its one connection for the length of db.transaction(callback), so the callback is kept open
      // (settle) until fn is done with it; it only starts when fn sends its first query.
      let settle: (err?: unknown) => void = () => undefined;
      let done: Promise<unknown> | undefined;
      const open = () =>
        new Promise<SqlExecutor>((resolve, reject) => {
          done = db.transaction(async (tx) => {
            resolve({
              async query<R>(text: string, params?: unknown[]) {
                await yieldWhenSliceIsUsed();
                return (await tx.query<R>(text, params)).rows;
              },
            });
            await new Promise<void>((ok, fail) => {
              settle = (err) => (err === undefined ? ok() : fail(err));
            });
          });
          done.catch(reject);
        });
      // Both executors yield per time slice, so the transaction does too, whichever runs its statements.
      const { tx, opened } = lazyTransaction(open, alone);
      try {
        const result = (await fn(tx)) as T;
        if (opened()) {
          await opened();
          settle();
          await done;
        }
        return result;
      } catch (err) {
        if (opened()) {
          settle(err ?? new Error('rolled back'));
          await done?.catch(() => undefined);
        }
        throw err;
      }
    },
    async close() {
      await db.close();
    },
  };
}
