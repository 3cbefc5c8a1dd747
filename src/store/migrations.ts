import { type Kysely, type Migration, type MigrationProvider, SqliteAdapter, sql } from 'kysely';

/**
 * Migrations live in code, in order, so that one build carries its schema and the same
 * definitions run on SQLite and PostgreSQL. Kysely's migrator takes a lock, so several
 * instances starting together against one PostgreSQL apply each migration once.
 */
const migrations: Record<string, Migration> = {
  '0001_spine': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('tenants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url_key', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('mid', 'text', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('sealed_secrets', 'text', (c) => c.notNull())
        .addColumn('webhook_token_hash', 'text', (c) => c.notNull().unique())
        // The token a rotation replaced: accepted until the grace period in the sealed secrets ends.
        .addColumn('previous_webhook_token_hash', 'text', (c) => c.unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('infobip_accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('base_url', 'text', (c) => c.notNull())
        .addColumn('sealed_api_key', 'text', (c) => c.notNull())
        .addColumn('is_default', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('activity_id', 'text', (c) => c.notNull())
        .addColumn('journey_id', 'text')
        .addColumn('definition_instance_id', 'text')
        .addColumn('contact_key', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('destination', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('bulk_id', 'text', (c) => c.notNull())
        .addColumn('callback_data', 'text')
        .addColumn('predicted_count', 'integer')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .addColumn('provider_status', 'text')
        .addColumn('last_error', 'text')
        .addColumn('flow_key', 'text', (c) => c.notNull())
        .addColumn('pace_interval_us', 'bigint')
        .addColumn('cancel_on_stop', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('outcome_unknown', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // The dispatcher finds flows with queued messages, then claims each flow's due ones in order.
      await db.schema.createIndex('messages_flow_due').on('messages').columns(['state', 'flow_key', 'next_attempt_at']).execute();
      // Expired leases and overdue messages are found by state and time.
      await db.schema.createIndex('messages_state_lease').on('messages').columns(['state', 'lease_until']).execute();
      await db.schema.createIndex('messages_state_expiry').on('messages').columns(['state', 'expires_at']).execute();

      await db.schema
        .createTable('pacing_cursors')
        .addColumn('flow_key', 'text', (c) => c.primaryKey())
        .addColumn('next_slot_us', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('reports')
        .addColumn('message_id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('destination', 'text', (c) => c.notNull())
        .addColumn('sender', 'text')
        .addColumn('rank', 'integer', (c) => c.notNull())
        .addColumn('status_group_id', 'integer', (c) => c.notNull())
        .addColumn('status_group_name', 'text', (c) => c.notNull())
        .addColumn('status_id', 'integer', (c) => c.notNull())
        .addColumn('status_name', 'text', (c) => c.notNull())
        .addColumn('status_description', 'text')
        .addColumn('error_group_id', 'integer')
        .addColumn('error_group_name', 'text')
        .addColumn('error_id', 'integer')
        .addColumn('error_name', 'text')
        .addColumn('error_description', 'text')
        .addColumn('error_permanent', 'integer')
        .addColumn('price_per_message', 'double precision')
        .addColumn('price_currency', 'text')
        .addColumn('message_count', 'integer')
        .addColumn('mcc_mnc', 'text')
        .addColumn('callback_data', 'text')
        .addColumn('sent_at', 'text')
        .addColumn('done_at', 'text')
        .addColumn('seen_at', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('writeback_queue')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('report_type', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_until', 'bigint')
        .addColumn('request_id', 'text')
        .addColumn('solo', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('writeback_due').on('writeback_queue').columns(['state', 'next_attempt_at']).execute();

      // Reports beyond delivery: URL clicks, inbound messages, journey events, suppressions.
      await db.schema
        .createTable('url_clicks')
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('notification_type', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text')
        .addColumn('clicked_at', 'text', (c) => c.notNull())
        .addColumn('device_type', 'text')
        .addColumn('os', 'text')
        .addColumn('device_name', 'text')
        .addColumn('callback_data', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('url_clicks_pk', ['message_id', 'url'])
        .execute();

      await db.schema
        .createTable('inbound_messages')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('destination', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('text', 'text')
        .addColumn('media_url', 'text')
        .addColumn('keyword', 'text')
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('callback_data', 'text')
        .addColumn('reply_to_message_id', 'text')
        .addColumn('contact_key', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('inbound_messages_pk', ['tenant_id', 'id'])
        .execute();
      // The Reports activity's Reply mode finds a message's reply by the message.
      await db.schema.createIndex('inbound_reply_to').on('inbound_messages').columns(['reply_to_message_id']).execute();
      // A reply is matched to the latest message to its sender: messages by tenant and recipient.
      await db.schema.createIndex('messages_recipient').on('messages').columns(['tenant_id', 'destination', 'created_at']).execute();

      await db.schema
        .createTable('journey_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('inbound_id', 'text', (c) => c.notNull())
        .addColumn('contact_key', 'text', (c) => c.notNull())
        .addColumn('event_definition_key', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_until', 'bigint')
        .addColumn('event_instance_id', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('journey_events_due').on('journey_events').columns(['state', 'next_attempt_at']).execute();

      await db.schema
        .createTable('suppressions')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('destination', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('suppressions_pk', ['tenant_id', 'destination'])
        .execute();
    },
  },
  '0002_messages_by_destination': {
    async up(db: Kysely<any>) {
      // messages_recipient led with tenant_id, so SQLite's planner (without statistics) chose it
      // for "tenant_id = ? AND id IN (…)" over the primary key: every webhook batch read all of
      // the tenant's messages, and intake slowed as the table grew. Leading with the recipient
      // still serves the reply lookup (destination IN (…) AND tenant_id = ? AND created_at ≥ ?)
      // and offers nothing to a query that only knows the tenant.
      await db.schema.dropIndex('messages_recipient').execute();
      await db.schema.createIndex('messages_destination').on('messages').columns(['destination', 'tenant_id', 'created_at']).execute();
    },
  },
  '0003_partial_message_queues': {
    async up(db: Kysely<any>) {
      // The indexes the dispatcher claims and sweeps through held every message ever stored, keyed
      // by state: each insert and each state change wrote them, and they grew with history. These
      // hold only the messages in the state they serve (queued, or sending), so they stay as large
      // as the queue. The queries name the state as a literal (store/sql/message-states.ts): a
      // partial index only serves a query whose WHERE states its condition.
      await db.schema.dropIndex('messages_flow_due').execute();
      await db.schema.dropIndex('messages_state_lease').execute();
      await db.schema.dropIndex('messages_state_expiry').execute();
      await db.schema.createIndex('messages_queued_due').on('messages').columns(['flow_key', 'next_attempt_at']).where(sql.ref('state'), '=', sql.lit('queued')).execute();
      await db.schema.createIndex('messages_queued_expiry').on('messages').column('expires_at').where(sql.ref('state'), '=', sql.lit('queued')).execute();
      await db.schema.createIndex('messages_sending_lease').on('messages').column('lease_until').where(sql.ref('state'), '=', sql.lit('sending')).execute();
    },
  },
  '0004_paced_flow_owners': {
    async up(db: Kysely<any>) {
      // One instance at a time sends a paced flow (store/sql/claimPacedMessages.ts): the instance
      // whose claim last took the flow's slots, until owned_until.
      await db.schema.alterTable('pacing_cursors').addColumn('owner', 'text').execute();
      await db.schema.alterTable('pacing_cursors').addColumn('owned_until', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    },
  },
  '0005_sent_messages_by_destination': {
    async up(db: Kysely<any>) {
      // A reply can only answer a message that went out, so the reply lookup's index leaves queued
      // messages out. Keyed by phone number, it took a write at a random place for every stored
      // message: on SQLite a second page dirtied by each execute's insert, beside the primary key's.
      // The entry is now written when the dispatcher claims the message, off the execute path.
      await db.schema.dropIndex('messages_destination').execute();
      await db.schema.createIndex('messages_sent_destination').on('messages').columns(['destination', 'tenant_id', 'created_at']).where(sql.ref('state'), '<>', sql.lit('queued')).execute();
    },
  },
  '0006_message_intake': {
    async up(db: Kysely<any>) {
      // Execute appends its messages here, and the dispatcher moves them into messages
      // (store/sql/promoteIntake.ts). The table has no index but its append-only sequence: a
      // message id is a hash, so the primary key of messages took a write at a random place for
      // every execute, the largest part of its insert. Duplicates (Journey Builder's retries) are
      // now dropped when the rows move, in batches, off the execute path. Its columns are those of
      // messages, copied as they are now; a column added to messages must be added here too.
      if (db.getExecutor().adapter instanceof SqliteAdapter) {
        const { rows } = await sql<{ name: string; type: string; notnull: number; dflt_value: string | null }>`pragma table_info(messages)`.execute(db);
        const columns = rows.map((c) => `"${c.name}" ${c.type}${c.notnull ? ' not null' : ''}${c.dflt_value === null ? '' : ` default ${c.dflt_value}`}`);
        await sql.raw(`create table message_intake (seq integer primary key, ${columns.join(', ')})`).execute(db);
      } else {
        await sql`create table message_intake (seq bigint generated always as identity primary key, like messages including defaults)`.execute(db);
      }
    },
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
