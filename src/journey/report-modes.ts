import type { Kysely } from 'kysely';
import { lookupClick, lookupReply } from '../reports/engagement-lookup.ts';
import { lookupDeliveryReport } from '../reports/report-lookup.ts';
import type { Database } from '../store/schema.ts';
import { reportTypeKey } from './report-type-key.ts';

/**
 * The Reports activity's report types (its `reportType` inArgument): which fields each answers
 * and where the answer comes from. Adding a mode is adding an entry here: the Reports UI offers
 * these, in this order (served to the browser by web/browser-modules.ts).
 */
export interface ReportMode {
  id: string;
  /** What the Reports UI calls it, and its help line there. */
  label: string;
  help: string;
  /** Other values accepted in `reportType`. */
  aliases: string[];
  outArguments: string[];
  lookup(db: Kysely<Database>, tenantId: string, messageId: string | undefined): Promise<Record<string, string>>;
}

export const reportModes: readonly ReportMode[] = [
  {
    id: 'delivery',
    label: 'Delivery report',
    help: 'Delivered, rejected or seen (statusName, statusGroupName, errorName, doneAt, sentAt, seenAt).',
    aliases: ['deliveryReports', 'omni', 'sms'],
    outArguments: ['statusName', 'statusGroupName', 'errorName', 'doneAt', 'sentAt', 'seenAt', 'plannedAt'],
    lookup: async (db, tenantId, messageId) => ({ ...(await lookupDeliveryReport(db, tenantId, messageId)) }),
  },
  {
    id: 'url',
    label: 'URL tracking',
    help: 'Whether a link in the message was clicked.',
    aliases: ['urlTracking', 'click', 'clicks'],
    outArguments: ['notificationType', 'url'],
    lookup: async (db, tenantId, messageId) => ({ ...(await lookupClick(db, tenantId, messageId)) }),
  },
  {
    id: 'reply',
    label: 'Reply',
    help: "The contact's reply (two-way channels).",
    aliases: ['replies', 'inbound', 'twoWay'],
    outArguments: ['replyText', 'replyType', 'receivedAt'],
    lookup: async (db, tenantId, messageId) => ({ ...(await lookupReply(db, tenantId, messageId)) }),
  },
];

const byName = new Map<string, ReportMode>();
for (const mode of reportModes) for (const name of [mode.id, ...mode.aliases]) byName.set(reportTypeKey(name), mode);

/** The mode a `reportType` names; absent means Delivery (the activity's first and original mode). */
export function findReportMode(reportType: string | undefined): ReportMode | undefined {
  return reportType === undefined || reportType.trim() === '' ? reportModes[0] : byName.get(reportTypeKey(reportType));
}
