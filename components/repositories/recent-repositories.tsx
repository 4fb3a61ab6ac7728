'use client';

import { useEffect, useMemo, useSyncExternalStore } from 'react';
import Link from 'next/link';
import { useQueryClient } from '@tanstack/react-query';
import { hrefFor } from '@/lib/route-target';
import { ApiError } from '@/components/data';
import { Button } from '@/components/ui/button';
import { formatDate, formatRelative } from '@/components/ui/format';
import { RECENT_STORAGE_KEY, parseRecent, withOpened, without, type RecentByHost } from './recent';

// The browser side of ./recent.ts: localStorage, shared by this origin's tabs.

const listeners = new Set<() => void>();

function read(): string | null {
  try {
    return window.localStorage.getItem(RECENT_STORAGE_KEY);
  } catch {
    return null; // storage disabled: nothing remembered
  }
}

function write(update: (recent: RecentByHost) => RecentByHost): void {
  try {
    window.localStorage.setItem(RECENT_STORAGE_KEY, JSON.stringify(update(parseRecent(read()))));
  } catch {
    return; // full or disabled: remembering is a convenience
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
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

export function useRecentRepositories(host: string) {
  const text = useSyncExternalStore(subscribe, read, () => null);
  return useMemo(() => parseRecent(text)[host] ?? [], [text, host]);
}

/** The query's outcome as one string, so that the store's snapshot only changes when it does. */
function outcomeOf(queryClient: ReturnType<typeof useQueryClient>, queryKey: readonly unknown[]): string {
  const state = queryClient.getQueryCache().find({ queryKey, exact: true })?.state;
  if (!state) return 'pending';
  if (state.status === 'error') return `error:${state.error instanceof ApiError ? state.error.code : ''}`;
  return state.status;
}

/**
 * Remembers a repository once its view has an answer — unless the answer is that it does not
 * exist. A refusal (DENIED) is remembered: the repository is there, and access may come.
 */
export function RememberRepository({ host, repository, queryKey }: { host: string; repository: string; queryKey: readonly unknown[] }) {
  const queryClient = useQueryClient();
  const outcome = useSyncExternalStore(
    (listener) => queryClient.getQueryCache().subscribe(listener),
    () => outcomeOf(queryClient, queryKey),
    () => 'pending',
  );
  const settled = outcome !== 'pending' && outcome !== 'error:NAME_UNKNOWN' && outcome !== 'error:SIGN_IN_REQUIRED';
  useEffect(() => {
    if (settled) rememberRepository(host, repository);
  }, [settled, host, repository]);
  return null;
}

/** The repositories this browser opened on `host`, newest first. */
export function RecentRepositories({ host }: { host: string }) {
  const recent = useRecentRepositories(host);
  return (
    <section aria-labelledby="recent-heading" className="space-y-2">
      <h2 id="recent-heading" className="text-sm font-medium text-fg-soft">
        Opened recently in this browser
      </h2>
      {recent.length === 0 ? (
        <p className="text-sm text-muted">Repositories you open on {host} are listed here next time. They are kept in this browser only.</p>
      ) : (
        <>
          <ul aria-labelledby="recent-heading" className="max-w-xl divide-y divide-border-soft rounded-lg border border-border">
            {recent.map((entry) => (
              <li key={entry.repository} className="flex items-center justify-between gap-3 px-4 py-2 text-sm">
                <Link href={hrefFor({ host, repository: entry.repository })} className="truncate font-mono text-fg hover:underline">
                  {entry.repository}
                </Link>
                <time
                  dateTime={new Date(entry.openedAt).toISOString()}
                  title={formatDate(new Date(entry.openedAt).toISOString())}
                  className="shrink-0 text-xs text-faint"
                >
                  {formatRelative(new Date(entry.openedAt).toISOString())}
                </time>
              </li>
            ))}
          </ul>
          <Button variant="link" className="text-xs" onClick={() => forgetRecentRepositories(host)}>
            Forget these
          </Button>
        </>
      )}
    </section>
  );
}
