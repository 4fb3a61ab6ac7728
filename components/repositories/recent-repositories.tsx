'use client';

import { useEffect, useMemo, useSyncExternalStore } from 'react';
import Link from 'next/link';
import { useQueryClient } from '@tanstack/react-query';
import { hrefFor } from '@/lib/route-target';
import { ApiError, forgetRecentRepositories, parseRecent, readRecent, rememberRepository, subscribeToRecent } from '@/components/data';
import { Button } from '@/components/ui/button';
import { formatDate, formatRelative } from '@/components/ui/format';

// What this browser remembers opening (components/data/recent.ts): the list a registry without a
// catalog shows, and the marker that remembers a repository once its view has an answer.

export function useRecentRepositories(host: string) {
  const text = useSyncExternalStore(subscribeToRecent, readRecent, () => null);
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
