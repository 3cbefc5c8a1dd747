import { activities } from '../journey/activity-config.ts';
import { reportDataExtensions } from '../reports/data-extensions.ts';
import type { WritebackProblem } from '../store/sql/selectWritebackProblems.ts';
import { reportSettings } from './report-settings.ts';
import type { Tenant } from './tenant.ts';

/** Where a tenant's activities and webhooks live, built from the connector's public URL. */
export function activityBaseUrl(publicUrl: string, tenant: Pick<Tenant, 'urlKey'>, activityId: string): string {
  return `${publicUrl}/t/${tenant.urlKey}/activities/${activityId}/`;
}

/**
 * The tenant's webhook URLs; the token in them identifies the tenant. Delivery and seen reports
 * go on every message we send; an operator points Infobip's URL tracking (CLICK) and inbound
 * configuration (MO_JSON_2 or MO_MESSAGES_API_JSON) at the other two.
 */
export function webhookUrls(
  publicUrl: string,
  tenant: Pick<Tenant, 'secrets'>,
): { deliveryReports: string; seenReports: string; clicks: string; inbound: string } {
  const base = `${publicUrl}/hooks/${tenant.secrets.webhookToken}`;
  return { deliveryReports: `${base}/delivery-reports`, seenReports: `${base}/seen-reports`, clicks: `${base}/clicks`, inbound: `${base}/inbound` };
}

/**
 * What the admin API answers about a tenant: everything an operator needs to install it in
 * SFMC and point Infobip at it. No secret but the webhook URLs, which the operator needs.
 */
export function describeTenant(publicUrl: string, tenant: Tenant, writebackProblems: WritebackProblem[] = []) {
  const { sms, omni, replyWindowHours, optOutKeywords } = reportSettings(tenant.settings);
  return {
    id: tenant.id,
    name: tenant.name,
    mid: tenant.mid,
    urlKey: tenant.urlKey,
    activities: Object.fromEntries(activities.map((a) => [a.id, activityBaseUrl(publicUrl, tenant, a.id)])),
    webhooks: webhookUrls(publicUrl, tenant),
    dataExtensions: Object.fromEntries(reportDataExtensions.map((d) => [d.id, tenant.settings.dataExtensions[d.id] ?? d.defaultKey])),
    sfmc: { clientId: tenant.settings.sfmc.clientId, authBaseUrl: tenant.settings.sfmc.authBaseUrl },
    infobipAccounts: tenant.accounts.map((a) => ({ id: a.id, name: a.name, baseUrl: a.baseUrl, isDefault: a.isDefault })),
    defaultCountry: tenant.settings.defaultCountry ?? null,
    senders: tenant.settings.senders,
    reports: {
      sms,
      omni,
      replyWindowHours,
      optOutKeywords,
      // The type only: the credentials are secrets.
      webhookSecurity: tenant.secrets.webhookSecurity?.type ?? null,
    },
    /** What keeps reports from the data extensions or notification URLs, with SFMC's or the URL's reason. */
    writebackProblems,
  };
}
