import { messageStatus } from '../journey/message-status.ts';
import { stringArg } from '../journey/execute-payload.ts';
import type { Channel, OutboundMessage, RequestContext } from './channel.ts';

/**
 * Carriers concatenate up to about ten segments reliably; 1,600 characters is the ceiling we
 * accept before answering "Invalid text length" (the segment-exact check is the text module's).
 */
const MAX_TEXT_LENGTH = 1600;
/** Alphanumeric senders are at most 11 characters, numeric ones at most 16 digits (E.164 + prefix). */
const SENDER = /^(?:[A-Za-z0-9 .\-_&]{1,11}|\+?\d{3,16})$/;

interface SmsPayload {
  text: string;
  sender?: string;
}

export const sms: Channel = {
  id: 'sms',
  name: 'SMS',
  endpoint: '/sms/3/messages',
  maxMessagesPerRequest: 1000,
  deliveryReportType: 'smsDelivery',

  compose(args, tenant) {
    const text = stringArg(args, 'text');
    if (!text || text.length > MAX_TEXT_LENGTH) return { ok: false, messageStatus: messageStatus.invalidTextLength };
    const sender = stringArg(args, 'sender') ?? tenant.settings.senders.sms;
    if (sender !== undefined && !SENDER.test(sender)) return { ok: false, messageStatus: messageStatus.invalidFrom };
    const payload: SmsPayload = sender ? { text, sender } : { text };
    return { ok: true, payload: { ...payload } };
  },

  buildRequest(messages: OutboundMessage[], context: RequestContext) {
    return {
      messages: messages.map((m) => {
        const payload = m.payload as unknown as SmsPayload;
        return {
          ...(payload.sender ? { sender: payload.sender } : {}),
          destinations: [{ to: m.destination, messageId: m.id }],
          content: { text: payload.text },
          webhooks: {
            delivery: { url: context.deliveryReportUrl },
            contentType: 'application/json',
            ...(m.callbackData ? { callbackData: m.callbackData } : {}),
          },
        };
      }),
      // One request carries one activity's messages, so they share its bulkId.
      options: { schedule: { bulkId: messages[0]!.bulkId }, includeSmsCountInResponse: true },
    };
  },
};
