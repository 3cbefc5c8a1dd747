import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Flows (tenant, journey version, activity) with queued messages, up to `limit`, in key order
 * from just after `after` (so a long list is visited in turns). A loose index scan: each step
 * seeks the next key in the (state, flow_key, …) index, so a flow with a million queued messages
 * costs one seek, not a million rows.
 */
export async function listQueuedFlows(db: Kysely<Database>, after: string, limit: number): Promise<string[]> {
  const { rows } = await sql<{ flow_key: string }>`
    with recursive flows(flow_key, n) as (
      select (select min(flow_key) from messages where state = 'queued' and flow_key > ${after}), 1
      union all
      select (select min(m.flow_key) from messages m where m.state = 'queued' and m.flow_key > flows.flow_key), n + 1
      from flows where flows.flow_key is not null and n < ${limit}
    )
    select flow_key from flows where flow_key is not null`.execute(db);
  return rows.map((r) => r.flow_key);
}
