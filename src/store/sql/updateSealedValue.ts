import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { SealedColumn } from './selectSealedValues.ts';

/**
 * Replaces one sealed value, only if it is still the one that was read: a concurrent update by a
 * running instance (an admin change) wins, and the next reseal run picks that value up.
 */
export async function updateSealedValue(db: Kysely<Database>, where: SealedColumn, id: string, from: string, to: string): Promise<boolean> {
  const result = await db
    .updateTable(where.table)
    .set({ [where.column]: to } as never)
    .where('id', '=', id)
    .where(where.column as never, '=', from as never)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
