import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** Names of the statements PostgreSQL keeps prepared, by their text. */
const names = new Map<string, string>();

/**
 * Marks a statement whose text never changes as one each connection prepares once. PostgreSQL
 * parses and plans an unnamed statement on every run: for the group commit's insert that was a
 * quarter of the server's CPU per row at 10-row groups, a sixth at 25. Only constant texts belong
 * here: each one stays prepared on every pooled connection for its life.
 */
export function keepPrepared(text: string): string {
  if (!names.has(text)) names.set(text, `mc_relay_${names.size + 1}`);
  return text;
}

/** Kysely's view of a pg pool, with the statements `keepPrepared` marked sent as named ones. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      const client = await pool.connect();
      const wrapped = {
        query(sqlOrCursor: unknown, parameters?: ReadonlyArray<unknown>) {
          const name = typeof sqlOrCursor === 'string' ? names.get(sqlOrCursor) : undefined;
          if (name) return client.query({ name, text: sqlOrCursor as string, values: [...(parameters ?? [])] });
          return (client.query as (...args: unknown[]) => unknown)(sqlOrCursor, parameters);
        },
        release: (destroy?: boolean) => client.release(destroy),
      };
      return wrapped as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}
