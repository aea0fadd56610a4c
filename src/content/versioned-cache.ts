// A per-server cache of values derived from conformance resources, refreshed whenever any process writes one of them.
import type { RequestContext } from '../context.js';
import type { Repository } from '../storage/repository.js';

/** Signatures kept at once: a transaction that wrote conformance resources sees its own, uncommitted signature. */
const MAX_GENERATIONS = 4;

/**
 * The cross-process signal is the storage cache_version row of each watched resource type, bumped in the same
 * transaction as the write. The signature includes each row's xmin (the writing transaction), so values built
 * from a write that later rolled back can never be mistaken for those of a different write with the same counter.
 * Reading it is one indexed query, so every use checks it.
 */
export class VersionedCache {
  private readonly generations = new Map<string, Map<string, Promise<unknown>>>();

  constructor(private readonly types: string[]) {}

  /** Makes sure the cache reflects the conformance resources this repository sees, then returns a memoiser bound to them. */
  async scope(repo: Repository, ctx: RequestContext): Promise<CacheScope> {
    const rows = await repo.select<{ name: string; version: string; xmin: string }>(
      ctx,
      'SELECT name, version::text AS version, xmin::text AS xmin FROM cache_version WHERE name = ANY($1) ORDER BY name',
      [this.types],
      { prepared: true },
    );
    const signature = rows.map((r) => `${r.name}:${r.version}:${r.xmin}`).join(',');
    const values = this.generations.get(signature) ?? new Map<string, Promise<unknown>>();
    // Least recently used first: re-inserting moves this generation to the end.
    this.generations.delete(signature);
    this.generations.set(signature, values);
    if (this.generations.size > MAX_GENERATIONS) this.generations.delete(this.generations.keys().next().value as string);
    const bound = values;
    return {
      memo<T>(key: string, load: () => Promise<T>): Promise<T> {
        let value = bound.get(key) as Promise<T> | undefined;
        if (!value) {
          value = load();
          bound.set(key, value);
          // A failed load is not kept: the next call tries again.
          value.catch(() => bound.get(key) === value && bound.delete(key));
        }
        return value;
      },
    };
  }
}

export interface CacheScope {
  memo<T>(key: string, load: () => Promise<T>): Promise<T>;
}

/** Conformance resource types whose writes refresh derived values (terminology, compiled profiles). */
export const CONFORMANCE_TYPES = ['CodeSystem', 'StructureDefinition', 'ValueSet'];

/** A repository that carries its server's conformance cache (the API repository does; see content/guarded-repository). */
export interface ConformanceCacheHolder {
  readonly conformanceCache: VersionedCache;
}

const looseCaches = new WeakMap<object, VersionedCache>();

/** The server's conformance cache for this repository, or one private to the repository object when it carries none. */
export function conformanceCacheOf(repo: Repository): VersionedCache {
  const held = (repo as Partial<ConformanceCacheHolder>).conformanceCache;
  if (held) return held;
  let cache = looseCaches.get(repo);
  if (!cache) {
    cache = new VersionedCache(CONFORMANCE_TYPES);
    looseCaches.set(repo, cache);
  }
  return cache;
}
