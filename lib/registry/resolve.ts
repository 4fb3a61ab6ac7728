// How Berth turns a registry's name into addresses, without letting a name that never resolves
// stall the server. Node's dns.lookup (getaddrinfo) holds one of libuv's four pool threads for as
// long as the system resolver waits, and those threads also decrypt sessions and hash: a few
// names whose DNS never answers would freeze every request. So:
// - names people type (any public registry, in open mode) are asked of DNS directly with c-ares
//   (dns.Resolver), which waits on sockets, not threads, with a timeout of our own; /etc/hosts
//   and `localhost` are read first, as the system would;
// - names the operator listed in ALLOWED_REGISTRIES keep the system's own resolution
//   (search domains, nsswitch: a Kubernetes service name), through a queue that never occupies
//   more than two pool threads, and with the same timeout.
// docs/architecture.md "Security policy" tells the whole path.
import dns from 'node:dns';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name (no brackets) to its addresses; `listed`: the operator listed this origin. */
export type ResolveName = (hostname: string, listed: boolean) => Promise<ResolvedAddress[]>;

export interface ResolverOptions {
  /** DNS servers to ask ("127.0.0.1:5353"); the system's (resolv.conf) by default. */
  servers?: string[];
  /** How long one name may take, in all. */
  timeoutMs?: number;
  /** The hosts file read before DNS; '' reads none. */
  hostsFile?: string;
  /** At most this many system lookups (pool threads) at once, for listed names. */
  systemLookups?: number;
  /** Names being resolved at once, beyond which a new one fails at once. */
  maxPending?: number;
}

const HOSTS_TTL_MS = 30_000;

function failure(code: string, hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code} ${hostname}`), { code, hostname });
}

function literal(hostname: string): ResolvedAddress[] | undefined {
  const family = isIP(hostname);
  return family === 4 || family === 6 ? [{ address: hostname, family }] : undefined;
}

/** /etc/hosts as name → addresses (names lower-cased). */
export function parseHostsFile(text: string): Map<string, ResolvedAddress[]> {
  const hosts = new Map<string, ResolvedAddress[]>();
  for (const line of text.split('\n')) {
    const [address, ...names] = (line.split('#')[0] ?? '').trim().split(/\s+/);
    const family = address ? isIP(address) : 0;
    if (!address || (family !== 4 && family !== 6)) continue;
    for (const name of names) {
      const key = name.toLowerCase();
      const list = hosts.get(key) ?? [];
      if (!list.some((a) => a.address === address)) list.push({ address, family });
      hosts.set(key, list);
    }
  }
  return hosts;
}

/** Waits for `promise` at most `ms`, then fails with ETIMEOUT (the work itself may go on). */
function within<T>(promise: Promise<T>, ms: number, hostname: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(failure('ETIMEOUT', hostname)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createResolver(options: ResolverOptions = {}): ResolveName {
  const timeoutMs = options.timeoutMs ?? 5000;
  const hostsFile = options.hostsFile ?? '/etc/hosts';
  const maxPending = options.maxPending ?? 256;
  // c-ares: each try waits a third of the budget, so a server that never answers is given up in time.
  const resolver = new dns.promises.Resolver({ timeout: Math.max(100, Math.floor(timeoutMs / 3)), tries: 2 });
  if (options.servers?.length) resolver.setServers(options.servers);
  let hosts: { read: number; names: Promise<Map<string, ResolvedAddress[]>> } | undefined;
  const hostsNamed = (hostname: string): Promise<ResolvedAddress[] | undefined> => {
    if (!hostsFile) return Promise.resolve(undefined);
    const now = Date.now();
    if (!hosts || now - hosts.read > HOSTS_TTL_MS) {
      hosts = { read: now, names: readFile(/* turbopackIgnore: true */ hostsFile, 'utf8').then(parseHostsFile, () => new Map()) };
    }
    return hosts.names.then((names) => names.get(hostname));
  };

  let systemActive = 0;
  const systemQueue: Array<() => void> = [];
  const systemLookup = async (hostname: string): Promise<ResolvedAddress[]> => {
    const limit = options.systemLookups ?? 2;
    if (systemActive >= limit) await new Promise<void>((resolve) => systemQueue.push(resolve));
    else systemActive++;
    try {
      const addresses = await dns.promises.lookup(hostname, { all: true });
      return addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
    } finally {
      const next = systemQueue.shift();
      if (next) next();
      else systemActive--;
    }
  };

  const dnsLookup = async (hostname: string): Promise<ResolvedAddress[]> => {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
    const addresses: ResolvedAddress[] = [
      ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
      ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
    ];
    if (addresses.length > 0) return addresses;
    const reason = v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : undefined;
    const code = (reason as { code?: string } | undefined)?.code;
    // c-ares says ENODATA for a name with no address of that family, ENOTFOUND for no such name.
    throw failure(code === 'ETIMEOUT' || code === 'ECONNREFUSED' ? 'EAI_AGAIN' : 'ENOTFOUND', hostname);
  };

  let pending = 0;
  return async (name, listed) => {
    const hostname = name.replace(/^\[|\]$/g, '').toLowerCase();
    const direct = literal(hostname);
    if (direct) return direct;
    if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
      return [
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ];
    }
    const fromHosts = await hostsNamed(hostname);
    if (fromHosts?.length) return fromHosts;
    if (pending >= maxPending) throw failure('EAI_AGAIN', hostname);
    pending++;
    try {
      return await within(listed ? systemLookup(hostname) : dnsLookup(hostname), timeoutMs, hostname);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw code === 'ETIMEOUT' ? failure('EAI_AGAIN', hostname) : e;
    } finally {
      pending--;
    }
  };
}
