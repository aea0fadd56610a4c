// Embedded driver: PGlite (PostgreSQL compiled to WebAssembly) in-process, on disk or in memory.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SqlDriver, SqlExecutor } from './driver.js';

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

export async function openPglite(dataDir: string): Promise<SqlDriver> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const db = new PGlite(inMemory ? undefined : dataDir);
  await db.waitReady;
  return {
    name: 'pglite',
    async query<R>(text: string, params?: unknown[]) {
      await yieldWhenSliceIsUsed();
      return (await db.query<R>(text, params)).rows;
    },
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) =>
        fn({
          query: async <R>(text: string, params?: unknown[]) => {
            await yieldWhenSliceIsUsed();
            return (await tx.query<R>(text, params)).rows;
          },
        }),
      );
    },
    async close() {
      await db.close();
    },
  };
}
