// What recipients do with messages, on request of the control API: click a tracked link (a
// `UrlTrackingWebhook`, SMS `receive-sms-tracking-notification`: not wrapped in `results`,
// epoch-ms `sendDateTime`) and reply (an inbound message in the format the number's inbound
// configuration renders: SMS `MO_JSON_2` `receive-inbound-sms-messages`, or Messages API
// `MO_MESSAGES_API_JSON` `receive-messages-api-incoming-messages`).
import { flatPlatform } from './delivery-report.ts';
import { formatInfobipTime } from './infobip-time.ts';
import { generateMessageId, type Random } from './random.ts';
import type { InboundFormat } from './subscriptions.ts';
import type { SimChannel, SimMessage } from './types.ts';

/** Content types a reply may have (Messages API `content[].type`): WhatsApp media, RCS suggestion replies. */
export type ReplyType = 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'BUTTON_REPLY';

export interface ReplyRequest {
  /** The end user replying. */
  from: string;
  /** Our number or sender; default: the sender of the latest message to `from`. */
  to?: string;
  text?: string;
  type?: ReplyType;
  /** Media URL of IMAGE, VIDEO and DOCUMENT replies. */
  url?: string;
  /** Default: the channel of the latest message to `from`, else SMS. */
  channel?: SimChannel;
}

/** Messages API names of our channels in inbound events. */
const MESSAGES_API_CHANNEL: Partial<Record<SimChannel, string>> = { SMS: 'SMS', MMS: 'MMS', RCS: 'RCS', VIBER: 'VIBER_BM', WHATSAPP: 'WHATSAPP' };

/** The body of one inbound message, `{results: [...]}` wrapped by the dispatcher. */
export function buildInbound(format: InboundFormat, reply: Required<Pick<ReplyRequest, 'from' | 'to' | 'channel'>> & ReplyRequest, random: Random, now: Date): { messageId: string; result: object } {
  const messageId = generateMessageId(random);
  const receivedAt = formatInfobipTime(now);
  const text = reply.text ?? '';
  if (format === 'MO_JSON_2') {
    return {
      messageId,
      result: { messageId, from: reply.from, to: reply.to, text, cleanText: text, keyword: '', receivedAt, smsCount: 1, price: { pricePerMessage: 0, currency: 'EUR' } },
    };
  }
  const type = reply.type ?? 'TEXT';
  const content =
    type === 'TEXT'
      ? { type, text, cleanText: text }
      : type === 'BUTTON_REPLY'
        ? { type, text, payload: text, id: 'suggestion-1' }
        : { type, url: reply.url ?? `https://media.example.com/${messageId}`, ...(text ? { text } : {}) };
  return {
    messageId,
    result: {
      event: 'MO',
      channel: MESSAGES_API_CHANNEL[reply.channel] ?? 'SMS',
      sender: reply.from,
      destination: reply.to,
      content: [content],
      receivedAt,
      messageId,
      messageCount: 1,
    },
  };
}

/** A click on the (first) link of a message: `UrlTrackingWebhook` (its application and entity flat). */
export function buildClick(message: SimMessage, url: string, clickedAt: Date): object {
  return {
    notificationType: 'CLICKED',
    recipient: message.destination,
    url,
    sendDateTime: clickedAt.getTime(),
    messageId: message.messageId,
    bulkId: message.bulkId,
    ...(message.callbackData !== undefined ? { callbackData: message.callbackData } : {}),
    ...flatPlatform(message),
    recipientInfo: { deviceType: 'Phone', os: 'Android 14', deviceName: 'Samsung' },
    geoLocationInfo: { countryName: 'Germany', city: 'Berlin' },
  };
}

/** The first link in a message's text, which is what a recipient clicks. */
export function firstLink(text: string | undefined): string | undefined {
  return text?.match(/https?:\/\/[^\s"'<>]+/)?.[0];
}

/** Where a message asked its clicks to go (`options.tracking.trackingUrl` / `urlOptions.trackingUrl`), if anywhere. */
export function trackingUrlOf(message: SimMessage): string | undefined {
  const options = message.requestOptions as { tracking?: { trackingUrl?: unknown; trackClicks?: unknown } } | undefined;
  const request = message.request as { urlOptions?: { trackingUrl?: unknown } } | undefined;
  const url = options?.tracking?.trackingUrl ?? request?.urlOptions?.trackingUrl;
  return typeof url === 'string' && options?.tracking?.trackClicks !== false ? url : undefined;
}
