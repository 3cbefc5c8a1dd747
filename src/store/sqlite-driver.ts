import type SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect,
  type SqliteDialectConfig,
} from 'kysely';

/** How long a statement waits for another connection's write lock before its error is raised. */
const LOCK_WAIT_MS = 5_000;
/** Another connection holds the write lock, or is recovering the WAL after a crash. */
const RETRYABLE = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_RECOVERY']);

/**
 * Kysely's SQLite dialect, but a statement that finds the database locked by another connection
 * (the background thread's) waits asynchronously and tries again, instead of sleeping inside
 * SQLite's busy handler. A busy handler's sleep blocks the whole event loop: every execute on
 * the HTTP thread would stall behind one write of the dispatcher. The connection is opened with
 * busy_timeout = 0 so SQLite reports the lock at once.
 *
 * Only "busy" codes whose statement did not run are retried, so trying again is safe, inside a
 * transaction too. Transactions begin IMMEDIATE (they take the write lock at BEGIN): a deferred
 * one that read first could fail to upgrade with SQLITE_BUSY_SNAPSHOT, which no retry of the
 * statement can fix.
 */
export class AsyncRetrySqliteDialect extends SqliteDialect {
  readonly #database: SQLite.Database | { prepare(sql: string): SQLite.Statement; close(): void };

  constructor(config: SqliteDialectConfig & { database: { prepare(sql: string): SQLite.Statement; close(): void } }) {
    super(config);
    this.#database = config.database;
  }

  override createDriver(): Driver {
    return new RetryingDriver(this.#database);
  }
}

type StatementSource = { prepare(sql: string): SQLite.Statement; close(): void };

class RetryingDriver implements Driver {
  readonly #connection: RetryingConnection;
  readonly #database: StatementSource;
  /** SQLite has one connection here: callers queue for it (as Kysely's own driver does). */
  #queue: Promise<void> = Promise.resolve();

  constructor(database: StatementSource) {
    this.#database = database;
    this.#connection = new RetryingConnection(database);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const previous = this.#queue;
    this.#queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.#connection.release = release;
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    this.#connection.release?.();
  }

  async destroy(): Promise<void> {
    this.#database.close();
  }
}

/**
 * The parameters of one statement to run once per row, in order, as a single query
 * (store/per-row.ts): a group commit's rows then pass through Kysely's executor once, not once
 * each, which cost more than SQLite's own insert. Answers the rows every run returned, and the
 * rows every run changed.
 */
export class RowBatch {
  readonly parameterLists: readonly unknown[][];

  constructor(parameterLists: readonly unknown[][]) {
    this.parameterLists = parameterLists;
  }
}

class RetryingConnection implements DatabaseConnection {
  readonly #database: StatementSource;
  release: (() => void) | undefined;

  constructor(database: StatementSource) {
    this.#database = database;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.#database.prepare(compiled.sql);
    const [first] = compiled.parameters;
    const parameterLists = first instanceof RowBatch ? first.parameterLists : [compiled.parameters as unknown[]];
    const rows: R[] = [];
    let changes = 0;
    let lastInsertRowid: number | bigint = 0;
    // A lock wait resumes at the row it stopped on: the rows before it have run.
    let next = 0;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let waitMs = 1; ; waitMs = Math.min(waitMs * 2, 20)) {
      try {
        for (; next < parameterLists.length; next++) {
          if (statement.reader) rows.push(...(statement.all(parameterLists[next]) as R[]));
          else {
            const result = statement.run(parameterLists[next]);
            changes += result.changes;
            lastInsertRowid = result.lastInsertRowid;
          }
        }
        return statement.reader ? { rows } : { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
      } catch (error) {
        if (!RETRYABLE.has((error as { code?: string }).code ?? '') || Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  async *streamQuery(): AsyncIterableIterator<QueryResult<never>> {
    throw new Error('streaming is not used with SQLite here');
  }
}
