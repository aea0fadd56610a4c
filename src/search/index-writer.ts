// Writes a version's search index rows inside the resource's own transaction, in one SQL statement.
import type { SqlExecutor } from '../storage/drivers/driver.js';
import type { IndexWriter, StoredVersion } from '../storage/repository.js';
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

/** Builds one statement that deletes the old rows (for updates) and inserts the new ones, column arrays via unnest. */
export function indexStatement(version: StoredVersion, rows: IndexRows | undefined, replace: boolean): { text: string; params: unknown[] } | undefined {
  const params: unknown[] = [version.resourceType, version.id];
  const parts: string[] = [];
  INDEX_TABLES.forEach((spec, t) => {
    if (replace) parts.push(`d${t} AS (DELETE FROM ${spec.table} WHERE resource_type = $1 AND id = $2)`);
    const data = rows ? spec.rows(rows) : [];
    if (data.length === 0) return;
    const arrays = spec.columns.map((_, c) => {
      params.push(data.map((row) => (spec.types[c] === 'text' && typeof row[c] === 'string' ? clipForIndex(row[c] as string) : row[c])));
      return `$${params.length}::${spec.types[c]}[]`;
    });
    parts.push(`i${t} AS (INSERT INTO ${spec.table} (resource_type, id, ${spec.columns.join(', ')}) SELECT $1, $2, * FROM unnest(${arrays.join(', ')}))`);
  });
  if (parts.length === 0) return undefined;
  return { text: `WITH ${parts.join(',\n')} SELECT 1`, params };
}

export function searchIndexWriter(registry: SearchParameterRegistry): IndexWriter {
  return {
    async write(tx: SqlExecutor, version: StoredVersion, replace: boolean) {
      const params = await registry.current(tx);
      const rows = version.resource ? extractRows(version.resource, params.all(version.resourceType).values()) : undefined;
      const statement = indexStatement(version, rows, replace);
      if (statement) await tx.query(statement.text, statement.params);
    },
  };
}
