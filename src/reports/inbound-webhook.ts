import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { parseInfobipTime } from './infobip-time.ts';

/** One inbound message (a reply), whichever format Infobip forwarded it in. */
export interface InboundMessage {
  id: string;
  /** Our channel id where known (sms, whatsapp, viber, rcs, mms); otherwise Infobip's name, lower-cased. */
  channel: string;
  /** The end user, digits only. */
  sender: string;
  /** Our number or sender, as Infobip wrote it. */
  destination: string;
  contentType: string;
  text: string | undefined;
  mediaUrl: string | undefined;
  keyword: string | undefined;
  receivedAt: string;
  callbackData: string | undefined;
}

/** `MO_JSON_2`, the default inbound SMS format (`receive-inbound-sms-messages`). */
const SmsInbound = Type.Object({
  messageId: Type.String({ minLength: 1 }),
  from: Type.String({ minLength: 1 }),
  to: Type.String(),
  text: Type.Optional(Type.String()),
  cleanText: Type.Optional(Type.String()),
  keyword: Type.Optional(Type.String()),
  receivedAt: Type.Optional(Type.String()),
  callbackData: Type.Optional(Type.String()),
});

/** `MO_MESSAGES_API_JSON` (`receive-messages-api-incoming-messages`): `sender` is the end user. */
const MessagesApiInbound = Type.Object({
  event: Type.String(),
  channel: Type.String(),
  sender: Type.String({ minLength: 1 }),
  destination: Type.String(),
  messageId: Type.String({ minLength: 1 }),
  receivedAt: Type.Optional(Type.String()),
  callbackData: Type.Optional(Type.String()),
  content: Type.Array(
    Type.Object({
      type: Type.String(),
      text: Type.Optional(Type.String()),
      cleanText: Type.Optional(Type.String()),
      keyword: Type.Optional(Type.String()),
      url: Type.Optional(Type.String()),
      caption: Type.Optional(Type.String()),
      payload: Type.Optional(Type.String()),
    }),
  ),
});
const checkSms = TypeCompiler.Compile(SmsInbound);
const checkMessagesApi = TypeCompiler.Compile(MessagesApiInbound);
const checkEnvelope = TypeCompiler.Compile(Type.Object({ results: Type.Array(Type.Unknown()) }));

/** Messages API channel names that are one of our channels under another name. */
const CHANNEL_IDS: Record<string, string> = { SMS: 'sms', MMS: 'mms', RCS: 'rcs', WHATSAPP: 'whatsapp', VIBER_BM: 'viber', VIBER_BOT: 'viber' };

export type ParsedInboundWebhook =
  | { ok: true; messages: InboundMessage[]; ignored: number; invalid: { index: number; problem: string }[] }
  | { ok: false; problem: string };

/**
 * Reads an inbound webhook body in either format. Messages API events other than `MO` (typing
 * indicators) carry no reply and are ignored; entries that do not parse are reported as `invalid`
 * while the others are kept, as for delivery reports.
 */
export function parseInboundWebhook(body: unknown, now = Date.now()): ParsedInboundWebhook {
  if (!checkEnvelope.Check(body)) return { ok: false, problem: 'body must be an object with a "results" array' };
  const messages: InboundMessage[] = [];
  const invalid: { index: number; problem: string }[] = [];
  let ignored = 0;
  body.results.forEach((result, index) => {
    const fallbackTime = new Date(now).toISOString();
    if (typeof result === 'object' && result !== null && 'event' in result) {
      // Typing indicators carry no content: nothing to store, nothing wrong.
      if ((result as { event: unknown }).event !== 'MO') return void ignored++;
      if (!checkMessagesApi.Check(result)) return void invalid.push({ index, problem: problemOf(checkMessagesApi, result, index) });
      // The first content part says what the reply is; a caption or text beside media is its text.
      const part = result.content[0];
      messages.push({
        id: result.messageId,
        channel: CHANNEL_IDS[result.channel] ?? result.channel.toLowerCase(),
        sender: digits(result.sender),
        destination: result.destination,
        contentType: part?.type ?? 'TEXT',
        // The whole text, as MO_JSON_2's `text`: a keyword configured on the number stays in it.
        text: part?.text ?? part?.caption ?? part?.payload,
        mediaUrl: part?.url,
        keyword: part?.keyword,
        receivedAt: parseInfobipTime(result.receivedAt) ?? fallbackTime,
        callbackData: result.callbackData,
      });
      return;
    }
    if (!checkSms.Check(result)) return void invalid.push({ index, problem: problemOf(checkSms, result, index) });
    messages.push({
      id: result.messageId,
      channel: 'sms',
      sender: digits(result.from),
      destination: result.to,
      contentType: 'TEXT',
      // With a keyword configured on the number, cleanText is the text without it.
      text: result.text ?? result.cleanText,
      mediaUrl: undefined,
      keyword: result.keyword,
      receivedAt: parseInfobipTime(result.receivedAt) ?? fallbackTime,
      callbackData: result.callbackData,
    });
  });
  return { ok: true, messages, ignored, invalid };
}

function problemOf(check: { Errors(value: unknown): { First(): { path: string; message: string } | undefined } }, value: unknown, index: number): string {
  const error = check.Errors(value).First();
  return `results[${index}]${error?.path.replaceAll('/', '.') ?? ''} ${error?.message ?? 'is invalid'}`;
}

/** Phone numbers as we store recipients: digits only, no `+`. */
export function digits(phone: string): string {
  return phone.replace(/\D/g, '');
}
