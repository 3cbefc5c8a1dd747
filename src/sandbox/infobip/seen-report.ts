// One result of a seen-report webhook body (infobip.md §5.3): RCS `receive-rcs-seen-reports` and
// Viber `receive-viber-seen-reports` (schema `SeenReport`), WhatsApp `receive-whatsapp-seen-reports`
// (its own `SeenReport`, the same fields without campaignReferenceId). Careful with the direction:
// `from` is the end user who saw the message, `to` is the sender it came from. Channel seen
// reports carry no callbackData.
import { flatPlatform, type ReportSubject } from './delivery-report.ts';
import { formatInfobipTime } from './infobip-time.ts';

export interface SeenReport {
  messageId: string;
  from: string;
  to?: string;
  sentAt: string;
  seenAt: string;
  applicationId?: string;
  entityId?: string;
  campaignReferenceId?: string;
}

/** Builds one result of a seen-report webhook body. */
export type SeenReportBuilder = (subject: ReportSubject, sentAt: Date, seenAt: Date) => object;

/** RCS and Viber `SeenReport`. */
export function buildSeenReport(subject: ReportSubject, sentAt: Date, seenAt: Date): SeenReport {
  return {
    messageId: subject.messageId,
    from: subject.to,
    ...(subject.sender !== undefined ? { to: subject.sender } : {}),
    sentAt: formatInfobipTime(sentAt),
    seenAt: formatInfobipTime(seenAt),
    ...flatPlatform(subject),
    ...(subject.campaignReferenceId !== undefined ? { campaignReferenceId: subject.campaignReferenceId } : {}),
  };
}

/** WhatsApp `SeenReport` (no campaignReferenceId; WhatsApp template messages have none anyway). */
export function buildWhatsAppSeenReport(subject: ReportSubject, sentAt: Date, seenAt: Date): SeenReport {
  const { campaignReferenceId: _omitted, ...report } = buildSeenReport(subject, sentAt, seenAt);
  return report;
}
