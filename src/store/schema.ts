import type { ColumnType, Generated } from 'kysely';

/**
 * The database as Kysely sees it. Times are epoch milliseconds (BIGINT) so both dialects
 * compare and sort them the same way; JSON documents are TEXT for the same reason.
 */
export interface Database {
  tenants: TenantsTable;
  infobip_accounts: InfobipAccountsTable;
  messages: MessagesTable;
  message_intake: MessageIntakeTable;
  reports: ReportsTable;
  writeback_queue: WritebackQueueTable;
  url_clicks: UrlClicksTable;
  inbound_messages: InboundMessagesTable;
  journey_events: JourneyEventsTable;
  suppressions: SuppressionsTable;
  pacing_cursors: PacingCursorsTable;
}

export interface TenantsTable {
  id: string;
  url_key: string;
  name: string;
  mid: string;
  /** Non-secret settings, JSON (see tenants/tenant.ts). */
  settings: string;
  /** Secrets, AES-256-GCM sealed JSON (see tenants/secret-box.ts). */
  sealed_secrets: string;
  /** sha256 of the webhook URL token: lets a webhook find its tenant without storing the token in clear. */
  webhook_token_hash: string;
  /** The webhook token before the last rotation, still accepted until `secrets.previous.until`. */
  previous_webhook_token_hash: string | null;
  created_at: number;
}

export interface InfobipAccountsTable {
  id: string;
  tenant_id: string;
  name: string;
  base_url: string;
  sealed_api_key: string;
  is_default: number;
  created_at: number;
}

/** `cancelled` (journey stopped) and `expired` (validity period passed) were never sent; both are reported. */
export type MessageState = 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled' | 'expired';

/** Accepted messages on their way into messages (store/sql/promoteIntake.ts), in the order they came. */
export interface MessageIntakeTable extends MessagesTable {
  seq: Generated<number>;
}

export interface MessagesTable {
  /**
   * Derived from sha256(tenant, activityId, activity/definition instance, keyValue), so Journey
   * Builder's retries of one execute name the same message (see journey/message-execute.ts).
   */
  id: string;
  tenant_id: string;
  activity_id: string;
  journey_id: string | null;
  definition_instance_id: string | null;
  contact_key: string;
  channel: string;
  account_id: string;
  destination: string;
  /** Channel-specific content, JSON. */
  payload: string;
  bulk_id: string;
  callback_data: string | null;
  /** SMS segments we count for the content; the report's messageCount when Infobip sends none. */
  predicted_count: number | null;
  state: MessageState;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  sent_at: number | null;
  provider_status: string | null;
  last_error: string | null;
  /**
   * tenant, journey version (execute's journeyId) and activity: what the sending speed limit, fair
   * claiming and cancellation act on (see dispatch/dispatch-columns.ts).
   */
  flow_key: string;
  /** Microseconds between two messages of the flow under a sending speed limit; null when unlimited. */
  pace_interval_us: number | null;
  /** Stopping or unpublishing the journey version cancels the message while it waits (1), or not (0). */
  cancel_on_stop: number;
  /** After this the message is expired, never sent (its validity period). */
  expires_at: number;
  /**
   * 1 when a previous send attempt may have reached Infobip without us learning the answer (the
   * instance died with it in flight, the request timed out or its connection dropped): before it
   * is sent again, the channel's message logs are asked whether Infobip already has it.
   */
  outcome_unknown: ColumnType<number, number | undefined, number>;
}

export interface ReportsTable {
  message_id: string;
  tenant_id: string;
  channel: string;
  destination: string;
  sender: string | null;
  /** Orders reports of one message: a lower rank never replaces a higher one (see reports/status-rank.ts). */
  rank: number;
  status_group_id: number;
  status_group_name: string;
  status_id: number;
  status_name: string;
  status_description: string | null;
  error_group_id: number | null;
  error_group_name: string | null;
  error_id: number | null;
  error_name: string | null;
  error_description: string | null;
  error_permanent: number | null;
  price_per_message: number | null;
  price_currency: string | null;
  message_count: number | null;
  mcc_mnc: string | null;
  callback_data: string | null;
  sent_at: string | null;
  done_at: string | null;
  seen_at: string | null;
  updated_at: number;
}

/**
 * pending → writing (leased) → submitted (SFMC accepted the async request) → written, or failed
 * when SFMC processed the row and refused it. A request with errors is split: its rows are sent
 * again one per request (`solo`) so each row's own outcome is known.
 */
export type WritebackState = 'pending' | 'writing' | 'submitted' | 'written' | 'failed';

export interface WritebackQueueTable {
  id: string;
  tenant_id: string;
  /** Report type id from reports/report-types.ts: which data extension and which columns. */
  report_type: string;
  message_id: string;
  state: WritebackState;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  request_id: string | null;
  /** Send this row in a request of its own (after a request with errors). */
  solo: number;
  last_error: string | null;
  created_at: number;
}

/** URL click reports (Infobip's `UrlTrackingWebhook`), every click of every tracked link. */
export interface UrlClicksTable {
  message_id: string;
  url: string;
  tenant_id: string;
  channel: string;
  notification_type: string;
  recipient: string | null;
  /** ISO 8601 time of the click (Infobip's epoch-ms `sendDateTime`). */
  clicked_at: string;
  device_type: string | null;
  os: string | null;
  device_name: string | null;
  callback_data: string | null;
  created_at: number;
}

/** Inbound messages (replies), whatever format Infobip forwarded them in. */
export interface InboundMessagesTable {
  tenant_id: string;
  /** Infobip's messageId of the inbound message. */
  id: string;
  channel: string;
  /** The end user who wrote, digits only. */
  sender: string;
  /** Our number or sender the reply was sent to. */
  destination: string;
  /** TEXT, IMAGE, VIDEO, DOCUMENT, BUTTON_REPLY … (Messages API content types). */
  content_type: string;
  text: string | null;
  media_url: string | null;
  keyword: string | null;
  received_at: string;
  callback_data: string | null;
  /** The message this replies to (the latest one to this recipient from this sender in the window). */
  reply_to_message_id: string | null;
  contact_key: string | null;
  created_at: number;
}

export type JourneyEventState = 'pending' | 'firing' | 'fired' | 'failed';

/** Journey API events to fire (two-way: a reply continues a Wait Until Event). */
export interface JourneyEventsTable {
  /** Derived from tenant and inbound message: a webhook delivered twice queues one event. */
  id: string;
  tenant_id: string;
  inbound_id: string;
  contact_key: string;
  event_definition_key: string;
  /** The event's Data, JSON. */
  data: string;
  state: JourneyEventState;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  event_instance_id: string | null;
  last_error: string | null;
  created_at: number;
}

/** Numbers that opted out (STOP keywords, or the operator): executes to them send nothing. */
export interface SuppressionsTable {
  tenant_id: string;
  destination: string;
  /** The keyword that opted the number out, or `admin`. */
  reason: string;
  created_at: number;
}

/**
 * One row per flow under a sending speed limit: the next free sending slot, in epoch
 * microseconds. Slots are taken atomically (row lock), so any number of instances together keep
 * the pace, and it survives restarts.
 */
export interface PacingCursorsTable {
  flow_key: string;
  next_slot_us: number;
  /** The instance sending the flow (its dispatcher's lease owner id), until owned_until (epoch ms). */
  owner: string | null;
  owned_until: ColumnType<number, number | undefined, number>;
}
