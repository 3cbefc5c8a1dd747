// Everything the route modules share. One object instead of many parameters keeps each route
// file's signature to (app, ctx).
import type { AsyncQueue } from './async-requests.ts';
import type { DataExtensionStore } from './data-extension-store.ts';
import type { FaultState } from './faults.ts';
import type { JourneyStore } from './journeys.ts';
import type { StatsRecorder } from './stats.ts';
import type { buildValidators } from './swagger-schemas.ts';
import type { TokenStore } from './token-store.ts';
import type { SfmcClient } from './types.ts';

export interface SimContext {
  clients: SfmcClient[];
  tokenTtlSeconds: number;
  tokens: TokenStore;
  des: DataExtensionStore;
  journeys: JourneyStore;
  queue: AsyncQueue;
  validators: ReturnType<typeof buildValidators>;
  stats: StatsRecorder;
  faults: FaultState;
  /** Filled in once the server listens; the token response carries them. */
  urls: { rest: string; soap: string };
}
