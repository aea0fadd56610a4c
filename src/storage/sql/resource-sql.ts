// Parameterised SQL for the resource and history tables, shared by both drivers.
import type { SqlExecutor } from '../drivers/driver.js';
import type { StoredVersion, WriteMethod } from '../repository.js';
import type { WriteStatementBuilder } from './write-statement.js';

const ISO = `to_char(last_updated AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

interface VersionRow {
  resource_type: string;
  id: string;
  version_id: number;
  last_updated: string;
  deleted: boolean;
  method?: WriteMethod;
  content: string | null;
  seq?: string;
}

export function rowToVersion(row: VersionRow): StoredVersion {
  return {
    resourceType: row.resource_type,
    id: row.id,
    versionId: String(row.version_id),
    lastUpdated: row.last_updated,
    deleted: row.deleted,
    method: row.method ?? 'PUT',
    resource: row.content === null ? undefined : JSON.parse(row.content),
  };
}

export async function selectCurrent(db: SqlExecutor, resourceType: string, id: string, forUpdate: boolean): Promise<StoredVersion | undefined> {
  const rows = await db.query<VersionRow>(
    `SELECT resource_type, id, version_id, ${ISO} AS last_updated, deleted, content::text AS content
       FROM resource WHERE resource_type = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [resourceType, id],
    { prepared: true },
  );
  return rows[0] ? rowToVersion(rows[0]) : undefined;
}

/** Current, non-deleted versions of a type in id order (for reindexing), locked for the transaction. */
export async function selectCurrentBatch(db: SqlExecutor, resourceType: string, options: { afterId?: string; id?: string; limit: number }): Promise<StoredVersion[]> {
  const rows = await db.query<VersionRow>(
    `SELECT resource_type, id, version_id, ${ISO} AS last_updated, deleted, content::text AS content
       FROM resource WHERE resource_type = $1 AND NOT deleted AND ($2::text IS NULL OR id > $2) AND ($3::text IS NULL OR id = $3)
      ORDER BY id LIMIT $4 FOR UPDATE`,
    [resourceType, options.afterId ?? null, options.id ?? null, options.limit],
  );
  return rows.map(rowToVersion);
}

export async function selectVersion(db: SqlExecutor, resourceType: string, id: string, versionId: number): Promise<StoredVersion | undefined> {
  const rows = await db.query<VersionRow>(
    `SELECT resource_type, id, version_id, ${ISO} AS last_updated, deleted, method, content::text AS content
       FROM resource_history WHERE resource_type = $1 AND id = $2 AND version_id = $3`,
    [resourceType, id, versionId],
    { prepared: true },
  );
  return rows[0] ? rowToVersion(rows[0]) : undefined;
}

export interface VersionWrite {
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  method: WriteMethod;
  /** JSON text of the resource; null for a deletion. */
  content: string | null;
  clientId: string;
  organization?: string;
  requestId: string;
}

/** Binds the version's columns; returns the SQL placeholders in column order. */
function bindVersion(stmt: WriteStatementBuilder, w: VersionWrite) {
  const b = (v: unknown) => stmt.bind(v);
  return {
    type: b(w.resourceType),
    id: b(w.id),
    version: b(w.versionId),
    updated: b(w.lastUpdated),
    deleted: b(w.content === null),
    content: b(w.content),
    history: [b(w.method), b(w.clientId), b(w.organization ?? null), b(w.requestId)].map((p) => `${p}::text`).join(', '),
  };
}

function historyCte(history: string): string {
  return `h AS (INSERT INTO resource_history
    (resource_type, id, version_id, last_updated, deleted, content, method, client_id, organization, request_id)
    SELECT resource_type, id, version_id, last_updated, deleted, content, ${history} FROM w RETURNING seq)`;
}

/** CTEs `w` and `h` inserting a brand-new resource and its first history row; nothing when the id is taken or `fresh` is false. */
export function insertVersionCtes(stmt: WriteStatementBuilder, w: VersionWrite, fresh: string): string {
  const v = bindVersion(stmt, w);
  return `w AS (
    INSERT INTO resource (resource_type, id, version_id, last_updated, deleted, content)
    SELECT ${v.type}::text, ${v.id}::text, ${v.version}::int, ${v.updated}::timestamptz, ${v.deleted}::boolean, ${v.content}::text WHERE ${fresh}
    ON CONFLICT (resource_type, id) DO NOTHING
    RETURNING resource_type, id, version_id, last_updated, deleted, content),
  ${historyCte(v.history)}`;
}

/** CTEs `w` and `h` replacing the current version, which must still be `expectedVersion`, and appending it to history. */
export function replaceVersionCtes(stmt: WriteStatementBuilder, w: VersionWrite, expectedVersion: number, fresh: string): string {
  const v = bindVersion(stmt, w);
  return `w AS (
    UPDATE resource SET version_id = ${v.version}::int, last_updated = ${v.updated}::timestamptz, deleted = ${v.deleted}::boolean, content = ${v.content}::text
     WHERE resource_type = ${v.type} AND id = ${v.id} AND version_id = ${stmt.bind(expectedVersion)}::int AND ${fresh}
    RETURNING resource_type, id, version_id, last_updated, deleted, content),
  ${historyCte(v.history)}`;
}
