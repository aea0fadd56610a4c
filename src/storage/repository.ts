// The one storage interface every handler uses; each call carries the caller's RequestContext.
import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { QueryHints, SqlExecutor } from './drivers/driver.js';
import type { WriteStatementBuilder } from './sql/write-statement.js';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One version of a resource as kept in history (deleted versions carry no resource). */
export interface StoredVersion {
  resourceType: string;
  id: string;
  versionId: string;
  lastUpdated: string;
  method: WriteMethod;
  deleted: boolean;
  resource?: Resource;
}

export interface HistoryQuery {
  resourceType?: string;
  id?: string;
  /** Only versions written at or after this instant. */
  since?: Date;
  count: number;
  /** Opaque cursor returned by the previous page. */
  cursor?: string;
}

export interface HistoryPage {
  entries: StoredVersion[];
  /** Known for instance history and single-page results; absent when counting would scan. */
  total?: number;
  nextCursor?: string;
}

export interface WriteOptions {
  /** Id for a create, chosen by the caller (transactions pre-assign ids); a random UUID otherwise. */
  id?: string;
  /** Expected current version id (from If-Match); a mismatch is a 412. */
  ifMatch?: string;
  /** How the write arrived, recorded in history (defaults by interaction). */
  method?: WriteMethod;
  /** True when `ifMatch` was pinned by the server (PATCH without If-Match), not sent by the client. */
  ifMatchPinned?: boolean;
}

export interface UpdateResult {
  resource: Resource;
  created: boolean;
}

export interface Repository {
  create<T extends Resource>(ctx: RequestContext, resource: T, options?: WriteOptions): Promise<T>;
  read(ctx: RequestContext, resourceType: string, id: string): Promise<Resource>;
  /** The stored version, or undefined if the resource never existed (no 410 here). */
  readCurrent(ctx: RequestContext, resourceType: string, id: string): Promise<StoredVersion | undefined>;
  readVersion(ctx: RequestContext, resourceType: string, id: string, versionId: string): Promise<StoredVersion>;
  /** Update, or create with the client's id when it does not exist yet. */
  update(ctx: RequestContext, resource: Resource, options?: WriteOptions): Promise<UpdateResult>;
  /** Returns the deletion version, or undefined when it was already deleted. 404 when it never existed. */
  delete(ctx: RequestContext, resourceType: string, id: string, options?: WriteOptions): Promise<StoredVersion | undefined>;
  history(ctx: RequestContext, query: HistoryQuery): Promise<HistoryPage>;
  /** Rebuilds derived index rows for current resources of a type, in id order after `afterId`; returns the last id done. */
  reindex(ctx: RequestContext, resourceType: string, options: { afterId?: string; id?: string; limit: number }): Promise<{ count: number; lastId?: string }>;
  /** Read-only SQL for the search engine, run in this repository's transaction when it has one. */
  select<R = Record<string, unknown>>(ctx: RequestContext, text: string, params: unknown[], hints?: QueryHints): Promise<R[]>;
  /** Runs fn in one database transaction: all writes inside commit together or not at all. */
  transaction<T>(ctx: RequestContext, fn: (repo: Repository) => Promise<T>): Promise<T>;
}

/** What a beforeWrite hook may know about the write besides the resource. */
export interface WriteInfo {
  /** The repository bound to the write's transaction: reads see its uncommitted writes, writes join it. */
  repo: Repository;
  /** The version the client sent in If-Match (absent when it sent none, even if the server pinned one). */
  clientIfMatch?: string;
}

/** Steps of the write pipeline around the storage write (validation, authorization, indexing, notifications). */
export interface WriteHooks {
  /** Before anything is written, inside the write's transaction; throw a FhirError to refuse the write. May amend `resource`. */
  beforeWrite?: (ctx: RequestContext, resource: Resource, previous: Resource | undefined, write: WriteInfo) => void | Promise<void>;
  /** Before a resource is deleted, inside the transaction; throw a FhirError to refuse the deletion. */
  beforeDelete?: (ctx: RequestContext, previous: Resource, write: WriteInfo) => void | Promise<void>;
  /** After the transaction that contains the write commits. */
  afterCommit?: (ctx: RequestContext, version: StoredVersion) => void | Promise<void>;
}

/** A step that writes derived rows (search indexes, cache counters) in the same statement as the resource version. */
export interface IndexWriter {
  /**
   * Adds the version's derived rows to its write statement; they are written only if the version is. `replace` is
   * true when rows for an earlier version (or a previous indexing) may exist and must go. `db` is the write's
   * transaction, for the rare read a writer needs (loading its cache).
   */
  prepare(db: SqlExecutor, version: StoredVersion, replace: boolean, statement: WriteStatementBuilder): Promise<void>;
}
