import type { DataExtensionField, Sendable } from '../sfmc/data-extension.ts';

/**
 * The report data extensions of the guide's package, with exactly the guide's columns
 * ("Reports" section of the connector guide). Each has an id the tenant settings refer to,
 * the name the package gives it, and the external key we use when the tenant names none.
 */
export interface ReportDataExtension {
  id: string;
  name: string;
  defaultKey: string;
  fields: DataExtensionField[];
}

const text = (name: string, maxLength: number, isNullable = false): DataExtensionField => ({ name, type: 'Text', maxLength, isNullable });
const number = (name: string, isNullable = false): DataExtensionField => ({ name, type: 'Number', isNullable });
const date = (name: string, isNullable = true): DataExtensionField => ({ name, type: 'Date', isNullable });

/** The status, error, callback and time columns, the same in the SMS and the Omni tables. */
const statusColumns: DataExtensionField[] = [
    number('statusGroupId'),
    text('statusGroupName', 50),
    number('statusId'),
    text('statusName', 50),
    text('statusDescription', 100),
    number('errorGroupId'),
    text('errorGroupName', 50),
    number('errorId'),
    text('errorName', 50),
    text('errorDescription', 1000),
    { name: 'errorPermanent', type: 'Boolean', isNullable: false },
    text('callbackData', 4000, true),
    date('sentAt'),
    date('doneAt'),
];

export const smsDeliveryReports: ReportDataExtension = {
  id: 'smsDeliveryReports',
  name: 'SMS Delivery Reports',
  defaultKey: 'SMS_Delivery_Reports',
  fields: [
    { name: 'messageId', type: 'Text', maxLength: 50, isPrimaryKey: true, isNullable: false },
    { name: 'messageCount', type: 'Number', isNullable: false, defaultValue: '1' },
    text('to', 50),
    text('from', 50, true),
    { name: 'pricePerMessage', type: 'Decimal', maxLength: 18, scale: 7, isNullable: true },
    text('priceCurrency', 5),
    ...statusColumns,
    text('originalMCC', 50, true),
    text('originalMNC', 50, true),
  ],
};

/**
 * The guide's "OMNI delivery reports" table. Its description row has no name ("x"); it is the
 * error description, named as in the SMS table. The guide marks the dates as required, but a
 * message that is never seen has no seenAt (nor a sentAt when it was refused), so they are nullable.
 */
export const omniReports: ReportDataExtension = {
  id: 'omniReports',
  name: 'Omni Reports',
  defaultKey: 'Omni_Reports',
  fields: [
    { name: 'messageId', type: 'Text', maxLength: 50, isPrimaryKey: true, isNullable: false },
    { name: 'messageCount', type: 'Number', isNullable: true, defaultValue: '1' },
    text('to', 50),
    { name: 'pricePerMessage', type: 'Decimal', maxLength: 18, scale: 7, isNullable: true },
    text('Currency', 5),
    ...statusColumns,
    date('seenAt'),
    text('from', 50, true),
    text('channel', 50, true),
  ],
};

/**
 * The guide's "Unified URL tracking" table. The guide marks only messageId as required; it is the
 * primary key, so a row holds the message's first click (our store keeps every click).
 */
export const urlTracking: ReportDataExtension = {
  id: 'urlTracking',
  name: 'Unified URL Tracking',
  defaultKey: 'Unified_URL_Tracking',
  fields: [
    text('notificationType', 50, true),
    { name: 'messageId', type: 'Text', maxLength: 50, isPrimaryKey: true, isNullable: false },
    text('recipient', 50, true),
    text('url', 1000, true),
    date('sendDateTime'),
    text('deviceType', 50, true),
    text('os', 50, true),
    text('deviceName', 50, true),
    text('callbackData', 4000, true),
    text('channel', 50),
  ],
};

/**
 * Inbound Messages: the guide names the table (replies on SMS, RCS, Viber and WhatsApp, and the
 * Wait Until Event's event data extension) but lists no columns; these are ours, documented in the
 * README. A journey event's Data carries the same names, so the event's data extension can be
 * this one.
 */
export const inboundMessages: ReportDataExtension = {
  id: 'inboundMessages',
  name: 'Inbound Messages',
  defaultKey: 'Inbound_Messages',
  fields: [
    { name: 'messageId', type: 'Text', maxLength: 200, isPrimaryKey: true, isNullable: false },
    text('from', 50),
    text('to', 50),
    text('channel', 50),
    text('type', 50),
    text('text', 4000, true),
    text('mediaUrl', 1000, true),
    text('keyword', 50, true),
    date('receivedAt', false),
    text('callbackData', 4000, true),
    text('replyToMessageId', 50, true),
    text('ContactKey', 254, true),
  ],
};

/** Every report data extension, by id: the one list the package, the sandbox and the settings use. */
export const reportDataExtensions: readonly ReportDataExtension[] = [smsDeliveryReports, omniReports, urlTracking, inboundMessages];

/** A data extension of the guide's package, with how SFMC relates it to subscribers when it is sendable. */
export interface PackageDataExtension extends ReportDataExtension {
  sendable?: Sendable;
}

/**
 * The guide's "SampleAudience" ("Audience sample"): sendable, its ContactKey related to the
 * Subscriber Key, and a Phone-type field, which is what the Message activity sends to ("Journey
 * Audience Builder"). The guide shows its columns only in screenshots; these are the ones it names.
 */
export const sampleAudience: PackageDataExtension = {
  id: 'sampleAudience',
  name: 'SampleAudience',
  defaultKey: 'SampleAudience',
  fields: [
    { name: 'ContactKey', type: 'Text', maxLength: 254, isPrimaryKey: true, isNullable: false },
    { name: 'Phone', type: 'Phone', isNullable: true },
    text('FirstName', 100, true),
  ],
  sendable: { field: 'ContactKey', subscriberField: 'Subscriber Key' },
};

/** Every data extension of the package (`mc-relay package`, "Create / update data extensions"). */
export const packageDataExtensions: readonly PackageDataExtension[] = [...reportDataExtensions, sampleAudience];
