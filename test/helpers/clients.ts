/**
 * A new client address on each call, for X-Forwarded-For on a connector that trusts loopback's
 * (`trustProxy: 'loopback'`): for tests of what a refused credential is answered, where the
 * failure limits (test/auth-failure-limits.test.ts) would otherwise turn every answer into 429.
 */
export function newClientAddresses(): () => string {
  let n = 0;
  return () => {
    n++;
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  };
}
