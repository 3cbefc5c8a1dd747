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
  { name: 'selectRecentMessagesTo', run: (db) => selectRecentMessagesTo(db, 't', phones, 0), uses: /messages USING INDEX messages_destination \(destination=\? AND tenant_id=\? AND created_at>\?\)/ },
  { name: 'selectReports', run: (db) => selectReports(db, 't', ids), uses: /reports USING INDEX sqlite_autoindex_reports_1 \(message_id=\?\)/ },
  { name: 'selectFirstClicks', run: (db) => selectFirstClicks(db, 't', ids), uses: /url_clicks USING INDEX sqlite_autoindex_url_clicks_1 \(message_id=\?\)/ },
  { name: 'selectInboundMessages', run: (db) => selectInboundMessages(db, 't', ids), uses: /inbound_messages USING INDEX sqlite_autoindex_inbound_messages_1 \(tenant_id=\? AND id=\?\)/ },
  { name: 'selectFirstReply', run: (db) => selectFirstReply(db, 't', 'a'), uses: /inbound_messages USING INDEX inbound_reply_to \(reply_to_message_id=\?\)/ },
  { name: 'selectEngagement', run: (db) => selectEngagement(db, 't', 'a'), uses: /reports USING INDEX sqlite_autoindex_reports_1 \(message_id=\?\)/ },
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
