// History queries: newest first, paged by an opaque keyset cursor (the history sequence number).
import type { SqlExecutor } from '../drivers/driver.js';
import type { HistoryPage, HistoryQuery } from '../repository.js';
import { rowToVersion } from './resource-sql.js';

type HistoryRow = Parameters<typeof rowToVersion>[0] & { seq: string };

const MAX_BIGINT = 2n ** 63n - 1n;

export function encodeCursor(seq: string): string {
  return Buffer.from(`h:${seq}`).toString('base64url');
}

/** Returns the sequence number in a cursor, or undefined when the cursor is not one of ours. */
export function decodeCursor(cursor: string): string | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^h:(\d{1,19})$/.exec(text);
  // seq is a bigint: a larger number is not one of ours (and PostgreSQL would fail the cast with a 500).
  return match && BigInt(match[1]) <= MAX_BIGINT ? match[1] : undefined;
}

export async function selectHistory(db: SqlExecutor, query: HistoryQuery, seqBefore: string | undefined): Promise<HistoryPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (query.resourceType) add((p) => `resource_type = ${p}`, query.resourceType);
  if (query.id) add((p) => `id = ${p}`, query.id);
  if (query.since) add((p) => `last_updated >= ${p}`, query.since.toISOString());
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const pageWhere = [...where];
  const pageParams = [...params];
  if (seqBefore) {
    pageParams.push(seqBefore);
    pageWhere.push(`seq < $${pageParams.length}::bigint`);
  }
  pageParams.push(query.count + 1);
  // ORDER BY names the column, not the seq::text alias: ordering text puts seq 99 above 100.
  const rows = await db.query<HistoryRow>(
    `SELECT seq::text AS seq, resource_type, id, version_id,
            to_char(last_updated AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_updated,
            deleted, method, content::text AS content
       FROM resource_history ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''}
      ORDER BY resource_history.seq DESC LIMIT $${pageParams.length}`,
    pageParams,
  );
  const hasMore = rows.length > query.count;
  const page = rows.slice(0, query.count);
  // Counting a whole type or system history is a full scan, so only instance history reports a total.
  let total: number | undefined;
  if (query.id) total = Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM resource_history ${filter}`, params))[0]?.n ?? 0);
  else if (!seqBefore && !hasMore) total = page.length;
  return {
    entries: page.map(rowToVersion),
    total,
    // _count=0 asks for no entries (only a total), so there is no page to continue from.
    nextCursor: hasMore && page.length > 0 ? encodeCursor(page[page.length - 1].seq) : undefined,
  };
}
