import type { Violation } from '../infobip/api-error.ts';
import type { DeliveryReport } from './report.ts';

/**
 * Reports the connector writes itself when Infobip will never report on a message. They use
 * Infobip's REJECTED group so a decision split checking "statusName begins with REJECTED" (the
 * guide's advice) routes them correctly; the names are ours and documented in the README.
 */
export function rejectedByInfobipReport(messageId: string, httpStatus: number, description: string, violations: Violation[]): DeliveryReport {
  const detail = [description, ...violations.map((v) => `${v.property}: ${v.violation}`)].join('; ');
  return {
    messageId,
    status: { groupId: 5, groupName: 'REJECTED', id: 0, name: 'REJECTED_INVALID_REQUEST', description: `Infobip refused the request (HTTP ${httpStatus})` },
    error: { groupId: 2, groupName: 'USER_ERRORS', id: httpStatus, name: 'EC_REQUEST_REFUSED', description: detail, permanent: true },
    doneAt: new Date().toISOString(),
  };
}

/** A message whose custom data extension has no row for the contact, or lacks a merge field. */
export function dataExtensionRowMissingReport(messageId: string, reason: 'row' | 'field', detail: string): DeliveryReport {
  return {
    messageId,
    status: {
      groupId: 5,
      groupName: 'REJECTED',
      id: 0,
      name: reason === 'row' ? 'REJECTED_DATA_EXTENSION_ROW_NOT_FOUND' : 'REJECTED_MERGE_FIELD_MISSING',
      description: 'Not sent: the custom data extension could not fill the message',
    },
    error: { groupId: 2, groupName: 'USER_ERRORS', id: 0, name: 'EC_CUSTOM_DATA_EXTENSION', description: detail, permanent: true },
    doneAt: new Date().toISOString(),
  };
}

/** Why a waiting message was cancelled: its journey version stopped or unpublished, or the operator's admin call. */
export type CancelReason = 'JOURNEY_STOPPED' | 'JOURNEY_UNPUBLISHED' | 'CANCELLED_BY_OPERATOR';

const cancelDescriptions: Record<CancelReason, string> = {
  JOURNEY_STOPPED: 'the journey version was stopped before the message was sent',
  JOURNEY_UNPUBLISHED: 'the journey version was unpublished before the message was sent',
  CANCELLED_BY_OPERATOR: "cancelled through the operator's admin API before it was sent",
};

/** A message that was waiting (speed limit, quiet hours, retry) when its journey stopped: never sent. */
export function cancelledReport(messageId: string, reason: CancelReason): DeliveryReport {
  return {
    messageId,
    status: { groupId: 5, groupName: 'REJECTED', id: 0, name: 'REJECTED_CANCELLED', description: 'Not sent: cancelled while waiting to be sent' },
    error: { groupId: 2, groupName: 'USER_ERRORS', id: 0, name: `EC_${reason}`, description: cancelDescriptions[reason], permanent: true },
    doneAt: new Date().toISOString(),
  };
}

/** A message not sent within its validity period (Infobip's default 48 h): expired, never sent late. */
export function expiredUnsentReport(messageId: string): DeliveryReport {
  return {
    messageId,
    status: { groupId: 4, groupName: 'EXPIRED', id: 0, name: 'EXPIRED_NOT_SENT', description: 'Not sent within its validity period' },
    error: { groupId: 2, groupName: 'USER_ERRORS', id: 0, name: 'EC_VALIDITY_PERIOD_PASSED', description: 'the validity period ran out while the message waited to be sent', permanent: true },
    doneAt: new Date().toISOString(),
  };
}

/** A message outside its activity's quiet hours whose activity chose "skip and report". */
export function quietHoursSkippedReport(messageId: string): DeliveryReport {
  return {
    messageId,
    status: { groupId: 5, groupName: 'REJECTED', id: 0, name: 'REJECTED_QUIET_HOURS', description: "Not sent: outside the activity's send window in the recipient's time" },
    error: { groupId: 2, groupName: 'USER_ERRORS', id: 0, name: 'EC_QUIET_HOURS', description: 'the activity skips messages outside its send window', permanent: true },
    doneAt: new Date().toISOString(),
  };
}
