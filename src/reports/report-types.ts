import type { Kysely, Selectable } from 'kysely';
import type { Database, InboundMessagesTable, ReportsTable, UrlClicksTable } from '../store/schema.ts';
import { findChannel } from '../channels/registry.ts';
import { selectFirstClicks } from '../store/sql/selectFirstClicks.ts';
import { selectInboundMessages } from '../store/sql/selectInboundMessages.ts';
import { selectReports } from '../store/sql/selectReports.ts';
import { inboundMessages, omniReports, type ReportDataExtension, smsDeliveryReports, urlTracking } from './data-extensions.ts';

export type StoredReport = Selectable<ReportsTable>;
export type DataExtensionRow = Record<string, string | number | boolean | null>;

/**
 * A kind of report we store and write back: which data extension receives it and how stored
 * reports (by the key the write-back queue holds: a messageId, or an inbound message's id) become
 * its rows. Adding a report type is adding an entry here.
 */
export interface ReportType {
  id: string;
  dataExtension: ReportDataExtension;
  /** The tenant's delivery tracking option that applies (Native or External); none: always Native. */
  sink?: 'sms' | 'omni';
  loadRows(db: Kysely<Database>, tenantId: string, keys: string[]): Promise<DataExtensionRow[]>;
}

/** Rows of the delivery report types, built from the report store. */
const deliveryRows = (toRow: (r: StoredReport) => DataExtensionRow) => async (db: Kysely<Database>, tenantId: string, keys: string[]) =>
  (await selectReports(db, tenantId, keys)).map(toRow);

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
  sink: 'sms',
  loadRows: deliveryRows((r) => ({
    ...deliveryColumns(r),
    priceCurrency: r.price_currency || NO_CURRENCY,
    // mccMnc is the 3-digit MCC followed by the 2- or 3-digit MNC.
    originalMCC: r.mcc_mnc ? r.mcc_mnc.slice(0, 3) : null,
    originalMNC: r.mcc_mnc ? r.mcc_mnc.slice(3) : null,
  })),
};

/** Viber, WhatsApp, RCS, Kakao and Zalo: the "Omni Reports" table, with seenAt and the channel. */
const omniDelivery: ReportType = {
  id: 'omniDelivery',
  dataExtension: omniReports,
  sink: 'omni',
  loadRows: deliveryRows((r) => ({
    ...deliveryColumns(r),
    Currency: r.price_currency || NO_CURRENCY,
    seenAt: r.seen_at,
    channel: findChannel(r.channel)?.name ?? r.channel,
  })),
};

const channelName = (id: string) => findChannel(id)?.name ?? id;

function clickRow(c: Selectable<UrlClicksTable>): DataExtensionRow {
  return {
    notificationType: c.notification_type,
    messageId: c.message_id,
    recipient: c.recipient,
    url: c.url || null,
    sendDateTime: c.clicked_at,
    deviceType: c.device_type,
    os: c.os,
    deviceName: c.device_name,
    callbackData: c.callback_data,
    channel: channelName(c.channel),
  };
}

/** Click reports of every channel: "Unified URL Tracking", a message's first click per row. */
const urlClick: ReportType = {
  id: 'urlClick',
  dataExtension: urlTracking,
  loadRows: async (db, tenantId, keys) => [...(await selectFirstClicks(db, tenantId, keys)).values()].map(clickRow),
};

/** The Inbound Messages row of a reply; journey events carry the same fields as their Data. */
export function inboundRow(m: Selectable<InboundMessagesTable>): DataExtensionRow {
  return {
    messageId: m.id,
    from: m.sender,
    to: m.destination,
    channel: channelName(m.channel),
    type: m.content_type,
    text: m.text,
    mediaUrl: m.media_url,
    keyword: m.keyword,
    receivedAt: m.received_at,
    callbackData: m.callback_data,
    replyToMessageId: m.reply_to_message_id,
    ContactKey: m.contact_key,
  };
}

const inbound: ReportType = {
  id: 'inbound',
  dataExtension: inboundMessages,
  loadRows: async (db, tenantId, keys) => (await selectInboundMessages(db, tenantId, keys)).map(inboundRow),
};

const reportTypes = new Map<string, ReportType>([smsDelivery, omniDelivery, urlClick, inbound].map((t) => [t.id, t]));

export function reportType(id: string): ReportType {
  const type = reportTypes.get(id);
  if (!type) throw new Error(`unknown report type ${id}`);
  return type;
}
