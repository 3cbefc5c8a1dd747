// Posts reports the way Infobip's notification pipeline does (infobip.md §5): reports of one
// kind going to the same URL are bucketed (≤ 100 results per POST by default, body
// `{"results": […]}`), a receiver that does not answer 200 is retried with growing pauses, and the
// webhook faults (drop, duplicate, reorder with a late intermediate report) are applied here so
// that every channel and every kind of report gets them for free.
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import type { Ledger } from './ledger.ts';
import type { Random } from './random.ts';
import type { InfobipFaults } from './types.ts';

export interface WebhookRetry {
  /** Total POST attempts per batch before giving up (default 5). */
  maxAttempts: number;
  /** Pause before retry n is backoffMs × n² (default 200 ms; Infobip itself uses minutes). */
  backoffMs: number;
}

export interface DispatcherOptions {
  random: Random;
  faults: () => InfobipFaults;
  ledger: Ledger;
  /** Results per POST; Infobip's default bucket size is 100 (`maxBucketSize` 1–2000). */
  batchSize: number;
  retry: WebhookRetry;
}

/** One result of a webhook body, in the shape of the webhook it is posted as. */
export type WebhookResult = object;

/** What to post where. */
export interface WebhookTarget {
  url: string;
  /**
   * The kind of report, e.g. the spec's webhook name. Results of different kinds never share a
   * POST, even to the same URL (WhatsApp posts delivery and seen reports to one `notifyUrl`).
   */
  stream: string;
  /**
   * The notification profile that posts it, if one does: each profile posts with its own security,
   * so two never share a POST, even to the same URL.
   */
  profileId?: string;
  /** Post each result alone, as the body itself (click reports are not wrapped in `results`). */
  unwrapped?: boolean;
  /** Headers a subscription's security adds to each POST (Basic credentials, HMAC signature of the body). */
  headers?: (body: string) => Record<string, string>;
}

interface Entry {
  report: WebhookResult;
  /** Sent after `report` was accepted by the receiver (reorder fault: a stale intermediate report). */
  followUp?: WebhookResult;
}

// Reports that fall due within this window are bucketed into the same POST.
const BATCH_WINDOW_MS = 20;
const MAX_TIMER_MS = 2 ** 31 - 1;
const RECEIVER_TIMEOUT_MS = 10_000;

export class WebhookDispatcher {
  private outstanding = 0; // reports scheduled and neither delivered nor given up
  private idleWaiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly ready = new Map<string, Entry[]>(); // by stream + URL + profile
  private readonly inFlight = new Set<Promise<void>>();
  private readonly aborter = new AbortController();
  private readonly agent = new Agent({ headersTimeout: RECEIVER_TIMEOUT_MS, bodyTimeout: RECEIVER_TIMEOUT_MS });
  private closed = false;

  constructor(private readonly opts: DispatcherOptions) {
    // One signal cancels every in-flight POST at close; each POST listens to it.
    setMaxListeners(0, this.aborter.signal);
  }

  /** Schedules `report` for `target` in `delayMs`, subject to the drop and duplicate faults. */
  enqueue(target: WebhookTarget, report: WebhookResult, delayMs: number, followUp?: WebhookResult): void {
    if (this.closed) return;
    const { random, ledger } = this.opts;
    const faults = this.opts.faults();
    if (random.chance(faults.webhookDropRate)) {
      ledger.stats.webhookReportsDropped++;
      return;
    }
    this.arm(target, { report, followUp }, delayMs);
    if (random.chance(faults.webhookDuplicateRate)) {
      ledger.stats.webhookReportsDuplicated++;
      // The copy comes a little later, so it normally travels in a POST of its own.
      this.arm(target, { report }, delayMs + random.int(10, 100));
    }
  }

  /** Resolves once every scheduled report has been delivered or given up. */
  idle(): Promise<void> {
    return this.outstanding === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ready.clear();
    this.aborter.abort();
    await Promise.allSettled([...this.inFlight]);
    this.settle(this.outstanding);
    await this.agent.close();
  }

  private arm(target: WebhookTarget, entry: Entry, delayMs: number): void {
    this.outstanding++;
    const key = `${target.stream}\u0000${target.url}\u0000${target.profileId ?? ''}`;
    this.after(delayMs, () => {
      const queue = this.ready.get(key);
      if (queue) return void queue.push(entry);
      this.ready.set(key, [entry]);
      this.after(BATCH_WINDOW_MS, () => this.flush(key, target));
    });
  }

  /** setTimeout that survives delays beyond ~24.8 days (sendAt may be up to 180 days ahead). */
  private after(ms: number, fn: () => void): void {
    const step = Math.min(Math.max(0, ms), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (ms > step) this.after(ms - step, fn);
      else fn();
    }, step);
    this.timers.add(timer);
  }

  private flush(key: string, target: WebhookTarget): void {
    const entries = this.ready.get(key) ?? [];
    this.ready.delete(key);
    if (this.opts.faults().webhookReorder) this.opts.random.shuffle(entries);
    const size = target.unwrapped ? 1 : this.opts.batchSize;
    for (let i = 0; i < entries.length; i += size) {
      const post = this.post(target, entries.slice(i, i + size));
      this.inFlight.add(post);
      void post.finally(() => this.inFlight.delete(post));
    }
  }

  private async post(target: WebhookTarget, batch: Entry[]): Promise<void> {
    const { url } = target;
    const { ledger, retry } = this.opts;
    const body = JSON.stringify(target.unwrapped ? batch[0]!.report : { results: batch.map((e) => e.report) });
    const headers = { 'content-type': 'application/json', ...target.headers?.(body) };
    for (let attempt = 1; attempt <= retry.maxAttempts && !this.closed; attempt++) {
      if (attempt > 1) {
        const paused = await sleep(retry.backoffMs * (attempt - 1) ** 2, true, { signal: this.aborter.signal }).catch(() => false);
        if (!paused) return; // closed meanwhile
      }
      ledger.stats.webhookAttempts++;
      if (await this.deliver(url, body, headers)) {
        ledger.stats.webhooksPosted++;
        ledger.stats.webhookReportsPosted += batch.length;
        // Follow-ups are armed before this batch settles, so idle() cannot resolve in between.
        for (const e of batch) if (e.followUp) this.arm(target, { report: e.followUp }, this.opts.random.int(10, 50));
        return this.settle(batch.length);
      }
    }
    if (!this.closed) ledger.stats.webhookFailures++;
    this.settle(batch.length);
  }

  /** One POST; true only for HTTP 200, which is what Infobip expects from a receiver. */
  private async deliver(url: string, body: string, headers: Record<string, string>): Promise<boolean> {
    try {
      const res = await request(url, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.agent,
        signal: this.aborter.signal,
      });
      await res.body.dump();
      return res.statusCode === 200;
    } catch {
      return false; // connection refused, reset, timeout, invalid URL …
    }
  }

  private settle(count: number): void {
    this.outstanding = Math.max(0, this.outstanding - count);
    if (this.outstanding === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
