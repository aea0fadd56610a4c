// Repository over SQL: the write pipeline (hooks -> resource + history + indexes in one transaction -> after-commit).
import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { badRequest, conflict, gone, notFound, preconditionFailed } from '../fhir/errors.js';
import { sqlState, type SqlDriver, type SqlExecutor } from './drivers/driver.js';
import type { HistoryPage, HistoryQuery, IndexWriter, Repository, StoredVersion, UpdateResult, WriteHooks, WriteInfo, WriteMethod, WriteOptions } from './repository.js';
import { decodeCursor, selectHistory } from './sql/history-sql.js';
import { insertFirstVersion, replaceVersion, selectCurrent, selectCurrentBatch, selectVersion, type VersionWrite } from './sql/resource-sql.js';

/** SQLSTATEs after which a whole transaction may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 4;

export interface RepositoryOptions {
  hooks?: WriteHooks[];
  indexWriters?: IndexWriter[];
}

type PendingCommit = () => Promise<void>;

export class SqlRepository implements Repository {
  constructor(
    private readonly db: SqlDriver,
    private readonly options: RepositoryOptions = {},
    /** Set when this instance is bound to an open transaction. */
    private readonly tx?: SqlExecutor,
    private readonly pending?: PendingCommit[],
  ) {}

  async create<T extends Resource>(ctx: RequestContext, resource: T, options: WriteOptions = {}): Promise<T> {
    const prepared = stamp(resource, options.id ?? randomUUID(), 1, ctx.now());
    return this.write(async (tx, pending) => {
      await this.beforeWrite(ctx, prepared, undefined, tx, pending, options);
      if (!(await this.insert(ctx, tx, pending, prepared, options.method ?? 'POST'))) {
        throw conflict(`${prepared.resourceType}/${prepared.id} already exists`, 'id');
      }
      return prepared;
    });
  }

  read(ctx: RequestContext, resourceType: string, id: string): Promise<Resource> {
    return this.readCurrent(ctx, resourceType, id).then((current) => liveResource(current, resourceType, id));
  }

  readCurrent(_ctx: RequestContext, resourceType: string, id: string): Promise<StoredVersion | undefined> {
    return selectCurrent(this.tx ?? this.db, resourceType, id, false);
  }

  async readVersion(_ctx: RequestContext, resourceType: string, id: string, versionId: string): Promise<StoredVersion> {
    const version = /^\d{1,9}$/.test(versionId) ? await selectVersion(this.tx ?? this.db, resourceType, id, Number(versionId)) : undefined;
    if (!version) throw notFound(`${resourceType}/${id} has no version ${versionId}`);
    if (version.deleted) throw gone(`${resourceType}/${id} version ${versionId} is a deletion`);
    return version;
  }

  async update(ctx: RequestContext, resource: Resource, options: WriteOptions = {}): Promise<UpdateResult> {
    const { resourceType } = resource;
    const id = resource.id as string;
    return this.write(async (tx, pending) => {
      let current = await selectCurrent(tx, resourceType, id, true);
      if (!current) {
        if (options.ifMatch !== undefined) throw preconditionFailed(`${resourceType}/${id} does not exist, so If-Match cannot match`);
        const prepared = stamp(resource, id, 1, ctx.now());
        await this.beforeWrite(ctx, prepared, undefined, tx, pending, options);
        if (await this.insert(ctx, tx, pending, prepared, options.method ?? 'PUT')) return { resource: prepared, created: true };
        // Another transaction created it concurrently; it has committed, so update on top of it.
        current = (await selectCurrent(tx, resourceType, id, true)) as StoredVersion;
      }
      checkIfMatch(current, options.ifMatch);
      const prepared = stamp(resource, id, Number(current.versionId) + 1, ctx.now());
      await this.beforeWrite(ctx, prepared, current.resource, tx, pending, options);
      await this.persist(ctx, tx, pending, toVersion(prepared, options.method ?? 'PUT'), Number(current.versionId));
      return { resource: prepared, created: current.deleted };
    });
  }

  async delete(ctx: RequestContext, resourceType: string, id: string, options: WriteOptions = {}): Promise<StoredVersion | undefined> {
    return this.write(async (tx, pending) => {
      const current = await selectCurrent(tx, resourceType, id, true);
      if (!current) throw notFound(`${resourceType}/${id} does not exist`);
      checkIfMatch(current, options.ifMatch);
      if (current.deleted || !current.resource) return undefined;
      const write = { repo: new SqlRepository(this.db, this.options, tx, pending), clientIfMatch: options.ifMatch };
      for (const hook of this.options.hooks ?? []) await hook.beforeDelete?.(ctx, current.resource, write);
      const version: StoredVersion = {
        resourceType,
        id,
        versionId: String(Number(current.versionId) + 1),
        lastUpdated: ctx.now().toISOString(),
        method: 'DELETE',
        deleted: true,
      };
      await this.persist(ctx, tx, pending, version, Number(current.versionId));
      return version;
    });
  }

  history(_ctx: RequestContext, query: HistoryQuery): Promise<HistoryPage> {
    const seqBefore = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && seqBefore === undefined) throw badRequest('Invalid paging cursor', '_cursor');
    return selectHistory(this.tx ?? this.db, query, seqBefore);
  }

  async reindex(_ctx: RequestContext, resourceType: string, options: { afterId?: string; id?: string; limit: number }): Promise<{ count: number; lastId?: string }> {
    return this.write(async (tx) => {
      // Rows are locked so a concurrent update cannot interleave stale index rows with ours.
      const versions = await selectCurrentBatch(tx, resourceType, options);
      for (const version of versions) {
        for (const writer of this.options.indexWriters ?? []) await writer.write(tx, version, true);
      }
      return { count: versions.length, lastId: versions[versions.length - 1]?.id };
    });
  }

  select<R = Record<string, unknown>>(_ctx: RequestContext, text: string, params: unknown[]): Promise<R[]> {
    return (this.tx ?? this.db).query<R>(text, params);
  }

  async transaction<T>(_ctx: RequestContext, fn: (repo: Repository) => Promise<T>): Promise<T> {
    if (this.tx) return fn(this);
    return this.write((tx, pending) => fn(new SqlRepository(this.db, this.options, tx, pending)));
  }

  /** Runs fn in the open transaction, or in a new one (retried on serialization failures and deadlocks). */
  private async write<T>(fn: (tx: SqlExecutor, pending: PendingCommit[]) => Promise<T>): Promise<T> {
    if (this.tx) return fn(this.tx, this.pending ?? []);
    for (let attempt = 1; ; attempt++) {
      const pending: PendingCommit[] = [];
      try {
        const result = await this.db.transaction((tx) => fn(tx, pending));
        // After-commit hooks own their failures; a failing hook must not turn a committed write into an error.
        for (const run of pending) await run().catch(() => undefined);
        return result;
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has(sqlState(err) ?? '')) throw err;
      }
    }
  }

  private async beforeWrite(ctx: RequestContext, resource: Resource, previous: Resource | undefined, tx: SqlExecutor, pending: PendingCommit[], options: WriteOptions): Promise<void> {
    const hooks = (this.options.hooks ?? []).filter((h) => h.beforeWrite);
    if (hooks.length === 0) return;
    const write: WriteInfo = { repo: this.tx ? this : new SqlRepository(this.db, this.options, tx, pending), clientIfMatch: options.ifMatchPinned ? undefined : options.ifMatch };
    for (const hook of hooks) await hook.beforeWrite?.(ctx, resource, previous, write);
  }

  private async insert(ctx: RequestContext, tx: SqlExecutor, pending: PendingCommit[], resource: Resource, method: WriteMethod): Promise<boolean> {
    const version = toVersion(resource, method);
    const ok = await insertFirstVersion(tx, toWrite(ctx, version));
    if (ok) await this.afterWrite(ctx, tx, pending, version);
    return ok;
  }

  private async persist(ctx: RequestContext, tx: SqlExecutor, pending: PendingCommit[], version: StoredVersion, expected: number): Promise<void> {
    // The row is locked FOR UPDATE, so the guard only fails if the lock was not taken: a programming error.
    if (!(await replaceVersion(tx, toWrite(ctx, version), expected))) throw new Error(`lost row lock on ${version.resourceType}/${version.id}`);
    await this.afterWrite(ctx, tx, pending, version);
  }

  private async afterWrite(ctx: RequestContext, tx: SqlExecutor, pending: PendingCommit[], version: StoredVersion): Promise<void> {
    for (const writer of this.options.indexWriters ?? []) await writer.write(tx, version, version.versionId !== '1');
    const hooks = (this.options.hooks ?? []).filter((h) => h.afterCommit);
    if (hooks.length === 0) return;
    pending.push(async () => {
      for (const hook of hooks) await hook.afterCommit?.(ctx, version);
    });
  }
}

function stamp<T extends Resource>(resource: T, id: string, versionId: number, now: Date): T {
  const { resourceType, id: _ignored, meta, ...rest } = resource;
  return { resourceType, id, meta: { ...meta, versionId: String(versionId), lastUpdated: now.toISOString() }, ...rest } as T;
}

function toVersion(resource: Resource, method: WriteMethod): StoredVersion {
  return {
    resourceType: resource.resourceType,
    id: resource.id as string,
    versionId: resource.meta?.versionId as string,
    lastUpdated: resource.meta?.lastUpdated as string,
    method,
    deleted: false,
    resource,
  };
}

function toWrite(ctx: RequestContext, v: StoredVersion): VersionWrite {
  return {
    resourceType: v.resourceType,
    id: v.id,
    versionId: Number(v.versionId),
    lastUpdated: v.lastUpdated,
    method: v.method,
    content: v.resource ? JSON.stringify(v.resource) : null,
    clientId: ctx.caller.clientId,
    organization: ctx.caller.organization,
    requestId: ctx.requestId,
  };
}

function checkIfMatch(current: StoredVersion, ifMatch: string | undefined): void {
  if (ifMatch !== undefined && ifMatch !== current.versionId) {
    throw preconditionFailed(`If-Match version ${ifMatch} does not match current version ${current.versionId} of ${current.resourceType}/${current.id}`);
  }
}

function liveResource(current: StoredVersion | undefined, resourceType: string, id: string): Resource {
  if (!current) throw notFound(`${resourceType}/${id} not found`);
  if (current.deleted || !current.resource) throw gone(`${resourceType}/${id} was deleted`);
  return current.resource;
}
