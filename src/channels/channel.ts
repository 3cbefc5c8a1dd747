import type { Tenant } from '../tenants/tenant.ts';

/** A stored message as the dispatcher hands it to its channel. */
export interface OutboundMessage {
  id: string;
  destination: string;
  /** The channel's own content, as its `compose` produced it. */
  payload: Record<string, unknown>;
  bulkId: string;
  callbackData: string | null;
}

export type Composed = { ok: true; payload: Record<string, unknown> } | { ok: false; messageStatus: string };

/** Where the dispatcher asks Infobip to send this request's reports. */
export interface RequestContext {
  deliveryReportUrl: string;
}

/**
 * One messaging channel: how the activity's inArguments become a message (with the guide's
 * messageStatus errors), and how stored messages become one Infobip request. Channels are listed
 * once, in registry.ts.
 */
export interface Channel {
  /** Stable id used in inArguments (`channel`), storage and URLs. */
  id: string;
  /** Name marketers see; also the default bulkId suffix ("mc-relay SMS"). */
  name: string;
  /** Infobip endpoint that sends this channel. */
  endpoint: string;
  /** Messages per Infobip request; infobip.md §1.5 recommends ≤ 1,000 destinations. */
  maxMessagesPerRequest: number;
  /** Report type (reports/report-types.ts) its delivery reports are written back as. */
  deliveryReportType: string;
  compose(args: Map<string, unknown>, tenant: Tenant): Composed;
  buildRequest(messages: OutboundMessage[], context: RequestContext): unknown;
}
