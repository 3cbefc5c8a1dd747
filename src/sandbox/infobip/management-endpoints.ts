// The registry of simulated Infobip account-management endpoints the Configuration app uses:
// balance, numbers and their inbound-message configurations, applications, subscriptions with their
// notification profiles and security settings, and the listings (RCS senders, WhatsApp templates,
// failover scenarios) that double as scope probes. Adding one = adding an entry here: its method and OpenAPI path, its
// spec file in specs/infobip/ (the scopes it needs are the operation's `x-scopes`, the request body
// is validated against the operation's schema), and what it does to the account's state. Auth,
// scopes, validation and error bodies are shared (management-route.ts).
import type { Platform, Subscription, SubscriptionSecurity } from './subscriptions.ts';
import { randomBytes } from 'node:crypto';
import { loadInfobipSpec, responseExample } from '../openapi.ts';

/** One owned number, in the shape of the numbers spec's `list-owned-numbers` items (the fields we use). */
export interface SimNumber {
  numberKey: string;
  number: string;
  country: string;
  type: string;
  capabilities: string[];
  shared: boolean;
  editPermissions: { canEditNumber: boolean; canEditConfiguration: boolean };
}

/** An inbound-message configuration (resources spec `MoConfigurationResponse`, SMS HTTP forwarding). */
export interface SimInboundConfiguration {
  configurationKey: string;
  channel: string;
  numberKey: string;
  keyword?: string;
  forwarding?: { type: string; url?: string; format?: string };
}

/** What one Infobip account (one API key) holds in the simulator. */
export interface SimAccount {
  balance: { balance: number; currency: string };
  numbers: SimNumber[];
  inbound: Map<string, SimInboundConfiguration>;
  applications: Map<string, { applicationId: string; applicationName?: string }>;
  /** By channel, then subscriptionId; the stored request (the profile's credentials included). */
  subscriptions: Map<string, Map<string, Record<string, unknown>>>;
  /** Notification profiles by profileId, created inline with subscriptions or on their own. */
  profiles: Map<string, Record<string, unknown>>;
  /** Security settings by authId, created with the profile that first names them (credentials included). */
  securities: Map<string, Record<string, unknown>>;
}

export interface ManagementCall {
  account: SimAccount;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: unknown;
  /**
   * Routes the simulator's replies: an inbound configuration that forwards over HTTP makes them go
   * where it says, as on the real platform. (Clicks and reports follow the account's subscriptions: accountSubscriptions.)
   */
  subscribe(subscription: Subscription): void;
}

export interface ManagementAnswer {
  status: number;
  body?: unknown;
  /** An ApiException text for 4xx answers (messageId BAD_REQUEST / NOT_FOUND / CONFLICT). */
  error?: string;
}

export interface ManagementEndpoint {
  method: 'GET' | 'POST' | 'DELETE';
  /** The OpenAPI path, `{param}` style. */
  path: string;
  specFile: string;
  /**
   * The component schema that applies to this call's body when the operation's own body schema
   * cannot tell: the subscriptions spec declares `oneOf` every channel's request, which a valid
   * request matches several of, while the path's `{channel}` says which one it is.
   */
  bodySchema?(params: Record<string, string>): string;
  handle(call: ManagementCall): ManagementAnswer;
}

const key = () => randomBytes(16).toString('hex').toUpperCase();
/** One page of a listing, by the `page` (from 0) and `size` (default 20) query parameters these specs declare. */
function page<T>(all: T[], query: Record<string, string | undefined>) {
  const size = Math.max(1, Number(query.size ?? 20) || 20);
  const number = Math.max(0, Number(query.page ?? 0) || 0);
  const results = all.slice(number * size, (number + 1) * size);
  return { results, paging: { page: number, size, totalPages: Math.ceil(all.length / size), totalResults: all.length } };
}

/** The numbers a fresh simulated account owns: one of each state the guide's inbound-number list shows. */
export function defaultNumbers(): SimNumber[] {
  const number = (n: string, country: string, shared = false, canEditConfiguration = true): SimNumber => ({
    numberKey: key(),
    number: n,
    country,
    type: 'VIRTUAL_LONG_NUMBER',
    capabilities: ['SMS'],
    shared,
    editPermissions: { canEditNumber: !shared, canEditConfiguration },
  });
  return [number('447860041117', 'GB'), number('447860041118', 'GB'), number('385919998877', 'HR', true), number('14155550100', 'US', false, false)];
}

/** A fresh account; the second default number already forwards its replies to another application. */
export function newSimAccount(numbers: SimNumber[] = defaultNumbers()): SimAccount {
  const account: SimAccount = {
    balance: { balance: 47.5, currency: 'EUR' },
    numbers: numbers.map((n) => ({ ...n, editPermissions: { ...n.editPermissions } })),
    inbound: new Map(),
    applications: new Map(),
    subscriptions: new Map(),
    profiles: new Map(),
    securities: new Map(),
  };
  const other = account.numbers[1];
  if (other) {
    const configurationKey = key();
    account.inbound.set(configurationKey, {
      configurationKey,
      channel: 'SMS',
      numberKey: other.numberKey,
      forwarding: { type: 'HTTP_FORWARD', url: 'https://crm.example.com/infobip/inbound', format: 'MO_JSON_2' },
    });
  }
  return account;
}

/** The documented example of a listing: the simulator has no senders or templates of its own. */
const documentedListing = (specFile: string, path: string): ManagementEndpoint['handle'] => () => ({
  status: 200,
  body: responseExample(loadInfobipSpec(specFile), path, 'get', 200),
});

const NUMBERS = 'infobip-numbers-openapi.json';
const RESOURCES = 'infobip-resources-openapi.json';
const APPLICATIONS = 'infobip-application-entity-openapi.json';
const SUBSCRIPTIONS = 'infobip-subscriptions-api-openapi.json';

/**
 * Every subscription of the account to an event on a channel, each with its criteria and the
 * notification profile it names as it is now: the platform notifies each one, so two of them mean
 * every report twice, and a deleted subscription or profile notifies no more.
 */
export function accountSubscriptions(account: SimAccount, channel: string, event: 'CLICK' | 'DELIVERY' | 'SEEN'): Subscription[] {
  return [...(account.subscriptions.get(channel)?.values() ?? [])].flatMap((subscription) => {
    const profileId = (subscription.profile as { profileId?: string } | undefined)?.profileId;
    const profile = profileId === undefined ? undefined : account.profiles.get(profileId);
    const notifyUrl = (profile?.webhook as { notifyUrl?: unknown } | undefined)?.notifyUrl;
    if (!(subscription.events as unknown[] | undefined)?.includes(event) || typeof notifyUrl !== 'string') return [];
    const security = profile?.security as { type?: string; credentials?: Record<string, string> } | undefined;
    const criteria = subscription.criteria as Platform[] | undefined;
    return [{
      events: [event],
      ...(criteria ? { criteria } : {}),
      profile: { profileId: profileId!, webhook: { notifyUrl }, ...(security?.type && security.credentials ? { security: { type: security.type, credentials: security.credentials } as SubscriptionSecurity } : {}) },
    }];
  });
}

/** Profiles are answered without their security credentials, as a listing should. */
function withoutCredentials(profile: Record<string, unknown>): Record<string, unknown> {
  const security = profile.security as Record<string, unknown> | undefined;
  if (!security) return profile;
  const { credentials: _hidden, ...rest } = security;
  return { ...profile, security: rest };
}

export const MANAGEMENT_ENDPOINTS: readonly ManagementEndpoint[] = [
  {
    method: 'GET',
    path: '/account/1/balance',
    specFile: 'infobip-account-management-openapi.json',
    handle: ({ account }) => ({ status: 200, body: account.balance }),
  },
  {
    method: 'GET',
    path: '/numbers/1/numbers',
    specFile: NUMBERS,
    handle: ({ account, query }) => {
      const numbers = account.numbers.filter((n) => !query.number || n.number.includes(query.number));
      return { status: 200, body: { numbers, numberCount: numbers.length } };
    },
  },
  {
    method: 'GET',
    path: '/resource-management/1/inbound-message-configurations',
    specFile: RESOURCES,
    handle: ({ account, query }) => ({
      status: 200,
      body: [...account.inbound.values()].filter(
        (c) => (!query.numberKey || c.numberKey === query.numberKey) && (!query.channel || c.channel === query.channel),
      ),
    }),
  },
  {
    // "Create and update configuration details for incoming messages": a configuration for the same
    // number, channel and keyword is replaced, which is how one is taken over from another application.
    method: 'POST',
    path: '/resource-management/1/inbound-message-configurations',
    specFile: RESOURCES,
    handle: ({ account, body, subscribe }) => {
      const request = body as { channel: string; numberKey?: string; number?: string; keyword?: string; forwarding?: SimInboundConfiguration['forwarding'] };
      const number = account.numbers.find((n) => n.numberKey === request.numberKey || n.number === request.number);
      if (!number) return { status: 404, error: 'Number not found.' };
      if (number.shared) return { status: 400, error: 'Configuration of a shared number cannot be changed.' };
      if (!number.editPermissions.canEditConfiguration) return { status: 403, error: 'Forbidden' };
      for (const [k, existing] of account.inbound) {
        if (existing.numberKey === number.numberKey && existing.channel === request.channel && (existing.keyword ?? '') === (request.keyword ?? '')) account.inbound.delete(k);
      }
      const configuration: SimInboundConfiguration = {
        configurationKey: key(),
        channel: request.channel,
        numberKey: number.numberKey,
        ...(request.keyword ? { keyword: request.keyword } : {}),
        ...(request.forwarding ? { forwarding: request.forwarding } : {}),
      };
      account.inbound.set(configuration.configurationKey, configuration);
      if (request.forwarding?.url) {
        const format = request.forwarding.format === 'MO_MESSAGES_API_JSON' ? 'MO_MESSAGES_API_JSON' : 'MO_JSON_2';
        subscribe({ events: ['INBOUND_MESSAGE'], format, profile: { webhook: { notifyUrl: request.forwarding.url } } });
      }
      return { status: 200, body: configuration };
    },
  },
  {
    method: 'DELETE',
    path: '/resource-management/1/inbound-message-configurations/{configurationKey}',
    specFile: RESOURCES,
    handle: ({ account, params }) => {
      const configuration = account.inbound.get(params.configurationKey!);
      if (!configuration) return { status: 404, error: 'Configuration not found.' };
      const number = account.numbers.find((n) => n.numberKey === configuration.numberKey);
      if (number && !number.editPermissions.canEditConfiguration) return { status: 403, error: 'Forbidden' };
      account.inbound.delete(params.configurationKey!);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    path: '/provisioning/1/applications',
    specFile: APPLICATIONS,
    handle: ({ account, query }) => ({ status: 200, body: page([...account.applications.values()], query) }),
  },
  {
    method: 'POST',
    path: '/provisioning/1/applications',
    specFile: APPLICATIONS,
    handle: ({ account, body }) => {
      const application = body as { applicationId: string; applicationName?: string };
      if (account.applications.has(application.applicationId)) return { status: 409, error: `Application ${application.applicationId} already exists.` };
      account.applications.set(application.applicationId, { ...application });
      return { status: 201 };
    },
  },
  {
    method: 'GET',
    path: '/subscriptions/1/subscription/{channel}',
    specFile: SUBSCRIPTIONS,
    handle: ({ account, params, query }) => ({
      status: 200,
      body: page(
        [...(account.subscriptions.get(params.channel!)?.values() ?? [])].map((s) => ({ ...s, profile: s.profile ? withoutCredentials(s.profile as Record<string, unknown>) : undefined })),
        query,
      ),
    }),
  },
  {
    method: 'POST',
    path: '/subscriptions/1/subscription/{channel}',
    specFile: SUBSCRIPTIONS,
    // SMS → SmsSubscriptionRequest, KAKAO_ALIM → KakaoAlimSubscriptionRequest.
    bodySchema: ({ channel }) => `${channel!.toLowerCase().replace(/(^|_)([a-z])/g, (_, _sep, c: string) => c.toUpperCase())}SubscriptionRequest`,
    handle: ({ account, params, body }) => {
      const subscription = { ...(body as Record<string, unknown>) };
      const subscriptionId = typeof subscription.subscriptionId === 'string' ? subscription.subscriptionId : key();
      const forChannel = account.subscriptions.get(params.channel!) ?? new Map<string, Record<string, unknown>>();
      if (forChannel.has(subscriptionId)) return { status: 409, error: `Subscription ${subscriptionId} already exists.` };
      const profile = subscription.profile as Record<string, unknown> | undefined;
      if (profile) {
        const profileId = typeof profile.profileId === 'string' ? profile.profileId : key();
        subscription.profile = { ...profile, profileId };
        account.profiles.set(profileId, subscription.profile as Record<string, unknown>);
        // The spec's SecurityRequest: given with a new profile, it creates a security settings item
        // of that authId; one that exists already is left as it is.
        const security = profile.security as { authId?: unknown; type?: unknown; credentials?: unknown } | undefined;
        if (typeof security?.authId === 'string' && !account.securities.has(security.authId)) {
          account.securities.set(security.authId, { authId: security.authId, type: security.type, credentials: security.credentials });
        }
      }
      forChannel.set(subscriptionId, { ...subscription, subscriptionId });
      account.subscriptions.set(params.channel!, forChannel);
      return { status: 201, body: { subscriptionId } };
    },
  },
  {
    // The profile stays: a profile is its own resource, which several subscriptions may share.
    method: 'DELETE',
    path: '/subscriptions/1/subscription/{channel}/{subscriptionId}',
    specFile: SUBSCRIPTIONS,
    handle: ({ account, params }) => {
      const forChannel = account.subscriptions.get(params.channel!);
      const subscription = forChannel?.get(params.subscriptionId!);
      if (!forChannel || !subscription) return { status: 404, error: `Subscription ${params.subscriptionId} not found.` };
      forChannel.delete(params.subscriptionId!);
      const profileId = (subscription.profile as { profileId?: string } | undefined)?.profileId;
      return { status: 200, body: { subscriptionId: params.subscriptionId, ...(profileId ? { profile: { profileId } } : {}) } };
    },
  },
  {
    method: 'GET',
    path: '/subscriptions/1/profiles',
    specFile: SUBSCRIPTIONS,
    handle: ({ account, query }) => ({ status: 200, body: page([...account.profiles.values()].map(withoutCredentials), query) }),
  },
  {
    method: 'DELETE',
    path: '/subscriptions/1/profiles/{profileId}',
    specFile: SUBSCRIPTIONS,
    handle: ({ account, params }) => {
      if (!account.profiles.delete(params.profileId!)) return { status: 404, error: `Profile ${params.profileId} not found.` };
      return { status: 200, body: { profileId: params.profileId } };
    },
  },
  {
    method: 'GET',
    path: '/subscriptions/1/security',
    specFile: SUBSCRIPTIONS,
    handle: ({ account, query }) => ({ status: 200, body: page([...account.securities.values()].map(({ credentials: _hidden, ...rest }) => rest), query) }),
  },
  {
    method: 'GET',
    path: '/subscriptions/1/security/{authId}',
    specFile: SUBSCRIPTIONS,
    handle: ({ account, params }) => {
      const security = account.securities.get(params.authId!);
      return security ? { status: 200, body: security } : { status: 404, error: `Security settings ${params.authId} not found.` };
    },
  },
  {
    // Profiles that still name it keep their copy: deleting settings does not reach into them.
    method: 'DELETE',
    path: '/subscriptions/1/security/{authId}',
    specFile: SUBSCRIPTIONS,
    handle: ({ account, params }) => {
      if (!account.securities.delete(params.authId!)) return { status: 404, error: `Security settings ${params.authId} not found.` };
      return { status: 200, body: { authId: params.authId } };
    },
  },
  { method: 'GET', path: '/rcs/1/senders', specFile: 'infobip-rcs-openapi.json', handle: documentedListing('infobip-rcs-openapi.json', '/rcs/1/senders') },
  { method: 'GET', path: '/whatsapp/1/templates', specFile: 'infobip-whatsapp-openapi.json', handle: documentedListing('infobip-whatsapp-openapi.json', '/whatsapp/1/templates') },
  { method: 'GET', path: '/omni/1/scenarios', specFile: 'infobip-omni-failover-openapi.json', handle: documentedListing('infobip-omni-failover-openapi.json', '/omni/1/scenarios') },
];
