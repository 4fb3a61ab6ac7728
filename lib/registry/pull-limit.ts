// Docker Hub's pull limit, as its registry reports it on manifest answers (docs/protocol.md
// "Docker Hub"): `ratelimit-limit: 100;w=21600` and `ratelimit-remaining: 76;w=21600`, and a 429
// with Retry-After once nothing remains. Read from the headers, never assumed.
import { parseRetryAfter } from './errors';
import { traitsOf } from './traits';

/**
 * Whether reading a manifest from this registry counts as a pull from the reader's limit (Docker
 * Hub: every manifest GET does). Berth then reads manifests only when the person asks for them.
 */
export const readsArePulls = (host: string): boolean => traitsOf(host).readsArePulls;

export interface PullLimit {
  /** Pulls allowed per window. */
  limit: number;
  remaining: number;
  /** The window, in seconds (21600: six hours), when the registry names it. */
  windowSeconds?: number;
  /** When Berth read it (ISO 8601). */
  observedAt: string;
  /** After a 429: when the registry said pulls work again (ISO 8601). */
  retryAt?: string;
}

interface Headers {
  get(name: string): string | undefined;
}

/** `100;w=21600` (older answers: `100, 100;w=21600`): the count and the window. */
function parseQuota(value: string | undefined): { count: number; window?: number } | undefined {
  if (!value) return undefined;
  // Digits beyond what a number holds exactly (a header of endless 9s) are garbage, not Infinity.
  const count = Number(/^\s*(\d+)/.exec(value)?.[1]);
  if (!Number.isSafeInteger(count)) return undefined;
  const window = Number(/;\s*w=(\d+)/.exec(value)?.[1]);
  return { count, ...(Number.isSafeInteger(window) ? { window } : {}) };
}

/**
 * The pull limit an answer reports, if it reports one. A 429 without the headers still says that
 * nothing remains; `previous` supplies the limit it does not name.
 */
export function readPullLimit(status: number, headers: Headers, previous?: PullLimit, now = Date.now()): PullLimit | undefined {
  const limit = parseQuota(headers.get('ratelimit-limit'));
  const remaining = parseQuota(headers.get('ratelimit-remaining'));
  if (status !== 429 && (!limit || !remaining)) return undefined;
  const total = limit?.count ?? previous?.limit;
  if (total === undefined) return undefined;
  const windowSeconds = limit?.window ?? remaining?.window ?? previous?.windowSeconds;
  const out: PullLimit = {
    limit: total,
    remaining: status === 429 ? 0 : Math.min(remaining?.count ?? 0, total),
    ...(windowSeconds !== undefined ? { windowSeconds } : {}),
    observedAt: new Date(now).toISOString(),
  };
  const retryAfter = status === 429 ? parseRetryAfter(headers.get('retry-after'), now) : undefined;
  if (retryAfter !== undefined) out.retryAt = new Date(now + retryAfter * 1000).toISOString();
  // A HEAD (free) that still finds nothing left does not lift the wait a 429 asked for.
  else if (out.remaining === 0 && previous?.retryAt && Date.parse(previous.retryAt) > now) out.retryAt = previous.retryAt;
  return out;
}

/** Seconds until pulls work again after a 429, or undefined when nothing holds them back. */
export function secondsUntilRetry(limit: PullLimit | undefined, now = Date.now()): number | undefined {
  if (!limit?.retryAt) return undefined;
  const left = Math.ceil((Date.parse(limit.retryAt) - now) / 1000);
  return left > 0 ? left : undefined;
}

/** "40 s", "2 min", "5 h 50 min": a wait or a window, as people say it. */
export function describeWait(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.ceil(s / 60)} min`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m === 0 || m === 60 ? `${m === 60 ? h + 1 : h} h` : `${h} h ${m} min`;
}
