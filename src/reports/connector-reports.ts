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
