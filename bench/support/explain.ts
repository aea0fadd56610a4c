// EXPLAIN (ANALYZE, BUFFERS) of the exact SQL a search runs: the search code runs against a recording repository, then each statement is explained.
import pg from 'pg';
import { systemContext } from '../../src/context.js';
import { parseSearchQuery } from '../../src/search/query.js';
import { runSearch, noExpansion } from '../../src/search/service.js';
import { SearchParameterRegistry } from '../../src/search/parameters.js';
import type { Repository } from '../../src/storage/repository.js';

export interface ExplainedStatement {
  sql: string;
  params: unknown[];
  plan: string;
  executionMs: number;
  /** "Seq Scan on resource" and the like: scans that read a whole table. */
  seqScans: string[];
  /** Distinct "Index Scan using x on y" style nodes. */
  indexScans: string[];
}

/** Statements that only read the SearchParameter cache counter are bookkeeping, not the search. */
const BOOKKEEPING = /FROM cache_version|resource_type = 'SearchParameter'/;

function parsePath(path: string): { types: string[]; query: Record<string, string[]> } {
  const url = new URL(path, 'http://bench');
  const types = [url.pathname.split('/').filter(Boolean).pop() as string];
  const query: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) (query[key] ??= []).push(value);
  return { types, query };
}

/** The statements the server's search code issues for one request path (e.g. /fhir/Task?status=requested). */
export async function captureSql(pool: pg.Pool, path: string, count: number): Promise<{ sql: string; params: unknown[] }[]> {
  const captured: { sql: string; params: unknown[] }[] = [];
  const recording = {
    async select(_ctx: unknown, text: string, params: unknown[]) {
      if (!BOOKKEEPING.test(text)) captured.push({ sql: text, params });
      return (await pool.query(text, params as unknown[])).rows;
    },
  } as unknown as Repository;
  const { types, query } = parsePath(path);
  const parsed = parseSearchQuery(types, query, 1000);
  await runSearch({ parameters: new SearchParameterRegistry(), expand: noExpansion }, recording, systemContext('bench-explain'), {
    query: parsed,
    count: parsed.count ?? count,
    baseUrl: 'http://bench/fhir',
    strict: false,
  });
  return captured;
}

export async function explain(pool: pg.Pool, statement: { sql: string; params: unknown[] }): Promise<ExplainedStatement> {
  const rows = (await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, statement.params as unknown[])).rows as { 'QUERY PLAN': string }[];
  const lines = rows.map((r) => r['QUERY PLAN']);
  const plan = lines.join('\n');
  const time = /Execution Time: ([\d.]+) ms/.exec(plan);
  const scans = (re: RegExp) => [...new Set(lines.map((l) => re.exec(l)?.[1]).filter((s): s is string => !!s))];
  return {
    ...statement,
    plan,
    executionMs: time ? Number(time[1]) : NaN,
    seqScans: scans(/(Seq Scan on \w+)/),
    indexScans: scans(/((?:Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) \w+)/),
  };
}
