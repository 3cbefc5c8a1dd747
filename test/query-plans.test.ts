import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CompiledQuery, type Kysely } from 'kysely';
import { openStore, type Store } from '../src/store/database.ts';
import type { Database } from '../src/store/schema.ts';
import { selectEngagement } from '../src/store/sql/selectEngagement.ts';
import { selectFirstClicks } from '../src/store/sql/selectFirstClicks.ts';
import { selectFirstReply } from '../src/store/sql/selectFirstReply.ts';
import { selectInboundMessages } from '../src/store/sql/selectInboundMessages.ts';
import { selectMessagesForReports } from '../src/store/sql/selectMessagesForReports.ts';
import { selectRecentMessagesTo } from '../src/store/sql/selectRecentMessagesTo.ts';
import { selectReports } from '../src/store/sql/selectReports.ts';
import { selectWaitingMessage } from '../src/store/sql/selectWaitingMessage.ts';
import { cancelWaitingMessages } from '../src/store/sql/cancelWaitingMessages.ts';
import { claimFlowMessages } from '../src/store/sql/claimFlowMessages.ts';
import { countQueuedAhead } from '../src/store/sql/countQueuedAhead.ts';
import { countWaitingMessages } from '../src/store/sql/countWaitingMessages.ts';
import { expireOverdueMessages } from '../src/store/sql/expireOverdueMessages.ts';
import { listQueuedFlows } from '../src/store/sql/listQueuedFlows.ts';
import { requeueExpiredLeases } from '../src/store/sql/requeueExpiredLeases.ts';
import { selectFlowPace } from '../src/store/sql/selectFlowPace.ts';
import { createTestDatabase, type TestDatabase } from './helpers/databases.ts';

/**
 * The lookups that run per webhook batch or per Reports execute must find rows by key, whatever
 * the table holds. SQLite plans without statistics: an index that merely starts with tenant_id
 * once won over the primary key, and every webhook batch read all of the tenant's messages. The
 * plans are read from SQLite itself (EXPLAIN QUERY PLAN) for the statements our code compiles.
 */
// A webhook batch names up to hundreds of messages; the planner weighs long IN lists differently.
const ids = Array.from({ length: 200 }, (_, i) => `message-${i}`);
const phones = Array.from({ length: 200 }, (_, i) => `+4915100000${i}`);
const lookups: { name: string; run: (db: Kysely<Database>) => Promise<unknown>; uses: RegExp }[] = [
  { name: 'selectMessagesForReports', run: (db) => selectMessagesForReports(db, 't', ids), uses: /messages USING INDEX sqlite_autoindex_messages_1 \(id=\?\)/ },
  { name: 'selectWaitingMessage', run: (db) => selectWaitingMessage(db, 't', 'a'), uses: /messages USING INDEX sqlite_autoindex_messages_1 \(id=\?\)/ },
  { name: 'selectRecentMessagesTo', run: (db) => selectRecentMessagesTo(db, 't', phones, 0), uses: /messages USING INDEX messages_sent_destination \(destination=\? AND tenant_id=\? AND created_at>\?\)/ },
  { name: 'selectReports', run: (db) => selectReports(db, 't', ids), uses: /reports USING INDEX sqlite_autoindex_reports_1 \(message_id=\?\)/ },
  { name: 'selectFirstClicks', run: (db) => selectFirstClicks(db, 't', ids), uses: /url_clicks USING INDEX sqlite_autoindex_url_clicks_1 \(message_id=\?\)/ },
  { name: 'selectInboundMessages', run: (db) => selectInboundMessages(db, 't', ids), uses: /inbound_messages USING INDEX sqlite_autoindex_inbound_messages_1 \(tenant_id=\? AND id=\?\)/ },
  { name: 'selectFirstReply', run: (db) => selectFirstReply(db, 't', 'a'), uses: /inbound_messages USING INDEX inbound_reply_to \(reply_to_message_id=\?\)/ },
  { name: 'selectEngagement', run: (db) => selectEngagement(db, 't', 'a'), uses: /reports USING INDEX sqlite_autoindex_reports_1 \(message_id=\?\)/ },
];

/**
 * The dispatcher's claims and sweeps read partial indexes that hold only queued (or only
 * sending) messages, so their cost follows the queue, not every message ever sent.
 */
const queueReads: typeof lookups = [
  { name: 'claimFlowMessages', run: (db) => claimFlowMessages(db, 'sqlite', { flowKey: 'f', owner: 'o', now: 1, leaseMs: 1, limit: 100, excludeAccountIds: [] }), uses: /messages USING INDEX messages_queued_due \(flow_key=\? AND next_attempt_at<\?\)/ },
  { name: 'listQueuedFlows', run: (db) => listQueuedFlows(db, '', 10), uses: /USING COVERING INDEX messages_queued_due \(flow_key>\?\)/ },
  { name: 'countQueuedAhead', run: (db) => countQueuedAhead(db, 'f', 1, 'a'), uses: /USING (COVERING )?INDEX messages_queued_due \(flow_key=\?/ },
  { name: 'selectFlowPace', run: (db) => selectFlowPace(db, 'f'), uses: /USING INDEX messages_queued_due \(flow_key=\?\)/ },
  { name: 'requeueExpiredLeases', run: (db) => requeueExpiredLeases(db, 1), uses: /messages USING INDEX messages_sending_lease \(lease_until<\?\)/ },
  { name: 'expireOverdueMessages', run: (db) => expireOverdueMessages(db, 1), uses: /messages USING INDEX messages_queued_expiry \(expires_at<\?\)/ },
  { name: 'countWaitingMessages', run: (db) => countWaitingMessages(db), uses: /messages USING INDEX messages_sending_lease[\s\S]*|messages USING INDEX messages_queued_(due|expiry)/ },
  { name: 'cancelWaitingMessages', run: (db) => cancelWaitingMessages(db, { tenantId: 't', journeyId: 'j', onlyCancelOnStop: false, reason: 'r' }), uses: /messages USING INDEX messages_queued_(due|expiry)/ },
];

describe('SQLite finds webhook and Reports lookups by key, not by tenant', () => {
  let database: TestDatabase;
  let store: Store;
  before(async () => {
    database = await createTestDatabase('sqlite');
    store = await openStore(database.url);
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  for (const lookup of lookups) {
    test(lookup.name, async () => {
      const plan = (await planOf(store.db, lookup.run)).join('\n');
      assert.match(plan, lookup.uses, plan);
      assert.doesNotMatch(plan, /\bSCAN (messages|reports|url_clicks|inbound_messages)\b/, plan);
    });
  }

  for (const read of queueReads) {
    test(`${read.name} reads only the queue`, async () => {
      const plan = (await planOf(store.db, read.run)).join('\n');
      assert.match(plan, read.uses, plan);
      assert.doesNotMatch(plan, /\bSCAN messages\b(?! USING)/, plan);
    });
  }
});

/** Runs `run` against a Kysely that records each compiled statement, then explains each one. */
async function planOf(db: Kysely<Database>, run: (db: Kysely<Database>) => Promise<unknown>): Promise<string[]> {
  const compiled: CompiledQuery[] = [];
  const recording = db.withPlugin({
    transformQuery: ({ node, queryId }) => {
      compiled.push(db.getExecutor().compileQuery(node, queryId));
      return node;
    },
    transformResult: async ({ result }) => result,
  });
  await run(recording);
  assert.ok(compiled.length > 0, 'the lookup ran no statement');
  const plan: string[] = [];
  for (const query of compiled) {
    const { rows } = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]));
    plan.push(...rows.map((r) => r.detail));
  }
  return plan;
}
