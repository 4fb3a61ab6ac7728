'use client';

import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { forgetRecentRepositories, keys, sessionQueryOptions, signOut, signOutOfAll } from '@/components/data';
import { DiagnoseLink } from '@/components/ui/diagnose-link';
import { Button, buttonClass } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { Skeleton } from '@/components/ui/skeleton';

/** The registries of this session, each with a way out. */
export function RegistryList() {
  const queryClient = useQueryClient();
  const session = useQuery(sessionQueryOptions());

  const signOutOne = useMutation({
    mutationFn: signOut,
    onSuccess: (_result, host) => {
      queryClient.removeQueries({ queryKey: keys.registry(host) });
      forgetRecentRepositories(host);
      return queryClient.invalidateQueries({ queryKey: keys.session });
    },
  });
  const signOutAll = useMutation({
    mutationFn: signOutOfAll,
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: keys.registries });
      forgetRecentRepositories();
      return queryClient.invalidateQueries({ queryKey: keys.session });
    },
  });

  if (session.isPending) {
    return (
      <div role="status" aria-label="Loading your registries" className="space-y-2">
        <Skeleton className="h-14 w-full" />
        <Skeleton className="h-14 w-full" />
      </div>
    );
  }
  if (session.isError) {
    return <ErrorState error={session.error} onRetry={() => void session.refetch()} title="Could not read your session" />;
  }

  const registries = session.data.registries;
  const mutationError = signOutOne.error ?? signOutAll.error;

  return (
    <div className="space-y-3">
      {registries.length === 0 ? (
        <EmptyState>You have not opened any registry yet. Add one, or open an image reference above.</EmptyState>
      ) : (
        <ul className="divide-y divide-border rounded-lg border border-border">
          {registries.map((registry) => (
            <li key={registry.host} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
              <div className="min-w-0">
                <Link
                  id={`registry-${registry.host}`}
                  href={`/${registry.host}`}
                  className={buttonClass('link', { className: 'font-mono text-sm font-semibold break-all' })}
                >
                  {registry.host}
                </Link>
                <p className="text-xs text-muted">
                  {registry.username ? (
                    <>
                      signed in as <span className="font-medium">{registry.username}</span>
                    </>
                  ) : (
                    'anonymous'
                  )}
                  <span className="mx-1.5" aria-hidden="true">
                    ·
                  </span>
                  <span className="font-mono">{registry.url}</span>
                </p>
              </div>
              <div className="flex items-center gap-3">
                <DiagnoseLink host={registry.host} label={`Diagnose ${registry.host}`} className="text-sm">
                  Diagnose
                </DiagnoseLink>
                <Button
                  variant="secondary"
                  aria-describedby={`registry-${registry.host}`}
                  disabled={signOutOne.isPending && signOutOne.variables === registry.host}
                  onClick={() => signOutOne.mutate(registry.host)}
                >
                  Sign out
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {mutationError ? <ErrorState error={mutationError} title="Could not sign out" /> : null}
      {registries.length > 0 ? (
        <Button variant="secondary" disabled={signOutAll.isPending} onClick={() => signOutAll.mutate()}>
          Sign out of all
        </Button>
      ) : null}
    </div>
  );
}
