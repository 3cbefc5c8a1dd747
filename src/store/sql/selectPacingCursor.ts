import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** A paced flow's next free sending slot (epoch µs), 0 when it never sent. */
export async function selectPacingCursor(db: Kysely<Database>, flowKey: string): Promise<number> {
  const row = await db.selectFrom('pacing_cursors').select('next_slot_us').where('flow_key', '=', flowKey).executeTakeFirst();
  return row?.next_slot_us ?? 0;
}
