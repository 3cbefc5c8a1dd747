import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Lets go of the paced flows an instance sends (claimPacedMessages), so another takes them at once. */
export async function releasePacedFlows(db: Kysely<Database>, owner: string): Promise<void> {
  await db.updateTable('pacing_cursors').set({ owned_until: 0 }).where('owner', '=', owner).execute();
}
