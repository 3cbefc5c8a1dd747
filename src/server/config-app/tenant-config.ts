// What the Configuration app reads and writes of a tenant: its view (secrets masked) and the saving
// of changed settings and secrets, sealed, with the directory told to forget its cached copy.
import { packageDataExtensions } from '../../reports/data-extensions.ts';
import { updateTenantSettings } from '../../store/sql/updateTenantSettings.ts';
import { webhookUrls } from '../../tenants/describe-tenant.ts';
import type { AccountChannelSettings, Tenant, TenantSecrets, TenantSettings } from '../../tenants/tenant.ts';
import type { ServerContext } from '../context.ts';

/** Enough to recognise a secret, never enough to use it. */
export function mask(secret: string | undefined): string | null {
  if (!secret) return null;
  return secret.length >= 16 ? `••••••••${secret.slice(-4)}` : '••••••••';
}

export const NO_CHANNELS: AccountChannelSettings = { customDomains: [], senders: {} };

/** The app's view of a tenant. Secrets appear masked only. */
export function configView(ctx: ServerContext, tenant: Tenant) {
  const { settings, secrets } = tenant;
  return {
    name: tenant.name,
    sfmc: {
      mid: tenant.mid,
      clientId: settings.sfmc.clientId,
      clientSecret: mask(secrets.sfmcClientSecret),
      authOrigin: settings.sfmc.authBaseUrl,
      soapOrigin: settings.sfmc.soapBaseUrl ?? null,
      webAppClientId: settings.sfmc.webApp?.clientId ?? null,
      webAppClientSecret: mask(secrets.webAppClientSecret),
    },
    accounts: tenant.accounts.map((a) => ({
      id: a.id,
      name: a.name,
      baseUrl: a.baseUrl,
      apiKey: mask(a.apiKey),
      isDefault: a.isDefault,
      channels: settings.channels?.[a.id] ?? NO_CHANNELS,
    })),
    tracking: settings.reports ?? { sms: { mode: 'native' }, omni: { mode: 'native' } },
    dataExtensions: Object.fromEntries(packageDataExtensions.map((d) => [d.id, { name: d.name, key: settings.dataExtensions[d.id] ?? d.defaultKey }])),
    webhookSecurity: secrets.webhookSecurity?.type ?? null,
    webhooks: webhookUrls(ctx.publicUrl, tenant),
    configuredAt: settings.configuredAt ?? null,
  };
}

/** Writes changed settings and secrets; the next read sees them (this instance at once, others within the cache TTL). */
export async function saveTenant(ctx: ServerContext, tenant: Tenant, settings: TenantSettings, secrets: TenantSecrets = tenant.secrets): Promise<Tenant> {
  await updateTenantSettings(ctx.store.db, tenant.id, JSON.stringify(settings), ctx.box.seal(JSON.stringify(secrets)));
  ctx.tenants.forget(tenant.id);
  return (await ctx.tenants.byId(tenant.id))!;
}

/**
 * The execute path reads one default sender per channel family from `settings.senders`; the
 * default account's first sender names become those defaults.
 */
export function defaultSenders(tenant: Tenant, channels: Record<string, AccountChannelSettings>): TenantSettings['senders'] {
  const account = tenant.accounts.find((a) => a.isDefault) ?? tenant.accounts[0];
  const lists = account ? channels[account.id]?.senders : undefined;
  const senders: TenantSettings['senders'] = { ...tenant.settings.senders };
  for (const [kind, names] of Object.entries(lists ?? {}) as [keyof TenantSettings['senders'], string[]][]) {
    if (names[0]) senders[kind] = names[0];
    else delete senders[kind];
  }
  return senders;
}
