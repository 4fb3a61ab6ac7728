'use client';

import { useCallback, useMemo } from 'react';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { hrefFor } from '@/lib/route-target';
import { ErrorState } from '@/components/ui/error-state';
import { FilterableList, usePaging } from '@/components/ui/filterable-list';
import { ListSkeleton } from '@/components/ui/skeleton';
import { manifestQueryOptions } from '@/components/manifest/queries';
import { tagsQueryOptions } from './queries';

export function TagList({ host, repository }: { host: string; repository: string }) {
  const queryClient = useQueryClient();
  const query = useInfiniteQuery(tagsQueryOptions(host, repository));
  const paging = usePaging(query);
  const tags = useMemo(() => query.data?.pages.flatMap((page) => page.tags) ?? [], [query.data]);

  // Hovering a tag usually means opening it next: have its manifest ready.
  const prefetchManifest = useCallback(
    (tag: string) => void queryClient.prefetchQuery(manifestQueryOptions(host, repository, tag)),
    [queryClient, host, repository],
  );

  if (query.isPending) return <ListSkeleton />;
  if (query.isError && !query.data) {
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} host={host} title="Could not list tags" />;
  }

  return (
    <FilterableList
      items={tags}
      noun={{ one: 'tag', many: 'tags' }}
      href={(tag) => hrefFor({ host, repository, tag })}
      paging={paging}
      host={host}
      emptyMessage="No tags in this repository."
      // Docker Hub counts manifest GETs against a pull quota shared by everyone on this server.
      onItemIntent={host === 'docker.io' ? undefined : prefetchManifest}
    />
  );
}
