// Parameterised SQL for the resource and history tables, shared by both drivers.
import type { SqlExecutor } from '../drivers/driver.js';
import type { StoredVersion, WriteMethod } from '../repository.js';

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

function historyParams(w: VersionWrite): unknown[] {
  return [w.resourceType, w.id, w.versionId, w.lastUpdated, w.content === null, w.content, w.method, w.clientId, w.organization ?? null, w.requestId];
}

const HISTORY_INSERT = `INSERT INTO resource_history
  (resource_type, id, version_id, last_updated, deleted, content, method, client_id, organization, request_id)
  SELECT resource_type, id, version_id, last_updated, deleted, content, $7, $8, $9, $10 FROM w`;

/** Inserts a brand-new resource and its first history row; false when the id is already taken. */
export async function insertFirstVersion(db: SqlExecutor, w: VersionWrite): Promise<boolean> {
  const rows = await db.query(
    `WITH w AS (
       INSERT INTO resource (resource_type, id, version_id, last_updated, deleted, content)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (resource_type, id) DO NOTHING
       RETURNING resource_type, id, version_id, last_updated, deleted, content)
     ${HISTORY_INSERT} RETURNING seq`,
    historyParams(w),
  );
  return rows.length === 1;
}

/** Replaces the current version (which must still be expectedVersion) and appends it to history. */
export async function replaceVersion(db: SqlExecutor, w: VersionWrite, expectedVersion: number): Promise<boolean> {
  const rows = await db.query(
    `WITH w AS (
       UPDATE resource SET version_id = $3, last_updated = $4, deleted = $5, content = $6
        WHERE resource_type = $1 AND id = $2 AND version_id = $11
       RETURNING resource_type, id, version_id, last_updated, deleted, content)
     ${HISTORY_INSERT} RETURNING seq`,
    [...historyParams(w), expectedVersion],
  );
  return rows.length === 1;
}
