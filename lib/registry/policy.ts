// The outbound address policy (DESIGN.md "Security policy"): Berth talks only to public
// addresses over https unless the operator listed the host in ALLOWED_REGISTRIES. The check
// runs on the resolved address at connection time (see http.ts), so DNS cannot smuggle a
// private address past a name check.
import { BlockList, isIP } from 'node:net';
import { RegistryError } from './errors';
import { DOCKER_HUB, parseRegistryAddress, type RegistryAddress } from './reference';

const nonPublic = new BlockList();
// IPv4
nonPublic.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network", unspecified
nonPublic.addSubnet('10.0.0.0', 8, 'ipv4');
nonPublic.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT
nonPublic.addSubnet('127.0.0.0', 8, 'ipv4');
nonPublic.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, cloud metadata
nonPublic.addSubnet('172.16.0.0', 12, 'ipv4');
nonPublic.addSubnet('192.168.0.0', 16, 'ipv4');
nonPublic.addSubnet('224.0.0.0', 3, 'ipv4'); // multicast and reserved, broadcast
// IPv6
nonPublic.addAddress('::', 'ipv6');
nonPublic.addAddress('::1', 'ipv6');
nonPublic.addSubnet('fc00::', 7, 'ipv6');
nonPublic.addSubnet('fe80::', 10, 'ipv6');
nonPublic.addSubnet('ff00::', 8, 'ipv6');

/** True for loopback, private, link-local, unspecified and other non-routable addresses. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return nonPublic.check(address, 'ipv4');
  if (family === 6) {
    const lower = address.toLowerCase();
    // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms carry an IPv4 address.
    const mapped = /^(?:0{0,4}:){0,5}(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(lower.replace(/^::/, '0:'));
    if (mapped?.[1]) return nonPublic.check(mapped[1], 'ipv4');
    const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
    if (hexMapped?.[1] && hexMapped[2]) {
      const hi = parseInt(hexMapped[1], 16);
      const lo = parseInt(hexMapped[2], 16);
      return nonPublic.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
    }
    return nonPublic.check(lower, 'ipv6');
  }
  return true; // not an address at all: refuse
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

  constructor(options: PolicyOptions) {
    this.dockerHubUrl = new URL(options.dockerHubRegistryUrl);
    this.entries =
      options.allowed === null
        ? null
        : options.allowed.map((raw) => {
            const text = raw.trim();
            if (text.toLowerCase() === DOCKER_HUB) return { host: DOCKER_HUB, url: this.dockerHubUrl };
            const address = parseRegistryAddress(text);
            const url = new URL(`${address.scheme ?? 'https'}://${address.host === DOCKER_HUB ? this.dockerHubUrl.host : address.host}`);
            return { host: address.host, url };
          });
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
      status: 403,
      host,
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

  private listedHostname(url: URL): AllowedEntry[] {
    if (!this.entries) return [];
    const name = hostnameOf(url);
    return this.entries.filter((e) => hostnameOf(e.url) === name);
  }

  /**
   * Static check of a URL before connecting: scheme, and whether its host may resolve to a
   * non-public address. Realms, redirects and pagination links go through this too. The answer
   * depends on the URL alone, so pooled connections are safe to reuse.
   */
  check(url: URL): { privateOk: boolean } {
    const listed = this.listedHostname(url);
    if (url.protocol === 'http:') {
      if (!listed.some((e) => e.url.protocol === 'http:')) throw this.notAllowed(url.host, 'plain http is only used for hosts this deployment lists.');
    } else if (url.protocol !== 'https:') {
      throw this.notAllowed(url.host, `${url.protocol} URLs are not used.`);
    }
    if (url.username || url.password) throw this.notAllowed(url.host, 'URLs with embedded credentials are not used.');
    const privateOk = listed.length > 0;
    const name = hostnameOf(url);
    if (isIP(name) && !privateOk && isNonPublicAddress(name)) {
      throw this.notAllowed(url.host, 'it is a loopback, private or link-local address.');
    }
    return { privateOk };
  }

  /** Connection-time check of each resolved address. */
  checkResolved(url: URL, address: string, privateOk: boolean): void {
    if (!privateOk && isNonPublicAddress(address)) {
      throw this.notAllowed(url.host, `its name resolves to ${address}, a loopback, private or link-local address.`);
    }
  }
}
