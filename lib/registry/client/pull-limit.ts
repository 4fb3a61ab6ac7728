// A client's pull limit (Docker Hub's, as its registry reports it on manifest answers; the
// headers are read in ../pull-limit.ts): the last one this connection saw, the time a 429 told it
// to wait (the connection's one wait, ../wait.ts), and the one place a failed answer becomes an
// error for the client: the pull limit's own sentence for a 429 where a limit is known, else
// errorFromResponse.
import { RegistryError, parseRetryAfter } from '../errors';
import type { HttpResponse } from '../net/http';
import { describeWait, readPullLimit, type PullLimit } from '../pull-limit';
import { errorFromResponse, type Target } from '../response-error';
import { secondsToWait, stopWaiting, waitUntil } from '../wait';
import type { Connection } from './connection';

/** How long a pull limit Berth read stays worth showing when the registry names no window. */
const PULL_LIMIT_TTL_MS = 6 * 3600_000;

/** The pull limit this connection last saw on a manifest answer (Docker Hub reports one). */
export function pullLimit(c: Connection): PullLimit | undefined {
  return c.context.pullLimits.get(c.auth.connectionKey);
}

/** Reads the limit a manifest answer reports, for this connection (anonymous: the whole server's). */
export function notePullLimit(c: Connection, res: HttpResponse): void {
  const key = c.auth.connectionKey;
  const limit = readPullLimit(res.status, res.headers, c.context.pullLimits.get(key));
  if (!limit) return;
  const ttl = limit.windowSeconds ? limit.windowSeconds * 1000 : PULL_LIMIT_TTL_MS;
  c.context.pullLimits.set(key, limit, ttl);
  // The time a 429 named holds this connection's manifest GETs back, as long as the limit it came with is known.
  if (limit.retryAt) waitUntil(c.context, key, Math.min(Date.parse(limit.retryAt), Date.now() + ttl));
  else stopWaiting(c.context, key);
}

export function pullLimitReached(c: Connection, retryAfter: number | undefined, upstreamStatus?: number): RegistryError {
  const limit = pullLimit(c);
  const quota = limit ? ` (${limit.limit}${limit.windowSeconds ? ` per ${describeWait(limit.windowSeconds)}` : ''})` : '';
  const shared = c.auth.anonymous ? ' Everyone using this Berth without signing in shares one limit: sign in to use your own.' : '';
  return new RegistryError({
    code: 'TOOMANYREQUESTS',
    host: c.host,
    ...(upstreamStatus !== undefined ? { upstreamStatus } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    message: `${c.host}'s pull limit is used up${quota}. ${retryAfter !== undefined ? `Pulls work again in ${describeWait(retryAfter)}.` : 'Wait a while and try again.'}${shared}`,
  });
}

/** After a 429 that said when to come back, a manifest GET sooner would only be refused again. */
export function waitForPulls(c: Connection): void {
  const wait = secondsToWait(c.context, c.auth.connectionKey);
  if (wait !== undefined) throw pullLimitReached(c, wait);
}

/** A failed answer as the client's error. */
export function failure(c: Connection, res: HttpResponse, what: Target = {}): RegistryError {
  if (res.status === 429 && pullLimit(c)) return pullLimitReached(c, parseRetryAfter(res.headers.get('retry-after')), res.status);
  return errorFromResponse(res, c.auth.requester, what);
}
