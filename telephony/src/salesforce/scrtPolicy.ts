/**
 * Where the service may send telephony API requests (docs/security.md, "Outbound requests"): the
 * telephony API URL of a contact center comes from an administrator, so it must not point the
 * service at its own network (SSRF). In production only Salesforce's telephony API hosts
 * (`*.salesforce-scrt.com`: `{MyDomain}.my.salesforce-scrt.com`, sandboxes' `--name.sandbox.my…`,
 * Salesforce's internal `….stm.salesforce-scrt.com`) and the hosts of `SCRT_ALLOWED_HOSTS`; at
 * connect time the host's addresses must all be public (no loopback, private, link-local, CGNAT,
 * multicast or reserved address; allowlisted hosts too, unless `SCRT_ALLOW_PRIVATE_ADDRESSES=1`);
 * redirects are never followed.
 * Outside production (the emulator on 127.0.0.1) any host is allowed.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface ScrtPolicy {
  production: boolean;
  /** Extra hosts: exact names, or `*.example.com` for its subdomains (tests, sandboxes, proxies). */
  allowedHosts: readonly string[];
  /** `SCRT_ALLOW_PRIVATE_ADDRESSES=1`: hosts may resolve to private addresses (an isolated test network). */
  allowPrivateAddresses?: boolean;
}

export const DEVELOPMENT_SCRT_POLICY: ScrtPolicy = { production: false, allowedHosts: [] };

/** Salesforce's telephony API domain: every documented variant ends with it. */
export const SALESFORCE_SCRT_DOMAIN = 'salesforce-scrt.com';

const nonPublic = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  nonPublic.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['64:ff9b::', 96],
] as const)
  nonPublic.addSubnet(net, prefix, 'ipv6');

/** Whether an IP address is on the public Internet (IPv4-mapped IPv6 judged as its IPv4). */
export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPublicAddress(mapped);
  const family = isIP(address);
  if (family === 0) return false;
  return !nonPublic.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const bare = (host: string) =>
  host
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');

/** Whether the host is allowlisted by `SCRT_ALLOWED_HOSTS`. */
function listed(host: string, policy: ScrtPolicy): boolean {
  return policy.allowedHosts.some((entry) => {
    const e = entry.toLowerCase();
    return e.startsWith('*.') ? host.endsWith(e.slice(1)) : host === e;
  });
}

/** Why a telephony API host is refused before any request (null: allowed). */
export function hostRefusal(hostname: string, policy: ScrtPolicy): string | null {
  if (!policy.production) return null;
  const host = bare(hostname);
  if (listed(host, policy)) return null;
  if (isIP(host)) return 'must be a Salesforce telephony API host, not an IP address';
  if (!host.endsWith(`.${SALESFORCE_SCRT_DOMAIN}`))
    return `must be a Salesforce telephony API host (*.${SALESFORCE_SCRT_DOMAIN}) or in SCRT_ALLOWED_HOSTS`;
  return null;
}

/** Why a request to `url` must not be sent now (null: send it): the host, then its addresses. */
export async function connectRefusal(url: string, policy: ScrtPolicy): Promise<string | null> {
  const { hostname } = new URL(url);
  const refused = hostRefusal(hostname, policy);
  if (refused || !policy.production || policy.allowPrivateAddresses) return refused;
  const host = bare(hostname);
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch (err) {
    return `cannot resolve ${host}: ${(err as Error).message}`;
  }
  const bad = addresses.find((a) => !isPublicAddress(a.address));
  return bad ? `${host} resolves to a non-public address (${bad.address})` : null;
}

/** `SCRT_ALLOWED_HOSTS`: comma-separated host names or `*.domain` patterns. */
export function parseAllowedHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
}
