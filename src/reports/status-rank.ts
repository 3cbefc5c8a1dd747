/**
 * Reports of one message arrive duplicated and out of order. Each gets a rank; a report only
 * replaces the stored one when its rank is higher, so statuses only move forward and a final
 * status is never replaced by an earlier, non-final one.
 */
const PENDING_RANK = 1;
const DELIVERED_TO_OPERATOR_RANK = 2;
const FINAL_RANK = 3;

/** Infobip status groups (response-status-and-error-codes): 1 PENDING, 2 UNDELIVERABLE, 3 DELIVERED, 4 EXPIRED, 5 REJECTED. */
const FINAL_GROUPS = new Set([2, 3, 4, 5]);
/** DELIVERED_TO_OPERATOR: in the DELIVERED group, but a handset report may still follow. */
const DELIVERED_TO_OPERATOR_ID = 2;

export function statusRank(status: { groupId: number; id: number }): number {
  if (status.groupId === 3 && status.id === DELIVERED_TO_OPERATOR_ID) return DELIVERED_TO_OPERATOR_RANK;
  return FINAL_GROUPS.has(status.groupId) ? FINAL_RANK : PENDING_RANK;
}
