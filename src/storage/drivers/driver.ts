// The thin contract both database drivers implement; all SQL lives outside the drivers.

export interface SqlExecutor {
  query<R = Record<string, unknown>>(text: string, params?: unknown[], hints?: QueryHints): Promise<R[]>;
}

export interface QueryHints {
  /**
   * The statement's text recurs with other values (a write of a given shape, a read by id): a driver that can keeps
   * it prepared on each connection, so PostgreSQL plans it once per connection rather than on every execution
   * (planning a write statement costs about three times executing it). Never for searches, whose best plan depends
   * on the values.
   */
  prepared?: boolean;
}

/**
 * A transaction that begins lazily: BEGIN is sent with its first query, so a transaction whose only statement is
 * its `finish` runs that statement alone (a single statement is atomic) and skips the BEGIN and COMMIT round trips.
 */
export interface SqlTransaction extends SqlExecutor {
  /**
   * Runs the transaction's last statement. Only when it ran alone and wrote nothing (a guard failed) may more
   * statements follow; they then start the transaction afresh.
   */
  finish<R = Record<string, unknown>>(text: string, params?: unknown[], hints?: QueryHints): Promise<R[]>;
}

export interface SqlDriver extends SqlExecutor {
  readonly name: 'postgres' | 'pglite';
  /** Runs fn inside one transaction on one connection (begun lazily); any throw rolls back and rethrows. */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** SQLSTATE of a database error, when it has one. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The lazy-begin bookkeeping shared by both drivers: `open` starts the real transaction (on the first query),
 * `alone` runs a statement outside any transaction (when `finish` comes first).
 */
export function lazyTransaction(open: () => Promise<SqlExecutor>, alone: SqlExecutor): { tx: SqlTransaction; opened: () => Promise<SqlExecutor> | undefined } {
  let opened: Promise<SqlExecutor> | undefined;
  const inTransaction = (): Promise<SqlExecutor> => (opened ??= open().then(oneAtATime));
  const tx: SqlTransaction = {
    async query<R>(text: string, params?: unknown[], hints?: QueryHints) {
      return (await inTransaction()).query<R>(text, params, hints);
    },
    async finish<R>(text: string, params?: unknown[], hints?: QueryHints) {
      return (opened ? await opened : alone).query<R>(text, params, hints);
    },
  };
  return { tx, opened: () => opened };
}

/**
 * A transaction's connection runs one statement at a time; callers that issue several at once (Promise.all over
 * look-ups) are queued here in call order rather than relying on the client library to queue them for us.
 */
function oneAtATime(executor: SqlExecutor): SqlExecutor {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    query<R>(text: string, params?: unknown[], hints?: QueryHints): Promise<R[]> {
      const run = tail.then(() => executor.query<R>(text, params, hints));
      tail = run.catch(() => undefined);
      return run;
    },
  };
}
