import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { AddressPolicy } from '../registry/policy';

// Configuration from the environment (the table in the README). Read once per process.

export interface BerthConfig {
  /** Seals and unseals the session cookie. */
  sessionSecret: string;
  /** An older secret still accepted for reading while secrets rotate. */
  previousSessionSecret?: string;
  /**
   * When the session cookie is marked Secure: 'always' (the default in production, or
   * SESSION_COOKIE_SECURE=1), or only for requests that came over https, as X-Forwarded-Proto says
   * ('https': development, or SESSION_COOKIE_SECURE=0 for a deployment served over plain http).
   */
  secureCookie: 'always' | 'https';
  sessionMaxAgeSeconds: number;
  policy: AddressPolicy;
  timeoutMs: number;
  /** Requests in flight to one registry, and in all. */
  concurrency: { perOrigin: number; total: number };
  /**
   * The origins Berth is reached at (PUBLIC_ORIGIN, e.g. https://berth.example.com): any other Host
   * is refused, and a state-changing request's Origin must be one of them. Unset: any host, and
   * Origin must match the request's own host.
   */
  publicOrigins: string[] | null;
  /**
   * How many reverse proxies in front of Berth append to X-Forwarded-For (TRUSTED_PROXIES). 0: the
   * client is the connection's own address; X-Forwarded-For is the client's to write and is ignored.
   */
  trustedProxies: number;
  /** DNS servers asked for registry names instead of the system's (DNS_SERVERS, "10.0.0.2,10.0.0.3:5353"). */
  dnsServers?: string[];
}

/** PUBLIC_ORIGIN: comma-separated origins (scheme, host, optional port), each checked. */
export function parsePublicOrigins(value: string | undefined): string[] | null {
  if (value === undefined || value.trim() === '') return null;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((text) => {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw new Error(`Berth: PUBLIC_ORIGIN lists ${JSON.stringify(text)}, which is not an origin such as https://berth.example.com.`);
      }
      if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname.replace(/\/$/, '') !== '' || url.search || url.hash || url.username) {
        throw new Error(`Berth: PUBLIC_ORIGIN lists ${JSON.stringify(text)}: give only the scheme, host and port (https://berth.example.com), without a path.`);
      }
      return url.origin;
    });
}

export const MISSING_SECRET_MESSAGE =
  'Berth: SESSION_SECRET is not set. It encrypts the session cookie and must be at least 32 characters, ' +
  'e.g. SESSION_SECRET=$(openssl rand -hex 32) npm start';

function readSecret(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 32) throw new Error(`Berth: ${name} must be at least 32 characters long (it is ${value.length}).`);
  return value;
}

function secureCookie(env: NodeJS.ProcessEnv): BerthConfig['secureCookie'] {
  const value = env.SESSION_COOKIE_SECURE?.trim().toLowerCase();
  if (value === '1' || value === 'true') return 'always';
  if (value === '0' || value === 'false') return 'https';
  return env.NODE_ENV === 'production' ? 'always' : 'https';
}

function dnsServers(value: string): string[] {
  const servers = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const server of servers) {
    const address = server.replace(/^\[([^\]]+)\](:\d+)?$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
    if (isIP(address) === 0) throw new Error(`Berth: DNS_SERVERS lists ${JSON.stringify(server)}, which is not an IP address (with an optional port).`);
  }
  return servers;
}

function trustedProxies(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 0;
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 0 || n > 10)
    throw new Error(`Berth: TRUSTED_PROXIES must be the number of proxies in front of Berth (0 to 10); it is ${JSON.stringify(value)}.`);
  return n;
}

/** Throws with a clear message when the configuration cannot work; called at start-up too. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): BerthConfig {
  let secret = readSecret('SESSION_SECRET', env.SESSION_SECRET);
  if (!secret) {
    if (env.NODE_ENV === 'production' && env.BERTH_DEMO !== '1') throw new Error(MISSING_SECRET_MESSAGE);
    // Development and the demo: a per-process secret; sessions end when the server restarts.
    const g = globalThis as { __berthDevSecret?: string };
    g.__berthDevSecret ??= randomBytes(32).toString('hex');
    secret = g.__berthDevSecret;
  }
  const previous = readSecret('SESSION_SECRET_PREVIOUS', env.SESSION_SECRET_PREVIOUS);
  const maxAge = Number(env.SESSION_MAX_AGE_SECONDS ?? 8 * 3600);
  const timeoutMs = Number(env.UPSTREAM_TIMEOUT_MS ?? 15_000);
  const positive = (value: string | undefined, fallback: number) => {
    const n = Number(value ?? fallback);
    return Number.isInteger(n) && n > 0 ? n : fallback;
  };
  const policy = new AddressPolicy({
    allowed: AddressPolicy.parseList(env.ALLOWED_REGISTRIES),
    dockerHubRegistryUrl: env.DOCKER_HUB_REGISTRY_URL || 'https://registry-1.docker.io',
    dockerHubApiUrl: env.DOCKER_HUB_API_URL || 'https://hub.docker.com',
  });
  return {
    sessionSecret: secret,
    ...(previous ? { previousSessionSecret: previous } : {}),
    secureCookie: secureCookie(env),
    sessionMaxAgeSeconds: Number.isFinite(maxAge) && maxAge > 0 ? maxAge : 8 * 3600,
    policy,
    timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 15_000,
    concurrency: { perOrigin: positive(env.UPSTREAM_CONCURRENCY, 6), total: positive(env.UPSTREAM_CONCURRENCY_TOTAL, 64) },
    publicOrigins: parsePublicOrigins(env.PUBLIC_ORIGIN),
    trustedProxies: trustedProxies(env.TRUSTED_PROXIES),
    ...(env.DNS_SERVERS?.trim() ? { dnsServers: dnsServers(env.DNS_SERVERS) } : {}),
  };
}
