import type { Logger } from 'pino';
import type { SfmcClient } from '../sfmc/client.ts';
import type { DataExtensionField } from '../sfmc/data-extension.ts';
import type { Tenant } from '../tenants/tenant.ts';

/** Columns an operator adds to a data extension are picked up within this time. */
const KNOWN_FOR_MS = 5 * 60_000;
/** After a failed lookup, rows go out with the standard columns for this long before SFMC is asked again. */
const RETRY_AFTER_MS = 30_000;

/** A data extension's columns by lower-cased name (SFMC's column names are case-insensitive). */
export type ColumnsByName = ReadonlyMap<string, DataExtensionField>;

interface Lookup {
  columns: Promise<ColumnsByName>;
  /** Until the lookup settles, no other starts: one retrieval in flight per data extension. */
  validUntil: number;
}

/**
 * The columns the tenants' data extensions actually have, read through SOAP and kept for a few
 * minutes per (tenant, data extension), so that writing rows costs SFMC no extra call per batch.
 * A lookup that fails answers no columns, logged with SFMC's reason, and is retried later.
 */
export class DataExtensionColumns {
  readonly #lookups = new Map<string, Lookup>();

  constructor(
    private readonly sfmc: SfmcClient,
    private readonly log: Logger,
  ) {}

  of(tenant: Tenant, dataExtensionKey: string): Promise<ColumnsByName> {
    const id = `${tenant.id}\u0000${dataExtensionKey}`;
    const known = this.#lookups.get(id);
    if (known && known.validUntil > Date.now()) return known.columns;
    const lookup: Lookup = { columns: Promise.resolve(new Map()), validUntil: Infinity };
    lookup.columns = this.#retrieve(tenant, dataExtensionKey).then(({ columns, keepForMs }) => {
      lookup.validUntil = Date.now() + keepForMs;
      return columns;
    });
    this.#lookups.set(id, lookup);
    return lookup.columns;
  }

  async #retrieve(tenant: Tenant, dataExtensionKey: string): Promise<{ columns: ColumnsByName; keepForMs: number }> {
    const outcome = await this.sfmc.dataExtensionFields(tenant, dataExtensionKey);
    if (outcome.kind === 'ok') return { columns: new Map(outcome.value.map((field) => [field.name.toLowerCase(), field])), keepForMs: KNOWN_FOR_MS };
    this.log.warn(
      { tenantId: tenant.id, dataExtension: dataExtensionKey, reason: outcome.reason },
      `could not read the columns of data extension "${dataExtensionKey}"; rows are written without custom callback data columns until it can be read`,
    );
    return { columns: new Map(), keepForMs: RETRY_AFTER_MS };
  }
}
