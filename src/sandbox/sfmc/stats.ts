// Counters that tests and benchmarks read to check how the connector used SFMC (token caching,
// batch sizes, retries), which is invisible from the connector's own responses.
import type { SfmcStats } from './types.ts';

export class StatsRecorder {
  private readonly data: SfmcStats = {
    tokenRequests: 0,
    tokensIssued: 0,
    calls: {},
    rowsPerCall: [],
    rejected: {},
    asyncRequests: 0,
    asyncErrors: 0,
  };

  call(routeId: string): void {
    this.data.calls[routeId] = (this.data.calls[routeId] ?? 0) + 1;
    if (routeId === 'POST /v2/token') this.data.tokenRequests++;
  }

  rejected(status: number): void {
    this.data.rejected[String(status)] = (this.data.rejected[String(status)] ?? 0) + 1;
  }

  tokenIssued(): void {
    this.data.tokensIssued++;
  }

  rowsWritten(count: number): void {
    this.data.rowsPerCall.push(count);
  }

  asyncQueued(): void {
    this.data.asyncRequests++;
  }

  asyncFailed(): void {
    this.data.asyncErrors++;
  }

  /** A deep copy, so callers can keep it as a before/after snapshot. */
  snapshot(): SfmcStats {
    return structuredClone(this.data);
  }
}
