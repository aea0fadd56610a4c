// Repository over SQL: the write pipeline (hooks -> resource + history + indexes in one transaction -> after-commit).
import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { badRequest, conflict, gone, notFound, preconditionFailed } from '../fhir/errors.js';
import { sqlState, type QueryHints, type SqlDriver, type SqlTransaction } from './drivers/driver.js';
import type { HistoryPage, HistoryQuery, IndexWriter, Repository, StoredVersion, UpdateResult, WriteHooks, WriteInfo, WriteMethod, WriteOptions } from './repository.js';
import { decodeCursor, selectHistory } from './sql/history-sql.js';
import { insertVersionCtes, replaceVersionCtes, selectCurrent, selectCurrentBatch, selectVersion, type VersionWrite } from './sql/resource-sql.js';
import { WriteStatement } from './sql/write-statement.js';

/** SQLSTATEs after which a whole transaction may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 4;
/** Write statements recur per resource type and shape: prepared once per connection (see QueryHints). */
const PREPARED = { prepared: true };

export interface RepositoryOptions {
  hooks?: WriteHooks[];
  indexWriters?: IndexWriter[];
}

type PendingCommit = () => Promise<void>;

/** An optimistic write found the resource changed after it was read: run the whole write again. */
class VersionMoved extends Error {}

export class SqlRepository implements Repository {
  constructor(
    private readonly db: SqlDriver,
    private readonly options: RepositoryOptions = {},
    /** Set when this instance is bound to an open transaction. */
    private readonly tx?: SqlTransaction,
    private readonly pending?: PendingCommit[],
  ) {}

  async create<T extends Resource>(ctx: RequestContext, resource: T, options: WriteOptions = {}): Promise<T> {
    const prepared = stamp(resource, options.id ?? randomUUID(), 1, ctx.now());
    return this.write(async (tx, pending) => {
      await this.beforeWrite(ctx, prepared, undefined, tx, pending, options);
      if (!(await this.writeVersion(ctx, tx, pending, toVersion(prepared, options.method ?? 'POST'), undefined))) {
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
    return this.replace(resourceType, id, async (tx, pending, current) => {
      if (!current) {
        if (options.ifMatch !== undefined) throw preconditionFailed(`${resourceType}/${id} does not exist, so If-Match cannot match`);
        const prepared = stamp(resource, id, 1, ctx.now());
        await this.beforeWrite(ctx, prepared, undefined, tx, pending, options);
        // Created concurrently by another transaction (now committed): start again and update on top of it.
        if (!(await this.writeVersion(ctx, tx, pending, toVersion(prepared, options.method ?? 'PUT'), undefined))) throw new VersionMoved();
        return { resource: prepared, created: true };
      }
      checkIfMatch(current, options.ifMatch);
      const prepared = stamp(resource, id, Number(current.versionId) + 1, ctx.now());
      await this.beforeWrite(ctx, prepared, current.resource, tx, pending, options);
      await this.replaceVersion(ctx, tx, pending, toVersion(prepared, options.method ?? 'PUT'), current);
      return { resource: prepared, created: current.deleted };
    });
  }

  async delete(ctx: RequestContext, resourceType: string, id: string, options: WriteOptions = {}): Promise<StoredVersion | undefined> {
    return this.replace(resourceType, id, async (tx, pending, current) => {
      if (!current) throw notFound(`${resourceType}/${id} does not exist`);
      checkIfMatch(current, options.ifMatch);
      if (current.deleted || !current.resource) return undefined;
      const write = { repo: this.bound(tx, pending), clientIfMatch: options.ifMatch };
      for (const hook of this.options.hooks ?? []) await hook.beforeDelete?.(ctx, current.resource, write);
      const version: StoredVersion = {
        resourceType,
        id,
        versionId: String(Number(current.versionId) + 1),
        lastUpdated: ctx.now().toISOString(),
        method: 'DELETE',
        deleted: true,
      };
      await this.replaceVersion(ctx, tx, pending, version, current);
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
      for (const version of versions) await this.writeDerived(tx, version);
      return { count: versions.length, lastId: versions[versions.length - 1]?.id };
    });
  }

  select<R = Record<string, unknown>>(_ctx: RequestContext, text: string, params: unknown[], hints?: QueryHints): Promise<R[]> {
    return (this.tx ?? this.db).query<R>(text, params, hints);
  }

  async transaction<T>(_ctx: RequestContext, fn: (repo: Repository) => Promise<T>): Promise<T> {
    if (this.tx) return fn(this);
    return this.write((tx, pending) => fn(this.bound(tx, pending)));
  }

  private bound(tx: SqlTransaction, pending: PendingCommit[]): SqlRepository {
    return this.tx ? this : new SqlRepository(this.db, this.options, tx, pending);
  }

  /** Runs fn in the open transaction, or in a new one (retried on serialization failures, deadlocks and moved versions). */
  private async write<T>(fn: (tx: SqlTransaction, pending: PendingCommit[]) => Promise<T>): Promise<T> {
    if (this.tx) return fn(this.tx, this.pending ?? []);
    for (let attempt = 1; ; attempt++) {
      const pending: PendingCommit[] = [];
      try {
        const result = await this.db.transaction((tx) => fn(tx, pending));
        // After-commit hooks own their failures; a failing hook must not turn a committed write into an error.
        for (const run of pending) await run().catch(() => undefined);
        return result;
      } catch (err) {
        const retry = err instanceof VersionMoved || RETRYABLE.has(sqlState(err) ?? '');
        if (attempt >= MAX_ATTEMPTS || !retry) throw err instanceof VersionMoved ? conflict('The resource kept changing while it was written; try again') : err;
      }
    }
  }

  /**
   * Read-modify-write of one resource. Inside a transaction the current row is locked FOR UPDATE. On its own, the
   * first attempt is optimistic: the row is read without a lock or transaction and the final statement only writes if
   * the version is unchanged (else the whole write runs again), so a plain update is two round trips. A write that
   * already lost that race once takes the lock on its retries, so writers queue instead of starving.
   */
  private async replace<T>(resourceType: string, id: string, fn: (tx: SqlTransaction, pending: PendingCommit[], current: StoredVersion | undefined) => Promise<T>): Promise<T> {
    let optimistic = !this.tx;
    return this.write(async (tx, pending) => {
      const lockFree = optimistic;
      optimistic = false;
      const current = lockFree ? await selectCurrent(this.db, resourceType, id, false) : await selectCurrent(tx, resourceType, id, true);
      return fn(tx, pending, current);
    });
  }

  private async beforeWrite(ctx: RequestContext, resource: Resource, previous: Resource | undefined, tx: SqlTransaction, pending: PendingCommit[], options: WriteOptions): Promise<void> {
    const hooks = (this.options.hooks ?? []).filter((h) => h.beforeWrite);
    if (hooks.length === 0) return;
    const write: WriteInfo = { repo: this.bound(tx, pending), clientIfMatch: options.ifMatchPinned ? undefined : options.ifMatch };
    for (const hook of hooks) await hook.beforeWrite?.(ctx, resource, previous, write);
  }

  private async replaceVersion(ctx: RequestContext, tx: SqlTransaction, pending: PendingCommit[], version: StoredVersion, current: StoredVersion): Promise<void> {
    if (!(await this.writeVersion(ctx, tx, pending, version, Number(current.versionId)))) {
      // Under a row lock the guard cannot fail; without one, another writer got there first.
      if (this.tx) throw new Error(`lost row lock on ${version.resourceType}/${version.id}`);
      throw new VersionMoved();
    }
  }

  /**
   * Writes the version (a first version when `expected` is undefined, else replacing version `expected`) with its
   * history and derived rows in one statement. False when the id is taken (first version) or the version moved.
   */
  private async writeVersion(ctx: RequestContext, tx: SqlTransaction, pending: PendingCommit[], version: StoredVersion, expected: number | undefined): Promise<boolean> {
    const row = toWrite(ctx, version);
    const result = await this.runStatement(
      tx,
      version,
      expected !== undefined,
      (statement, fresh) => (expected === undefined ? insertVersionCtes(statement, row, fresh) : replaceVersionCtes(statement, row, expected, fresh)),
      // A write of its own runs as the transaction's last statement: alone when nothing else needed the transaction.
      (text, params) => (this.tx ? tx.query<WriteOutcome>(text, params, PREPARED) : tx.finish<WriteOutcome>(text, params, PREPARED)),
    );
    if (result.written !== 1) return false;
    this.afterWrite(ctx, pending, version);
    return true;
  }

  /** Rebuilds a stored version's derived rows (reindex): the same writers, against the row already there. */
  private async writeDerived(tx: SqlTransaction, version: StoredVersion): Promise<void> {
    await this.runStatement(
      tx,
      version,
      true,
      (statement, fresh) =>
        `w AS (SELECT 1 FROM resource WHERE resource_type = ${statement.bind(version.resourceType)} AND id = ${statement.bind(version.id)} AND ${fresh}),
  h AS (SELECT 1 FROM w)`,
      (text, params) => tx.query<WriteOutcome>(text, params),
    );
  }

  /**
   * One statement for a version: every writer's derived rows around `versionCtes` (which define `w` and `h`), run by
   * `run`; built and run again when a cache a writer relied on turned out stale (nothing was written then).
   */
  private async runStatement(
    tx: SqlTransaction,
    version: StoredVersion,
    replace: boolean,
    versionCtes: (statement: WriteStatement, fresh: string) => string,
    run: (text: string, params: unknown[]) => Promise<WriteOutcome[]>,
  ): Promise<WriteOutcome> {
    for (let attempt = 1; ; attempt++) {
      const statement = new WriteStatement();
      for (const writer of this.options.indexWriters ?? []) await writer.prepare(tx, version, replace, statement);
      const fresh = statement.freshnessCondition();
      const [result] = await run(statement.text(versionCtes(statement, fresh), fresh), statement.params);
      if (statement.checkFresh(result.fresh)) return result;
      if (attempt >= MAX_ATTEMPTS) throw new Error('derived-row caches stayed stale');
    }
  }

  private afterWrite(ctx: RequestContext, pending: PendingCommit[], version: StoredVersion): void {
    const hooks = (this.options.hooks ?? []).filter((h) => h.afterCommit);
    if (hooks.length === 0) return;
    pending.push(async () => {
      for (const hook of hooks) await hook.afterCommit?.(ctx, version);
    });
  }
}

interface WriteOutcome {
  written: number;
  fresh: boolean;
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
