// Everything the route modules share. One object instead of many parameters keeps each route
// file's signature to (app, ctx).
import type { AsyncQueue } from './async-requests.ts';
import type { DataExtensionStore } from './data-extension-store.ts';
import type { FaultState } from './faults.ts';
import type { JourneyStore } from './journeys.ts';
import type { StatsRecorder } from './stats.ts';
import type { buildValidators } from './swagger-schemas.ts';
import type { TokenStore } from './token-store.ts';
import type { EventDefinition, FiredEvent, SfmcClient, SfmcUser } from './types.ts';

export interface SimContext {
  clients: SfmcClient[];
  users: SfmcUser[];
  /** Authorization codes issued by v2/authorize, waiting for their v2/token exchange. */
  codes: Map<string, { clientId: string; redirectUri: string; user: SfmcUser; expiresAt: number }>;
  /** Access tokens issued to a user (authorization-code grant), for v2/userinfo. */
  userTokens: Map<string, SfmcUser>;
  tokenTtlSeconds: number;
  tokens: TokenStore;
  des: DataExtensionStore;
  journeys: JourneyStore;
  queue: AsyncQueue;
  validators: ReturnType<typeof buildValidators>;
  stats: StatsRecorder;
  faults: FaultState;
  /** Event definitions by business unit and key, and the events fired. */
  eventDefinitions: Map<string, Map<string, EventDefinition>>;
  events: FiredEvent[];
  /** Filled in once the server listens; the token response carries them. */
  urls: { rest: string; soap: string };
}
