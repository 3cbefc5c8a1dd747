import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Database } from '../schema.ts';

export interface SubmittedRequest {
  tenantId: string;
  requestId: string;
  entryIds: string[];
  messageIds: Set<string>;
}

/**
 * Takes async requests due for a status check: their entries are moved forward in time so that
 * another instance does not check the same request at once. Answers the entries grouped by request.
 */
export async function claimSubmittedWriteback(
  db: Kysely<Database>,
  dialect: Dialect,
  claim: { now: number; recheckAt: number; limit: number },
): Promise<SubmittedRequest[]> {
  const due = db
    .selectFrom('writeback_queue')
    .select('id')
    .where('state', '=', 'submitted')
    .where('next_attempt_at', '<=', claim.now)
    .orderBy('next_attempt_at')
    .limit(claim.limit)
    .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
  const rows = await db
    .updateTable('writeback_queue')
    .set({ next_attempt_at: claim.recheckAt })
    .where('id', 'in', due)
    .returning(['id', 'tenant_id', 'request_id', 'message_id'])
    .execute();
  const byRequest = new Map<string, SubmittedRequest>();
  for (const row of rows) {
    const requestId = row.request_id ?? '';
    const request = byRequest.get(requestId) ?? { tenantId: row.tenant_id, requestId, entryIds: [], messageIds: new Set<string>() };
    request.entryIds.push(row.id);
    request.messageIds.add(row.message_id);
    byRequest.set(requestId, request);
  }
  return [...byRequest.values()];
}
