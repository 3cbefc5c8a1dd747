/**
 * LMS: the South Korean long SMS. Infobip has no LMS endpoint: it is an SMS (`POST /sms/3/messages`)
 * with `options.regional.southKorea {title, resellerCode}` (infobip.md §3.2), so this channel reuses
 * the SMS envelope and senders and only adds its Korean options.
 *
 * inArguments (besides what every channel shares: channel, phone, sender, URL tracking, callback data):
 *   text          required  message body; at most 2,000 bytes as Korean carriers count them
 *   title         optional  the message's subject, at most 66 characters (spec `SouthKoreaOptions.title`)
 *   resellerCode  required  9-digit business registration number (spec: int32 "9-digit registration
 *                           number in the business registration certificate"); the guide makes it mandatory
 */
import type { ActivityArguments } from '../journey/activity-arguments.ts';
import { messageStatus } from '../journey/message-status.ts';
import type { Channel, Composed } from './channel.ts';
import { envelopeRequestOptions, readEnvelopeResponse } from './envelope.ts';
import { smsEnvelopeMessage, smsFamily } from './sms.ts';
import { LMS_MAX_BYTES, lmsBytes } from '../text/lms-bytes.ts';

export { LMS_MAX_BYTES, lmsBytes };

const TITLE_MAX = 66;
/** An int32 that is 9 digits long: a leading zero would be lost in the integer Infobip takes. */
const RESELLER_CODE = /^[1-9]\d{8}$/;

interface LmsContent {
  text: string;
  title?: string;
  resellerCode: number;
}

function compose(args: ActivityArguments): Composed {
  const text = args.text('text');
  if (!text || lmsBytes(text) > LMS_MAX_BYTES) return { ok: false, messageStatus: messageStatus.invalidTextLength };
  const title = args.text('title');
  if (title !== undefined && title.length > TITLE_MAX) return { ok: false, messageStatus: `${messageStatus.invalidRequest}: title must be at most ${TITLE_MAX} characters` };
  const resellerCode = args.text('resellerCode')?.trim();
  if (resellerCode === undefined || !RESELLER_CODE.test(resellerCode)) {
    return { ok: false, messageStatus: `${messageStatus.invalidRequest}: resellerCode must be the 9-digit business registration number` };
  }
  const content: LmsContent = { text, ...(title !== undefined ? { title } : {}), resellerCode: Number(resellerCode) };
  return { ok: true, content: { ...content } };
}

export const lms: Channel = {
  id: 'lms',
  name: 'LMS',
  aliases: ['Long SMS'],
  endpoint: '/sms/3/messages',
  logsPath: '/sms/3/logs',
  ...smsFamily,
  compose,
  // A Korean LMS is one message however long its text (up to its 2,000 bytes).
  predictMessageCount: () => 1,
  buildRequest: (messages, context) => ({
    messages: messages.map((m) => {
      const { title, resellerCode } = m.content as unknown as LmsContent;
      // The stored content's `text` is what smsEnvelopeMessage reads; the rest becomes southKorea.
      return smsEnvelopeMessage(m, context, { southKorea: { ...(title !== undefined ? { title } : {}), resellerCode } });
    }),
    options: envelopeRequestOptions(context, { includeSmsCountInResponse: true }),
  }),
  readResponse: readEnvelopeResponse,
};
