// The guide's Subscriptions action: an Infobip application for the connector, and per channel a
// subscription whose notification profile points Infobip's reports at our webhooks, secured with
// Basic or HMAC credentials our webhook intake checks (subscriptions and application-entity specs).
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

/**
 * Creates (once; an existing application is reused) the application and one subscription per
 * channel and event: DELIVERY to the delivery-report webhook, SEEN to the seen-report one, CLICK
 * to the click one (the webhook intake checks the security on clicks; see the README).
 */
export async function createSubscriptions(
  key: InfobipKey,
  input: { applicationId: string; applicationName: string; urls: Record<Event, string>; security: WebhookSecurity },
): Promise<{ ok: true; created: CreatedSubscriptions } | { ok: false; message: string }> {
  const application = await infobipCall(key, 'POST', '/provisioning/1/applications', { applicationId: input.applicationId, applicationName: input.applicationName });
  if (!application.ok && application.status !== 409) return { ok: false, message: `Application: ${application.message}` };
  const subscriptions: Record<string, string> = {};
  const suffix = randomBytes(3).toString('hex');
  for (const { channel, events } of CHANNELS) {
    for (const event of events) {
      const url = input.urls[event];
      const id = `${input.applicationId}-${channel}-${event}-${suffix}`.toLowerCase();
      const created = await infobipCall(key, 'POST', `/subscriptions/1/subscription/${channel}`, {
        subscriptionId: id,
        name: `SFMC ${channel} ${event.toLowerCase()} reports`,
        events: [event],
        criteria: [{ applicationId: input.applicationId }],
        profile: { profileId: id, webhook: { notifyUrl: url }, security: profileSecurity(input.security, id) },
      });
      if (!created.ok) return { ok: false, message: `Subscription ${channel} ${event}: ${created.message}` };
      subscriptions[`${channel}:${event}`] = id;
    }
  }
  return { ok: true, created: { applicationId: input.applicationId, subscriptions } };
}
