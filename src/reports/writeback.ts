import type { Logger } from 'pino';
import { retryDelayMs } from '../http/retry.ts';
import { outboundUrlProblem } from '../security/outbound-url.ts';
import type { SfmcClient } from '../sfmc/client.ts';
import type { DataExtensionField } from '../sfmc/data-extension.ts';
import type { Store } from '../store/database.ts';
import { claimSubmittedWriteback } from '../store/sql/claimSubmittedWriteback.ts';
import { type ClaimedWriteback, claimWriteback } from '../store/sql/claimWriteback.ts';
import { updateWriteback } from '../store/sql/updateWriteback.ts';
import { reportSettings } from '../tenants/report-settings.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import { PollingLoop } from '../workers/polling-loop.ts';
import { type ColumnsByName, DataExtensionColumns } from './data-extension-columns.ts';
import { postNotification } from './external-notification.ts';
import { type DataExtensionRow, type ReportType, reportType } from './report-types.ts';

/** SFMC processes async requests within seconds; check then, and again as long as it is pending. */
const STATUS_CHECK_DELAY_MS = 1_000;

export interface WritebackOptions {
  store: Store;
  tenants: TenantDirectory;
  sfmc: SfmcClient;
  log: Logger;
  /** Pause between rounds that found less than a full claim: lets rows accumulate into large calls. */
  idleMs?: number;
  claimLimit?: number;
  leaseMs?: number;
  /** Rows per async call; SFMC accepts up to 32,000. */
  maxRowsPerCall?: number;
  /** The operator's opt-in to External notification URLs on private networks (MC_RELAY_ALLOW_PRIVATE_URLS). */
  allowPrivateUrls?: boolean;
}

/**
 * Native tracking: writes stored reports to the tenant's data extensions through SFMC's async
 * rows API, many rows per call, and checks that SFMC processed them. Rows are built from the report store when they are written, so a
 * row always carries the most advanced status. A call that fails leaves its entries queued with
 * backoff: while SFMC is down rows wait, and none are lost.
 */
export class WritebackWorker {
  readonly #o: Required<WritebackOptions>;
  readonly #loop: PollingLoop;
  readonly #columns: DataExtensionColumns;

  constructor(options: WritebackOptions) {
    this.#o = { idleMs: 500, claimLimit: 10_000, leaseMs: 120_000, maxRowsPerCall: 5_000, allowPrivateUrls: false, ...options };
    this.#columns = new DataExtensionColumns(this.#o.sfmc, this.#o.log);
    this.#loop = new PollingLoop('write-back', this.#o.idleMs, () => this.#round(), this.#o.log);
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** Writes what is due, then checks requests SFMC accepted earlier. True when more is waiting. */
  async #round(): Promise<boolean> {
    const written = await this.#writeOnce();
    await this.#checkSubmitted();
    return written >= this.#o.claimLimit;
  }

  async #writeOnce(): Promise<number> {
    const claimed = await claimWriteback(this.#o.store.db, this.#o.store.dialect, { now: Date.now(), leaseMs: this.#o.leaseMs, limit: this.#o.claimLimit });
    const groups = new Map<string, ClaimedWriteback[]>();
    for (const entry of claimed) {
      const key = entry.solo ? entry.id : `${entry.tenant_id}\u0000${entry.report_type}`;
      groups.set(key, [...(groups.get(key) ?? []), entry]);
    }
    await Promise.all([...groups.values()].map((entries) => this.#writeGroup(entries)));
    return claimed.length;
  }

  async #writeGroup(entries: ClaimedWriteback[]): Promise<void> {
    const { tenant_id: tenantId, report_type: typeId } = entries[0]!;
    const tenant = await this.#o.tenants.byId(tenantId);
    if (!tenant) {
      await this.#retryLater(entries, 'tenant not found');
      return;
    }
    const type = reportType(typeId);
    const sink = type.sink ? reportSettings(tenant.settings)[type.sink] : undefined;
    const external = sink?.mode === 'external' ? sink.url : undefined;
    const key = tenant.settings.dataExtensions[type.dataExtension.id] ?? type.dataExtension.defaultKey;
    // External rows have the standard columns only: there is no data extension to ask.
    const columns = external === undefined ? await this.#columns.of(tenant, key) : new Map();
    for (let i = 0; i < entries.length; i += this.#o.maxRowsPerCall) {
      const chunk = entries.slice(i, i + this.#o.maxRowsPerCall);
      const rows = (await type.loadRows(this.#o.store.db, tenantId, [...new Set(chunk.map((e) => e.message_id))])).map((row) => shape(type, columns, row));
      if (external !== undefined) await this.#notify(tenantId, external, chunk, rows);
      else await this.#upsert(tenant, key, chunk, rows);
    }
  }

  /** Native: one async upsert into the tenant's data extension; checked for row errors later. */
  async #upsert(tenant: Tenant, key: string, chunk: ClaimedWriteback[], rows: DataExtensionRow[]): Promise<void> {
    const outcome = await this.#o.sfmc.upsertRowsAsync(tenant, key, rows);
    if (outcome.kind === 'ok') {
      await updateWriteback(this.#o.store.db, chunk.map((e) => e.id), {
        state: 'submitted',
        request_id: outcome.value,
        next_attempt_at: Date.now() + STATUS_CHECK_DELAY_MS,
        last_error: null,
      });
      return;
    }
    const context = { tenantId: tenant.id, dataExtension: key, rows: rows.length, reason: outcome.reason };
    // SFMC refusing the call itself (a data extension that does not exist) needs the operator: an error, not a warning.
    if (outcome.kind === 'failed') this.#o.log.error(context, `SFMC refused writing to data extension "${key}"; fix the data extension or the tenant's dataExtensions setting (rows wait and are retried)`);
    else this.#o.log.warn(context, 'report write-back will be retried');
    await this.#retryLater(chunk, outcome.reason, outcome.kind === 'retry' ? outcome.retryAfterMs : undefined);
  }

  /** External: the rows, as JSON, to the tenant's notification URL. */
  async #notify(tenantId: string, url: string, chunk: ClaimedWriteback[], rows: DataExtensionRow[]): Promise<void> {
    const problem = outboundUrlProblem(url, this.#o.allowPrivateUrls);
    const outcome = problem ? { ok: false as const, reason: `notification URL ${problem}`, retryAfterMs: undefined } : await postNotification(url, rows);
    if (outcome.ok) {
      await updateWriteback(this.#o.store.db, chunk.map((e) => e.id), { state: 'written', last_error: null });
      return;
    }
    this.#o.log.warn({ tenantId, rows: rows.length, reason: outcome.reason }, 'report notification will be retried');
    await this.#retryLater(chunk, outcome.reason, outcome.retryAfterMs);
  }

  /**
   * SFMC's 202 only means "queued". Each accepted request is checked: complete → written; with
   * row errors → a single row is failed with SFMC's reason (visible in the queue), several rows
   * are sent again one per request to find out which failed; unknown → sent again (upsert).
   */
  async #checkSubmitted(): Promise<void> {
    const now = Date.now();
    const requests = await claimSubmittedWriteback(this.#o.store.db, this.#o.store.dialect, { now, recheckAt: now + STATUS_CHECK_DELAY_MS, limit: this.#o.claimLimit });
    for (const request of requests) {
      const tenant = await this.#o.tenants.byId(request.tenantId);
      if (!tenant) continue;
      const outcome = await this.#o.sfmc.asyncRequestOutcome(tenant, request.requestId);
      // Not reachable now: the entries stay submitted and are checked again later.
      if (outcome.kind !== 'ok') continue;
      const db = this.#o.store.db;
      const result = outcome.value;
      if (result.state === 'pending') continue;
      if (result.state === 'complete') {
        await updateWriteback(db, request.entryIds, { state: 'written' });
      } else if (result.state === 'unknown') {
        await updateWriteback(db, request.entryIds, { state: 'pending', next_attempt_at: now, last_error: 'SFMC lost the async request' });
      } else if (request.messageIds.size === 1) {
        this.#o.log.error({ tenantId: request.tenantId, requestId: request.requestId, reason: result.detail }, 'SFMC refused a report row');
        await updateWriteback(db, request.entryIds, { state: 'failed', last_error: result.detail.slice(0, 1000) });
      } else {
        await updateWriteback(db, request.entryIds, { state: 'pending', solo: 1, next_attempt_at: now, last_error: result.detail.slice(0, 1000) });
      }
    }
  }

  /** Retry-After as given, else a backoff bounded by how long the oldest row has waited (http/retry.ts). */
  async #retryLater(entries: ClaimedWriteback[], reason: string, retryAfterMs?: number): Promise<void> {
    const now = Date.now();
    const attempts = Math.max(...entries.map((e) => e.attempts));
    const waitedMs = now - Math.min(...entries.map((e) => e.created_at));
    await updateWriteback(this.#o.store.db, entries.map((e) => e.id), {
      state: 'pending',
      next_attempt_at: now + retryDelayMs(attempts, waitedMs, retryAfterMs),
      last_error: reason.slice(0, 1000),
    });
  }
}

/**
 * Fits a row to its data extension: the custom callback data fields the data extension has
 * columns for written into them (the guide's "values from callback data"), then text cut to each
 * column's length (SFMC refuses a whole row whose text is too long).
 */
function shape(type: ReportType, columns: ColumnsByName, row: DataExtensionRow): DataExtensionRow {
  const unpacked = typeof row.callbackData === 'string' ? columnsFromCallbackData(type, columns, row.callbackData) : [];
  for (const { column, value } of unpacked) row[column.name] = value;
  return fitToFields(row, [...type.dataExtension.fields, ...unpacked.map((u) => u.column)]);
}

/**
 * The callback data fields whose name is a column of the data extension (any case; written under
 * the column's own spelling). A field without a column is left out: SFMC would refuse the whole
 * row. The report's own columns are never taken from callback data (a custom `To` is not the
 * recipient); the raw callbackData column keeps every field anyway.
 */
function columnsFromCallbackData(type: ReportType, columns: ColumnsByName, callbackData: string): { column: DataExtensionField; value: string }[] {
  if (columns.size === 0) return [];
  const standard = new Set(type.dataExtension.fields.map((f) => f.name.toLowerCase()));
  return Object.entries(parseCallbackData(callbackData)).flatMap(([name, value]) => {
    const column = columns.get(name.toLowerCase());
    return column && !standard.has(column.name.toLowerCase()) && typeof value === 'string' ? [{ column, value }] : [];
  });
}

/** Callback data is the JSON object the Message activity built; anything else has no fields. */
function parseCallbackData(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function fitToFields(row: DataExtensionRow, fields: DataExtensionField[]): DataExtensionRow {
  for (const field of fields) {
    const value = row[field.name];
    if (field.type === 'Text' && field.maxLength && typeof value === 'string' && value.length > field.maxLength) {
      row[field.name] = value.slice(0, field.maxLength);
    }
  }
  return row;
}
