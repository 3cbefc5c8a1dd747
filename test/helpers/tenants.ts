import { randomBytes } from 'node:crypto';
import { type Answer, get, postJson } from './http.ts';

export const newSecret = (label: string) => `${label}-${randomBytes(18).toString('base64url')}`;

/** A valid admin API tenant body with fresh secrets; `overrides` replace top-level fields. */
export function tenantBody(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Test business unit',
    mid: '510000099',
    jwtSigningSecret: newSecret('jwt'),
    sfmc: { clientId: 'test-client', clientSecret: newSecret('sfmc'), authBaseUrl: 'https://mc-test.auth.marketingcloudapis.com/' },
    infobip: { baseUrl: 'https://test.api.infobip.com', apiKey: newSecret('ibkey') },
    defaultCountry: 'DE',
    senders: { sms: 'mc-relay' },
    ...overrides,
  };
}

/** The secrets a tenant body carries: none of them may leave the connector or rest in clear. */
export function bodySecrets(body: ReturnType<typeof tenantBody>): string[] {
  return [body.jwtSigningSecret, body.sfmc.clientSecret, body.infobip.apiKey];
}

/** The token in a tenant's delivery-report webhook URL (`…/hooks/<token>/delivery-reports`). */
export function webhookToken(webhookUrl: string): string {
  const token = webhookUrl.match(/\/hooks\/([^/]+)\//)?.[1];
  if (!token) throw new Error(`no token in ${webhookUrl}`);
  return token;
}

export class AdminClient {
  constructor(
    readonly adminUrl: string,
    readonly token: string,
  ) {}

  #auth() {
    return { authorization: `Bearer ${this.token}` };
  }

  createTenant(body: unknown): Promise<Answer> {
    return postJson(`${this.adminUrl}/tenants`, body, this.#auth());
  }

  /** Creates a tenant and fails unless the connector answers 201. */
  async mustCreateTenant(body: unknown): Promise<Record<string, any>> {
    const answer = await this.createTenant(body);
    if (answer.status !== 201 || !answer.json) throw new Error(`tenant creation answered ${answer.status}: ${answer.text}`);
    return answer.json;
  }

  listTenants(): Promise<Answer> {
    return get(`${this.adminUrl}/tenants`, this.#auth());
  }

  getTenant(id: string): Promise<Answer> {
    return get(`${this.adminUrl}/tenants/${encodeURIComponent(id)}`, this.#auth());
  }
}
