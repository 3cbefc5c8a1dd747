// Access tokens: random and opaque (clients must not parse them), bound to one client and one
// business unit, and really expiring, so token caching and refresh-on-401 get exercised.
import { randomBytes } from 'node:crypto';

export interface TokenInfo {
  clientId: string;
  /** MID the token acts in; it decides which data extensions are visible. */
  accountId: string;
  scope: string;
  expiresAt: number;
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenInfo>();

  constructor(private readonly ttlSeconds: number) {}

  issue(clientId: string, accountId: string, scope: string): { token: string; info: TokenInfo } {
    this.sweep();
    const token = randomBytes(48).toString('base64url');
    const info: TokenInfo = { clientId, accountId, scope, expiresAt: Date.now() + this.ttlSeconds * 1000 };
    this.tokens.set(token, info);
    return { token, info };
  }

  /** The token's info if it exists and has not expired. */
  check(token: string): TokenInfo | undefined {
    const info = this.tokens.get(token);
    if (!info) return undefined;
    if (info.expiresAt <= Date.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    return info;
  }

  /** Fault `expireTokensNow`: every token issued so far stops working. */
  expireAll(): void {
    this.tokens.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [t, info] of this.tokens) if (info.expiresAt <= now) this.tokens.delete(t);
  }
}
