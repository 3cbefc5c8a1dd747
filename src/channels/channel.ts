import type { ProviderStatus } from '../infobip/send.ts';
import type { ActivityArguments } from '../journey/activity-arguments.ts';
import type { SendWindow } from '../journey/activity-options.ts';
import type { UrlTracking } from '../journey/url-tracking.ts';

/** Which of the tenant's configured sender lists a channel draws its default sender from. */
export type SenderKind = 'sms' | 'viber' | 'kakao' | 'rcs' | 'zalo' | 'whatsapp';

/** A stored message as the dispatcher hands it to its channel. */
export interface OutboundMessage {
  id: string;
  destination: string;
  sender: string | undefined;
  /** The channel's own content, as its `compose` produced it, merge fields rendered. */
  content: Record<string, unknown>;
  callbackData: string | null;
}

/** What one Infobip request shares: messages are grouped so that these are equal. */
export interface RequestContext {
  bulkId: string;
  tracking: UrlTracking | undefined;
  deliveryReportUrl: string;
  seenReportUrl: string;
  /**
   * The Infobip application of the sending account's subscriptions (the Configuration app's
   * Subscriptions), set on every message: those subscriptions take only messages of their
   * application. Undefined for an account without ours: no application is named that the account
   * may not have.
   */
  applicationId: string | undefined;
}

export type Composed = { ok: true; content: Record<string, unknown> } | { ok: false; messageStatus: string };

/**
 * One messaging channel: how the activity's inArguments become a message (with the guide's
 * messageStatus errors), and how stored messages become one Infobip request. Channels are listed
 * once, in registry.ts; what all channels share (recipient, sender, account, URL tracking,
 * callback data, merge fields) is done once, in journey/message-execute.ts.
 */
export interface Channel {
  /** Stable id used in inArguments (`channel`), storage and URLs. */
  id: string;
  /** Name marketers see; also the default bulkId ("mc-relay SMS"). */
  name: string;
  /** Other names accepted in the `channel` inArgument ("Kakao Alim", "kakaoAlim"). */
  aliases: string[];
  /** Infobip endpoint that sends this channel. */
  endpoint: string;
  /**
   * Infobip endpoint that lists this channel's sent messages by messageId (`GET`, same spec file as
   * `endpoint`). A message whose last send has an unknown outcome is looked up there before it is
   * sent again; undefined when the channel has none (WhatsApp): such a message is sent again.
   */
  logsPath: string | undefined;
  /** Messages per Infobip request; infobip.md §1.5 recommends ≤ 1,000 destinations. */
  maxMessagesPerRequest: number;
  /** Report type (reports/report-types.ts) its delivery reports are written back as. */
  deliveryReportType: string;
  senderKind: SenderKind;
  /** Whether a message can go without a sender (Infobip then uses the account's default). */
  senderRequired: boolean;
  isValidSender(sender: string): boolean;
  /** The guide's URL shortening & tracking applies (SMS, LMS, MMS, RCS, Viber, WhatsApp). */
  urlTracking: boolean;
  compose(args: ActivityArguments): Composed;
  /** Messages (SMS segments) the content will be billed as, where we can count them. */
  predictMessageCount?(content: Record<string, unknown>): number;
  buildRequest(messages: OutboundMessage[], context: RequestContext): unknown;
  /** Infobip's 200 answer as a status per messageId; undefined when the body is not the expected shape. */
  readResponse(body: unknown): Map<string, ProviderStatus> | undefined;
}

/** What the outbox stores for a message (messages.payload, JSON). */
export interface StoredPayload {
  sender?: string;
  content: Record<string, unknown>;
  tracking?: UrlTracking;
  /** The guide's "Custom data extension": merge fields are filled from this row when sending. */
  dataExtension?: CustomDataExtension;
  /** The guide's "Sending speed limit", per journey version and activity (dispatch acts on it). */
  speedLimit?: SpeedLimit;
  /** The guide's "Trigger Event on Response": replies fire this journey event (two-way journeys). */
  triggerEvent?: { eventDefinitionKey: string };
  /** Quiet hours in the recipient's local time (dispatch holds or skips messages outside them). */
  sendWindow?: SendWindow;
  /** Minutes within which the message must be sent, or it is expired (dispatch/dispatch-columns.ts). */
  validityPeriod?: number;
  /** What stopping the journey version does to the message while it waits. */
  onJourneyStop?: 'cancel' | 'keepSending';
}

export interface SpeedLimit {
  amount: number;
  timeUnit: 'MINUTE' | 'HOUR' | 'DAY';
}

export interface CustomDataExtension {
  key: string;
  /** The column holding the contact key. */
  contactKeyField: string;
}
