// The outbound address policy (docs/architecture.md "Security policy"): Berth talks only to public
// addresses over https unless the operator listed the host in ALLOWED_REGISTRIES. The check
// runs on the resolved address at connection time (see http.ts), so DNS cannot smuggle a
// private address past a name check.
import { BlockList, isIP } from 'node:net';
import { RegistryError } from './errors';
import { DOCKER_HUB, parseRegistryAddress, type RegistryAddress } from './reference';

const nonPublic4 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['168.63.129.16', 32], // Azure wire server (platform metadata, DHCP, DNS)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast: forwards into IPv6 networks Berth cannot judge
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 3], // multicast, reserved, broadcast
] as const) {
  nonPublic4.addSubnet(net, bits, 'ipv4');
}

const nonPublic6 = new BlockList();
for (const [net, bits] of [
  ['::', 96], // unspecified (::), loopback (::1), IPv4-compatible (::a.b.c.d, deprecated)
  ['::ffff:0:0:0', 96], // SIIT, IPv4-translated (::ffff:0:a.b.c.d)
  ['100::', 64], // discard
  ['2001::', 32], // Teredo: a tunnel to whatever client and server addresses it encodes
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routable inside sites)
  ['ff00::', 8], // multicast
] as const) {
  nonPublic6.addSubnet(net, bits, 'ipv6');
}

/** Parses an IPv6 address (with optional embedded IPv4 tail) into 8 groups. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

const v4From = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/** True for loopback, private, link-local, unspecified and other non-routable addresses. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return nonPublic4.check(address, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse
  const g = ipv6Groups(address);
  if (!g) return true;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g as [number, number, number, number, number, number, number, number];
  // Forms that carry an IPv4 address a host reaches directly: judge that address. (The
  // IPv4-compatible and SIIT forms are refused as whole classes above, in nonPublic6.)
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) {
    return nonPublic4.check(v4From(g6, g7), 'ipv4'); // ::ffff:a.b.c.d mapped
  }
  if (g0 === 0x64 && g1 === 0xff9b) return nonPublic4.check(v4From(g6, g7), 'ipv4'); // NAT64 64:ff9b::/96
  if (g0 === 0x2002) return nonPublic4.check(v4From(g1, g2), 'ipv4'); // 6to4
  return nonPublic6.check(g.map((x) => x.toString(16)).join(':'), 'ipv6');
}

interface AllowedEntry {
  /** Canonical host as in Berth URLs ("docker.io", "127.0.0.1:5000"). */
  host: string;
  url: URL;
}

export interface PolicyOptions {
  /** Parsed ALLOWED_REGISTRIES; null means "any public https registry". */
  allowed: string[] | null;
  dockerHubRegistryUrl: string;
  /** Docker Hub's API (namespace listings, tag details, its own sign-in); default https://hub.docker.com. */
  dockerHubApiUrl?: string;
}

export interface ResolvedRegistry {
  host: string;
  /** Origin without trailing slash, e.g. "https://ghcr.io". */
  baseUrl: string;
}

const hostnameOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

export class AddressPolicy {
  private readonly entries: AllowedEntry[] | null;
  readonly dockerHubUrl: URL;
  readonly dockerHubApiUrl: URL;

  constructor(options: PolicyOptions) {
    this.dockerHubUrl = new URL(options.dockerHubRegistryUrl);
    this.dockerHubApiUrl = new URL(options.dockerHubApiUrl ?? 'https://hub.docker.com');
    const entries =
      options.allowed === null
        ? null
        : options.allowed.map((raw) => {
            const text = raw.trim();
            if (text.toLowerCase() === DOCKER_HUB) return { host: DOCKER_HUB, url: this.dockerHubUrl };
            const address = parseRegistryAddress(text);
            const url = new URL(`${address.scheme ?? 'https'}://${address.host === DOCKER_HUB ? this.dockerHubUrl.host : address.host}`);
            return { host: address.host, url };
          });
    // Docker Hub is its registry and its API: listing docker.io allows both (docs/architecture.md "Security policy").
    if (entries?.some((e) => e.host === DOCKER_HUB)) entries.push({ host: DOCKER_HUB, url: this.dockerHubApiUrl });
    this.entries = entries;
  }

  static parseList(value: string | undefined): string[] | null {
    if (value === undefined || value.trim() === '') return null;
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  get restricted(): boolean {
    return this.entries !== null;
  }

  private notAllowed(host: string, why: string): RegistryError {
    return new RegistryError({
      code: 'NOT_ALLOWED',
      host,
      detail: { reason: why },
      message: `Berth is not allowed to connect to ${host}: ${why} An administrator can add it to ALLOWED_REGISTRIES.`,
    });
  }

  /** Maps what a person typed (or a URL's host) to the base URL Berth will talk to, or refuses. */
  resolveRegistry(address: RegistryAddress): ResolvedRegistry {
    if (address.host === DOCKER_HUB) {
      if (this.entries && !this.entries.some((e) => e.host === DOCKER_HUB)) {
        throw this.notAllowed(DOCKER_HUB, 'this deployment only talks to the registries it lists.');
      }
      return { host: DOCKER_HUB, baseUrl: this.dockerHubUrl.origin };
    }
    if (this.entries) {
      const matches = this.entries.filter((e) => e.host === address.host);
      const entry = address.scheme
        ? matches.find((e) => e.url.protocol === `${address.scheme}:`)
        : (matches.find((e) => e.url.protocol === 'https:') ?? matches[0]);
      if (!entry) throw this.notAllowed(address.host, 'this deployment only talks to the registries it lists.');
      return { host: address.host, baseUrl: entry.url.origin };
    }
    if (address.scheme === 'http') {
      throw this.notAllowed(address.host, 'plain http is only used for registries this deployment lists.');
    }
    return { host: address.host, baseUrl: `https://${address.host}` };
  }

  /** A listed entry for exactly this origin (scheme, host and port). */
  private listedOrigin(url: URL): AllowedEntry | undefined {
    return this.entries?.find((e) => e.url.origin === url.origin);
  }

  /**
   * Static check of a URL before connecting: scheme, and whether its host may resolve to a
   * non-public address. Realms, redirects and pagination links go through this too. Plain http
   * and private addresses are allowed only for an origin listed exactly (scheme, host, port), so a
   * listed registry cannot point Berth at another port or service on its host. The answer
   * depends on the URL alone, so pooled connections are safe to reuse.
   */
  check(url: URL): { privateOk: boolean } {
    const listed = this.listedOrigin(url) !== undefined;
    if (url.protocol === 'http:') {
      if (!listed) throw this.notAllowed(url.host, 'plain http is only used for addresses this deployment lists.');
    } else if (url.protocol !== 'https:') {
      throw this.notAllowed(url.host, `${url.protocol} URLs are not used.`);
    }
    if (url.username || url.password) throw this.notAllowed(url.host, 'URLs with embedded credentials are not used.');
    const name = hostnameOf(url);
    if (isIP(name) && !listed && isNonPublicAddress(name)) {
      throw this.notAllowed(url.host, 'it is a loopback, private or link-local address.');
    }
    return { privateOk: listed };
  }

  /** Connection-time check of each resolved address. */
  checkResolved(url: URL, address: string, privateOk: boolean): void {
    if (!privateOk && isNonPublicAddress(address)) {
      // The address is not named: an anonymous visitor must not learn where names lead inside the network.
      throw this.notAllowed(url.host, 'its name resolves to a loopback, private or link-local address.');
    }
  }

  /**
   * Why `url` may or may not be used, given the addresses its name resolved to: the same checks
   * as `check` and `checkResolved`, told as a decision a person can act on (the diagnosis page).
   */
  explain(url: URL, addresses: readonly string[]): PolicyDecision {
    try {
      const { privateOk } = this.check(url);
      for (const address of addresses) this.checkResolved(url, address, privateOk);
    } catch (e) {
      if (!(e instanceof RegistryError) || e.code !== 'NOT_ALLOWED') throw e;
      return { allowed: false, reason: refusalReason(e), origin: url.origin };
    }
    if (this.listedOrigin(url)) return { allowed: true, reason: `${url.origin} is listed in ALLOWED_REGISTRIES.` };
    return {
      allowed: true,
      reason: this.restricted
        ? `${url.host} is a public address over https, which needs no listing.`
        : 'ALLOWED_REGISTRIES is unset, so Berth talks to any registry at a public address over https.',
    };
  }

  /** `explain` for a registry as a person names it: refused before any address is known, or its base URL. */
  explainRegistry(address: RegistryAddress): { resolved: ResolvedRegistry } | { resolved?: undefined; decision: PolicyDecision } {
    try {
      return { resolved: this.resolveRegistry(address) };
    } catch (e) {
      if (!(e instanceof RegistryError) || e.code !== 'NOT_ALLOWED') throw e;
      // The origin to list: the scheme asked for, else Berth's default, https.
      const origin = address.host === DOCKER_HUB ? DOCKER_HUB : `${address.scheme ?? 'https'}://${address.host}`;
      return { decision: { allowed: false, reason: refusalReason(e), origin } };
    }
  }
}

/** A decision of the address policy, with what would change it. */
export interface PolicyDecision {
  allowed: boolean;
  /** Why, as a sentence. */
  reason: string;
  /** When refused: the exact entry an administrator would add to ALLOWED_REGISTRIES. */
  origin?: string;
}

function refusalReason(e: RegistryError): string {
  const why = (e.detail as { reason?: unknown } | undefined)?.reason;
  return typeof why === 'string' ? `${e.host ?? 'This address'} is refused: ${why}` : e.message;
}
