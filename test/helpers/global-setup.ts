// Decides once per run where PostgreSQL comes from: DATABASE_URL, else a testcontainers container, else skipped (with the reason printed).
import type { TestProject } from 'vitest/node';

let stopContainer: (() => Promise<unknown>) | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env.DATABASE_URL;
  if (!url) {
    try {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:16-alpine').start();
      stopContainer = () => container.stop();
      url = container.getConnectionUri();
    } catch (err) {
      console.warn(`[backends] PostgreSQL suites skipped: DATABASE_URL is not set and no Docker engine for testcontainers (${(err as Error).message.split('\n')[0]})`);
    }
  }
  if (url) console.warn(`[backends] running integration suites on PGlite and on PostgreSQL (${url.replace(/\/\/[^@]*@/, '//***@')})`);
  else console.warn('[backends] running integration suites on PGlite only');
  project.provide('postgresUrl', url ?? '');
}

export async function teardown(): Promise<void> {
  await stopContainer?.();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
