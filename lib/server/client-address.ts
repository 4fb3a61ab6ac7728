import { isIP } from 'node:net';

// Who is asking, for Berth's per-client limits (requests in flight to registries, sign-in
// attempts, diagnoses, anonymous Docker Hub pulls). Berth has no accounts, and sessions cost
// nothing to make, so a client is its network address:
// - the address of the connection itself, which Berth's entry point (start.mjs) writes into the
//   X-Berth-Peer header of every request, replacing whatever the request carried;
// - behind TRUSTED_PROXIES reverse proxies that each append to X-Forwarded-For, the address the
//   outermost of them saw, counted from the right: whatever a client writes into the header
//   itself stays to the left of it and is never read.
// Only an IP address is a key (anything else in the header is ignored), and an IPv6 client is its
// /64 network, which one subscriber usually holds whole.

export const PEER_HEADER = 'x-berth-peer';

interface HeaderSource {
  get(name: string): string | null;
}

/** An IP address as a client key, or undefined if `text` is none. IPv6 by its /64. */
export function addressKey(text: string | undefined): string | undefined {
  if (!text) return undefined;
  let address = text.trim();
  if (address.length > 64) return undefined;
  // "[2001:db8::1]:443", "192.0.2.1:5000", and IPv4-mapped IPv6 as servers report it.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1] ?? '';
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  address = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const family = isIP(address);
  if (family === 4) return address;
  if (family !== 6) return undefined;
  return `${sixtyFour(address)}/64`;
}

/** The first four groups of an IPv6 address, expanded ("2001:db8:0:1"). */
function sixtyFour(address: string): string {
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups
    .slice(0, 4)
    .map((g) => (g.includes('.') ? '0' : String(parseInt(g || '0', 16).toString(16))))
    .join(':');
}

/**
 * The client's key (an address), or undefined when nothing trustworthy names one (a development
 * server without Berth's entry point, behind no declared proxy).
 */
export function clientAddress(headers: HeaderSource, trustedProxies: number): string | undefined {
  const peer = addressKey(headers.get(PEER_HEADER) ?? undefined);
  if (trustedProxies > 0) {
    const hops = (headers.get('x-forwarded-for') ?? '').split(',');
    // The outermost trusted proxy appended the address it saw; the ones after it appended each
    // other. Fewer hops than proxies: there is no such entry, and the connection counts.
    return addressKey(hops.at(-trustedProxies)) ?? peer;
  }
  if (peer) return peer;
  // No entry point wrote the peer (next dev): Next.js fills X-Forwarded-For with the connection's
  // address when the request has none; the last entry is the nearest hop.
  const hops = headers.get('x-forwarded-for')?.split(',');
  return addressKey(hops?.[hops.length - 1]);
}
