// What the simulator needs to know about one Infobip send endpoint. Everything channel-specific
// lives in one `SimulatedEndpoint` value in endpoints.ts; the route (send-route.ts), the ledger,
// the webhook dispatcher, the faults and the error bodies are shared by all of them.
import type { Violation } from '../openapi.ts';
import type { ErrorShape } from './api-errors.ts';
import type { DeliveryReportBuilder } from './delivery-report.ts';
import type { SeenReportBuilder } from './seen-report.ts';
import type { Platform } from './subscriptions.ts';
import type { MessageStatus } from './statuses.ts';
import type { SimChannel } from './types.ts';

/** One request message, read into the channel-neutral form the simulator works with. */
export interface ReadMessage {
  /** The request message (one element of `messages[]`) as received, recorded in sentMessages(). */
  request: unknown;
  sender?: string;
  /** Each becomes one accepted message with its own messageId (generated when absent). */
  destinations: { to: string; messageId?: string }[];
  /** Billable parts per destination (SMS segments; 1 elsewhere). */
  messageCount: number;
  text?: string;
  hex?: string;
  callbackData?: string;
  /** Where delivery reports go; undefined when the request names no URL, or `notify: false`. */
  deliveryUrl?: string;
  /**
   * False for `notify: false`: no delivery report at all. Otherwise, without `deliveryUrl`, the
   * account's DELIVERY subscriptions apply ("When no webhook is specified in the request and
   * notify is set to 'true' or not defined, your Subscription settings will apply").
   */
  notify: boolean;
  /** `intermediateReport: true`: a non-final report precedes the final one. */
  intermediateReport: boolean;
  /** Where seen reports go; undefined when the request names none (the SEEN subscriptions then apply) or the channel has none. */
  seenUrl?: string;
  platform?: Platform;
  campaignReferenceId?: string;
}

/** A schema-valid request, read. */
export interface ReadRequest {
  /** The client's bulkId, if it chose one (one is generated otherwise). */
  bulkId?: string;
  /** Scheduled sending time, in Infobip's timestamp format. */
  sendAt?: string;
  messages: ReadMessage[];
}

/** What an endpoint's answer is built from once a request is accepted. */
export interface AcceptedRequest<Body> {
  body: Body;
  bulkId: string;
  /** The status the endpoint answers each accepted message with (from its documented 200 example). */
  status: MessageStatus;
  /** One per accepted message, in request order. */
  messages: { messageId: string; to: string; messageCount: number }[];
}

export interface SimulatedEndpoint<Body = unknown> {
  readonly channel: SimChannel;
  /** Served as POST. */
  readonly path: string;
  /** Its OpenAPI document in specs/infobip/: the request body is validated against it. */
  readonly specFile: string;
  /** Error body shape of 400/401/429/500 answers. */
  readonly errorShape: ErrorShape;
  /** In-place fix-ups the API applies before validating (SMS clips over-long ids). */
  prepare?(body: unknown): void;
  /** Documented constraints the schema cannot express; called on a schema-valid body. */
  rules(body: Body, now: Date): Violation[];
  read(body: Body): ReadRequest;
  /** The 200 answer. */
  respond(accepted: AcceptedRequest<Body>): unknown;
  readonly reports: {
    /** `webhook`: the name under `webhooks` in the spec whose request body `build` produces results of. */
    readonly delivery: { readonly webhook: string; readonly build: DeliveryReportBuilder };
    /** Absent when the spec defines no seen webhook for the channel. */
    readonly seen?: { readonly webhook: string; readonly build: SeenReportBuilder };
  };
}
