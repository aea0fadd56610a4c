// Runs a parsed search: match page (keyset), total, includes. Storage-neutral inputs, SQL through the repository.
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { StoredJson } from '../fhir/stored-json.js';
import type { RequestContext } from '../context.js';
import type { Repository } from '../storage/repository.js';
import { resolveIncludes } from './include.js';
import type { SearchParameterIndex } from './parameters.js';
import { whereClause, type PlanContext } from './plan.js';
import type { SearchQuery } from './query.js';
import { decodeCursor, keysetCondition, orderBy, sortKeys, sortSignature, type Cursor } from './sort.js';
import { and, SqlParams, type Target } from './sql.js';

export interface SearchRun {
  query: SearchQuery;
  count: number;
  baseUrl: string;
  strict: boolean;
  expand: PlanContext['expand'];
  /** Extra condition on the matched resources (compartments), given the target. */
  restrict?: (sql: SqlParams, target: Target) => string;
}

export interface SearchResult {
  /** The page's matches and included resources as stored; their content is parsed only if something reads it. */
  matches: StoredJson[];
  included: StoredJson[];
  total?: number;
  next?: Cursor;
  previous?: Cursor;
  warnings: OperationOutcomeIssue[];
}

interface Row {
  resource_type: string;
  id: string;
  content: string;
  [key: string]: string | null;
}

async function buildWhere(repo: Repository, ctx: RequestContext, index: SearchParameterIndex, run: SearchRun, warnings: OperationOutcomeIssue[]) {
  const sql = new SqlParams();
  const { types } = run.query;
  const target: Target = types.length === 1 ? { alias: 'r', typeSql: sql.add(types[0]), types } : { alias: 'r', typeSql: 'r.resource_type', types };
  const typeCondition = types.length === 1 ? `r.resource_type = ${target.typeSql}` : `r.resource_type = ANY(${sql.add(types, 'text[]')})`;
  const probe = (text: string, params: unknown[]) => repo.select<{ id: string }>(ctx, text, params);
  const pc: PlanContext = { sql, index, baseUrl: run.baseUrl, strict: run.strict, warnings, expand: run.expand, probe };
  const filters = await whereClause(pc, target, run.query.filters);
  const restrict = run.restrict ? [run.restrict(sql, target)] : [];
  return { sql, target, where: and([typeCondition, 'NOT r.deleted', filters, ...restrict]) };
}

async function countMatches(
  repo: Repository,
  ctx: RequestContext,
  index: SearchParameterIndex,
  run: SearchRun,
  mode: 'accurate' | 'estimate',
  warnings: OperationOutcomeIssue[] = [],
): Promise<number> {
  const { sql, where } = await buildWhere(repo, ctx, index, run, warnings);
  if (mode === 'estimate') {
    const rows = await repo.select<{ 'QUERY PLAN': unknown }>(ctx, `EXPLAIN (FORMAT JSON) SELECT 1 FROM resource r WHERE ${where}`, sql.values);
    const plan = rows[0]?.['QUERY PLAN'];
    const parsed = (typeof plan === 'string' ? JSON.parse(plan) : plan) as [{ Plan: { 'Plan Rows': number } }];
    return Math.round(parsed[0]?.Plan?.['Plan Rows'] ?? 0);
  }
  const rows = await repo.select<{ n: string }>(ctx, `SELECT count(*)::text AS n FROM resource r WHERE ${where}`, sql.values);
  return Number(rows[0]?.n ?? 0);
}

export async function executeSearch(repo: Repository, ctx: RequestContext, index: SearchParameterIndex, run: SearchRun): Promise<SearchResult> {
  const warnings: OperationOutcomeIssue[] = [];
  const { query } = run;
  if (query.summaryCount || run.count === 0) {
    const total = await countMatches(repo, ctx, index, run, query.total === 'estimate' ? 'estimate' : 'accurate', warnings);
    return { matches: [], included: [], total, warnings };
  }
  const { sql, target, where } = await buildWhere(repo, ctx, index, run, warnings);
  const keys = sortKeys(sql, index, target, query.sort);
  const cursor = query.cursor !== undefined ? decodeCursor(query.cursor, query.sort) : undefined;
  const reverse = cursor?.direction === 'prev';
  const page = cursor ? and([where, keysetCondition(sql, keys, 'r', cursor)]) : where;
  // The page is chosen on narrow columns (index-only scans, no content read for rows that are filtered or sorted away);
  // only the page's rows then fetch their content. Sort values travel typed (s) for ordering and as text (k) for cursors.
  const keyColumns = keys.map((k, i) => `, (${k.expr}) AS s${i}`).join('');
  const outerKeys = keys.map((k, i) => ({ ...k, expr: `m.s${i}` }));
  const rows = await repo.select<Row>(
    ctx,
    `SELECT m.resource_type, m.id, c.content::text AS content${keys.map((_, i) => `, m.s${i}::text AS k${i}`).join('')}` +
      ` FROM (SELECT r.resource_type, r.id${keyColumns} FROM resource r WHERE ${page} ORDER BY ${orderBy(keys, 'r', reverse)} LIMIT ${run.count + 1}) m` +
      ` JOIN resource c ON c.resource_type = m.resource_type AND c.id = m.id ORDER BY ${orderBy(outerKeys, 'm', reverse)}`,
    sql.values,
  );
  const hasMore = rows.length > run.count;
  const pageRows = rows.slice(0, run.count);
  if (reverse) pageRows.reverse();
  const signature = sortSignature(query.sort);
  const boundary = (row: Row, direction: Cursor['direction']): Cursor => ({ direction, sort: signature, id: row.id, values: keys.map((_, i) => row[`k${i}`] ?? null) });
  const first = pageRows[0];
  const last = pageRows[pageRows.length - 1];
  const next = last && (reverse || hasMore) ? boundary(last, 'next') : undefined;
  const previous = first && (reverse ? hasMore : cursor !== undefined) ? boundary(first, 'prev') : undefined;
  const matches = pageRows.map((r) => new StoredJson(r.resource_type, r.id, r.content));
  let total: number | undefined;
  if (query.total === 'accurate' || query.total === 'estimate') total = await countMatches(repo, ctx, index, run, query.total);
  else if (query.total === undefined && !cursor && !hasMore) total = matches.length;
  const included = await resolveIncludes(repo, ctx, index, matches, query.include, query.revinclude);
  return { matches, included, total, next, previous, warnings };
}
