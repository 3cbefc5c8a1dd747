import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

/** Moves a paced flow's next free slot later by `delayUs`: every instance's next claims start later. */
export async function delayPacingCursor(db: Kysely<Database>, flowKey: string, delayUs: number): Promise<void> {
  await db
    .updateTable('pacing_cursors')
    .set({ next_slot_us: sql`next_slot_us + ${Math.round(delayUs)}` })
    .where('flow_key', '=', flowKey)
    .execute();
}
