// Drives the connector end to end the way its real callers do: Journey Builder's executes (signed
// JWTs), the operator's admin API, and reads of what ended where (our store, the SFMC simulator).
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { ExecuteSigner, fillExample, loadExample, postExecute } from '../../src/sandbox/journey-builder.ts';
import type { Sandbox } from '../../src/sandbox/sandbox.ts';
import type { SimMessage } from '../../src/sandbox/infobip/simulator.ts';
import type { Database, MessagesTable, ReportsTable, WritebackQueueTable } from '../../src/store/schema.ts';
import type { AccountChannelSettings } from '../../src/tenants/tenant.ts';
import { eventually } from './eventually.ts';
import { postJson } from './http.ts';
import { promoteIntake } from '../../src/store/sql/promoteIntake.ts';

const smsTemplate = loadExample('sms');
const reportsTemplate = loadExample('reports-delivery');

/** A valid German mobile number per index. */
export const phone = (i: number) => `+49151${String(10_000_000 + i)}`;

/** One tenant as a test drives it: its activity URLs, its signer and its webhook. */
export interface TestTenant {
  id: string;
  mid: string;
  messageActivityUrl: string;
  reportsActivityUrl: string;
  deliveryWebhookUrl: string;
  signer: ExecuteSigner;
  accountId: string;
  dataExtensions: Record<string, string>;
}

/** The sandbox's demo tenant as a TestTenant. */
export async function demoTenant(sandbox: Sandbox): Promise<TestTenant> {
  const described = await adminGetTenant(sandbox, sandbox.info.tenantId);
  return {
    id: sandbox.info.tenantId,
    mid: sandbox.info.sfmc.accountId,
    messageActivityUrl: sandbox.info.messageActivityUrl,
    reportsActivityUrl: sandbox.info.reportsActivityUrl,
    deliveryWebhookUrl: sandbox.info.webhooks.deliveryReports!,
    signer: new ExecuteSigner(sandbox.info.jwtSecret),
    accountId: described.infobipAccounts[0].id,
    dataExtensions: sandbox.info.dataExtensions,
  };
}

/** Saves an Infobip account's custom domains and sender names as the Configuration app's channel step does. */
export async function configureAccountChannels(sandbox: Sandbox, accountId: string, channels: Omit<AccountChannelSettings, 'subscriptions'>): Promise<void> {
  const { configAppUrl, sfmc } = sandbox.info;
  const signIn = await postJson(`${configAppUrl}api/session`, { mid: sfmc.accountId, clientId: sfmc.clientId, clientSecret: sfmc.clientSecret, soapOrigin: sfmc.soapBaseUrl, authOrigin: sfmc.authBaseUrl });
  assert.equal(signIn.status, 200, signIn.text);
  const saved = await fetch(`${configAppUrl}api/accounts/${accountId}/channels`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${signIn.json!.session.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(channels),
  });
  assert.equal(saved.status, 200, await saved.text());
}

export interface ExtraTenantOptions {
  /** Default: the sandbox's Infobip simulator and key. */
  infobip?: { baseUrl: string; apiKey: string };
  /** Report data extension keys by id (e.g. `{ smsDeliveryReports: 'My_DE' }`). */
  dataExtensions?: Record<string, string>;
  name?: string;
}

/**
 * A second tenant created through the real admin API, in the sandbox's SFMC business unit (same
 * API integration), pointed at the given Infobip account.
 */
export async function addTenant(sandbox: Sandbox, options: ExtraTenantOptions = {}): Promise<TestTenant> {
  const jwtSecret = randomBytes(24).toString('base64url');
  const { sfmc, infobip } = sandbox.info;
  const response = await fetch(`${sandbox.info.adminUrl}/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sandbox.info.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: options.name ?? 'Second business unit',
      mid: sfmc.accountId,
      jwtSigningSecret: jwtSecret,
      sfmc: { clientId: sfmc.clientId, clientSecret: sfmc.clientSecret, authBaseUrl: sfmc.authBaseUrl },
      infobip: options.infobip ?? infobip,
      defaultCountry: 'DE',
      senders: { sms: 'mc-relay' },
      ...(options.dataExtensions ? { dataExtensions: options.dataExtensions } : {}),
    }),
  });
  if (response.status !== 201) throw new Error(`tenant creation answered ${response.status}: ${await response.text()}`);
  const t = (await response.json()) as Record<string, any>;
  return {
    id: t.id,
    mid: t.mid,
    messageActivityUrl: t.activities.message,
    reportsActivityUrl: t.activities.reports,
    deliveryWebhookUrl: t.webhooks.deliveryReports,
    signer: new ExecuteSigner(jwtSecret),
    accountId: t.infobipAccounts[0].id,
    dataExtensions: t.dataExtensions,
  };
}

async function adminGetTenant(sandbox: Sandbox, id: string): Promise<Record<string, any>> {
  const response = await fetch(`${sandbox.info.adminUrl}/tenants/${id}`, { headers: { authorization: `Bearer ${sandbox.info.adminToken}` } });
  if (response.status !== 200) throw new Error(`tenant lookup answered ${response.status}`);
  return (await response.json()) as Record<string, any>;
}

export interface Contact {
  contactKey: string;
  phone: string;
}

/** `count` contacts with keys `${prefix}-${i}` and distinct phone numbers from `firstPhone`. */
export function contacts(prefix: string, count: number, firstPhone = 0): Contact[] {
  return Array.from({ length: count }, (_, i) => ({ contactKey: `${prefix}-${i}`, phone: phone(firstPhone + i) }));
}

/**
 * Executes the Message activity for each contact, `concurrency` at a time, like Journey Builder
 * pushing a wave of contacts; fails unless every execute answers pending. Answers the messageIds
 * in contact order. `activityUrl` may be given per contact (several connector instances).
 */
export async function executeAll(
  tenant: Pick<TestTenant, 'messageActivityUrl' | 'signer'>,
  list: Contact[],
  concurrency = 50,
  activityUrl: (index: number) => string = () => tenant.messageActivityUrl,
): Promise<string[]> {
  const ids: string[] = new Array(list.length);
  // Signed up front, as Journey Builder signs on its own side: the burst is only HTTP.
  const tokens = await Promise.all(list.map((c) => tenant.signer.sign(fillExample(smsTemplate, { contactKey: c.contactKey, phone: c.phone }))));
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const index = next++;
      const contact = list[index]!;
      const answer = await postExecute(activityUrl(index), tokens[index]!);
      if (answer.status !== 200 || answer.body.messageStatus !== 'Success: Message pending') {
        throw new Error(`execute for ${contact.contactKey} answered ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      ids[index] = String(answer.body.messageId);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
  return ids;
}

/** The Reports activity's answer for a messageId, as Journey Builder would receive it. */
export async function reportsActivity(tenant: Pick<TestTenant, 'reportsActivityUrl' | 'signer'>, messageId: string, contactKey = 'contact'): Promise<Record<string, unknown>> {
  const answer = await postExecute(tenant.reportsActivityUrl, await tenant.signer.sign(fillExample(reportsTemplate, { messageId, contactKey })));
  if (answer.status !== 200) throw new Error(`Reports execute answered ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Rows of a data extension in the sandbox's business unit, by messageId. */
export function sfmcRowsById(sandbox: Sandbox, key = sandbox.info.dataExtensions.smsDeliveryReports!): Map<string, Record<string, unknown>> {
  return new Map(sandbox.sfmc.rows(sandbox.info.sfmc.accountId, key).map((r) => [String(r.messageId), r]));
}

/** The messages as the queue holds them: the intake is moved in first, as the dispatcher's round does. */
export async function messagesById(db: Kysely<Database>, ids: string[]): Promise<Map<string, Selectable<MessagesTable>>> {
  if (ids.length === 0) return new Map();
  await promoteIntake(db, 'wait');
  const rows = await db.selectFrom('messages').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Whether every one of `ids` is in the queue (moved from the intake) and `holds`; undefined
 * otherwise, for eventually().
 */
export async function everyMessage(db: Kysely<Database>, ids: string[], holds: (m: Selectable<MessagesTable>) => boolean): Promise<true | undefined> {
  const found = await messagesById(db, ids);
  return (found.size === ids.length && [...found.values()].every(holds)) || undefined;
}

export async function reportsById(db: Kysely<Database>, ids: string[]): Promise<Map<string, Selectable<ReportsTable>>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('reports').selectAll().where('message_id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.message_id, r]));
}

/** Write-back entries of the given messages (of every message when `ids` is absent). */
export async function writebackEntries(db: Kysely<Database>, ids?: string[]): Promise<Selectable<WritebackQueueTable>[]> {
  if (ids?.length === 0) return [];
  let query = db.selectFrom('writeback_queue').selectAll();
  if (ids) query = query.where('message_id', 'in', ids);
  return query.orderBy('created_at').execute();
}

/** Counts of values, e.g. of message states. */
export function tally<T>(values: Iterable<T>): Map<T, number> {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

export const average = (values: number[]) => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A unique prefix so contacts of different tests never share a dedupe key. */
export const uniquePrefix = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

/** The rows of `ids` in one of the sandbox tenant's report data extensions, once all are there. */
export function reportRows(sandbox: Sandbox, dataExtensionId: string, ids: string[]): Promise<Record<string, unknown>[]> {
  const key = sandbox.info.dataExtensions[dataExtensionId]!;
  return eventually(() => {
    const rows = sandbox.sfmc.rows(sandbox.info.sfmc.accountId, key).filter((r) => ids.includes(String(r.messageId)));
    return rows.length === ids.length ? rows : undefined;
  }, `a ${dataExtensionId} row per message`);
}

/**
 * Executes a channel's example for each contact through the sandbox, checks every answer is
 * `Success: Message pending`, and answers the message ids and what Infobip received, in order.
 */
export async function sendThroughSandbox(sandbox: Sandbox, signer: ExecuteSigner, template: string, contacts: Record<string, string>[]): Promise<{ ids: string[]; sent: SimMessage[] }> {
  const answers = await Promise.all(contacts.map(async (c) => postExecute(sandbox.info.messageActivityUrl, await signer.sign(fillExample(template, c)))));
  for (const answer of answers) assert.deepEqual([answer.status, answer.body.messageStatus], [200, 'Success: Message pending']);
  const ids = answers.map((a) => String(a.body.messageId));
  const sent = await eventually(() => {
    const all = sandbox.infobip.sentMessages();
    const found = ids.map((id) => all.get(id));
    return found.every(Boolean) ? (found as SimMessage[]) : undefined;
  }, 'the messages at Infobip');
  return { ids, sent };
}
