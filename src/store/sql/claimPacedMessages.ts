import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Database } from '../schema.ts';
import { type ClaimedMessage, claimFlowMessages, type FlowClaim } from './claimFlowMessages.ts';

export interface PacedMessage {
  row: ClaimedMessage;
  /** Its sending slot, epoch ms (fractional). */
  slotAt: number;
}

export type PacedClaim =
  | { owned: true; messages: PacedMessage[]; /** The flow's next free slot, epoch ms. */ nextSlotAt: number }
  /** Another instance sends this flow until `until` (epoch ms), unless it lets go sooner. */
  | { owned: false; until: number };

/**
 * Claims a paced flow's messages together with their sending slots, in one transaction that
 * holds the flow's pacing cursor: slots are `interval` apart and run no further than `horizonMs`
 * ahead, so every instance together keeps the pace. The cursor never starts before now: after a
 * restart, a pause or a quiet-hours window, a backlog due long ago is spread from now on, not
 * sent in a burst.
 *
 * One instance at a time sends a flow: a claim that takes slots makes its instance the flow's
 * owner for `ownershipMs`, and other instances claim nothing of it meanwhile. Shared slots alone
 * keep the rate, but not the burst bound: an instance that falls behind (its event loop busy, its
 * request slow) sends its late slots on top of another instance's punctual ones, and only the
 * instance that sends everything of a flow can hold its trailing-second window.
 */
export async function claimPacedMessages(
  db: Kysely<Database>,
  dialect: Dialect,
  claim: FlowClaim & { intervalUs: number; horizonMs: number; ownershipMs: number },
): Promise<PacedClaim> {
  return db.transaction().execute(async (trx) => {
    await trx.insertInto('pacing_cursors').values({ flow_key: claim.flowKey, next_slot_us: 0 }).onConflict((oc) => oc.column('flow_key').doNothing()).execute();
    const cursor = await trx
      .selectFrom('pacing_cursors')
      .select(['next_slot_us', 'owner', 'owned_until'])
      .where('flow_key', '=', claim.flowKey)
      .$if(dialect === 'postgres', (qb) => qb.forUpdate())
      .executeTakeFirstOrThrow();
    if (cursor.owner !== null && cursor.owner !== claim.owner && cursor.owned_until > claim.now) return { owned: false, until: cursor.owned_until };
    const nowUs = claim.now * 1000;
    const start = Math.max(cursor.next_slot_us, nowUs);
    const free = Math.floor((nowUs + claim.horizonMs * 1000 - start) / claim.intervalUs) + 1;
    if (free <= 0) return { owned: true, messages: [], nextSlotAt: start / 1000 };
    const rows = await claimFlowMessages(trx, dialect, { ...claim, limit: Math.min(free, claim.limit) });
    if (rows.length === 0) return { owned: true, messages: [], nextSlotAt: start / 1000 };
    const next = start + rows.length * claim.intervalUs;
    await trx
      .updateTable('pacing_cursors')
      .set({ next_slot_us: next, owner: claim.owner, owned_until: claim.now + claim.ownershipMs })
      .where('flow_key', '=', claim.flowKey)
      .execute();
    return { owned: true, messages: rows.map((row, i) => ({ row, slotAt: (start + i * claim.intervalUs) / 1000 })), nextSlotAt: next / 1000 };
  });
}
