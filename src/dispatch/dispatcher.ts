import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { channel as channelById } from '../channels/registry.ts';
import type { OutboundMessage } from '../channels/channel.ts';
import { retryDelayMs } from '../http/retry.ts';
import { findInLogs } from '../infobip/logs.ts';
import { type ProviderStatus, type SendOutcome, sendToInfobip } from '../infobip/send.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { dataExtensionRowMissingReport, expiredUnsentReport, quietHoursSkippedReport, rejectedByInfobipReport } from '../reports/connector-reports.ts';
import { recordDeliveryReports } from '../reports/record-reports.ts';
import type { Store } from '../store/database.ts';
import { type ClaimedMessage, claimFlowMessages } from '../store/sql/claimFlowMessages.ts';
import { claimPacedMessages, type PacedMessage } from '../store/sql/claimPacedMessages.ts';
import { releasePacedFlows } from '../store/sql/releasePacedFlows.ts';
import { delayPacingCursor } from '../store/sql/delayPacingCursor.ts';
import { EXPIRED_REASON, expireOverdueMessages } from '../store/sql/expireOverdueMessages.ts';
import { listQueuedFlows } from '../store/sql/listQueuedFlows.ts';
import { promoteIntake } from '../store/sql/promoteIntake.ts';
import { requeueExpiredLeases } from '../store/sql/requeueExpiredLeases.ts';
import { selectFlowPace } from '../store/sql/selectFlowPace.ts';
import { updateClaimedMessages } from '../store/sql/updateClaimedMessages.ts';
import type { DeliveryReport } from '../reports/report.ts';
import type { InfobipAccount, Tenant } from '../tenants/tenant.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import type { SfmcClient } from '../sfmc/client.ts';
import { PollingLoop } from '../workers/polling-loop.ts';
import { fillFromDataExtensions, type MergeOutcome } from './data-extension-merge.ts';
import { endWithReports } from './cancellation.ts';
import { groupForSending, type PreparedMessage, prepareMessages, type SendGroup } from './send-groups.ts';
import { nextOpening } from './send-window.ts';
import { BurstWindows } from './burst-window.ts';

/** A claim this small means messages trickle in; the next claim waits LINGER_FACTOR × idleMs. */
const FULL_ENOUGH = 100;
const LINGER_FACTOR = 3;
/**
 * Paced flows take sending slots at most this far ahead: short enough that a restart or a stop
 * wastes little of the pace, long enough that the claim loop (every idleMs) always keeps ahead.
 */
const PACING_HORIZON_MS = 1000;
/**
 * How long a claim of a paced flow's slots makes this instance the one that sends it. It claims
 * again well within this (every PACING_HORIZON_MS at least, while the flow has messages), so it
 * keeps the flow; when it dies, another instance takes the flow this long after its last claim.
 */
const FLOW_OWNERSHIP_MS = 3 * PACING_HORIZON_MS;
/** How often an instance looks whether a paced flow another instance sends has been let go. */
const OWNER_RECHECK_MS = 500;
/** Paced messages are handed to requests at most this often: a few ms of slots per request. */
const RELEASE_TICK_MS = 10;
/**
 * A paced request that starts later than this after its first slot (released on time, it waited
 * long for a free request slot or for its tenant) delays the flow's later slots, here and in the
 * shared cursor, by the excess. The pace loses the excess.
 */
const PACING_SLACK_MS = 1000;
/**
 * After a send whose answer was lost, its messages are looked up no sooner than this: a request
 * Infobip took a moment ago may not be in its message logs yet, and looking too early would send it
 * twice. (Messages of a dead instance wait for their lease to run out, far longer.)
 */
const UNKNOWN_OUTCOME_SETTLE_MS = 10_000;
/**
 * A message is expired, not sent, once less than this is left of its validity period: the request
 * takes about that long to reach Infobip, and one that arrives after the end is sent late.
 */
const IN_TRANSIT_MS = 1000;
const isPastValidity = (row: ClaimedMessage, now: number) => now + IN_TRANSIT_MS >= row.expires_at;
/** How often expired leases are put back and overdue messages expired. */
const SWEEP_EVERY_MS = 1000;
/** How often a round moves the intake into the queue, at most. */
const PROMOTE_EVERY_MS = 25;
/** Flows visited per claim round; more are visited in turns. */
const MAX_FLOWS_PER_ROUND = 200;
/** Flow speed limits remembered (a version's activity settings never change). */
const MAX_REMEMBERED_FLOWS = 10_000;

export interface DispatcherOptions {
  store: Store;
  tenants: TenantDirectory;
  /** Reads custom data extension rows at send time. */
  sfmc: SfmcClient;
  log: Logger;
  /** The webhook URLs Infobip calls for a tenant's reports. */
  webhookUrls: (tenant: Tenant) => { deliveryReports: string; seenReports: string };
  claimLimit?: number;
  /** Pause between claims when the last one found less than a full batch: lets batches fill. */
  idleMs?: number;
  leaseMs?: number;
  maxRequestsInFlight?: number;
  metrics?: Metrics | undefined;
}

/**
 * Sends stored messages: claims due rows under a lease, fairly across flows (tenant, journey
 * version, activity), paced flows at their sending speed limit; groups them into as few Infobip
 * requests as the API allows, records each outcome, retries what can be retried (honouring
 * Retry-After and pausing only the account that was throttled) and turns refusals, expiries and
 * quiet-hours skips into reports.
 */
export class Dispatcher {
  readonly #o: Required<Omit<DispatcherOptions, 'metrics'>> & { metrics: Metrics | undefined };
  readonly #owner = randomUUID();
  readonly #accountPausedUntil = new Map<string, number>();
  readonly #loop: PollingLoop;
  /** Messages the last claim found; 0 means idle. */
  #lastClaimed = 0;
  /** Requests under way. A slow or hung one holds one slot, never the whole dispatcher. */
  readonly #inFlight = new Set<Promise<void>>();
  /** Claimed groups waiting for a free slot. */
  readonly #waiting: SendGroup[] = [];
  /**
   * Infobip accounts with an unpaced request under way, and since when. One such request per
   * account at a time: a 429 or an outage then stops that account's traffic at once (no request
   * already racing behind it), batches grow while a request is out, and accounts share the slots
   * fairly. Paced requests are bounded by their pace instead.
   */
  readonly #busyAccounts = new Map<string, number>();
  /** Claimed paced messages waiting for their slot, earliest first. */
  #scheduled: PacedMessage[] = [];
  #releaseTimer: NodeJS.Timeout | undefined;
  /** Each paced flow's trailing-second window: its burst bound. */
  readonly #windows = new BurstWindows();
  /** Sending slots of released paced messages not yet in a request. */
  readonly #slotOf = new Map<string, { slot: number; flowKey: string }>();
  /** Per paced flow, the latest slot whose lateness was already answered by delaying the flow. */
  readonly #slippedThrough = new Map<string, number>();
  /** Messages being screened (expiry, quiet hours) on their way to a request. */
  readonly #handingOver = new Set<Promise<void>>();
  /** Speed limit (µs between messages, null: none) per flow. */
  readonly #flowPace = new Map<string, number | null>();
  /** Paced flows whose next free slot lies beyond the horizon: not claimed before then. */
  readonly #flowNextSlot = new Map<string, number>();
  /** The last flow visited when the list was cut at MAX_FLOWS_PER_ROUND; the next round goes on after it. */
  #flowsAfter = '';
  #lastSweep = 0;
  #promotedAt = 0;

  constructor(options: DispatcherOptions) {
    this.#o = { claimLimit: 2000, idleMs: 100, leaseMs: 120_000, maxRequestsInFlight: 8, metrics: undefined, ...options };
    this.#loop = new PollingLoop('dispatch', this.#o.idleMs, () => this.#dispatchOnce(), this.#o.log);
  }

  start(): void {
    this.#loop.start();
  }

  /** Stops claiming, hands back what waits unsent, lets in-flight requests finish and record their outcome. */
  async stop(): Promise<void> {
    await this.#loop.stop();
    clearTimeout(this.#releaseTimer);
    this.#releaseTimer = undefined;
    this.#slotOf.clear();
    this.#windows.clear();
    await Promise.allSettled([...this.#handingOver]);
    const unsent = [...this.#scheduled.splice(0).map((p) => p.row), ...this.#waiting.splice(0).flatMap((g) => g.messages.map((m) => m.row))];
    await this.#reschedule(unsent, Date.now(), 'handed back at shutdown');
    await Promise.allSettled([...this.#inFlight]);
    await releasePacedFlows(this.#o.store.db, this.#owner).catch((error) => this.#o.log.warn({ err: error }, 'could not let go of paced flows; other instances take them within seconds'));
  }

  /**
   * Called when new messages are stored, so an idle dispatcher does not wait out its pause. A
   * dispatcher that is busy (its last claim found messages, or a request is out) keeps its pause:
   * that is what lets the next batch fill under load instead of sending one request per group
   * commit.
   */
  wake(): void {
    if (this.#lastClaimed === 0 && this.#inFlight.size === 0) this.#loop.wake();
  }

  /**
   * One round: start what waits for a free slot; when every slot is taken, wait for one;
   * otherwise claim flow by flow, leaving out the accounts already being sent for, and start the
   * requests the claim needs. Unlimited flows share the claim evenly, so a tenant's huge backlog
   * takes its share and no more; paced flows take the slots of the next PACING_HORIZON_MS. A slow
   * or hung account holds one slot and its own messages, never the others', and its later messages
   * stay unleased in the store. Answers whether to go on at once.
   */
  async #dispatchOnce(): Promise<boolean | number> {
    this.#startWaiting();
    if (this.#inFlight.size >= this.#o.maxRequestsInFlight) {
      await Promise.race(this.#inFlight);
      return true;
    }
    const { db, dialect } = this.#o.store;
    // What execute accepted joins the queue (store/sql/promoteIntake.ts). Not on every round:
    // under load a round follows each group commit, and each move takes SQLite's write lock from
    // execute's next one; fewer, larger moves hold it less. At most one idle pause (idleMs) late.
    if (Date.now() - this.#promotedAt >= PROMOTE_EVERY_MS) {
      this.#promotedAt = Date.now();
      await promoteIntake(db);
    }
    await this.#sweep();
    // Accounts with a request out (or a group waiting for one) are left out of the claim.
    const busy = [...new Set([...this.#busyAccounts.keys(), ...this.#waiting.map((g) => g.accountId)])];
    // Paced flows are bounded by their slots, and leaving out an account with a request out would
    // lose slots: only a hung or throttled account is left out of them.
    const stuck = [...this.#busyAccounts].filter(([, since]) => since < Date.now() - PACING_HORIZON_MS).map(([id]) => id);
    stuck.push(...[...this.#accountPausedUntil].filter(([, until]) => until > Date.now()).map(([id]) => id));
    const flows = await listQueuedFlows(db, this.#flowsAfter, MAX_FLOWS_PER_ROUND);
    this.#flowsAfter = flows.length === MAX_FLOWS_PER_ROUND ? flows[flows.length - 1]! : '';
    const share = Math.max(FULL_ENOUGH, Math.ceil(this.#o.claimLimit / Math.max(1, flows.length)));
    const immediate: ClaimedMessage[] = [];
    let full = false;
    for (const flowKey of flows) {
      const now = Date.now();
      if ((this.#flowNextSlot.get(flowKey) ?? 0) > now + PACING_HORIZON_MS) continue;
      const intervalUs = await this.#paceOf(flowKey);
      const claim = { flowKey, owner: this.#owner, now, leaseMs: this.#o.leaseMs, excludeAccountIds: busy };
      if (intervalUs === null) {
        const rows = await claimFlowMessages(db, dialect, { ...claim, limit: share });
        immediate.push(...rows);
        full ||= rows.length >= share;
      } else {
        const paced = await claimPacedMessages(db, dialect, {
          ...claim,
          excludeAccountIds: stuck,
          limit: this.#o.claimLimit,
          intervalUs,
          horizonMs: PACING_HORIZON_MS,
          ownershipMs: FLOW_OWNERSHIP_MS,
        });
        if (!paced.owned) {
          this.#flowNextSlot.set(flowKey, Math.min(paced.until, now + OWNER_RECHECK_MS) + PACING_HORIZON_MS);
          continue;
        }
        this.#flowNextSlot.set(flowKey, paced.nextSlotAt);
        // Loaded (and cached) now, so the first slot does not wait for it.
        if (paced.messages.length > 0) void this.#o.tenants.byId(paced.messages[0]!.row.tenant_id).catch(() => undefined);
        this.#schedule(paced.messages);
      }
    }
    this.#lastClaimed = immediate.length + this.#scheduled.length;
    this.#handOver(immediate);
    if (full) return true;
    // A thin claim under a steady trickle: wait longer, so the next requests carry more messages.
    return immediate.length > 0 && immediate.length < FULL_ENOUGH ? this.#o.idleMs * LINGER_FACTOR : false;
  }

  async #paceOf(flowKey: string): Promise<number | null> {
    if (this.#flowPace.has(flowKey)) return this.#flowPace.get(flowKey)!;
    const intervalUs = await selectFlowPace(this.#o.store.db, flowKey);
    if (this.#flowPace.size >= MAX_REMEMBERED_FLOWS) {
      this.#flowPace.clear();
      this.#flowNextSlot.clear();
      this.#slippedThrough.clear();
      this.#windows.prune(Date.now());
    }
    this.#flowPace.set(flowKey, intervalUs);
    return intervalUs;
  }

  /**
   * Once a second: messages whose lease ran out (their instance died) are put back in the queue,
   * and queued messages past their validity period are expired and reported, never sent late.
   */
  async #sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastSweep < SWEEP_EVERY_MS) return;
    this.#lastSweep = now;
    const db = this.#o.store.db;
    const orphaned = await requeueExpiredLeases(db, now);
    if (orphaned > 0) {
      // Their instance died, possibly with their request in flight: looked up before they go again.
      this.#o.log.warn({ messages: orphaned }, 'messages whose lease ran out were put back, marked as of unknown outcome');
      this.#o.metrics?.errors.inc({ kind: 'outcome_unknown' }, orphaned);
    }
    const expired = await endWithReports(db, async (trx) => {
      const ended = await expireOverdueMessages(trx, now);
      return { ended, reports: reportsByTenant(ended.map((m) => [m.tenant_id, m.id]), expiredUnsentReport) };
    });
    if (expired.length > 0) this.#o.metrics?.errors.inc({ kind: 'expired' }, expired.length);
  }

  #schedule(paced: PacedMessage[]): void {
    if (paced.length === 0) return;
    this.#scheduled.push(...paced);
    this.#scheduled.sort((a, b) => a.slotAt - b.slotAt);
    this.#armRelease();
  }

  #armRelease(): void {
    if (this.#releaseTimer || this.#scheduled.length === 0) return;
    const wait = Math.max(RELEASE_TICK_MS, this.#scheduled[0]!.slotAt - Date.now());
    this.#releaseTimer = setTimeout(() => {
      this.#releaseTimer = undefined;
      this.#releaseDue();
    }, wait);
  }

  /**
   * Hands paced messages whose slot has come to requests, as long as their flow's trailing-second
   * window has room: messages that are late (the event loop was busy) catch up within the window.
   */
  #releaseDue(): void {
    const now = Date.now();
    const released: PacedMessage[] = [];
    const kept: PacedMessage[] = [];
    for (const p of this.#scheduled) {
      if (p.slotAt <= now && this.#windows.take(p.row, now)) released.push(p);
      else kept.push(p);
    }
    this.#scheduled = kept;
    const metrics = this.#o.metrics;
    if (metrics && released.length > 0) {
      const last = released[released.length - 1]!;
      metrics.pacingLag.set({ tenant: last.row.tenant_id, activity: last.row.activity_id }, (now - last.slotAt) / 1000);
    }
    for (const p of released) this.#slotOf.set(p.row.id, { slot: p.slotAt, flowKey: p.row.flow_key });
    this.#handOver(released.map((p) => p.row));
    this.#armRelease();
  }

  /**
   * Last look before sending: a message past its validity period is expired, one outside its
   * activity's quiet hours waits for the next opening (back in the queue, so its flow's speed
   * limit spreads it again) or is skipped and reported. The rest are grouped into requests.
   */
  #handOver(rows: ClaimedMessage[]): void {
    if (rows.length === 0) return;
    const now = Date.now();
    const ready: PreparedMessage[] = [];
    const expired: PreparedMessage[] = [];
    const skipped: PreparedMessage[] = [];
    const held = new Map<number, ClaimedMessage[]>();
    for (const message of prepareMessages(rows)) {
      const window = message.payload.sendWindow;
      const opening = window ? nextOpening(window, message.row.destination, now) : undefined;
      if (isPastValidity(message.row, now) || (opening !== undefined && opening >= message.row.expires_at)) expired.push(message);
      else if (opening === undefined) ready.push(message);
      else if (window!.outside === 'skip') skipped.push(message);
      else held.set(opening, [...(held.get(opening) ?? []), message.row]);
    }
    this.#waiting.push(...groupForSending(ready, (id) => channelById(id).maxMessagesPerRequest));
    this.#startWaiting();
    if (expired.length + skipped.length + held.size === 0) return;
    const screenedOut = [...expired, ...skipped].map((m) => m.row.id).concat([...held.values()].flat().map((m) => m.id));
    for (const id of screenedOut) this.#slotOf.delete(id);
    this.#windows.leave(screenedOut, false);
    const screening: Promise<void> = (async () => {
      for (const [opening, messages] of held) await this.#reschedule(messages, opening, 'waiting for the send window (quiet hours)');
      await this.#refuse(expired, 'expired', EXPIRED_REASON, expiredUnsentReport);
      await this.#refuse(skipped, 'cancelled', 'skipped: outside the send window (quiet hours)', quietHoursSkippedReport);
    })()
      .catch((error) => this.#o.log.error({ err: error }, 'screening messages failed; their lease will expire and they are claimed again'))
      .finally(() => this.#handingOver.delete(screening));
    this.#handingOver.add(screening);
  }

  /** Ends messages this instance still leases without sending them, and reports each. */
  async #refuse(messages: PreparedMessage[], state: 'expired' | 'cancelled', reason: string, report: (id: string) => DeliveryReport): Promise<void> {
    if (messages.length === 0) return;
    const ended = await endWithReports(this.#o.store.db, async (trx) => {
      const updated = new Set(await updateClaimedMessages(trx, this.#owner, messages.map((m) => m.row.id), { state, last_error: reason }));
      return { ended: updated, reports: reportsByTenant(messages.filter((m) => updated.has(m.row.id)).map((m) => [m.row.tenant_id, m.row.id]), report) };
    });
    this.#o.metrics?.errors.inc({ kind: state === 'expired' ? 'expired' : 'quiet_hours_skipped' }, ended.size);
  }

  #startWaiting(): void {
    while (this.#inFlight.size < this.#o.maxRequestsInFlight) {
      // Paced messages go at their slot even while their account has a request out: waiting for it
      // would make them late, and their pace already bounds the account's traffic.
      const index = this.#waiting.findIndex((g) => this.#isPaced(g) || !this.#busyAccounts.has(g.accountId));
      if (index < 0) return;
      const [group] = this.#waiting.splice(index, 1) as [SendGroup];
      const paced = this.#isPaced(group);
      this.#absorbWaiting(group);
      this.#slipLateFlows(group);
      if (!paced) this.#busyAccounts.set(group.accountId, Date.now());
      const request: Promise<void> = this.#sendGroup(group)
        .catch((error) => this.#o.log.error({ err: error }, 'sending a group failed; its lease will expire and it is claimed again'))
        .finally(() => {
          this.#inFlight.delete(request);
          this.#windows.leave(group.messages.map((m) => m.row.id), true);
          if (!paced) this.#busyAccounts.delete(group.accountId);
          // Paced groups may wait for this account: they go now, not at the next claim round.
          if (this.#waiting.length > 0) this.#startWaiting();
        });
      this.#inFlight.add(request);
    }
  }

  #isPaced(group: SendGroup): boolean {
    return this.#slotOf.has(group.messages[0]!.row.id);
  }

  /** See PACING_SLACK_MS: a late paced request pushes its flows' later slots back by the excess. */
  #slipLateFlows(group: SendGroup): void {
    if (this.#slotOf.size === 0) return;
    const now = Date.now();
    const firstSlot = new Map<string, number>();
    for (const { row } of group.messages) {
      const slot = this.#slotOf.get(row.id)?.slot;
      if (slot === undefined) continue;
      this.#slotOf.delete(row.id);
      firstSlot.set(row.flow_key, Math.min(slot, firstSlot.get(row.flow_key) ?? Infinity));
    }
    let slipped = false;
    for (const [flowKey, slot] of firstSlot) {
      const excess = now - slot - PACING_SLACK_MS;
      // Messages released before the last delay are late by it already: one delay answers them all.
      if (excess <= 0 || slot <= (this.#slippedThrough.get(flowKey) ?? -Infinity)) continue;
      let lastReleased = slot;
      for (const { slot: s, flowKey: f } of this.#slotOf.values()) if (f === flowKey) lastReleased = Math.max(lastReleased, s);
      this.#slippedThrough.set(flowKey, lastReleased);
      for (const p of this.#scheduled) if (p.row.flow_key === flowKey) p.slotAt += excess;
      slipped = true;
      // Later claims (here and on other instances) start later too, or they would overlap the delayed slots.
      this.#flowNextSlot.set(flowKey, (this.#flowNextSlot.get(flowKey) ?? 0) + excess);
      delayPacingCursor(this.#o.store.db, flowKey, excess * 1000).catch((error) => this.#o.log.warn({ err: error }, 'could not delay a pacing cursor'));
    }
    if (slipped) this.#scheduled.sort((a, b) => a.slotAt - b.slotAt);
  }

  /**
   * Adds to `group` the waiting groups that could travel in the same request, up to the channel's
   * request size: paced messages released a few ms apart while the account's previous request was
   * out then go together, so one request at a time per account keeps up with any pace.
   */
  #absorbWaiting(group: SendGroup): void {
    const max = channelById(group.channel).maxMessagesPerRequest;
    const tracking = JSON.stringify(group.tracking ?? null);
    for (let i = 0; i < this.#waiting.length && group.messages.length < max; ) {
      const other = this.#waiting[i]!;
      const same = other.accountId === group.accountId && other.tenantId === group.tenantId && other.channel === group.channel && other.bulkId === group.bulkId;
      if (same && JSON.stringify(other.tracking ?? null) === tracking && group.messages.length + other.messages.length <= max) {
        group.messages.push(...other.messages);
        this.#waiting.splice(i, 1);
      } else i++;
    }
  }

  async #sendGroup(claimedGroup: SendGroup): Promise<void> {
    const tenant = await this.#o.tenants.byId(claimedGroup.tenantId);
    const account = tenant?.accounts.find((a) => a.id === claimedGroup.accountId);
    if (!tenant || !account) {
      await this.#reject(claimedGroup, 404, 'the tenant or its Infobip account no longer exists', []);
      return;
    }
    const pausedUntil = this.#accountPausedUntil.get(account.id) ?? 0;
    if (pausedUntil > Date.now()) {
      await this.#reschedule(claimedGroup.messages.map((m) => m.row), pausedUntil, 'account throttled by Infobip');
      return;
    }
    const unsettled = await this.#settleUnknownOutcomes(claimedGroup, account);
    if (unsettled.messages.length === 0) return;
    const merged = await fillFromDataExtensions(unsettled.messages, tenant, this.#o.sfmc);
    await this.#refuseUnfilled(claimedGroup.tenantId, merged.refused);
    if (merged.retry.messages.length > 0) {
      const rows = merged.retry.messages.map((m) => m.row);
      await this.#reschedule(rows, Date.now() + retryDelayFor(rows, merged.retry.retryAfterMs), merged.retry.reason);
    }
    // Checked again here, not only at hand-over: the group may have waited for its account's
    // request, a free request slot or the data extension lookup since.
    const now = Date.now();
    const late = merged.ready.filter((m) => isPastValidity(m.row, now));
    await this.#refuse(late, 'expired', EXPIRED_REASON, expiredUnsentReport);
    const ready = merged.ready.filter((m) => !isPastValidity(m.row, now));
    if (ready.length === 0) return;
    const group = { ...claimedGroup, messages: ready };
    const { messages } = group;
    const channel = channelById(group.channel);
    const urls = this.#o.webhookUrls(tenant);
    const body = channel.buildRequest(messages.map(toOutbound), {
      bulkId: group.bulkId,
      tracking: group.tracking,
      deliveryReportUrl: urls.deliveryReports,
      seenReportUrl: urls.seenReports,
      applicationId: tenant.settings.channels?.[account.id]?.subscriptions?.applicationId,
    });
    const startedAt = performance.now();
    const outcome = await sendToInfobip(account, channel.endpoint, body);
    this.#o.metrics?.providerLatency.observe({ channel: channel.id, outcome: outcome.kind }, (performance.now() - startedAt) / 1000);
    await this.#record(group, outcome, account.id);
  }

  /**
   * Messages whose last send has an unknown outcome (outcome_unknown) are looked up in their
   * channel's message logs before they go again: those Infobip already has are recorded as sent,
   * with the status the log gives, and not sent twice; the others go on. When the logs cannot be
   * read now (5xx, 429, timeout) those messages wait with backoff, still marked, and the rest of
   * the group goes on; when Infobip refuses the question (4xx) or the channel has no logs
   * (WhatsApp) they are sent again, as before. Answers the group left to send.
   */
  async #settleUnknownOutcomes(group: SendGroup, account: InfobipAccount): Promise<SendGroup> {
    const unknown = group.messages.filter((m) => m.row.outcome_unknown === 1);
    if (unknown.length === 0) return group;
    const { logsPath } = channelById(group.channel);
    if (logsPath === undefined) {
      this.#o.log.warn({ tenantId: group.tenantId, channel: group.channel, messages: unknown.length }, 'messages whose last send has an unknown outcome are sent again: the channel has no message logs');
      return group;
    }
    const lookup = await findInLogs(account, logsPath, unknown.map((m) => m.row.id));
    if (lookup.kind === 'refused') {
      this.#o.log.warn({ tenantId: group.tenantId, channel: group.channel, messages: unknown.length, reason: lookup.reason }, 'message logs refused the lookup; messages whose last send has an unknown outcome are sent again');
      return group;
    }
    if (lookup.kind === 'retry') {
      const delay = retryDelayFor(unknown.map((m) => m.row), lookup.retryAfterMs);
      this.#o.log.warn({ tenantId: group.tenantId, channel: group.channel, messages: unknown.length, reason: lookup.reason, retryInMs: delay }, 'message logs could not be read; the lookup will be retried');
      await this.#reschedule(unknown.map((m) => m.row), Date.now() + delay, lookup.reason);
      return { ...group, messages: group.messages.filter((m) => m.row.outcome_unknown !== 1) };
    }
    const found = unknown.filter((m) => lookup.found.has(m.row.id));
    if (found.length > 0) {
      this.#o.log.warn({ tenantId: group.tenantId, channel: group.channel, found: found.length, unknown: unknown.length }, 'messages Infobip already had were recorded as sent, not sent again');
      await this.#recordAccepted({ ...group, messages: found }, lookup.found);
    }
    return { ...group, messages: group.messages.filter((m) => !lookup.found.has(m.row.id)) };
  }

  /** Messages Infobip took, with the status it gave each (none: UNKNOWN); the REJECTED ones are reported. */
  async #recordAccepted(group: SendGroup, statuses: Map<string, ProviderStatus>): Promise<void> {
    const messages = group.messages.map((m) => m.row);
    const db = this.#o.store.db;
    const refused = messages.filter((m) => statuses.get(m.id)?.groupName === 'REJECTED');
    const byStatus = new Map<string, string[]>();
    for (const m of messages) {
      const name = statuses.get(m.id)?.name ?? 'UNKNOWN';
      byStatus.set(name, [...(byStatus.get(name) ?? []), m.id]);
    }
    const sentAt = Date.now();
    this.#o.metrics?.sent(group.channel, messages.length);
    for (const [name, ids] of byStatus) {
      await updateClaimedMessages(db, this.#owner, ids, { state: 'sent', sent_at: sentAt, provider_status: name, last_error: null, outcome_unknown: 0 });
    }
    if (refused.length > 0) {
      await recordDeliveryReports(db, group.tenantId, refused.map((m) => ({ messageId: m.id, status: statuses.get(m.id)!, doneAt: new Date(sentAt).toISOString() })));
    }
  }

  async #record(group: SendGroup, outcome: SendOutcome, accountId: string): Promise<void> {
    const messages = group.messages.map((m) => m.row);
    if (outcome.kind === 'accepted') {
      // Infobip took the request: whatever its answer says, sending it again could duplicate it.
      const statuses = channelById(group.channel).readResponse(outcome.body) ?? new Map();
      if (statuses.size === 0) this.#o.log.error({ tenantId: group.tenantId, messages: messages.length }, 'Infobip accepted a request with an unreadable answer');
      await this.#recordAccepted(group, statuses);
      return;
    }
    if (outcome.kind === 'retry') {
      const backoff = retryDelayFor(messages, outcome.retryAfterMs);
      const delay = outcome.outcomeUnknown ? Math.max(backoff, UNKNOWN_OUTCOME_SETTLE_MS) : backoff;
      const throttled = outcome.retryAfterMs !== undefined || outcome.reason.startsWith('HTTP 429');
      if (throttled) this.#accountPausedUntil.set(accountId, Date.now() + delay);
      this.#o.metrics?.errors.inc({ kind: throttled ? 'provider_throttled' : 'provider_unavailable' }, messages.length);
      if (outcome.outcomeUnknown) this.#o.metrics?.errors.inc({ kind: 'outcome_unknown' }, messages.length);
      this.#o.log.warn({ accountId, messages: messages.length, reason: outcome.reason, retryInMs: delay }, 'Infobip send will be retried');
      await this.#reschedule(messages, Date.now() + delay, outcome.reason, outcome.outcomeUnknown);
      return;
    }
    await this.#rejectRefused(group, outcome.httpStatus, outcome.description, outcome.violations);
  }

  /**
   * A 400 for a request of many messages usually names the bad ones (`messages[3].…`): only
   * those are rejected and the others go out again at once. Without that, all are rejected.
   */
  async #rejectRefused(group: SendGroup, httpStatus: number, description: string, violations: { property: string; violation: string }[]): Promise<void> {
    const named = new Set<number>();
    for (const v of violations) {
      const index = v.property.match(/^messages\[(\d+)\]/)?.[1];
      if (index !== undefined) named.add(Number(index));
    }
    if (group.messages.length > 1 && named.size > 0 && named.size < group.messages.length) {
      const bad = group.messages.filter((_, i) => named.has(i));
      const good = group.messages.filter((_, i) => !named.has(i));
      await this.#reject({ ...group, messages: bad }, httpStatus, description, violations);
      await this.#reschedule(good.map((m) => m.row), Date.now(), 'sent again without the messages Infobip refused', false);
      return;
    }
    await this.#reject(group, httpStatus, description, violations);
  }

  async #reject(group: SendGroup, httpStatus: number, description: string, violations: { property: string; violation: string }[]): Promise<void> {
    const ids = group.messages.map((m) => m.row.id);
    this.#o.log.warn({ tenantId: group.tenantId, messages: ids.length, httpStatus, description }, 'Infobip refused messages');
    this.#o.metrics?.errors.inc({ kind: 'provider_rejected' }, ids.length);
    // Only messages still leased here: another instance that took one over reports it itself.
    const failed = await updateClaimedMessages(this.#o.store.db, this.#owner, ids, { state: 'failed', last_error: `HTTP ${httpStatus} ${description}`.slice(0, 1000) });
    await recordDeliveryReports(this.#o.store.db, group.tenantId, failed.map((id) => rejectedByInfobipReport(id, httpStatus, description, violations)));
  }

  async #refuseUnfilled(tenantId: string, refused: MergeOutcome['refused']): Promise<void> {
    if (refused.length === 0) return;
    const db = this.#o.store.db;
    const failed = new Set<string>();
    for (const { message, detail } of refused) {
      for (const id of await updateClaimedMessages(db, this.#owner, [message.row.id], { state: 'failed', last_error: detail.slice(0, 1000) })) failed.add(id);
    }
    const reports = refused.filter(({ message }) => failed.has(message.row.id));
    this.#o.metrics?.errors.inc({ kind: 'data_extension' }, reports.length);
    await recordDeliveryReports(db, tenantId, reports.map(({ message, reason, detail }) => dataExtensionRowMissingReport(message.row.id, reason, detail)));
  }

  /**
   * Puts messages back in the queue for `at`. `outcomeUnknown` is given only after a send attempt
   * (whether it may have reached Infobip); otherwise the mark is kept as it is.
   */
  async #reschedule(messages: ClaimedMessage[], at: number, reason: string, outcomeUnknown?: boolean): Promise<void> {
    const mark = outcomeUnknown === undefined ? {} : { outcome_unknown: outcomeUnknown ? 1 : 0 };
    await updateClaimedMessages(this.#o.store.db, this.#owner, messages.map((m) => m.id), { state: 'queued', next_attempt_at: at, last_error: reason.slice(0, 1000), ...mark });
  }
}

function toOutbound({ row, payload }: PreparedMessage): OutboundMessage {
  return { id: row.id, destination: row.destination, sender: payload.sender, content: payload.content, callbackData: row.callback_data };
}

/** The retry delay of a group of messages: its most tried one's backoff, bounded by its oldest one's wait (http/retry.ts). */
function retryDelayFor(rows: ClaimedMessage[], retryAfterMs: number | undefined): number {
  const attempts = Math.max(...rows.map((r) => r.attempts));
  return retryDelayMs(attempts, Date.now() - Math.min(...rows.map((r) => r.created_at)), retryAfterMs);
}

/** [tenant, message] pairs as each tenant's reports, in their order. */
function reportsByTenant(messages: [tenantId: string, id: string][], report: (id: string) => DeliveryReport): [string, DeliveryReport[]][] {
  const byTenant = new Map<string, DeliveryReport[]>();
  for (const [tenantId, id] of messages) byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), report(id)]);
  return [...byTenant];
}
