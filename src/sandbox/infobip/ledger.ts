// Bookkeeping of what the simulator received and sent: the counters behind stats() and the
// per-messageId record behind sentMessages(). Duplicate messageIds are the signal that a client
// re-sent a message (e.g. retried after a timeout), so they are counted as they happen.
import type { InfobipStats, SimMessage } from './types.ts';

export type AcceptedMessage = Omit<SimMessage, 'timesReceived' | 'firstReceivedAt' | 'lastReceivedAt' | 'firstRequestNumber'>;

function emptyStats(paths: readonly string[]): InfobipStats {
  return {
    requests: 0,
    requestsByPath: Object.fromEntries(paths.map((path) => [path, 0])),
    acceptedRequests: 0,
    rejectedRequests: { 400: 0, 401: 0, 429: 0, 500: 0 },
    hungRequests: 0,
    messagesAccepted: 0,
    uniqueMessageIds: 0,
    duplicateMessageIds: 0,
    messagesPerRequest: [],
    webhooksPosted: 0,
    webhookReportsPosted: 0,
    webhookFailures: 0,
    webhookAttempts: 0,
    webhookReportsDropped: 0,
    webhookReportsDuplicated: 0,
    outcomes: { delivered: 0, undeliverable: 0, expired: 0, rejected: 0 },
  };
}

export class Ledger {
  stats: InfobipStats;
  readonly messages = new Map<string, SimMessage>();

  /** `paths`: the simulated endpoints, so that `requestsByPath` lists each of them from the start. */
  constructor(private readonly paths: readonly string[]) {
    this.stats = emptyStats(paths);
  }

  /** Counts a request to a send endpoint; answers its number (1, 2, …). */
  received(path: string): number {
    this.stats.requests++;
    this.stats.requestsByPath[path] = (this.stats.requestsByPath[path] ?? 0) + 1;
    return this.stats.requests;
  }

  rejected(status: number): void {
    this.stats.rejectedRequests[status] = (this.stats.rejectedRequests[status] ?? 0) + 1;
  }

  /** `now`: when the request arrived; `requestNumber`: its number from received(). */
  accepted(messages: AcceptedMessage[], now: Date, requestNumber: number): void {
    this.stats.acceptedRequests++;
    this.stats.messagesAccepted += messages.length;
    this.stats.messagesPerRequest.push(messages.length);
    for (const message of messages) {
      this.stats.outcomes[message.outcome]++;
      const previous = this.messages.get(message.messageId);
      if (!previous) this.stats.uniqueMessageIds++;
      else if (previous.timesReceived === 1) this.stats.duplicateMessageIds++;
      // The latest send wins (it is what the next report describes); the count keeps the history.
      this.messages.set(message.messageId, {
        ...message,
        timesReceived: (previous?.timesReceived ?? 0) + 1,
        firstReceivedAt: previous?.firstReceivedAt ?? now,
        firstRequestNumber: previous?.firstRequestNumber ?? requestNumber,
        lastReceivedAt: now,
      });
    }
  }

  snapshot(): InfobipStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = emptyStats(this.paths);
    this.messages.clear();
  }
}
