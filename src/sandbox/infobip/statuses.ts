// Status and error objects the simulator reports. Ids, names and groups come from Infobip's
// status/error code registry (infobip.md §4.2–4.3); where the spec's own examples show the exact
// object (PENDING_ACCEPTED, PENDING_ENROUTE, DELIVERED_TO_HANDSET, NO_ERROR,
// UNDELIVERABLE_NOT_DELIVERED) the wording is copied from there, and a test keeps them in sync.
import type { DeliveryOutcome } from './types.ts';

export interface MessageStatus {
  groupId: number;
  groupName: 'ACCEPTED' | 'PENDING' | 'UNDELIVERABLE' | 'DELIVERED' | 'EXPIRED' | 'REJECTED';
  id: number;
  name: string;
  description: string;
}

export interface MessageError {
  groupId: number;
  groupName: 'OK' | 'HANDSET_ERRORS' | 'USER_ERRORS' | 'OPERATOR_ERRORS';
  id: number;
  name: string;
  description: string;
  /** true ⇒ retrying the message can never succeed. */
  permanent: boolean;
}

/** What POST /sms/3/messages answers for every accepted destination. */
export const PENDING_ACCEPTED: MessageStatus = {
  groupId: 1, groupName: 'PENDING', id: 26, name: 'PENDING_ACCEPTED', description: 'Message sent to next instance',
};

export const NO_ERROR: MessageError = {
  groupId: 0, groupName: 'OK', id: 0, name: 'NO_ERROR', description: 'No Error', permanent: false,
};

/** Final status + error per outcome of the delivery-outcome mix. */
export const FINAL: Record<DeliveryOutcome, { status: MessageStatus; error: MessageError }> = {
  delivered: {
    status: { groupId: 3, groupName: 'DELIVERED', id: 5, name: 'DELIVERED_TO_HANDSET', description: 'Message delivered to handset' },
    error: NO_ERROR,
  },
  undeliverable: {
    status: { groupId: 2, groupName: 'UNDELIVERABLE', id: 9, name: 'UNDELIVERABLE_NOT_DELIVERED', description: 'Message sent not delivered' },
    error: { groupId: 1, groupName: 'HANDSET_ERRORS', id: 1, name: 'EC_UNKNOWN_SUBSCRIBER', description: 'Unknown Subscriber', permanent: true },
  },
  expired: {
    status: { groupId: 4, groupName: 'EXPIRED', id: 15, name: 'EXPIRED_EXPIRED', description: 'Message expired' },
    error: { groupId: 1, groupName: 'HANDSET_ERRORS', id: 27, name: 'EC_ABSENT_SUBSCRIBER', description: 'Absent Subscriber', permanent: false },
  },
  rejected: {
    status: { groupId: 5, groupName: 'REJECTED', id: 6, name: 'REJECTED_NETWORK', description: 'Network is forbidden' },
    error: { groupId: 3, groupName: 'OPERATOR_ERRORS', id: 345, name: 'EC_OPERATOR_NOT_FOUND', description: 'Operator not found', permanent: true },
  },
};

/**
 * Non-final status used for intermediate reports (requested with `intermediateReport: true`, or
 * sent late by the reorder fault): a message that ends up delivered passes DELIVERED_TO_OPERATOR,
 * the others are still PENDING_ENROUTE at that point.
 */
export function intermediateStatus(outcome: DeliveryOutcome): MessageStatus {
  return outcome === 'delivered'
    ? { groupId: 3, groupName: 'DELIVERED', id: 2, name: 'DELIVERED_TO_OPERATOR', description: 'Message delivered to operator' }
    : { groupId: 1, groupName: 'PENDING', id: 7, name: 'PENDING_ENROUTE', description: 'Message sent to next instance' };
}

/** Price of one SMS part in EUR; rejected messages are not charged. */
export function pricePerMessage(outcome: DeliveryOutcome): number {
  return outcome === 'rejected' ? 0 : 0.01;
}
