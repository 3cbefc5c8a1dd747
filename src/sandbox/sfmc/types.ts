// Public types of the SFMC simulator. They live here so that the internal modules can share them
// without importing simulator.ts (which wires everything together); simulator.ts re-exports them.

// Data extensions are defined once, beside our SFMC client, and shared with the simulator.
import type { SimJourney } from './journeys.ts';
import type { DataExtensionDefinition, DataExtensionField, DataExtensionFieldType } from '../../sfmc/data-extension.ts';
export type { DataExtensionDefinition, DataExtensionField, DataExtensionFieldType };

/**
 * One installed-package API integration enabled in one business unit. Listing the same
 * clientId/clientSecret several times with different accountIds means the integration is enabled
 * in several BUs; the first entry is the BU that created it (used when the token request has no
 * account_id, per access-token-s2s.md).
 */
export interface SfmcClient {
  clientId: string;
  clientSecret: string;
  /** MID of the business unit. */
  accountId: string;
  /**
   * Set for a Web App integration: the redirect URIs its authorization-code flow may return to
   * (exact match, as SFMC requires). Such a client cannot use client_credentials.
   */
  redirectUris?: string[];
}

/** A Marketing Cloud user who can sign in on the simulated v2/authorize login page. */
export interface SfmcUser {
  username: string;
  password: string;
  /** MID of the business unit the user works in. */
  accountId: string;
  name: string;
  email: string;
}

export interface SfmcFaults {
  latencyMs: number;
  /** Probability (0..1) that a call gets 429 errorcode 50100 with Retry-After. */
  rate429: number;
  retryAfterSeconds: number;
  /** Probability (0..1) that a call gets 500 or 503. */
  rate5xx: number;
  /** One-shot: invalidates every token issued so far, then resets itself. */
  expireTokensNow: boolean;
  /** Every auth/REST/SOAP call fails with 503 until cleared. */
  down: boolean;
  /** The SOAP host alone fails with 503 until cleared: SFMC serves SOAP and REST from different hosts. */
  soapDown: boolean;
}

export interface SfmcStats {
  tokenRequests: number;
  tokensIssued: number;
  /** Keyed by route id, e.g. "PUT /data/v1/async/dataextensions/key:{key}/rows". */
  calls: Record<string, number>;
  /** Items per accepted write call (async insert/upsert and hub rowset). */
  rowsPerCall: number[];
  /** Responses with status >= 400 on the auth and REST hosts, keyed by status code. */
  rejected: Record<string, number>;
  /** Async insert/upsert requests that were queued. */
  asyncRequests: number;
  /** Queued async requests that finished with at least one failed item (or failed as a whole). */
  asyncErrors: number;
}

export interface SfmcSimulatorOptions {
  host?: string;
  port?: number;
  clients: SfmcClient[];
  /** Default 1080, the expires_in SFMC returns. */
  tokenTtlSeconds?: number;
  /** Default 20. */
  asyncProcessingDelayMs?: number;
  /** Users of the v2/authorize login page (authorization-code flow). */
  users?: SfmcUser[];
  /** Created in the business unit of the first client. Use createDataExtension for others. */
  dataExtensions?: DataExtensionDefinition[];
  faults?: Partial<SfmcFaults>;
}

/** A journey API event definition (Event Administration), e.g. a Wait Until Event's. */
export interface EventDefinition {
  key: string;
  /** The event's data extension: Data may only name its fields. */
  dataExtensionKey?: string;
}

/** An event SFMC accepted (`POST /interaction/v1/events`). */
export interface FiredEvent {
  eventInstanceId: string;
  accountId: string;
  ContactKey: string;
  EventDefinitionKey: string;
  Data: Record<string, unknown>;
  firedAt: Date;
}

export interface SfmcSimulator {
  authBaseUrl: string;
  restBaseUrl: string;
  /** `{soap_instance_url}`: SOAP requests go to `Service.asmx` under it. */
  soapBaseUrl: string;
  createDataExtension(accountId: string, def: DataExtensionDefinition): void;
  createEventDefinition(accountId: string, def: EventDefinition): void;
  /** Events accepted in a business unit, oldest first. */
  events(accountId: string): FiredEvent[];
  /** Installs another integration (e.g. a Web App whose redirect URI is known only once a tenant exists). */
  addClient(client: SfmcClient): void;
  rows(accountId: string, key: string): Record<string, unknown>[];
  /** Creates or replaces a journey version in a business unit (what getInteractionById answers). */
  setJourney(accountId: string, journey: SimJourney): void;
  setFaults(f: Partial<SfmcFaults>): void;
  stats(): SfmcStats;
  close(): Promise<void>;
}
