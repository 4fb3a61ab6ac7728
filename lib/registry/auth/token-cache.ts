// The one token cache, for every way of signing in: registry tokens (keyed by connection, realm,
// service and scopes) and Docker Hub API tokens (keyed by connection), in RegistryContext.tokens.
// A token is used until shortly before it ends (10 % of its life, at least 5 s, at most a minute),
// for an hour at most, and never by another person: every key starts with its connection's.
import type { CachedToken, RegistryContext } from '../context';

/** However long a token is said to live, Berth asks again after an hour. */
export const MAX_TOKEN_TTL_SECONDS = 3600;

/**
 * The token kept under `key`, or the one `fetch` brings. Whoever asks for the same key at once
 * shares one fetch, and its failure too: the key is one person's.
 */
export async function cachedToken(context: RegistryContext, key: string, fetch: () => Promise<CachedToken>, signal?: AbortSignal): Promise<CachedToken> {
  const cached = context.tokens.get(key);
  if (cached) return cached;
  return context.once(`token|${key}`, fetch, { signal, shareFailures: true });
}

/** Keeps a token that lives `lifetimeMs` from now, less the margin; one that would not outlive the margin is not kept. */
export function keepToken(context: RegistryContext, key: string, entry: CachedToken, lifetimeMs: number): void {
  const lifetime = Math.min(lifetimeMs, MAX_TOKEN_TTL_SECONDS * 1000);
  const margin = Math.min(Math.max(lifetime * 0.1, 5_000), 60_000);
  if (lifetime - margin > 0) context.tokens.set(key, entry, lifetime - margin, entry.token.length + JSON.stringify(entry.access ?? []).length);
}

/** A token the service no longer takes (expired, revoked): the next request fetches another. */
export function dropToken(context: RegistryContext, key: string): void {
  context.tokens.delete(key);
}
