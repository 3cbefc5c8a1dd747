import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { ProviderStatus } from '../infobip/send.ts';
import type { OutboundMessage, RequestContext } from './channel.ts';

/**
 * What the "envelope" APIs share (`/sms/3`, `/mms/2`, `/rcs/2`, `/viber/2`, `/kakao-*`, `/zalo/2`;
 * infobip.md §2): one entry in `messages` per message, our messageId on its destination, the
 * application in `options.platform` (every one of these specs' message options has `Platform`),
 * webhooks per message, and schedule/tracking options per request. The channel's own options
 * come in `extra.options`.
 */
export function envelopeMessage(m: OutboundMessage, context: RequestContext, extra: { content: unknown; options?: Record<string, unknown> | undefined; seen?: boolean }) {
  const options = { ...extra.options, ...(context.applicationId ? { platform: { applicationId: context.applicationId } } : {}) };
  return {
    ...(m.sender ? { sender: m.sender } : {}),
    destinations: [{ to: m.destination, messageId: m.id }],
    content: extra.content,
    ...(Object.keys(options).length > 0 ? { options } : {}),
    webhooks: {
      delivery: { url: context.deliveryReportUrl },
      ...(extra.seen ? { seen: { url: context.seenReportUrl } } : {}),
      contentType: 'application/json',
      ...(m.callbackData ? { callbackData: m.callbackData } : {}),
    },
  };
}

export function envelopeRequestOptions(context: RequestContext, extra: Record<string, unknown> = {}) {
  return { schedule: { bulkId: context.bulkId }, ...(context.tracking ? { tracking: context.tracking } : {}), ...extra };
}

const EnvelopeResponse = Type.Object({
  messages: Type.Array(
    Type.Object({
      messageId: Type.String(),
      status: Type.Object({ groupId: Type.Number(), groupName: Type.String(), id: Type.Number(), name: Type.String(), description: Type.Optional(Type.String()) }),
    }),
  ),
});
const checkEnvelopeResponse = TypeCompiler.Compile(EnvelopeResponse);

/** `{bulkId, messages:[{messageId, status, destination}]}`: the envelope APIs' 200 answer. */
export function readEnvelopeResponse(body: unknown): Map<string, ProviderStatus> | undefined {
  if (!checkEnvelopeResponse.Check(body)) return undefined;
  return new Map(body.messages.map((m) => [m.messageId, m.status]));
}
