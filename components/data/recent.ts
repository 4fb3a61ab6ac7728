// The repositories this browser opened, per registry, for registries that do not list theirs
// (GHCR, Docker Hub without its API, GitLab and Harbor for non-admins). Kept in localStorage only,
// shared by this origin's tabs: never sent to Berth's server. The views that show them and
// remember them are components/repositories/recent-repositories.tsx; signing out forgets them.
import { isValidRepository, parseHost } from '@/lib/registry/reference';

export const RECENT_STORAGE_KEY = 'berth.recent-repositories';
/** Per registry: enough to find your way back, not a history. */
export const MAX_RECENT = 12;

export interface RecentRepository {
  repository: string;
  /** When it was last opened (ms since the epoch). */
  openedAt: number;
}

export type RecentByHost = Record<string, RecentRepository[]>;

function validHost(host: string): boolean {
  try {
    return parseHost(host) === host;
  } catch {
    return false;
  }
}

/** Reads what was stored, keeping only well-formed entries: storage is shared with anything on this origin. */
export function parseRecent(text: string | null): RecentByHost {
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: RecentByHost = {};
  for (const [host, list] of Object.entries(value)) {
    if (!validHost(host) || !Array.isArray(list)) continue;
    const entries = list
      .filter(
        (e): e is RecentRepository =>
          typeof e === 'object' && e !== null && typeof e.repository === 'string' && isValidRepository(e.repository) && Number.isFinite(e.openedAt),
      )
      .map((e) => ({ repository: e.repository, openedAt: e.openedAt }))
      .slice(0, MAX_RECENT);
    if (entries.length) out[host] = entries;
  }
  return out;
}

/** `repository` opened now: first in its registry's list, once, the oldest dropped past the cap. */
export function withOpened(recent: RecentByHost, host: string, repository: string, now: number): RecentByHost {
  const rest = (recent[host] ?? []).filter((e) => e.repository !== repository);
  return { ...recent, [host]: [{ repository, openedAt: now }, ...rest].slice(0, MAX_RECENT) };
}

/** Without one registry's entries, or without any (`host` undefined). */
export function without(recent: RecentByHost, host?: string): RecentByHost {
  if (host === undefined) return {};
  const { [host]: _dropped, ...rest } = recent;
  return rest;
}

// ---- the browser's storage ------------------------------------------------------------------------

const listeners = new Set<() => void>();

/** What is stored now, as text (the snapshot of an external store); null when nothing, or storage is disabled. */
export function readRecent(): string | null {
  try {
    return window.localStorage.getItem(RECENT_STORAGE_KEY);
  } catch {
    return null; // storage disabled: nothing remembered
  }
}

function write(update: (recent: RecentByHost) => RecentByHost): void {
  try {
    window.localStorage.setItem(RECENT_STORAGE_KEY, JSON.stringify(update(parseRecent(readRecent()))));
  } catch {
    return; // full or disabled: remembering is a convenience
  }
  for (const listener of listeners) listener();
}

/** Calls `listener` whenever what is stored changes, in this tab or another; returns the way to stop. */
export function subscribeToRecent(listener: () => void): () => void {
  listeners.add(listener);
  // Other tabs write too.
  const onStorage = (event: StorageEvent) => {
    if (event.key === RECENT_STORAGE_KEY || event.key === null) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function rememberRepository(host: string, repository: string): void {
  write((recent) => withOpened(recent, host, repository, Date.now()));
}

/** Signing out of a registry forgets what was opened on it (all of them when `host` is undefined). */
export function forgetRecentRepositories(host?: string): void {
  write((recent) => without(recent, host));
}
