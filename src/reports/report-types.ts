import type { Selectable } from 'kysely';
import type { ReportsTable } from '../store/schema.ts';
import { findChannel } from '../channels/registry.ts';
import { omniReports, type ReportDataExtension, smsDeliveryReports } from './data-extensions.ts';

export type StoredReport = Selectable<ReportsTable>;
export type DataExtensionRow = Record<string, string | number | boolean | null>;

/**
 * A kind of report we store and write back: which data extension receives it and how a stored
 * report becomes one of its rows. Adding a report type is adding an entry here.
 */
export interface ReportType {
  id: string;
  dataExtension: ReportDataExtension;
  toRow(report: StoredReport): DataExtensionRow;
}

/**
 * SFMC stores "" as NULL, and priceCurrency and statusDescription are NOT NULL columns: a report
 * without a price (the connector's own REJECTED reports, reports without a price object) or a
 * status without a description would have its whole row refused. These stand in instead.
 */
const NO_CURRENCY = 'N/A';

/** The columns the SMS and Omni tables share, from a stored report. */
function deliveryColumns(r: StoredReport): DataExtensionRow {
  return {
    messageId: r.message_id,
    messageCount: r.message_count ?? 1,
    to: r.destination,
    from: r.sender,
    pricePerMessage: r.price_per_message,
    statusGroupId: r.status_group_id,
    statusGroupName: r.status_group_name,
    statusId: r.status_id,
    statusName: r.status_name,
    statusDescription: r.status_description || r.status_name,
    // A report without an error object means "no error", which Infobip writes as NO_ERROR.
    errorGroupId: r.error_group_id ?? 0,
    errorGroupName: r.error_group_name ?? 'OK',
    errorId: r.error_id ?? 0,
    errorName: r.error_name ?? 'NO_ERROR',
    errorDescription: r.error_description ?? 'No Error',
    errorPermanent: r.error_permanent === 1,
    callbackData: r.callback_data,
    sentAt: r.sent_at,
    doneAt: r.done_at,
  };
}

const smsDelivery: ReportType = {
  id: 'smsDelivery',
  dataExtension: smsDeliveryReports,
  toRow: (r) => ({
    ...deliveryColumns(r),
    priceCurrency: r.price_currency || NO_CURRENCY,
    // mccMnc is the 3-digit MCC followed by the 2- or 3-digit MNC.
    originalMCC: r.mcc_mnc ? r.mcc_mnc.slice(0, 3) : null,
    originalMNC: r.mcc_mnc ? r.mcc_mnc.slice(3) : null,
  }),
};

/** Viber, WhatsApp, RCS, Kakao and Zalo: the "Omni Reports" table, with seenAt and the channel. */
const omniDelivery: ReportType = {
  id: 'omniDelivery',
  dataExtension: omniReports,
  toRow: (r) => ({
    ...deliveryColumns(r),
    Currency: r.price_currency || NO_CURRENCY,
    seenAt: r.seen_at,
    channel: findChannel(r.channel)?.name ?? r.channel,
  }),
};

const reportTypes = new Map<string, ReportType>([smsDelivery, omniDelivery].map((t) => [t.id, t]));

export function reportType(id: string): ReportType {
  const type = reportTypes.get(id);
  if (!type) throw new Error(`unknown report type ${id}`);
  return type;
}
