import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { selectTenant, type TenantRows } from '../store/sql/selectTenant.ts';
import type { SecretBox } from './secret-box.ts';
import type { Tenant, TenantSecrets, TenantSettings } from './tenant.ts';

/** How long a tenant stays cached: bounds how stale another instance's view can be. */
const CACHE_TTL_MS = 30_000;
/** Unknown keys are remembered briefly, so garbage URLs cannot turn into a database load. */
const MISS_TTL_MS = 5_000;

export function hashWebhookToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Tenants by URL key, webhook token or id, opened and cached in memory so the execute path
 * reads no database row and imports no key per request.
 */
export class TenantDirectory {
  readonly #db: Kysely<Database>;
  readonly #box: SecretBox;
  readonly #cache = new Map<string, { tenant: Promise<Tenant | undefined>; expires: number }>();
  readonly #forgetListeners: ((id: string) => void)[] = [];

  constructor(db: Kysely<Database>, box: SecretBox) {
    this.#db = db;
    this.#box = box;
  }

  byUrlKey(urlKey: string): Promise<Tenant | undefined> {
    return this.#cached(`url:${urlKey}`, () => selectTenant(this.#db, { urlKey }));
  }

  /** The tenant whose webhook token this is; a token replaced by a rotation only until its grace period ends. */
  async byWebhookToken(token: string): Promise<Tenant | undefined> {
    const tenant = await this.#cached(`hook:${hashWebhookToken(token)}`, () => selectTenant(this.#db, { webhookTokenHash: hashWebhookToken(token) }));
    if (!tenant || tenant.secrets.webhookToken === token) return tenant;
    const previous = tenant.secrets.previous;
    return previous?.webhookToken === token && previous.until > Date.now() ? tenant : undefined;
  }

  byId(id: string): Promise<Tenant | undefined> {
    return this.#cached(`id:${id}`, () => selectTenant(this.#db, { id }));
  }

  /**
   * Drops a changed tenant from this instance's cache. Other instances see the change when their
   * entry expires (CACHE_TTL_MS).
   */
  forget(id: string): void {
    for (const listener of this.#forgetListeners) listener(id);
    for (const [key, entry] of this.#cache) {
      if (key === `id:${id}`) this.#cache.delete(key);
      else void entry.tenant.then((t) => t?.id === id && this.#cache.get(key) === entry && this.#cache.delete(key));
    }
  }

  /** Another directory over the same store (the background thread's) forgets with this one. */
  onForget(listener: (id: string) => void): void {
    this.#forgetListeners.push(listener);
  }

  #cached(cacheKey: string, load: () => Promise<TenantRows | undefined>): Promise<Tenant | undefined> {
    const now = Date.now();
    const hit = this.#cache.get(cacheKey);
    if (hit && hit.expires > now) return hit.tenant;
    const entry = { tenant: load().then((rows) => (rows ? this.#open(rows) : undefined)), expires: now + CACHE_TTL_MS };
    this.#cache.set(cacheKey, entry);
    entry.tenant.then(
      (tenant) => {
        if (!tenant) entry.expires = now + MISS_TTL_MS;
      },
      () => this.#cache.delete(cacheKey),
    );
    return entry.tenant;
  }

  #open({ tenant, accounts }: TenantRows): Tenant {
    const secrets = JSON.parse(this.#box.open(tenant.sealed_secrets)) as TenantSecrets;
    const jwtKey = Buffer.from(secrets.jwtSigningSecret, 'utf8');
    return {
      id: tenant.id,
      urlKey: tenant.url_key,
      name: tenant.name,
      mid: tenant.mid,
      settings: JSON.parse(tenant.settings) as TenantSettings,
      secrets,
      jwtKey,
      ...(secrets.previous?.jwtSigningSecret
        ? { previousJwtKey: { key: Buffer.from(secrets.previous.jwtSigningSecret, 'utf8'), until: secrets.previous.until } }
        : {}),
      accounts: accounts.map((a) => ({
        id: a.id,
        name: a.name,
        baseUrl: a.base_url,
        apiKey: this.#box.open(a.sealed_api_key),
        isDefault: a.is_default === 1,
      })),
    };
  }
}
