// Writes a version's search index rows inside the resource's own transaction, in one SQL statement.
import type { SqlExecutor } from '../storage/drivers/driver.js';
import type { IndexWriter, StoredVersion } from '../storage/repository.js';
import type { WriteStatementBuilder } from '../storage/sql/write-statement.js';
import { extractRows, type IndexRows } from './extract.js';
import { clipForIndex } from './normalize.js';
import type { SearchParameterRegistry } from './parameters.js';

interface TableSpec {
  table: string;
  columns: string[];
  types: string[];
  rows: (r: IndexRows) => unknown[][];
}

export const INDEX_TABLES: TableSpec[] = [
  { table: 'idx_token', columns: ['param', 'system', 'code', 'text_norm'], types: ['text', 'text', 'text', 'text'], rows: (r) => r.token },
  { table: 'idx_string', columns: ['param', 'value_norm', 'value_raw'], types: ['text', 'text', 'text'], rows: (r) => r.string },
  {
    table: 'idx_reference',
    columns: ['param', 'target_type', 'target_id', 'target_url', 'ident_system', 'ident_value'],
    types: ['text', 'text', 'text', 'text', 'text', 'text'],
    rows: (r) => r.reference,
  },
  { table: 'idx_date', columns: ['param', 'low', 'high'], types: ['text', 'timestamptz', 'timestamptz'], rows: (r) => r.date },
  { table: 'idx_number', columns: ['param', 'value'], types: ['text', 'numeric'], rows: (r) => r.number },
  { table: 'idx_quantity', columns: ['param', 'value', 'system', 'code', 'unit'], types: ['text', 'numeric', 'text', 'text', 'text'], rows: (r) => r.quantity },
  { table: 'idx_uri', columns: ['param', 'value'], types: ['text', 'text'], rows: (r) => r.uri },
  {
    table: 'idx_composite',
    columns: ['param', 'system1', 'code1', 'system2', 'code2', 'number2', 'low2', 'high2', 'text2'],
    types: ['text', 'text', 'text', 'text', 'text', 'numeric', 'timestamptz', 'timestamptz', 'text'],
    rows: (r) => r.composite,
  },
];

/** Adds the CTEs that delete the old rows (for updates) and insert the new ones, column arrays via unnest. */
export function addIndexRows(statement: WriteStatementBuilder, version: StoredVersion, rows: IndexRows | undefined, replace: boolean): void {
  // Bound on first use: a parameter no part of the statement refers to has no type, which PostgreSQL refuses.
  let key: { type: string; id: string } | undefined;
  const owner = () => (key ??= { type: statement.bind(version.resourceType), id: statement.bind(version.id) });
  for (const spec of INDEX_TABLES) {
    if (replace) statement.cte(`DELETE FROM ${spec.table} WHERE resource_type = ${owner().type} AND id = ${owner().id} AND ${statement.written}`);
    const data = rows ? spec.rows(rows) : [];
    if (data.length === 0) continue;
    const { type, id } = owner();
    const arrays = spec.columns.map((_, c) => {
      const values = data.map((row) => (spec.types[c] === 'text' && typeof row[c] === 'string' ? clipForIndex(row[c] as string) : row[c]));
      return `${statement.bind(values)}::${spec.types[c]}[]`;
    });
    statement.cte(`INSERT INTO ${spec.table} (resource_type, id, ${spec.columns.join(', ')}) SELECT ${type}::text, ${id}::text, * FROM unnest(${arrays.join(', ')}) WHERE ${statement.written}`);
  }
}

export function searchIndexWriter(registry: SearchParameterRegistry): IndexWriter {
  return {
    async prepare(db: SqlExecutor, version: StoredVersion, replace: boolean, statement: WriteStatementBuilder) {
      const { version: generation, index } = await registry.cached(db);
      // Rows extracted with a stale parameter set must not be written: the statement checks the generation.
      statement.requireCacheVersion('SearchParameter', generation, () => registry.invalidate());
      const rows = version.resource ? extractRows(version.resource, index.all(version.resourceType).values()) : undefined;
      addIndexRows(statement, version, rows, replace);
    },
  };
}
