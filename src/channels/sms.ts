import type { ActivityArguments } from '../journey/activity-arguments.ts';
import { messageStatus } from '../journey/message-status.ts';
import { smsInfo, type SmsLanguage } from '../text/sms-encoding.ts';
import type { Channel, Composed, OutboundMessage, RequestContext } from './channel.ts';
import { envelopeMessage, envelopeRequestOptions, readEnvelopeResponse } from './envelope.ts';

/**
 * Carriers concatenate up to about ten segments reliably; beyond that the guide's
 * "Invalid text length" is answered rather than a message that may arrive in pieces.
 */
const MAX_SEGMENTS = 10;
/** Alphanumeric senders are at most 11 characters, numeric ones at most 16 digits. */
export const SMS_SENDER = /^(?:[A-Za-z0-9 .\-_&]{1,11}|\+?\d{3,16})$/;
const LANGUAGES = new Set(['TR', 'ES', 'PT', 'AUTODETECT']);

/** Whether a text fits the SMS limit above (also used for other channels' SMS failover text). */
export const smsTextFits = (text: string, language?: SmsLanguage): boolean => smsInfo(text, language).segments <= MAX_SEGMENTS;

interface SmsContent {
  text: string;
  language?: string;
  regional?: Record<string, unknown>;
}

/** The SMS form's regional options: language character set, Turkey IYS, India DLT. */
export function composeSmsContent(args: ActivityArguments): Composed {
  const text = args.text('text');
  const language = args.text('language')?.toUpperCase();
  if (language !== undefined && !LANGUAGES.has(language)) return { ok: false, messageStatus: `${messageStatus.invalidRequest}: language must be TR, ES, PT or AUTODETECT` };
  if (!text || !smsTextFits(text, language as SmsLanguage | undefined)) return { ok: false, messageStatus: messageStatus.invalidTextLength };
  const content: SmsContent = { text, ...(language ? { language } : {}) };
  const regional: Record<string, unknown> = {};
  const recipientType = args.text('turkeyIys.recipientType')?.toUpperCase();
  const brandCode = args.integer('turkeyIys.brandCode');
  if (recipientType !== undefined || brandCode !== undefined) {
    if (recipientType !== 'TACIR' && recipientType !== 'BIREYSEL') return { ok: false, messageStatus: `${messageStatus.invalidRequest}: turkeyIys.recipientType must be TACIR or BIREYSEL` };
    if (brandCode === null) return { ok: false, messageStatus: `${messageStatus.invalidRequest}: turkeyIys.brandCode must be a number` };
    regional.turkeyIys = { recipientType, ...(brandCode !== undefined ? { brandCode } : {}) };
  }
  const principalEntityId = args.text('indiaDlt.principalEntityId');
  const contentTemplateId = args.text('indiaDlt.contentTemplateId');
  const telemarketerId = args.text('indiaDlt.telemarketerId');
  if (principalEntityId !== undefined || contentTemplateId !== undefined || telemarketerId !== undefined) {
    if (!principalEntityId) return { ok: false, messageStatus: `${messageStatus.invalidRequest}: indiaDlt.principalEntityId is required` };
    regional.indiaDlt = { principalEntityId, ...(contentTemplateId ? { contentTemplateId } : {}), ...(telemarketerId ? { telemarketerId } : {}) };
  }
  if (Object.keys(regional).length > 0) content.regional = regional;
  return { ok: true, content: { ...content } };
}

/** One `/sms/3/messages` message from stored SMS content (LMS adds its Korean options). */
export function smsEnvelopeMessage(m: OutboundMessage, context: RequestContext, extraRegional: Record<string, unknown> = {}) {
  const content = m.content as unknown as SmsContent;
  const regional = { ...content.regional, ...extraRegional };
  return envelopeMessage(m, context, {
    content: { text: content.text, ...(content.language ? { language: { languageCode: content.language } } : {}) },
    options: Object.keys(regional).length > 0 ? { regional } : undefined,
  });
}

/**
 * What SMS, LMS and MMS share as channels: SMS senders, the "SMS Delivery Reports" data
 * extension, URL shortening & tracking, up to 1,000 messages per request.
 */
export const smsFamily = {
  maxMessagesPerRequest: 1000,
  deliveryReportType: 'smsDelivery',
  senderKind: 'sms',
  senderRequired: false,
  isValidSender: (sender: string) => SMS_SENDER.test(sender),
  urlTracking: true,
} as const satisfies Partial<Channel>;

export const sms: Channel = {
  id: 'sms',
  name: 'SMS',
  aliases: [],
  endpoint: '/sms/3/messages',
  logsPath: '/sms/3/logs',
  ...smsFamily,
  compose: composeSmsContent,
  predictMessageCount: (content) => {
    const { text, language } = content as unknown as SmsContent;
    return smsInfo(text, language as SmsLanguage | undefined).segments;
  },
  buildRequest: (messages, context) => ({
    messages: messages.map((m) => smsEnvelopeMessage(m, context)),
    options: envelopeRequestOptions(context, { includeSmsCountInResponse: true }),
  }),
  readResponse: readEnvelopeResponse,
};
