// Cross-process cache invalidation: a per-name counter bumped in the same transaction as the write it reflects.
import type { SqlExecutor } from './drivers/driver.js';
import type { IndexWriter, StoredVersion } from './repository.js';
import type { WriteStatementBuilder } from './sql/write-statement.js';

/** Resource types whose writes invalidate derived caches (search parameters, profiles, terminology, rules). */
export const WATCHED_TYPES = new Set(['SearchParameter', 'StructureDefinition', 'ValueSet', 'CodeSystem', 'ConceptMap', 'Group', 'PlanDefinition', 'OperationDefinition', 'Library']);

/** The current counter for a name (0 when never bumped); one primary-key lookup. */
export async function readCacheVersion(db: SqlExecutor, name: string): Promise<number> {
  const rows = await db.query<{ version: string }>('SELECT version::text AS version FROM cache_version WHERE name = $1', [name], { prepared: true });
  return rows[0] ? Number(rows[0].version) : 0;
}

export const cacheVersionWriter: IndexWriter = {
  async prepare(_db: SqlExecutor, version: StoredVersion, _replace: boolean, statement: WriteStatementBuilder) {
    if (!WATCHED_TYPES.has(version.resourceType)) return;
    statement.cte(`INSERT INTO cache_version (name, version) SELECT ${statement.bind(version.resourceType)}::text, 1 WHERE ${statement.written}
      ON CONFLICT (name) DO UPDATE SET version = cache_version.version + 1`);
  },
};
