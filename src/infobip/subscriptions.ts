// The guide's Subscriptions action: an Infobip application for the connector, and per channel a
// subscription whose notification profile points Infobip's reports at our webhooks, secured with
// Basic or HMAC credentials our webhook intake checks (subscriptions and application-entity specs).
// Pressed again, it replaces the set it made before: Infobip notifies every subscription, so an
// old set would send each report twice, with credentials the intake no longer accepts.
import { randomBytes } from 'node:crypto';
import type { WebhookSecurity } from '../tenants/tenant.ts';
import { infobipCall, type InfobipKey } from './management.ts';

type Event = 'DELIVERY' | 'SEEN' | 'CLICK';

/**
 * Infobip subscription channels we send on, and the events each offers (the spec's
 * `Simple<Channel>Events`) that the connector takes: delivery and seen reports, and URL clicks.
 */
const CHANNELS: readonly { channel: string; events: readonly Event[] }[] = [
  { channel: 'SMS', events: ['DELIVERY', 'CLICK'] },
  { channel: 'MMS', events: ['DELIVERY', 'CLICK'] },
  { channel: 'VIBER', events: ['DELIVERY', 'SEEN', 'CLICK'] },
  { channel: 'WHATSAPP', events: ['DELIVERY', 'SEEN', 'CLICK'] },
  { channel: 'RCS', events: ['DELIVERY', 'SEEN', 'CLICK'] },
  { channel: 'KAKAO_ALIM', events: ['DELIVERY'] },
  { channel: 'ZALO', events: ['DELIVERY', 'CLICK'] },
];

/** The scopes the Subscriptions action needs: the application (application-entity) and its subscriptions. */
export const SUBSCRIPTION_SCOPES = ['subscriptions:manage', 'application-entity:manage'] as const;

/** Fresh credentials of the chosen type: generated here, so no weak password is ever typed. */
export function newWebhookSecurity(type: WebhookSecurity['type']): WebhookSecurity {
  return type === 'BASIC'
    ? { type: 'BASIC', username: `mc-relay-${randomBytes(4).toString('hex')}`, password: randomBytes(24).toString('base64url') }
    : { type: 'HMAC', algorithm: 'HMAC_SHA_256', secretKey: randomBytes(32).toString('base64url') };
}

function profileSecurity(security: WebhookSecurity, authId: string) {
  return security.type === 'BASIC'
    ? { authId, type: 'BASIC', credentials: { username: security.username, password: security.password } }
    : { authId, type: 'HMAC', credentials: { algorithm: security.algorithm, secretKey: security.secretKey } };
}

export interface CreatedSubscriptions {
  applicationId: string;
  subscriptions: Record<string, string>;
}

/** What a new set is made of; `previous` is the set the last Create stored (`CreatedSubscriptions.subscriptions`). */
export interface SubscriptionsInput {
  applicationId: string;
  applicationName: string;
  urls: Record<Event, string>;
  security: WebhookSecurity;
  previous?: Record<string, string>;
}

export type ReplacedSubscriptions = { ok: true; created: CreatedSubscriptions; leftover?: string } | { ok: false; message: string };

/**
 * Makes the account hold exactly one set of our subscriptions, carrying the current URLs and
 * security: the application (an existing one is reused), a new set, then every earlier set of ours
 * removed. The new set comes first so reports keep flowing if anything fails; a set that cannot be
 * completed is taken back, leaving the old one in place. Subscriptions and profiles we did not make
 * are never touched (see ourIds).
 */
export async function replaceSubscriptions(key: InfobipKey, input: SubscriptionsInput): Promise<ReplacedSubscriptions> {
  const application = await infobipCall(key, 'POST', '/provisioning/1/applications', { applicationId: input.applicationId, applicationName: input.applicationName });
  if (!application.ok && application.status !== 409) return { ok: false, message: `Application: ${application.message}` };
  const created = await createSet(key, input);
  if (!created.ok) {
    await removeSubscriptions(key, byChannel(created.made));
    return { ok: false, message: created.message };
  }
  const fresh = new Set(Object.values(created.subscriptions));
  const stale = (await ourSubscriptions(key, input)).filter(([, id]) => !fresh.has(id));
  const problems = [...(await removeSubscriptions(key, stale)), ...(await removeLeftSecurity(key, input, fresh))];
  return { ok: true, created: { applicationId: input.applicationId, subscriptions: created.subscriptions }, ...(problems.length ? { leftover: problems.join('; ') } : {}) };
}

type CreatedSet = { ok: true; subscriptions: Record<string, string> } | { ok: false; message: string; made: Record<string, string> };

/**
 * One subscription per channel and event: DELIVERY to the delivery-report webhook, SEEN to the
 * seen-report one, CLICK to the click one (the webhook intake checks the security on clicks; see
 * the README). Each carries its own notification profile of the same id.
 */
async function createSet(key: InfobipKey, input: SubscriptionsInput): Promise<CreatedSet> {
  const made: Record<string, string> = {};
  const suffix = randomBytes(3).toString('hex');
  for (const { channel, events } of CHANNELS) {
    for (const event of events) {
      const id = subscriptionId(input.applicationId, channel, event, suffix);
      const created = await infobipCall(key, 'POST', `/subscriptions/1/subscription/${channel}`, {
        subscriptionId: id,
        name: `SFMC ${channel} ${event.toLowerCase()} reports`,
        events: [event],
        criteria: [{ applicationId: input.applicationId }],
        profile: { profileId: id, webhook: { notifyUrl: input.urls[event] }, security: profileSecurity(input.security, id) },
      });
      if (!created.ok) return { ok: false, message: `Subscription ${channel} ${event}: ${created.message}`, made };
      made[`${channel}:${event}`] = id;
    }
  }
  return { ok: true, subscriptions: made };
}

function subscriptionId(applicationId: string, channel: string, event: Event, suffix: string): string {
  return `${applicationId}-${channel}-${event}-${suffix}`.toLowerCase();
}

/**
 * Ours: an id the last Create stored, or one of the exact shape subscriptionId gives for this
 * tenant's application (which names the tenant), so sets an earlier Create left unrecorded are
 * found too. The shape is anchored at both ends: another tenant's application id that begins with
 * ours cannot match.
 */
function ourIds(input: SubscriptionsInput): (id: string) => boolean {
  const stored = new Set(Object.values(input.previous ?? {}));
  const application = input.applicationId.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const channels = CHANNELS.map((c) => c.channel.toLowerCase()).join('|');
  const shape = new RegExp(`^${application}-(${channels})-(delivery|seen|click)-[0-9a-f]{6}$`);
  return (id) => stored.has(id) || shape.test(id);
}

/** [channel, subscriptionId] pairs of a set as stored (`CHANNEL:EVENT` → id). */
function byChannel(set: Record<string, string>): [string, string][] {
  return Object.entries(set).map(([channelEvent, id]) => [channelEvent.split(':')[0]!, id]);
}

/**
 * [channel, subscriptionId] of every subscription of ours on the account: the stored set, and what
 * the paged listings show (a listing that fails leaves the stored set to go by).
 */
async function ourSubscriptions(key: InfobipKey, input: SubscriptionsInput): Promise<[string, string][]> {
  const ours = new Map(byChannel(input.previous ?? {}).map(([channel, id]) => [id, channel]));
  const isOurs = ourIds(input);
  for (const { channel } of CHANNELS) {
    for (const listed of await listAll(key, `/subscriptions/1/subscription/${channel}`)) {
      const id = (listed as { subscriptionId?: unknown }).subscriptionId;
      if (typeof id === 'string' && isOurs(id)) ours.set(id, channel);
    }
  }
  return [...ours].map(([id, channel]) => [channel, id]);
}

/**
 * Security settings of ours that no subscription uses any more: releases before 2026-11-28 deleted
 * a replaced set's subscriptions and profiles but not the settings, which hold its credentials.
 */
async function removeLeftSecurity(key: InfobipKey, input: SubscriptionsInput, fresh: ReadonlySet<string>): Promise<string[]> {
  const isOurs = ourIds(input);
  const left = (await listAll(key, '/subscriptions/1/security'))
    .map((listed) => (listed as { authId?: unknown }).authId)
    .filter((id): id is string => typeof id === 'string' && !fresh.has(id) && isOurs(id));
  return deleteEach(key, left.map((id) => [id, [`/subscriptions/1/security/${encodeURIComponent(id)}`]]));
}

/** Every result of a paged listing (`page` from 0, at most 100 a page). */
async function listAll(key: InfobipKey, path: string): Promise<unknown[]> {
  const all: unknown[] = [];
  for (let page = 0; ; page++) {
    const answer = await infobipCall(key, 'GET', `${path}?page=${page}&size=100`);
    if (!answer.ok) return all;
    const body = answer.body as { results?: unknown[]; paging?: { totalPages?: number } } | undefined;
    all.push(...(body?.results ?? []));
    if (page + 1 >= (body?.paging?.totalPages ?? 0)) return all;
  }
}

/**
 * Deletes each subscription, then its notification profile and the profile's security settings
 * (ours share the subscription's id): left behind, the settings would keep the old credentials on
 * the account.
 */
async function removeSubscriptions(key: InfobipKey, subscriptions: [string, string][]): Promise<string[]> {
  const resources = ['/subscriptions/1/profiles/', '/subscriptions/1/security/'];
  return deleteEach(key, subscriptions.map(([channel, id]) => [id, [`/subscriptions/1/subscription/${channel}/`, ...resources].map((path) => `${path}${encodeURIComponent(id)}`)]));
}

/** DELETEs each id's paths in order; one already gone (404) is fine. Answers what could not be deleted. */
async function deleteEach(key: InfobipKey, items: [id: string, paths: string[]][]): Promise<string[]> {
  const problems: string[] = [];
  for (const [id, paths] of items) {
    for (const path of paths) {
      const removed = await infobipCall(key, 'DELETE', path);
      if (!removed.ok && removed.status !== 404) problems.push(`${id}: ${removed.message}`);
    }
  }
  return problems;
}
