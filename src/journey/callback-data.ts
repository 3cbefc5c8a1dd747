import type { ActivityArguments } from './activity-arguments.ts';
import { messageStatus } from './message-status.ts';

/** Names the connector writes itself; the guide refuses them as custom field names. */
export const RESERVED_CALLBACK_FIELDS = ['ActivityId', 'BulkId', 'From', 'Message', 'JourneyName', 'ContactKey', 'MID', 'VersionId', 'VersionNumber', 'TemplateName'];
/** Infobip's and the data extensions' limit for callbackData. */
export const MAX_CALLBACK_DATA_LENGTH = 4000;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export interface JourneyContext {
  activityId: string;
  bulkId: string;
  contactKey: string;
  mid: string;
  from: string | undefined;
  versionId: string | undefined;
  versionNumber: string | undefined;
  templateName: string | undefined;
}

/**
 * The callbackData Infobip echoes in every report: the journey context under the guide's
 * reserved names, then the activity's custom fields (`callbackData.<Name>` inArguments, free
 * text or bound journey data), as compact JSON of at most 4,000 characters.
 */
export function buildCallbackData(args: ActivityArguments, context: JourneyContext): { ok: true; callbackData: string } | { ok: false; messageStatus: string } {
  const data: Record<string, string> = { ActivityId: context.activityId, BulkId: context.bulkId, ContactKey: context.contactKey, MID: context.mid };
  if (context.from) data.From = context.from;
  if (context.versionId) data.VersionId = context.versionId;
  if (context.versionNumber) data.VersionNumber = context.versionNumber;
  if (context.templateName) data.TemplateName = context.templateName;
  for (const [name, value] of args.withPrefix('callbackData.')) {
    if (!FIELD_NAME.test(name) || RESERVED_CALLBACK_FIELDS.some((r) => r.toLowerCase() === name.toLowerCase())) {
      return { ok: false, messageStatus: `${messageStatus.invalidCallbackDataField}: ${name.slice(0, 64)}` };
    }
    data[name] = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  }
  const callbackData = JSON.stringify(data);
  if (callbackData.length > MAX_CALLBACK_DATA_LENGTH) return { ok: false, messageStatus: messageStatus.invalidCallbackDataLength };
  return { ok: true, callbackData };
}
