// The simulator's stand-in for Subscriptions Management (infobip-subscriptions-api-openapi.json):
// which URL receives the events of the account, for which messages (`criteria`), in which format,
// and with which security. Set through /__sim/subscriptions (CLICK and INBOUND_MESSAGE), or made
// through the Subscriptions API (management-endpoints.ts), in the shape of the spec's subscription
// body (`events`, `criteria`, `profile.webhook.notifyUrl`, `profile.security {type, credentials}`).
import { createHmac } from 'node:crypto';
import type { WebhookTarget } from './webhook-dispatcher.ts';

export type SubscribedEvent = 'CLICK' | 'INBOUND_MESSAGE' | 'DELIVERY' | 'SEEN';
export type InboundFormat = 'MO_JSON_2' | 'MO_MESSAGES_API_JSON';

export type SubscriptionSecurity =
  | { type: 'BASIC'; credentials: { username: string; password: string } }
  | { type: 'HMAC'; credentials: { secretKey: string; algorithm: string } };

/** The application and entity a message was sent with (`options.platform`, or flat in older APIs). */
export interface Platform {
  applicationId?: string;
  entityId?: string;
}

export interface Subscription {
  events: SubscribedEvent[];
  /**
   * The spec's "Application and Entity pair to match": the subscription takes only the events of
   * messages matching one pair; none (or an empty list) takes every message's.
   */
  criteria?: Platform[];
  /** Inbound message format (the number's inbound configuration renderer); default MO_JSON_2. */
  format?: InboundFormat;
  /** `profileId` names a profile made through the Subscriptions API (the control API's have none). */
  profile: { profileId?: string; webhook: { notifyUrl: string }; security?: SubscriptionSecurity };
}

const DIGESTS: Record<string, string> = { HMAC_MD5: 'md5', HMAC_SHA_1: 'sha1', HMAC_SHA_224: 'sha224', HMAC_SHA_256: 'sha256', HMAC_SHA_384: 'sha384', HMAC_SHA_512: 'sha512' };

/** Checks a subscription as the Subscriptions API would; answers the problem, or undefined. */
export function subscriptionProblem(value: unknown): string | undefined {
  const s = value as Partial<Subscription> | undefined;
  if (!Array.isArray(s?.events) || s.events.length === 0 || !s.events.every((e) => e === 'CLICK' || e === 'INBOUND_MESSAGE')) return 'events must list CLICK and/or INBOUND_MESSAGE';
  if (s.criteria !== undefined && !(Array.isArray(s.criteria) && s.criteria.every(isPlatform))) return 'criteria must be a list of {applicationId?, entityId?} (strings)';
  if (typeof s.profile?.webhook?.notifyUrl !== 'string' || !/^https?:\/\//.test(s.profile.webhook.notifyUrl)) return 'profile.webhook.notifyUrl must be an http(s) URL';
  if (s.format !== undefined && s.format !== 'MO_JSON_2' && s.format !== 'MO_MESSAGES_API_JSON') return 'format must be MO_JSON_2 or MO_MESSAGES_API_JSON';
  const security = s.profile.security;
  if (security === undefined) return undefined;
  if (security.type === 'BASIC') return security.credentials?.username && security.credentials.password ? undefined : 'BASIC credentials need username and password';
  if (security.type === 'HMAC') return security.credentials?.secretKey && DIGESTS[security.credentials.algorithm] ? undefined : 'HMAC credentials need secretKey and a HmacAlgorithm';
  return 'security.type must be BASIC or HMAC';
}

const isPlatform = (c: unknown): boolean =>
  typeof c === 'object' && c !== null && Object.entries(c).every(([k, v]) => (k === 'applicationId' || k === 'entityId') && typeof v === 'string');

/**
 * Whether a subscription takes the events of a message sent with `platform`: one of its criteria
 * matches when each half it names equals the message's ("You can set the rule to match only
 * Application or only Entity"). A message sent without an application matches no criterion that
 * names one.
 */
export function matchesCriteria(subscription: Pick<Subscription, 'criteria'>, platform: Platform | undefined): boolean {
  if (!subscription.criteria?.length) return true;
  return subscription.criteria.some(
    (c) => (c.applicationId === undefined || c.applicationId === platform?.applicationId) && (c.entityId === undefined || c.entityId === platform?.entityId),
  );
}

/** Where and how a subscribed event is posted. */
export function subscriptionTarget(subscription: Subscription, stream: string, unwrapped = false): WebhookTarget {
  const security = subscription.profile.security;
  return {
    url: subscription.profile.webhook.notifyUrl,
    stream,
    ...(subscription.profile.profileId ? { profileId: subscription.profile.profileId } : {}),
    unwrapped,
    ...(security ? { headers: (body: string) => securityHeaders(security, body) } : {}),
  };
}

/** Basic credentials, or the hex HMAC of the body in X-Infobip-Signature. */
function securityHeaders(security: SubscriptionSecurity, body: string): Record<string, string> {
  if (security.type === 'BASIC') {
    return { authorization: `Basic ${Buffer.from(`${security.credentials.username}:${security.credentials.password}`).toString('base64')}` };
  }
  return { 'x-infobip-signature': createHmac(DIGESTS[security.credentials.algorithm]!, security.credentials.secretKey).update(body).digest('hex') };
}
