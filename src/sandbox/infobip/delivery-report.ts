// One result of a `DeliveryReports` v3 webhook body (infobip.md §5.1, spec schema DeliveryReport).
import { formatInfobipTime } from './infobip-time.ts';
import { FINAL, NO_ERROR, intermediateStatus, pricePerMessage, type MessageError, type MessageStatus } from './statuses.ts';
import type { DeliveryOutcome } from './types.ts';

export interface DeliveryReport {
  bulkId: string;
  messageId: string;
  to: string;
  sender?: string;
  sentAt: string;
  doneAt: string;
  messageCount: number;
  mccMnc: string;
  callbackData?: string;
  price: { pricePerMessage: number; currency: string };
  status: MessageStatus;
  error: MessageError;
  platform?: { entityId?: string; applicationId?: string };
  campaignReferenceId?: string;
}

/** What a report needs to know about the message it describes. */
export interface ReportSubject {
  bulkId: string;
  messageId: string;
  to: string;
  sender?: string;
  messageCount: number;
  outcome: DeliveryOutcome;
  callbackData?: string;
  platform?: { entityId?: string; applicationId?: string };
  campaignReferenceId?: string;
}

// The simulator has no number-portability data; every destination "lives" on the network of the
// spec's examples (Swisscom, 228/01). Real reports carry the recipient's actual MCC+MNC.
const SIMULATED_MCC_MNC = '22801';

export function buildReport(subject: ReportSubject, kind: 'final' | 'intermediate', sentAt: Date, doneAt: Date): DeliveryReport {
  const { status, error } =
    kind === 'final' ? FINAL[subject.outcome] : { status: intermediateStatus(subject.outcome), error: NO_ERROR };
  const report: DeliveryReport = {
    bulkId: subject.bulkId,
    messageId: subject.messageId,
    to: subject.to,
    sentAt: formatInfobipTime(sentAt),
    doneAt: formatInfobipTime(doneAt),
    messageCount: subject.messageCount,
    mccMnc: SIMULATED_MCC_MNC,
    price: { pricePerMessage: pricePerMessage(subject.outcome), currency: 'EUR' },
    status: { ...status },
    error: { ...error },
  };
  // Optional fields appear only when the request carried them, as in Infobip's own reports.
  if (subject.sender !== undefined) report.sender = subject.sender;
  if (subject.callbackData !== undefined) report.callbackData = subject.callbackData;
  if (subject.platform !== undefined) report.platform = { ...subject.platform };
  if (subject.campaignReferenceId !== undefined) report.campaignReferenceId = subject.campaignReferenceId;
  return report;
}
