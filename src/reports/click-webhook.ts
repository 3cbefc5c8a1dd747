import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/**
 * A URL click report (`UrlTrackingWebhook`, SMS `receive-sms-tracking-notification` and the same
 * for MMS and the other channels' CLICK subscriptions). Unlike other reports it is one object,
 * not wrapped in `results`, and `sendDateTime` is epoch milliseconds.
 */
const ClickWebhook = Type.Object({
  notificationType: Type.Optional(Type.String()),
  recipient: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
  // Epoch milliseconds, within what a Date can hold (±8.64e15): anything else has no instant.
  sendDateTime: Type.Optional(Type.Integer({ minimum: 0, maximum: 8.64e15 })),
  messageId: Type.String({ minLength: 1 }),
  callbackData: Type.Optional(Type.String()),
  recipientInfo: Type.Optional(
    Type.Object({ deviceType: Type.Optional(Type.String()), os: Type.Optional(Type.String()), deviceName: Type.Optional(Type.String()) }),
  ),
});
type ClickWebhook = Static<typeof ClickWebhook>;
const checkClick = TypeCompiler.Compile(ClickWebhook);

export interface ClickReport {
  messageId: string;
  notificationType: string;
  url: string;
  recipient?: string | undefined;
  clickedAt: string;
  deviceType?: string | undefined;
  os?: string | undefined;
  deviceName?: string | undefined;
  callbackData?: string | undefined;
}

export type ParsedClickWebhook = { ok: true; clicks: ClickReport[] } | { ok: false; problem: string };

/**
 * Reads a click report. A `{"results": [...]}` body (a subscription's bucket) is read too, so both
 * the per-message `trackingUrl` and a CLICK subscription may point here.
 */
export function parseClickWebhook(body: unknown, now = Date.now()): ParsedClickWebhook {
  const items = typeof body === 'object' && body !== null && Array.isArray((body as { results?: unknown }).results) ? (body as { results: unknown[] }).results : [body];
  const clicks: ClickReport[] = [];
  for (const [index, item] of items.entries()) {
    if (!checkClick.Check(item)) {
      const error = checkClick.Errors(item).First();
      return { ok: false, problem: `${items.length > 1 || item !== body ? `results[${index}]` : 'body'}${error?.path.replaceAll('/', '.') ?? ''} ${error?.message ?? 'is invalid'}` };
    }
    clicks.push(toClick(item, now));
  }
  return { ok: true, clicks };
}

function toClick(c: ClickWebhook, now: number): ClickReport {
  return {
    messageId: c.messageId,
    notificationType: c.notificationType ?? 'CLICKED',
    url: c.url ?? '',
    recipient: c.recipient,
    // Epoch milliseconds; a report without one is dated when we receive it.
    clickedAt: new Date(c.sendDateTime ?? now).toISOString(),
    deviceType: c.recipientInfo?.deviceType,
    os: c.recipientInfo?.os,
    deviceName: c.recipientInfo?.deviceName,
    callbackData: c.callbackData,
  };
}
