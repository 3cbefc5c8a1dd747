import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Every column that holds a value sealed by tenants/secret-box.ts, with its row id. */
export const SEALED_COLUMNS = [
  { table: 'tenants', column: 'sealed_secrets' },
  { table: 'infobip_accounts', column: 'sealed_api_key' },
] as const;

export type SealedColumn = (typeof SEALED_COLUMNS)[number];

/** One page of a sealed column's values, in id order after `afterId`. */
export async function selectSealedValues(db: Kysely<Database>, where: SealedColumn, afterId: string, limit: number): Promise<{ id: string; sealed: string }[]> {
  return (await db
    .selectFrom(where.table)
    .select(['id', `${where.column} as sealed`] as never)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute()) as unknown as { id: string; sealed: string }[];
}
