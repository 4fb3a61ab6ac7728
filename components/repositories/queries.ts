import { infiniteQueryOptions } from '@tanstack/react-query';
import type { RepositoryPage } from '@/lib/api-types';
import { apiFetch, registryApiPath } from '@/components/api/client';
import { registryKeys } from '@/components/api/registry-keys';

export const REPOSITORY_PAGE_SIZE = 1000;

export const repositoryKeys = {
  list: (host: string) => [...registryKeys.host(host), 'repositories'] as const,
};

export function repositoriesQueryOptions(host: string) {
  return infiniteQueryOptions({
    queryKey: repositoryKeys.list(host),
    queryFn: ({ pageParam, signal }) =>
      apiFetch<RepositoryPage>(
        registryApiPath(host, 'repositories', { last: pageParam, n: REPOSITORY_PAGE_SIZE }),
        { signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next,
  });
}
