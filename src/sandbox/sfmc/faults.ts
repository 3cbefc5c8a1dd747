// Injected failures for the auth, REST and SOAP hosts, so retry, back-off and token-refresh code in the
// connector can be exercised on demand. Bodies and headers follow sfmc.md §3.7.
import type { FastifyReply } from 'fastify';
import type { SfmcFaults } from './types.ts';
import { ERROR_DOC_URL, rateLimited } from './sfmc-errors.ts';

export const NO_FAULTS: SfmcFaults = {
  latencyMs: 0,
  rate429: 0,
  retryAfterSeconds: 5,
  rate5xx: 0,
  expireTokensNow: false,
  down: false,
  soapDown: false,
};

export class FaultError extends Error {}

/**
 * What a load balancer with no healthy backend answers (HAProxy's stock page): HTML, not JSON,
 * because when SFMC is unreachable the client never gets an SFMC-shaped body.
 */
const DOWN_PAGE =
  '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n';

function checkRate(name: string, v: unknown): void {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new FaultError(`${name} must be a number from 0 to 1`);
}

function checkFaults(f: Partial<SfmcFaults>): void {
  if (typeof f !== 'object' || f === null || Array.isArray(f)) throw new FaultError('faults must be an object');
  for (const k of Object.keys(f)) if (!(k in NO_FAULTS)) throw new FaultError(`unknown fault '${k}'`);
  if (f.rate429 !== undefined) checkRate('rate429', f.rate429);
  if (f.rate5xx !== undefined) checkRate('rate5xx', f.rate5xx);
  for (const k of ['latencyMs', 'retryAfterSeconds'] as const) {
    const v = f[k];
    if (v !== undefined && (typeof v !== 'number' || !(v >= 0))) throw new FaultError(`${k} must be a number >= 0`);
  }
  for (const k of ['down', 'soapDown', 'expireTokensNow'] as const) {
    if (f[k] !== undefined && typeof f[k] !== 'boolean') throw new FaultError(`${k} must be a boolean`);
  }
}

export class FaultState {
  private readonly current: SfmcFaults = { ...NO_FAULTS };

  constructor(private readonly expireAllTokens: () => void) {}

  get(): SfmcFaults {
    return { ...this.current };
  }

  /** Merges `f` into the current faults. `expireTokensNow` acts once and is never stored. */
  set(f: Partial<SfmcFaults>): void {
    checkFaults(f);
    const { expireTokensNow, ...rest } = f;
    Object.assign(this.current, rest);
    if (expireTokensNow) this.expireAllTokens();
  }

  /** Sends a fault response when one applies to the host; returns true if it did. */
  async intercept(reply: FastifyReply, host: 'auth' | 'rest' | 'soap'): Promise<boolean> {
    const f = this.current;
    if (f.down || (f.soapDown && host === 'soap')) {
      reply.code(503).type('text/html').send(DOWN_PAGE);
      return true;
    }
    if (f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
    if (f.rate429 > 0 && Math.random() < f.rate429) {
      const s = Math.ceil(f.retryAfterSeconds);
      reply.code(429).header('retry-after', String(s)).send(rateLimited(s));
      return true;
    }
    if (f.rate5xx > 0 && Math.random() < f.rate5xx) {
      if (Math.random() < 0.5) {
        // 503 errorcode 50300 with Retry-After (sfmc.md §3.7).
        const s = Math.ceil(f.retryAfterSeconds);
        reply.code(503).header('retry-after', String(s)).send({ message: 'Service Unavailable', errorcode: 50300, documentation: ERROR_DOC_URL });
      } else {
        // The docs give no 500 body for REST; a generic one [INFERRED].
        reply.code(500).send({ message: 'An error occurred while processing the request.', documentation: ERROR_DOC_URL });
      }
      return true;
    }
    return false;
  }
}
