// One SQL statement per resource write: the resource row, its history row, derived rows and cache guards, so a
// write costs one round trip and, when nothing else ran in its transaction, needs no BEGIN/COMMIT at all.

/** What a derived-row writer adds to the statement; everything it adds runs only if the resource row was written. */
export interface WriteStatementBuilder {
  /** A positional parameter for `value`, e.g. `$7`. */
  bind(value: unknown): string;
  /** A data-modifying CTE body; use `written` in its WHERE clause so it only acts when the version was written. */
  cte(sql: string): void;
  /** SQL condition that is true when the resource version row was written by this statement. */
  readonly written: string;
  /**
   * The write only happens if the cache_version counter `name` still equals `version` (the value the writer's cached
   * derivation was built from); otherwise nothing is written and `onStale` runs before the write is retried.
   */
  requireCacheVersion(name: string, version: number, onStale: () => void): void;
}

interface CacheRequirement {
  name: string;
  version: number;
  onStale: () => void;
}

export class WriteStatement implements WriteStatementBuilder {
  readonly params: unknown[] = [];
  private readonly ctes: string[] = [];
  private readonly requirements: CacheRequirement[] = [];
  readonly written = 'EXISTS (SELECT 1 FROM w)';

  bind(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  cte(sql: string): void {
    this.ctes.push(sql);
  }

  requireCacheVersion(name: string, version: number, onStale: () => void): void {
    this.requirements.push({ name, version, onStale });
  }

  /** The condition the resource row write must carry, so that nothing is written against a stale cache. */
  freshnessCondition(): string {
    if (this.requirements.length === 0) return 'true';
    return this.requirements
      .map((r) => `coalesce((SELECT version FROM cache_version WHERE name = ${this.bind(r.name)}), 0) = ${this.bind(r.version)}`)
      .join(' AND ');
  }

  /**
   * The full statement around `versionCte` (which must define CTE `w`, the written resource row, and `h`, its history
   * row). Its single result row says whether the version was written and whether the caches were still current.
   */
  text(versionCtes: string, fresh: string): string {
    const derived = this.ctes.map((sql, i) => `,\n d${i} AS (${sql})`).join('');
    return `WITH ${versionCtes}${derived}\nSELECT (SELECT count(*) FROM h)::int AS written, (${fresh}) AS fresh`;
  }

  /** Runs the stale callbacks; true when the outcome says the caches were stale. */
  checkFresh(fresh: boolean): boolean {
    if (fresh) return true;
    for (const r of this.requirements) r.onStale();
    return false;
  }
}
