import { infiniteQueryOptions } from '@tanstack/react-query';
import type { TagsBody } from '@/lib/api/types';
import { apiFetch, registryApiPath } from '@/components/api/client';
import { registryKeys } from '@/components/api/registry-keys';
import { nextCursor } from '@/components/api/pagination';

export const TAG_PAGE_SIZE = 1000;

export const tagKeys = {
  list: (host: string, repository: string) =>
    [...registryKeys.host(host), 'tags', repository] as const,
};

export function tagsQueryOptions(host: string, repository: string) {
  return infiniteQueryOptions({
    queryKey: tagKeys.list(host, repository),
    queryFn: ({ pageParam, signal }) =>
      apiFetch<TagsBody>(
        registryApiPath(host, 'tags', { repository, cursor: pageParam, n: TAG_PAGE_SIZE }),
        { signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });
}
