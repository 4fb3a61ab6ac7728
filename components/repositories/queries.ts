import { infiniteQueryOptions } from '@tanstack/react-query';
import type { RepositoriesBody } from '@/lib/api/types';
import { apiFetch, registryApiPath } from '@/components/api/client';
import { registryKeys } from '@/components/api/registry-keys';
import { nextCursor } from '@/components/api/pagination';

/**
 * The first page is small, so the list paints fast; later pages are large (registries cap `n` at
 * 1000), so a Filter that must see every repository needs few round trips.
 */
export function repositoryPageSize(cursor: string | null): number {
  return cursor === null ? 100 : 1000;
}

export const repositoryKeys = {
  list: (host: string) => [...registryKeys.host(host), 'repositories'] as const,
};

export function repositoriesQueryOptions(host: string) {
  return infiniteQueryOptions({
    queryKey: repositoryKeys.list(host),
    queryFn: ({ pageParam, signal }) =>
      apiFetch<RepositoriesBody>(registryApiPath(host, 'repositories', { cursor: pageParam, n: repositoryPageSize(pageParam) }), { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });
}
