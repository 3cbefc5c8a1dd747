import type { Kysely } from 'kysely';
import { outboundUrlProblem } from '../security/outbound-url.ts';
import type { Database } from '../store/schema.ts';
import { updateTenantSettings } from '../store/sql/updateTenantSettings.ts';
import { reportSettings, type UpdateReportSettingsBody } from './report-settings.ts';
import type { SecretBox } from './secret-box.ts';
import type { Tenant, TenantSecrets, TenantSettings } from './tenant.ts';

export type UpdateResult = { ok: true } | { ok: false; field: string; problem: string };

/**
 * Changes a tenant's report settings through the admin API. Notification URLs are checked like
 * every URL we call; the webhook security is a secret and is sealed with the others.
 */
export async function updateReportSettings(
  db: Kysely<Database>,
  box: SecretBox,
  tenant: Tenant,
  body: UpdateReportSettingsBody,
  allowPrivateUrls: boolean,
): Promise<UpdateResult> {
  for (const family of ['sms', 'omni'] as const) {
    const sink = body[family];
    if (sink?.mode !== 'external') continue;
    const problem = outboundUrlProblem(sink.url, allowPrivateUrls);
    if (problem) return { ok: false, field: `${family}.url`, problem };
  }

  const { webhookSecurity, ...changes } = body;
  const settings: TenantSettings = { ...tenant.settings, reports: { ...reportSettings(tenant.settings), ...changes } };
  const { webhookSecurity: _old, ...otherSecrets } = tenant.secrets;
  const secrets: TenantSecrets = webhookSecurity === undefined ? tenant.secrets : webhookSecurity === null ? otherSecrets : { ...otherSecrets, webhookSecurity };
  await updateTenantSettings(db, tenant.id, JSON.stringify(settings), box.seal(JSON.stringify(secrets)));
  return { ok: true };
}
