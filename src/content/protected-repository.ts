// The API's repository: refuses writes to resources loaded from content files (unless content is writable) and carries the conformance cache.
import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { FhirError, issue, outcome } from '../fhir/errors.js';
import type { QueryHints } from '../storage/drivers/driver.js';
import type { HistoryQuery, Repository, WriteOptions } from '../storage/repository.js';
import { contentTag } from './content-tag.js';
import type { ConformanceCacheHolder, VersionedCache } from './versioned-cache.js';

export interface ContentProtection {
  /** Resource types that content files hold: only their writes need a look at the stored version. */
  types: ReadonlySet<string>;
  /** CONTENT_WRITABLE: loaded resources may be changed through the API. */
  writable: boolean;
}

function readOnly(type: string, id: string, file: string | undefined): FhirError {
  const from = file ? ` from ${file}` : '';
  return new FhirError(403, outcome([issue('forbidden', `${type}/${id} is conformance content loaded${from} and is read-only; set CONTENT_WRITABLE=true to change it through the API`, `${type}/${id}`)]));
}

export class ProtectedRepository implements Repository, ConformanceCacheHolder {
  constructor(
    private readonly inner: Repository,
    private readonly protection: ContentProtection,
    readonly conformanceCache: VersionedCache,
  ) {}

  private async guard(ctx: RequestContext, type: string, id: string): Promise<void> {
    if (this.protection.writable || !this.protection.types.has(type)) return;
    const current = await this.inner.readCurrent(ctx, type, id);
    const tag = current && !current.deleted ? contentTag(current.resource) : undefined;
    if (tag) throw readOnly(type, id, tag.display);
  }

  async create<T extends Resource>(ctx: RequestContext, resource: T, options?: WriteOptions): Promise<T> {
    if (options?.id !== undefined) await this.guard(ctx, resource.resourceType, options.id);
    return this.inner.create(ctx, resource, options);
  }

  async update(ctx: RequestContext, resource: Resource, options?: WriteOptions) {
    await this.guard(ctx, resource.resourceType, resource.id as string);
    return this.inner.update(ctx, resource, options);
  }

  async delete(ctx: RequestContext, resourceType: string, id: string, options?: WriteOptions) {
    await this.guard(ctx, resourceType, id);
    return this.inner.delete(ctx, resourceType, id, options);
  }

  read(ctx: RequestContext, resourceType: string, id: string) {
    return this.inner.read(ctx, resourceType, id);
  }

  readCurrent(ctx: RequestContext, resourceType: string, id: string) {
    return this.inner.readCurrent(ctx, resourceType, id);
  }

  readVersion(ctx: RequestContext, resourceType: string, id: string, versionId: string) {
    return this.inner.readVersion(ctx, resourceType, id, versionId);
  }

  history(ctx: RequestContext, query: HistoryQuery) {
    return this.inner.history(ctx, query);
  }

  reindex(ctx: RequestContext, resourceType: string, options: { afterId?: string; id?: string; limit: number }) {
    return this.inner.reindex(ctx, resourceType, options);
  }

  select<R = Record<string, unknown>>(ctx: RequestContext, text: string, params: unknown[], hints?: QueryHints) {
    return this.inner.select<R>(ctx, text, params, hints);
  }

  transaction<T>(ctx: RequestContext, fn: (repo: Repository) => Promise<T>): Promise<T> {
    return this.inner.transaction(ctx, (tx) => fn(new ProtectedRepository(tx, this.protection, this.conformanceCache)));
  }
}
