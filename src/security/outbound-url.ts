import { isIP } from 'node:net';

/**
 * Checks a URL a user gave us before we ever call it: http(s) only, and no loopback, private,
 * link-local or unspecified address unless the operator allows it (the sandbox does).
 * Returns a message naming the problem, or undefined when the URL is acceptable.
 */
export function outboundUrlProblem(raw: string, allowPrivate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL such as https://example.com/';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https://';
  if (url.username || url.password) return 'must not contain credentials';
  if (allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host)) {
    return 'points to a loopback, private or link-local address; set MC_RELAY_ALLOW_PRIVATE_URLS=true to allow it';
  }
  return undefined;
}

function isPrivateAddress(host: string): boolean {
  const family = isIP(host);
  if (family === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (family === 6) {
    if (host === '::' || host === '::1') return true;
    const mapped = host.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
    if (mapped) return isPrivateAddress(mapped[1]!);
    return /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  }
  return false;
}
