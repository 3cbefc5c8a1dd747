import type { Insertable } from 'kysely';
import type { ReportsTable } from '../store/schema.ts';
import { statusRank } from './status-rank.ts';

export interface ReportStatus {
  groupId: number;
  groupName: string;
  id: number;
  name: string;
  description?: string | undefined;
}

export interface ReportError extends ReportStatus {
  permanent?: boolean | undefined;
}

/** A delivery report in one shape, whatever payload (or our own dispatcher) it came from. */
export interface DeliveryReport {
  messageId: string;
  to?: string | undefined;
  sender?: string | undefined;
  status: ReportStatus;
  error?: ReportError | undefined;
  price?: { pricePerMessage?: number | undefined; currency?: string | undefined } | undefined;
  messageCount?: number | undefined;
  mccMnc?: string | undefined;
  callbackData?: string | undefined;
  sentAt?: string | undefined;
  doneAt?: string | undefined;
}

/** The message a report belongs to, as our outbox knows it. */
export interface ReportedMessage {
  id: string;
  tenantId: string;
  channel: string;
  destination: string;
  callbackData: string | null;
  predictedCount: number | null;
}

export function reportRow(message: ReportedMessage, report: DeliveryReport, now: number): Insertable<ReportsTable> {
  return {
    message_id: message.id,
    tenant_id: message.tenantId,
    channel: message.channel,
    destination: report.to ?? message.destination,
    sender: report.sender ?? null,
    rank: statusRank(report.status),
    status_group_id: report.status.groupId,
    status_group_name: report.status.groupName,
    status_id: report.status.id,
    status_name: report.status.name,
    status_description: report.status.description ?? null,
    error_group_id: report.error?.groupId ?? null,
    error_group_name: report.error?.groupName ?? null,
    error_id: report.error?.id ?? null,
    error_name: report.error?.name ?? null,
    error_description: report.error?.description ?? null,
    error_permanent: report.error ? (report.error.permanent ? 1 : 0) : null,
    price_per_message: report.price?.pricePerMessage ?? null,
    price_currency: report.price?.currency ?? null,
    // Infobip does not always say how many messages it billed; then our own count stands in.
    message_count: report.messageCount ?? message.predictedCount,
    mcc_mnc: report.mccMnc ?? null,
    callback_data: report.callbackData ?? message.callbackData,
    sent_at: report.sentAt ?? null,
    done_at: report.doneAt ?? null,
    seen_at: null,
    updated_at: now,
  };
}
