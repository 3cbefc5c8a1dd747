import type { OutboxWriter } from '../dispatch/outbox-writer.ts';
import type { SuppressionList } from '../reports/suppression-list.ts';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { Metrics } from '../metrics/metrics.ts';
import type { SfmcClient } from '../sfmc/client.ts';
import type { Store } from '../store/database.ts';
import type { SecretBox } from '../tenants/secret-box.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';

/** What the routes use; built once by the connector. */
export interface ServerContext {
  store: Store;
  tenants: TenantDirectory;
  box: SecretBox;
  outbox: OutboxWriter;
  publicUrl: string;
  adminToken: string | undefined;
  allowPrivateUrls: boolean;
  /** CSP `frame-ancestors` sources of the activity UIs and the Configuration app (security/frame-ancestors.ts). */
  frameAncestors: string;
  metrics: Metrics;
  metricsToken: string | undefined;
  /** The background thread's series (messages sent, provider latency…), when the loops run there. */
  backgroundMetrics: (() => Promise<MetricObjectWithValues<MetricValue<string>>[]>) | undefined;
  /** Confirms unsigned lifecycle calls with SFMC (routes/activities.ts). */
  sfmc: SfmcClient;
  /** Tells the write-back worker that new reports are waiting. */
  reportsStored: () => void;
  /** Tells the journey event worker that replies queued events. */
  journeyEventsQueued: () => void;
  /** Opted-out numbers, checked by execute in memory. */
  suppressions: SuppressionList;
}
