// The new-generation "envelope" APIs (/sms/3, /mms/2, /rcs/2, /viber/2, /kakao-alim/1,
// /kakao-chingu/1, /zalo/2) share one request envelope, one response envelope and the ApiError
// error shape (infobip.md §2, §4.1); this reads and answers all of them. Channels differ only in
// `content` (validated by their own spec), in whether they have seen reports and in the shape of
// their reports, which endpoints.ts states per channel.
import { envelopeRuleViolations } from './request-rules.ts';
import type { DeliveryReportBuilder } from './delivery-report.ts';
import type { SeenReportBuilder } from './seen-report.ts';
import type { AcceptedRequest, ReadRequest, SimulatedEndpoint } from './simulated-endpoint.ts';
import type { SimChannel } from './types.ts';

/** The fields of a (schema-valid) envelope request the simulator reads. */
export interface EnvelopeRequest {
  messages: EnvelopeMessage[];
  options?: {
    schedule?: { bulkId?: string; sendAt?: string };
    /** SMS only. */
    includeSmsCountInResponse?: boolean;
  };
}

export interface Destination {
  to: string;
  messageId?: string;
}

export interface EnvelopeMessage {
  sender?: string;
  /** MMS also accepts `{group: [...]}`: one group MMS to up to 200 numbers. */
  destinations: (Destination | { group: Destination[] })[];
  content: { text?: unknown; hex?: unknown; [key: string]: unknown };
  options?: {
    platform?: { entityId?: string; applicationId?: string };
    campaignReferenceId?: string;
    deliveryTimeWindow?: { days: string[]; from?: TimeOfDay; to?: TimeOfDay };
  };
  webhooks?: {
    delivery?: { url?: string; intermediateReport?: boolean; notify?: boolean };
    callbackData?: string;
    /** RCS and Viber (`AdvancedWebhooksWithSeen`). */
    seen?: { url?: string };
  };
}

export interface TimeOfDay {
  hour: number;
  minute: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Reads an envelope request. `seen`: whether the channel posts seen reports to
 * `webhooks.seen.url`. A group destination (MMS) is read as its members, each its own message.
 */
export function readEnvelope(body: EnvelopeRequest, seen: boolean, messageCount: (m: EnvelopeMessage) => number = () => 1): ReadRequest {
  return {
    bulkId: body.options?.schedule?.bulkId,
    sendAt: body.options?.schedule?.sendAt,
    messages: body.messages.map((message) => {
      const delivery = message.webhooks?.delivery;
      return {
        request: message,
        sender: message.sender,
        destinations: message.destinations.flatMap((d) => ('group' in d ? d.group : [d])),
        messageCount: messageCount(message),
        text: str(message.content.text),
        hex: str(message.content.hex),
        callbackData: message.webhooks?.callbackData,
        // `notify: false` → no report at all; no URL → the account's subscriptions apply (send-route.ts).
        deliveryUrl: delivery?.url && delivery.notify !== false ? delivery.url : undefined,
        notify: delivery?.notify !== false,
        intermediateReport: delivery?.intermediateReport === true,
        seenUrl: seen ? message.webhooks?.seen?.url || undefined : undefined,
        platform: message.options?.platform,
        campaignReferenceId: message.options?.campaignReferenceId,
      };
    }),
  };
}

/** The response envelope: `{bulkId, messages: [{messageId, status, destination, details?}]}`. */
export function envelopeResponse(accepted: AcceptedRequest<EnvelopeRequest>, details?: (m: AcceptedRequest<EnvelopeRequest>['messages'][number]) => object | undefined) {
  return {
    bulkId: accepted.bulkId,
    messages: accepted.messages.map((m) => {
      const extra = details?.(m);
      return { messageId: m.messageId, status: { ...accepted.status }, destination: m.to, ...(extra ? { details: extra } : {}) };
    }),
  };
}

export interface EnvelopeEndpointDefinition {
  channel: SimChannel;
  path: string;
  specFile: string;
  delivery: { webhook: string; build: DeliveryReportBuilder };
  /** Only for channels whose spec has a seen webhook (read from `webhooks.seen.url`). */
  seen?: { webhook: string; build: SeenReportBuilder };
  prepare?: (body: unknown) => void;
  /** Default 1 per destination. */
  messageCount?: (message: EnvelopeMessage) => number;
  /** `details` of each response entry, if any. */
  responseDetails?: (body: EnvelopeRequest, message: AcceptedRequest<EnvelopeRequest>['messages'][number]) => object | undefined;
}

/** A SimulatedEndpoint for an envelope API: ApiError errors, the shared envelope rules. */
export function envelopeEndpoint(def: EnvelopeEndpointDefinition): SimulatedEndpoint<EnvelopeRequest> {
  return {
    channel: def.channel,
    path: def.path,
    specFile: def.specFile,
    errorShape: 'ApiError',
    prepare: def.prepare,
    rules: envelopeRuleViolations,
    read: (body) => readEnvelope(body, def.seen !== undefined, def.messageCount),
    respond: (accepted) => envelopeResponse(accepted, def.responseDetails && ((m) => def.responseDetails!(accepted.body, m))),
    reports: { delivery: def.delivery, ...(def.seen ? { seen: def.seen } : {}) },
  };
}
