import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { literalState } from './message-states.ts';

/** The spacing (µs) of a flow's sending speed limit, read from one of its queued messages; null when unlimited. */
export async function selectFlowPace(db: Kysely<Database>, flowKey: string): Promise<number | null> {
  const row = await db
    .selectFrom('messages')
    .select('pace_interval_us')
    .where('state', '=', literalState('queued'))
    .where('flow_key', '=', flowKey)
    .limit(1)
    .executeTakeFirst();
  return row?.pace_interval_us ?? null;
}
