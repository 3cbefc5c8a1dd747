import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Database } from '../schema.ts';
import { type ClaimedMessage, claimFlowMessages, type FlowClaim } from './claimFlowMessages.ts';

export interface PacedMessage {
  row: ClaimedMessage;
  /** Its sending slot, epoch ms (fractional). */
  slotAt: number;
}

/**
 * Claims a paced flow's messages together with their sending slots, in one transaction that
 * holds the flow's pacing cursor: slots are `interval` apart and run no further than `horizonMs`
 * ahead, so every instance together keeps the pace. The cursor never starts before now: after a
 * restart, a pause or a quiet-hours window, a backlog due long ago is spread from now on, not
 * sent in a burst. Also answers the flow's next free slot (epoch ms).
 */
export async function claimPacedMessages(
  db: Kysely<Database>,
  dialect: Dialect,
  claim: FlowClaim & { intervalUs: number; horizonMs: number },
): Promise<{ messages: PacedMessage[]; nextSlotAt: number }> {
  return db.transaction().execute(async (trx) => {
    await trx.insertInto('pacing_cursors').values({ flow_key: claim.flowKey, next_slot_us: 0 }).onConflict((oc) => oc.column('flow_key').doNothing()).execute();
    const cursor = await trx
      .selectFrom('pacing_cursors')
      .select('next_slot_us')
      .where('flow_key', '=', claim.flowKey)
      .$if(dialect === 'postgres', (qb) => qb.forUpdate())
      .executeTakeFirstOrThrow();
    const nowUs = claim.now * 1000;
    const start = Math.max(cursor.next_slot_us, nowUs);
    const free = Math.floor((nowUs + claim.horizonMs * 1000 - start) / claim.intervalUs) + 1;
    if (free <= 0) return { messages: [], nextSlotAt: start / 1000 };
    const rows = await claimFlowMessages(trx, dialect, { ...claim, limit: Math.min(free, claim.limit) });
    if (rows.length === 0) return { messages: [], nextSlotAt: start / 1000 };
    const next = start + rows.length * claim.intervalUs;
    await trx.updateTable('pacing_cursors').set({ next_slot_us: next }).where('flow_key', '=', claim.flowKey).execute();
    return { messages: rows.map((row, i) => ({ row, slotAt: (start + i * claim.intervalUs) / 1000 })), nextSlotAt: next / 1000 };
  });
}
