import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { channel as channelById } from '../channels/registry.ts';
import type { OutboundMessage } from '../channels/channel.ts';
import { backoffMs } from '../http/retry.ts';
import { type SendOutcome, sendToInfobip } from '../infobip/send.ts';
import { dataExtensionRowMissingReport, rejectedByInfobipReport } from '../reports/connector-reports.ts';
import { recordDeliveryReports } from '../reports/record-reports.ts';
import type { Store } from '../store/database.ts';
import { type ClaimedMessage, claimDueMessages } from '../store/sql/claimDueMessages.ts';
import { updateClaimedMessages } from '../store/sql/updateClaimedMessages.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import type { SfmcClient } from '../sfmc/client.ts';
import { PollingLoop } from '../workers/polling-loop.ts';
import { fillFromDataExtensions, type MergeOutcome } from './data-extension-merge.ts';
import { groupForSending, type PreparedMessage, type SendGroup } from './send-groups.ts';

/** A claim this small means messages trickle in; the next claim waits LINGER_FACTOR × idleMs. */
const FULL_ENOUGH = 100;
const LINGER_FACTOR = 3;

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
}

/**
 * Sends stored messages: claims due rows under a lease, groups them into as few Infobip requests
 * as the API allows, records each outcome, retries what can be retried (honouring Retry-After and
 * pausing only the account that was throttled) and turns refusals into reports.
 */
export class Dispatcher {
  readonly #o: Required<DispatcherOptions>;
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
   * Infobip accounts with a request under way. One request per account at a time: a 429 or an
   * outage then stops that account's traffic at once (no request already racing behind it),
   * batches grow while a request is out, and accounts share the slots fairly.
   */
  readonly #busyAccounts = new Set<string>();

  constructor(options: DispatcherOptions) {
    this.#o = { claimLimit: 2000, idleMs: 100, leaseMs: 120_000, maxRequestsInFlight: 8, ...options };
    this.#loop = new PollingLoop('dispatch', this.#o.idleMs, () => this.#dispatchOnce(), this.#o.log);
  }

  start(): void {
    this.#loop.start();
  }

  /** Stops claiming, hands back what waits unsent, lets in-flight requests finish and record their outcome. */
  async stop(): Promise<void> {
    await this.#loop.stop();
    const unsent = this.#waiting.splice(0).flatMap((g) => g.messages.map((m) => m.row));
    await this.#reschedule(unsent, Date.now(), 'handed back at shutdown');
    await Promise.allSettled([...this.#inFlight]);
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
   * otherwise claim, leaving out the accounts already being sent for, and start the requests the
   * claim needs. A slow or hung account thus holds one slot and its own messages, never the
   * others', and its later messages stay unleased in the store. Answers whether to go on at once.
   */
  async #dispatchOnce(): Promise<boolean | number> {
    this.#startWaiting();
    if (this.#inFlight.size >= this.#o.maxRequestsInFlight) {
      await Promise.race(this.#inFlight);
      return true;
    }
    // Accounts with a request out (or a group waiting for one) are left out of the claim.
    const busy = new Set([...this.#busyAccounts, ...this.#waiting.map((g) => g.accountId)]);
    const claimed = await claimDueMessages(this.#o.store.db, this.#o.store.dialect, {
      owner: this.#owner,
      now: Date.now(),
      leaseMs: this.#o.leaseMs,
      limit: this.#o.claimLimit,
      excludeAccountIds: [...busy],
    });
    this.#lastClaimed = claimed.length;
    this.#waiting.push(...groupForSending(claimed, (id) => channelById(id).maxMessagesPerRequest));
    this.#startWaiting();
    if (claimed.length >= this.#o.claimLimit) return true;
    // A thin claim under a steady trickle: wait longer, so the next requests carry more messages.
    return claimed.length > 0 && claimed.length < FULL_ENOUGH ? this.#o.idleMs * LINGER_FACTOR : false;
  }

  #startWaiting(): void {
    while (this.#inFlight.size < this.#o.maxRequestsInFlight) {
      const index = this.#waiting.findIndex((g) => !this.#busyAccounts.has(g.accountId));
      if (index < 0) return;
      const [group] = this.#waiting.splice(index, 1) as [SendGroup];
      this.#busyAccounts.add(group.accountId);
      const request: Promise<void> = this.#sendGroup(group)
        .catch((error) => this.#o.log.error({ err: error }, 'sending a group failed; its lease will expire and it is claimed again'))
        .finally(() => {
          this.#inFlight.delete(request);
          this.#busyAccounts.delete(group.accountId);
        });
      this.#inFlight.add(request);
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
    const merged = await fillFromDataExtensions(claimedGroup.messages, tenant, this.#o.sfmc);
    await this.#refuseUnfilled(claimedGroup.tenantId, merged.refused);
    if (merged.retry.messages.length > 0) {
      const attempts = Math.max(...merged.retry.messages.map((m) => m.row.attempts));
      await this.#reschedule(merged.retry.messages.map((m) => m.row), Date.now() + (merged.retry.retryAfterMs ?? backoffMs(attempts)), merged.retry.reason);
    }
    if (merged.ready.length === 0) return;
    const group = { ...claimedGroup, messages: merged.ready };
    const { messages } = group;
    const channel = channelById(group.channel);
    const urls = this.#o.webhookUrls(tenant);
    const body = channel.buildRequest(messages.map(toOutbound), {
      bulkId: group.bulkId,
      tracking: group.tracking,
      deliveryReportUrl: urls.deliveryReports,
      seenReportUrl: urls.seenReports,
    });
    const outcome = await sendToInfobip(account, channel.endpoint, body);
    await this.#record(group, outcome, account.id);
  }

  async #record(group: SendGroup, outcome: SendOutcome, accountId: string): Promise<void> {
    const messages = group.messages.map((m) => m.row);
    const db = this.#o.store.db;
    if (outcome.kind === 'accepted') {
      // Infobip took the request: whatever its answer says, sending it again could duplicate it.
      const statuses = channelById(group.channel).readResponse(outcome.body) ?? new Map();
      if (statuses.size === 0) this.#o.log.error({ tenantId: group.tenantId, messages: messages.length }, 'Infobip accepted a request with an unreadable answer');
      const refused = messages.filter((m) => statuses.get(m.id)?.groupName === 'REJECTED');
      const byStatus = new Map<string, string[]>();
      for (const m of messages) {
        const name = statuses.get(m.id)?.name ?? 'UNKNOWN';
        byStatus.set(name, [...(byStatus.get(name) ?? []), m.id]);
      }
      const sentAt = Date.now();
      for (const [name, ids] of byStatus) {
        await updateClaimedMessages(db, this.#owner, ids, { state: 'sent', sent_at: sentAt, provider_status: name, last_error: null });
      }
      if (refused.length > 0) {
        await recordDeliveryReports(db, group.tenantId, refused.map((m) => ({ messageId: m.id, status: statuses.get(m.id)!, doneAt: new Date(sentAt).toISOString() })));
      }
      return;
    }
    if (outcome.kind === 'retry') {
      const attempts = Math.max(...messages.map((m) => m.attempts));
      const delay = outcome.retryAfterMs ?? backoffMs(attempts);
      if (outcome.retryAfterMs !== undefined || outcome.reason.startsWith('HTTP 429')) {
        this.#accountPausedUntil.set(accountId, Date.now() + delay);
      }
      this.#o.log.warn({ accountId, messages: messages.length, reason: outcome.reason, retryInMs: delay }, 'Infobip send will be retried');
      await this.#reschedule(messages, Date.now() + delay, outcome.reason);
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
      await this.#reschedule(good.map((m) => m.row), Date.now(), 'sent again without the messages Infobip refused');
      return;
    }
    await this.#reject(group, httpStatus, description, violations);
  }

  async #reject(group: SendGroup, httpStatus: number, description: string, violations: { property: string; violation: string }[]): Promise<void> {
    const ids = group.messages.map((m) => m.row.id);
    this.#o.log.warn({ tenantId: group.tenantId, messages: ids.length, httpStatus, description }, 'Infobip refused messages');
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
    await recordDeliveryReports(db, tenantId, reports.map(({ message, reason, detail }) => dataExtensionRowMissingReport(message.row.id, reason, detail)));
  }

  async #reschedule(messages: ClaimedMessage[], at: number, reason: string): Promise<void> {
    await updateClaimedMessages(this.#o.store.db, this.#owner, messages.map((m) => m.id), { state: 'queued', next_attempt_at: at, last_error: reason.slice(0, 1000) });
  }
}

function toOutbound({ row, payload }: PreparedMessage): OutboundMessage {
  return { id: row.id, destination: row.destination, sender: payload.sender, content: payload.content, callbackData: row.callback_data };
}
