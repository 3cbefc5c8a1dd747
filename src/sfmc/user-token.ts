import { request } from 'undici';
import { createHash } from 'node:crypto';
import { outboundAgent } from '../security/outbound-url.ts';
import type { Tenant } from '../tenants/tenant.ts';

/** How long a verified token is trusted without asking SFMC again. */
const VERIFIED_FOR_MS = 60_000;
const MAX_CACHED = 5_000;
const agent = outboundAgent({ connections: 4 });

/**
 * Verifies the user token Journey Builder hands an activity UI (`requestedTokens.fuel2token`):
 * SFMC's own `v2/userinfo`, on the tenant's stored auth origin (never a host the page names),
 * must answer and name the tenant's MID. Verdicts are cached briefly by token hash, so a form
 * that calls several endpoints costs one SFMC call.
 */
export class UserTokenVerifier {
  readonly #verdicts = new Map<string, { ok: boolean; until: number }>();

  async belongsTo(tenant: Tenant, token: string): Promise<boolean> {
    const key = createHash('sha256').update(tenant.id).update('\u0000').update(token).digest('base64url');
    const cached = this.#verdicts.get(key);
    if (cached && cached.until > Date.now()) return cached.ok;
    const ok = await this.#ask(tenant, token);
    // SFMC unreachable: refuse (the UI says so), and do not cache a verdict we did not get.
    if (ok === undefined) return false;
    if (this.#verdicts.size >= MAX_CACHED) this.#verdicts.clear();
    this.#verdicts.set(key, { ok, until: Date.now() + VERIFIED_FOR_MS });
    return ok;
  }

  async #ask(tenant: Tenant, token: string): Promise<boolean | undefined> {
    try {
      const response = await request(new URL('v2/userinfo', tenant.settings.sfmc.authBaseUrl), {
        dispatcher: agent,
        headers: { authorization: `Bearer ${token}` },
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      if (response.statusCode !== 200) {
        await response.body.dump();
        return response.statusCode >= 500 ? undefined : false;
      }
      const body = (await response.body.json()) as { organization?: { member_id?: unknown } };
      return String(body.organization?.member_id ?? '') === tenant.mid;
    } catch {
      return undefined;
    }
  }
}
