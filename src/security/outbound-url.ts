import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';

/**
 * Addresses a URL a user gave us must not reach: loopback, private, carrier-grade NAT,
 * link-local (cloud metadata at 169.254.169.254), unspecified, multicast and reserved ranges,
 * and the IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64), whatever IPv4
 * address they carry: an allowed one has no reason to be written that way.
 */
const forbidden = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) forbidden.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 96], ['::ffff:0:0', 96], ['64:ff9b::', 96], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) forbidden.addSubnet(network, prefix, 'ipv6');

const refused = 'points to a loopback, private or link-local address; set MC_RELAY_ALLOW_PRIVATE_URLS=true to allow it';

/**
 * Checks a URL a user gave us before we ever call it: http(s) only, and no loopback, private,
 * link-local or unspecified address unless the operator allows it (the sandbox does).
 * Decimal, octal and hexadecimal IPv4 forms are normalised by the URL parser before the check.
 * A host name is checked again where it matters, when we connect (`guardedLookup`): DNS can
 * answer a private address, and answer differently later.
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
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost') || isForbiddenAddress(host)) return refused;
  return undefined;
}

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && forbidden.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * One policy per process: an operator configures one connector. Once a connector of this process
 * allows private URLs (MC_RELAY_ALLOW_PRIVATE_URLS, the sandbox), they stay allowed: a test process
 * runs sandboxes beside bare connectors, and must not have its simulators refused by the latter.
 */
let privateAllowed = false;
export function allowPrivateOutbound(allow: boolean): void {
  privateAllowed ||= allow;
}

/**
 * The DNS lookup of every agent that calls user-given URLs (Infobip, SFMC, notification URLs):
 * the address we are about to connect to is checked, not only the name we were given, so a name
 * that resolves (or rebinds) to a private address is refused at the moment it would be used.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as unknown as { address: string; family: number }[];
    const bad = privateAllowed ? undefined : list.find((a) => isForbiddenAddress(a.address));
    if (bad) {
      const refusal = Object.assign(new Error(`${hostname} resolves to ${bad.address}, which ${refused.replace('points to ', 'is ')}`), { code: 'EPRIVATEADDRESS' });
      return callback(refusal, '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
    const first = list[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
    return callback(null, first.address, first.family);
  });
};

/** Whether this process lets user-given URLs reach private addresses (see `allowPrivateOutbound`). */
export function privateOutboundAllowed(): boolean {
  return privateAllowed;
}

/**
 * An undici agent for user-given URLs: names go through `guardedLookup`, and an IP literal (which
 * skips DNS) is checked before connecting, so a URL stored while private URLs were allowed, or an
 * origin a remote answer named, cannot reach a forbidden address either.
 */
export function outboundAgent(options: Agent.Options = {}): Agent {
  const connect = buildConnector({ ...options.connect, lookup: guardedLookup } as buildConnector.BuildOptions);
  return new Agent({
    ...options,
    connect: (opts, callback) => {
      const host = opts.hostname.replace(/^\[|\]$/g, '');
      if (!privateAllowed && isForbiddenAddress(host)) {
        return callback(Object.assign(new Error(`${host} ${refused.replace('points to ', 'is ')}`), { code: 'EPRIVATEADDRESS' }), null);
      }
      return connect(opts, callback);
    },
  });
}
