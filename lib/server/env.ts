import { randomBytes } from 'node:crypto';
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
  };
}
