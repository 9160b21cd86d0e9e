import { InputError } from '@backstage/errors';
import { promises as dns } from 'node:dns';
import net from 'node:net';
import type { WebhookOptions } from './webhookOptions';

/** Resolves a host name to all its addresses. */
export type Resolver = (
  hostname: string,
) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = hostname =>
  dns.lookup(hostname, { all: true, verbatim: true });

/** Loopback, private, link-local, metadata and other non-public ranges. */
const BLOCKED: Array<[string, number, 'ipv4' | 'ipv6', string]> = [
  ['0.0.0.0', 8, 'ipv4', 'a "this network" address'],
  ['10.0.0.0', 8, 'ipv4', 'a private address'],
  ['100.64.0.0', 10, 'ipv4', 'a shared (carrier-grade NAT) address'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local or metadata address'],
  ['172.16.0.0', 12, 'ipv4', 'a private address'],
  ['192.0.0.0', 24, 'ipv4', 'a reserved address'],
  ['192.168.0.0', 16, 'ipv4', 'a private address'],
  ['198.18.0.0', 15, 'ipv4', 'a benchmarking address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved address'],
  ['::', 128, 'ipv6', 'the unspecified address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
  ['fc00::', 7, 'ipv6', 'a private (unique local) address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
];

const blockList = BLOCKED.map(([network, prefix, family, why]) => {
  const list = new net.BlockList();
  list.addSubnet(network, prefix, family);
  return { list, family, why };
});

/** `::ffff:10.0.0.1` and `::ffff:a00:1` → `10.0.0.1`; other addresses unchanged. */
function unmapped(address: string): string {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return address;
  const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Why an address is not public (e.g. "a private address"), or undefined. */
export function nonPublicReason(address: string): string | undefined {
  const ip = unmapped(address);
  if (!net.isIP(ip)) return 'not an IP address';
  const family = net.isIPv4(ip) ? 'ipv4' : 'ipv6';
  if (family === 'ipv4' && ip === '169.254.169.254') {
    return 'the cloud metadata address';
  }
  return blockList.find(b => b.family === family && b.list.check(ip, family))
    ?.why;
}

/** Whether a host or address is allow-listed (a name, an address, or a CIDR range). */
function allowListed(entries: string[], hostname: string, address?: string) {
  const host = hostname.toLocaleLowerCase('en-US').replace(/^\[|\]$/g, '');
  return entries.some(entry => {
    if (entry === host) return true;
    if (!address) return false;
    const ip = unmapped(address);
    if (entry === ip) return true;
    const [network, prefix] = entry.split('/');
    if (prefix === undefined || !net.isIP(network)) return false;
    const family = net.isIPv4(network) ? 'ipv4' : 'ipv6';
    const list = new net.BlockList();
    try {
      list.addSubnet(network, Number(prefix), family);
    } catch {
      return false;
    }
    return (
      net.isIP(ip) === (family === 'ipv4' ? 4 : 6) && list.check(ip, family)
    );
  });
}

/** The parts of the policy the URL checks use. */
export type UrlPolicy = Pick<
  WebhookOptions,
  'allowHttpHosts' | 'allowPrivateHosts'
>;

/** Throws an InputError naming `field` unless the URL is one a webhook may post to. */
export async function checkWebhookUrl(
  raw: string,
  policy: UrlPolicy,
  resolve: Resolver = systemResolver,
  field = 'url',
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(`${field}: "${raw}" is not a URL`);
  }
  const host = url.hostname.toLocaleLowerCase('en-US').replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:') {
    if (!policy.allowHttpHosts.includes(host)) {
      throw new InputError(
        `${field}: must use https (plain http only for the hosts in modelRegistry.webhooks.allowHttpHosts)`,
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new InputError(`${field}: must be an https URL`);
  }
  if (url.username || url.password) {
    throw new InputError(`${field}: must not carry credentials`);
  }
  await checkAddresses(host, policy, resolve, field);
  return url;
}

/**
 * Resolves the host and throws unless every address is public or allow-listed; returns
 * the addresses. Used when a subscription is saved and again when each delivery connects
 * (so that a name re-pointed at a private address after the check is still refused).
 */
export async function checkAddresses(
  host: string,
  policy: UrlPolicy,
  resolve: Resolver,
  field = 'url',
) {
  let addresses: Array<{ address: string; family: number }>;
  if (net.isIP(host)) {
    addresses = [{ address: host, family: net.isIPv4(host) ? 4 : 6 }];
  } else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw new InputError(
        `${field}: host ${host} does not resolve (${(error as Error).message})`,
      );
    }
  }
  if (addresses.length === 0) {
    throw new InputError(`${field}: host ${host} does not resolve`);
  }
  for (const { address } of addresses) {
    const why = nonPublicReason(address);
    if (why && !allowListed(policy.allowPrivateHosts, host, address)) {
      const what = net.isIP(host)
        ? `${host} is`
        : `${host} resolves to ${address},`;
      throw new InputError(
        `${field}: ${what} ${why}; refused unless allow-listed in modelRegistry.webhooks.allowPrivateHosts`,
      );
    }
  }
  return addresses;
}
