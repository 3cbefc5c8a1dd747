import type { CountryCode } from 'libphonenumber-js';
import type { SenderKind } from '../channels/channel.ts';
import type { WebhookSecurity } from '../reports/webhook-security.ts';

export type { WebhookSecurity };
import type { ReportSettings } from './report-settings.ts';

/** What the Configuration app's Subscriptions action created in one Infobip account. */
export interface AccountSubscriptions {
  applicationId: string;
  /** Infobip subscription channel → subscriptionId. */
  subscriptions: Record<string, string>;
  createdAt: number;
}

/** The Configuration app's "Configure channels" settings of one Infobip account. */
export interface AccountChannelSettings {
  /** Custom domains for URL shortening, registered and verified in Infobip. */
  customDomains: string[];
  /** Alphanumeric sender names per channel family; the first of each is the default. */
  senders: Partial<Record<SenderKind, string[]>>;
  subscriptions?: AccountSubscriptions;
}

/** Non-secret tenant settings, stored as JSON in `tenants.settings`. */
export interface TenantSettings {
  /**
   * `soapBaseUrl`: the SOAP Origin the Configuration app verified. `webApp`: the Web App
   * integration whose authorization-code flow signs users into the app (its secret is sealed).
   */
  sfmc: { clientId: string; authBaseUrl: string; soapBaseUrl?: string; webApp?: { clientId: string } };
  /** Country used to read phone numbers stored without an international prefix. */
  defaultCountry: CountryCode | undefined;
  /** External keys of the tenant's report data extensions, by report-type data extension id. */
  dataExtensions: Record<string, string>;
  /** Default sender per channel family, used when an activity names none. */
  senders: Partial<Record<SenderKind, string>>;
  /** Delivery tracking (Native / External), two-way and opt-out settings; defaults in report-settings.ts. */
  reports?: ReportSettings;
  /** The Configuration app's channel settings, by Infobip account id. */
  channels?: Record<string, AccountChannelSettings>;
  /** When the Configuration app's Finish step last saved. */
  configuredAt?: number;
}

/** Secrets, sealed as one JSON document in `tenants.sealed_secrets`. */
export interface TenantSecrets {
  jwtSigningSecret: string;
  sfmcClientSecret: string;
  webhookToken: string;
  /** The security of the tenant's Infobip subscriptions, checked on every webhook when set. */
  webhookSecurity?: WebhookSecurity;
  /** What the last rotation replaced, still accepted until `until` (epoch ms): see rotate-secrets.ts. */
  previous?: { jwtSigningSecret?: string; webhookToken?: string; until: number };
  /** The Web App integration's client secret (authorization-code sign-in). */
  webAppClientSecret?: string;
}

export interface InfobipAccount {
  id: string;
  name: string;
  baseUrl: string;
  apiKey: string;
  isDefault: boolean;
}

/** A tenant as the running connector uses it: secrets opened, JWT key imported once. */
export interface Tenant {
  id: string;
  urlKey: string;
  name: string;
  mid: string;
  settings: TenantSettings;
  secrets: TenantSecrets;
  /** The JWT signing secret as the HMAC key, decoded once. */
  jwtKey: Buffer;
  /** The signing secret a rotation replaced, while its grace period lasts. */
  previousJwtKey?: { key: Buffer; until: number };
  accounts: InfobipAccount[];
}

export function defaultAccount(tenant: Tenant): InfobipAccount | undefined {
  return tenant.accounts.find((a) => a.isDefault) ?? tenant.accounts[0];
}
