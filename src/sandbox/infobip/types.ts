// Shapes shared by the simulator's parts. Public ones are re-exported from simulator.ts.

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
  /** 0..1 probability a delivery report is never sent. */
  webhookDropRate: number;
  /** 0..1 probability a delivery report is sent twice. */
  webhookDuplicateRate: number;
  /** Shuffle reports, and send a late intermediate report after the final one for some messages. */
  webhookReorder: boolean;
}

/** One accepted destination, keyed by messageId in `sentMessages()`. */
export interface SimMessage {
  messageId: string;
  bulkId: string;
  destination: string;
  sender?: string;
  text?: string;
  /** Binary content, when the message was sent as `{hex}`. */
  hex?: string;
  callbackData?: string;
  /** `webhooks.delivery.url`, only when a delivery report will be posted for it. */
  webhookUrl?: string;
  messageCount: number;
  /** Outcome drawn for the most recent send of this messageId. */
  outcome: DeliveryOutcome;
  /** How many accepted requests carried this messageId (> 1 means the client sent it again). */
  timesReceived: number;
  firstReceivedAt: Date;
  lastReceivedAt: Date;
}

export interface InfobipStats {
  /** Every POST /sms/3/messages call, whatever its answer. */
  requests: number;
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
  /** Webhook POSTs answered 200. */
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
