import type { CountryCode } from 'libphonenumber-js';
import type { SenderKind } from '../channels/channel.ts';

/**
 * Where one report family goes: Native (rows in the tenant's data extension) or External (POSTed
 * to the tenant's notification URL). Same shape as `ReportSink` of the reports work
 * (tenants/report-settings.ts there), which owns the full `reports` settings.
 */
export type ReportSink = { mode: 'native' } | { mode: 'external'; url: string };

/**
 * The security of the Infobip subscriptions' notification profiles, which the webhook intake
 * checks. Same shape as `WebhookSecurity` of the reports work (reports/webhook-security.ts there).
 */
export type WebhookSecurity =
  | { type: 'BASIC'; username: string; password: string }
  | { type: 'HMAC'; algorithm: 'HMAC_MD5' | 'HMAC_SHA_1' | 'HMAC_SHA_224' | 'HMAC_SHA_256' | 'HMAC_SHA_384' | 'HMAC_SHA_512'; secretKey: string };

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
  /** Delivery tracking per report family; Native for both when absent (reports work: `ReportSettings`). */
  reports?: { sms: ReportSink; omni: ReportSink };
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
  accounts: InfobipAccount[];
}

export function defaultAccount(tenant: Tenant): InfobipAccount | undefined {
  return tenant.accounts.find((a) => a.isDefault) ?? tenant.accounts[0];
}
