// After a 429 that names a time, a connection asks nothing more of what was refused before that
// time: asking sooner would only be refused again. One "wait until" per connection, kept in
// RegistryContext.waits under the connection's key: for Docker Hub's API every request of that
// connection waits; for Docker Hub's pull limit, a registry connection's manifest GETs (HEADs,
// which cost no pull, still go).
import type { RegistryContext } from './context';

/** Seconds the connection `key` must still wait, or undefined when nothing holds it back. */
export function secondsToWait(context: RegistryContext, key: string, now = Date.now()): number | undefined {
  const until = context.waits.get(key);
  return until !== undefined && until > now ? Math.ceil((until - now) / 1000) : undefined;
}

/** The connection `key` asks nothing before `until` (ms since the epoch). */
export function waitUntil(context: RegistryContext, key: string, until: number, now = Date.now()): void {
  if (until > now) context.waits.set(key, until, until - now);
}

/** What held the connection back no longer does (the registry says pulls remain). */
export function stopWaiting(context: RegistryContext, key: string): void {
  context.waits.delete(key);
}
