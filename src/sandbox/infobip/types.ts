// Shapes shared by the simulator's parts. Public ones are re-exported from simulator.ts.
// The channel names are declared with the registry (endpoints.ts), so a channel is added in one file.
import type { SimChannel } from './endpoints.ts';
import type { Platform } from './subscriptions.ts';

export type { SimChannel };

/** Relative weights of the final delivery outcome drawn for each accepted message. */
export interface DeliveryOutcomeMix {
  delivered: number;
  undeliverable: number;
  expired: number;
  rejected: number;
}
export type DeliveryOutcome = keyof DeliveryOutcomeMix;

export interface InfobipFaults {
  /** Added to every API answer. */
  latencyMs: number;
  /** 0..1 probability an API call answers 429 (ApiError E429) with `Retry-After: retryAfterSeconds`. */
  rate429: number;
  retryAfterSeconds: number;
  /** 0..1 probability of 500 (ApiError E500). */
  rate5xx: number;
  /** 0..1 probability the request is never answered (socket closed only when the simulator closes). */
  timeoutRate: number;
  /** 0..1 probability a report (delivery or seen) is never sent. */
  webhookDropRate: number;
  /** 0..1 probability a report (delivery or seen) is sent twice. */
  webhookDuplicateRate: number;
  /** Shuffle reports, and send a late intermediate report after the final one for some messages. */
  webhookReorder: boolean;
  /**
   * Management calls that answer 500 (the ApiException these APIs document), each `METHOD /path`
   * exactly as requested, without the query: `POST /subscriptions/1/subscription/RCS`.
   */
  failingManagementCalls: string[];
}


/** One accepted destination, keyed by messageId in `sentMessages()`. */
export interface SimMessage {
  messageId: string;
  bulkId: string;
  /** Channel of the endpoint that accepted it, and that endpoint's path. */
  channel: SimChannel;
  path: string;
  destination: string;
  sender?: string;
  /** `content.text` when the channel's content has one (SMS, RCS/Viber TEXT, Kakao …). */
  text?: string;
  /** Binary content, when an SMS was sent as `{hex}`. */
  hex?: string;
  callbackData?: string;
  /** Where delivery reports go (`webhooks.delivery.url`, WhatsApp `notifyUrl`), only when some will be posted. */
  webhookUrl?: string;
  /** Where seen reports go (RCS/Viber `webhooks.seen.url`, WhatsApp `notifyUrl`), when the channel has them. */
  seenUrl?: string;
  /** The application and entity it was sent with: which subscriptions' criteria it matches. */
  platform?: Platform;
  /** The whole request message (one element of `messages[]`) as it was accepted. */
  request: unknown;
  /** The request-level `options` (schedule, tracking…) of the request that carried it, if any. */
  requestOptions: unknown;
  messageCount: number;
  /** Outcome drawn for the most recent send of this messageId. */
  outcome: DeliveryOutcome;
  /** How many accepted requests carried this messageId (> 1 means the client sent it again). */
  timesReceived: number;
  firstReceivedAt: Date;
  /** Which request (numbered as they arrived at the send endpoints) first carried it. */
  firstRequestNumber: number;
  lastReceivedAt: Date;
}

export interface InfobipStats {
  /** Every call to a simulated send endpoint, whatever its answer. */
  requests: number;
  /** The same per endpoint path; every simulated path is present. */
  requestsByPath: Record<string, number>;
  acceptedRequests: number;
  /** By HTTP status; 400, 401, 429 and 500 are always present. */
  rejectedRequests: Record<number, number>;
  /** Requests swallowed by the timeout fault (never answered). */
  hungRequests: number;
  messagesAccepted: number;
  uniqueMessageIds: number;
  /** messageIds received more than once in accepted requests. */
  duplicateMessageIds: number;
  /** Destinations per accepted request. */
  messagesPerRequest: number[];
  /** Webhook POSTs (delivery and seen reports) answered 200. */
  webhooksPosted: number;
  /** Results carried by those POSTs. */
  webhookReportsPosted: number;
  /** Batches given up after every retry failed. */
  webhookFailures: number;
  /** Every webhook POST attempt, retries included. */
  webhookAttempts: number;
  webhookReportsDropped: number;
  webhookReportsDuplicated: number;
  outcomes: DeliveryOutcomeMix;
}
