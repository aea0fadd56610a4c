// A tiny parameter collector for building search SQL: every user value becomes $n, never text in the query.
export class SqlParams {
  readonly values: unknown[] = [];
  private aliasCounter = 0;

  /** Adds a value and returns its placeholder, with an optional cast. */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }

  /** A fresh table alias, so nested subqueries never collide. */
  alias(prefix: string): string {
    return `${prefix}${++this.aliasCounter}`;
  }
}

/** The resource being filtered: its SQL alias and its type (a constant, or the alias's column for multi-type search). */
export interface Target {
  alias: string;
  /** SQL expression for the resource type (a placeholder or `${alias}.resource_type`). */
  typeSql: string;
  /** The resource type(s) this target can be. */
  types: string[];
}

export function or(parts: string[]): string {
  if (parts.length === 0) return 'FALSE';
  return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
}

export function and(parts: string[]): string {
  if (parts.length === 0) return 'TRUE';
  return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
}

/** EXISTS over one index table's rows for the target resource and parameter. */
export function existsIn(sql: SqlParams, target: Target, table: string, param: string, condition: (a: string) => string): string {
  const a = sql.alias('x');
  return `EXISTS (SELECT 1 FROM ${table} ${a} WHERE ${a}.resource_type = ${target.typeSql} AND ${a}.id = ${target.alias}.id AND ${a}.param = ${sql.add(param)} AND ${condition(a)})`;
}

export function unescapeValue(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}
