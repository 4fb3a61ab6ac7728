// The repositories this browser opened, per registry, for registries that do not list theirs
// (GHCR, Docker Hub without its API, GitLab and Harbor for non-admins). Kept in localStorage only:
// never sent to Berth's server. Pure functions here; the browser side is in recent-repositories.tsx.
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
