// One result of a delivery-report webhook body, per report shape the simulated channels use
// (infobip.md §5.1). Each builder matches the schema of the webhook it is registered for in
// endpoints.ts; the tests validate every body received against that schema.
import { formatInfobipTime } from './infobip-time.ts';
import { FINAL, NO_ERROR, intermediateStatus, pricePerMessage, type MessageError, type MessageStatus } from './statuses.ts';
import type { DeliveryOutcome } from './types.ts';

/** Schema `DeliveryReport` of the v3 `DeliveryReports` body (SMS v3, MMS v2, Viber, Kakao Alim/Chingu). */
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

/** What a report needs to know about the message it describes, whatever the channel. */
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

export type ReportKind = 'final' | 'intermediate';

/** Builds one result of a delivery-report webhook body. */
export type DeliveryReportBuilder = (subject: ReportSubject, kind: ReportKind, sentAt: Date, doneAt: Date) => object;

// The simulator has no number-portability data; every destination "lives" on the network of the
// spec's examples (Swisscom, 228/01). Real reports carry the recipient's actual MCC+MNC.
const SIMULATED_MCC_MNC = '22801';

function outcomeOf(subject: ReportSubject, kind: ReportKind): { status: MessageStatus; error: MessageError } {
  const { status, error } =
    kind === 'final' ? FINAL[subject.outcome] : { status: intermediateStatus(subject.outcome), error: NO_ERROR };
  return { status: { ...status }, error: { ...error } };
}

const price = (subject: ReportSubject) => ({ pricePerMessage: pricePerMessage(subject.outcome), currency: 'EUR' });

/** `DeliveryReports` (v3): SMS, MMS, Viber, Kakao Alim, Kakao Chingu. */
export function buildReport(subject: ReportSubject, kind: ReportKind, sentAt: Date, doneAt: Date): DeliveryReport {
  const report: DeliveryReport = {
    bulkId: subject.bulkId,
    messageId: subject.messageId,
    to: subject.to,
    sentAt: formatInfobipTime(sentAt),
    doneAt: formatInfobipTime(doneAt),
    messageCount: subject.messageCount,
    mccMnc: SIMULATED_MCC_MNC,
    price: price(subject),
    ...outcomeOf(subject, kind),
  };
  // Optional fields appear only when the request carried them, as in Infobip's own reports.
  if (subject.sender !== undefined) report.sender = subject.sender;
  if (subject.callbackData !== undefined) report.callbackData = subject.callbackData;
  if (subject.platform !== undefined) report.platform = { ...subject.platform };
  if (subject.campaignReferenceId !== undefined) report.campaignReferenceId = subject.campaignReferenceId;
  return report;
}

/**
 * `RcsWebhookDeliveryReport`: the v3 fields plus `channel`, the channel that finished the message.
 * The simulator never fails over to SMS/MMS, so that is always RCS. The optional billing fields
 * (`price.trafficType`, `interactionType`, `conversation`) are left out: their values depend on
 * Google/operator rules the simulator does not model.
 */
export function buildRcsReport(subject: ReportSubject, kind: ReportKind, sentAt: Date, doneAt: Date): DeliveryReport & { channel: 'RCS' } {
  return { ...buildReport(subject, kind, sentAt, doneAt), channel: 'RCS' };
}

/**
 * The only `channel` value the Zalo document shows for ZNS reports (schema example and webhook
 * example of `ZaloReportSingle.channel`); a test keeps it in sync with the spec.
 */
export const ZALO_REPORT_CHANNEL = 'ZALO_NOTIFICATION_SERVICE';

/**
 * `ZaloReportSingle`: flat `entityId`/`applicationId` instead of `platform`, no `sender`, and a
 * required `channel`.
 */
export function buildZaloReport(subject: ReportSubject, kind: ReportKind, sentAt: Date, doneAt: Date): object {
  return {
    bulkId: subject.bulkId,
    messageId: subject.messageId,
    to: subject.to,
    sentAt: formatInfobipTime(sentAt),
    doneAt: formatInfobipTime(doneAt),
    messageCount: subject.messageCount,
    mccMnc: SIMULATED_MCC_MNC,
    ...(subject.callbackData !== undefined ? { callbackData: subject.callbackData } : {}),
    price: price(subject),
    ...outcomeOf(subject, kind),
    ...flatPlatform(subject),
    channel: ZALO_REPORT_CHANNEL,
  };
}

/**
 * WhatsApp's `DeliveryReport` (legacy generation): no `sender`, `mccMnc` or `platform`. Its schema
 * does not list `callbackData`, but the send operation says callbackData "will be included in a
 * Delivery Report" (and the schema allows extra properties), so it is echoed when sent.
 */
export function buildWhatsAppReport(subject: ReportSubject, kind: ReportKind, sentAt: Date, doneAt: Date): object {
  return {
    bulkId: subject.bulkId,
    messageId: subject.messageId,
    to: subject.to,
    sentAt: formatInfobipTime(sentAt),
    doneAt: formatInfobipTime(doneAt),
    messageCount: subject.messageCount,
    price: price(subject),
    ...outcomeOf(subject, kind),
    ...(subject.callbackData !== undefined ? { callbackData: subject.callbackData } : {}),
  };
}

/** `entityId`/`applicationId` at the top level, as the legacy and Zalo shapes carry them. */
export function flatPlatform(subject: Pick<ReportSubject, 'platform'>): { entityId?: string; applicationId?: string } {
  const out: { entityId?: string; applicationId?: string } = {};
  if (subject.platform?.entityId !== undefined) out.entityId = subject.platform.entityId;
  if (subject.platform?.applicationId !== undefined) out.applicationId = subject.platform.applicationId;
  return out;
}
