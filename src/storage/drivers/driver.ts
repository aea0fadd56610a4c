// The thin contract both database drivers implement; all SQL lives outside the drivers.

export interface SqlExecutor {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface SqlDriver extends SqlExecutor {
  readonly name: 'postgres' | 'pglite';
  /** Runs fn inside BEGIN/COMMIT on one connection; any throw rolls back and rethrows. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** SQLSTATE of a database error, when it has one. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
