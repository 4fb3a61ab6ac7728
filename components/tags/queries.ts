import { infiniteQueryOptions, type QueryClient } from '@tanstack/react-query';
import type { TagsBody } from '@/lib/api/types';
import { apiFetch, registryApiPath } from '@/components/api/client';
import { registryKeys } from '@/components/api/registry-keys';
import { nextCursor } from '@/components/api/pagination';
import { detailKeys } from './details';

export const TAG_PAGE_SIZE = 1000;

export const tagKeys = {
  list: (host: string, repository: string) => [...registryKeys.host(host), 'tags', repository] as const,
};

export function tagsQueryOptions(host: string, repository: string) {
  return infiniteQueryOptions({
    queryKey: tagKeys.list(host, repository),
    queryFn: async ({ pageParam, signal, client }) => {
      const body = await apiFetch<TagsBody>(registryApiPath(host, 'tags', { repository, cursor: pageParam, n: TAG_PAGE_SIZE }), { signal });
      seedTagDetails(client, host, repository, body);
      return body;
    },
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });
}

/**
 * Docker Hub's tag list carries each tag's details: they go straight into the rows' own detail
 * queries, so no row asks for them.
 */
export function seedTagDetails(queryClient: QueryClient, host: string, repository: string, body: TagsBody): void {
  for (const detail of body.details ?? []) queryClient.setQueryData(detailKeys.detail(host, repository, detail.reference), detail);
}
