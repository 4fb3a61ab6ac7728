import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { HubRepositoriesBody, PullLimitBody, SessionBody } from '@/lib/api/types';
import type { HubOrdering } from '@/lib/registry/hub';
import { DOCKER_HUB } from '@/lib/registry/reference';
import { apiFetch, registryApiPath } from '@/components/api/client';
import { nextCursor } from '@/components/api/pagination';
import { registryKeys } from '@/components/api/registry-keys';

/** How a namespace's repositories are ordered, as written in the link (`/docker.io?sort=pulls`). */
export const HUB_SORTS = ['updated', 'name', 'pulls'] as const;
export type HubSort = (typeof HUB_SORTS)[number];
export const HUB_SORT_LABELS: Record<HubSort, string> = { updated: 'Last updated', name: 'Name', pulls: 'Pulls' };
/** Docker Hub's own default: the most recently updated first. */
export const DEFAULT_HUB_SORT: HubSort = 'updated';

const ORDERING: Record<HubSort, HubOrdering> = { updated: 'last_updated', name: 'name', pulls: 'pull_count' };

export function parseHubSort(value: string | null | undefined): HubSort {
  return HUB_SORTS.includes(value as HubSort) ? (value as HubSort) : DEFAULT_HUB_SORT;
}

/** The Hub API's ordering for a sort: the Hub sorts, so every page arrives in order. */
export const hubOrdering = (sort: HubSort): HubOrdering => ORDERING[sort];

/** A namespace as typed in the box: trimmed, lower case, a leading `docker.io/` or trailing `/` dropped. */
export function normaliseNamespace(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^(?:https?:\/\/)?(?:hub\.docker\.com\/(?:u|r|orgs)\/|docker\.io\/)/, '')
    .replace(/\/+$/, '');
}

/** The Docker ID (or organisation) signed in to Docker Hub in this session; null when anonymous or not signed in. */
export function hubUsername(session: SessionBody | undefined): string | null {
  return session?.registries.find((r) => r.host === DOCKER_HUB)?.username || null;
}

export const hubKeys = {
  /** `namespace` as in the link: empty for the signed-in account's own. */
  repositories: (namespace: string, sort: HubSort) => [...registryKeys.host(DOCKER_HUB), 'hub-repositories', namespace, sort] as const,
  pullLimit: () => [...registryKeys.host(DOCKER_HUB), 'pull-limit'] as const,
};

export function hubRepositoriesQueryOptions(namespace: string, sort: HubSort) {
  return infiniteQueryOptions({
    queryKey: hubKeys.repositories(namespace, sort),
    queryFn: ({ pageParam, signal }) =>
      apiFetch<HubRepositoriesBody>(registryApiPath(DOCKER_HUB, 'hub-repositories', { namespace, ordering: hubOrdering(sort), cursor: pageParam }), { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });
}

/** What Berth last read of the pull limit: asks Berth only, never the registry. */
export function pullLimitQueryOptions() {
  return queryOptions({
    queryKey: hubKeys.pullLimit(),
    queryFn: ({ signal }) => apiFetch<PullLimitBody>(registryApiPath(DOCKER_HUB, 'pull-limit'), { signal }),
    staleTime: 0,
    refetchOnWindowFocus: false,
  });
}

/** The pull limit read now, with a HEAD of a tag that exists (Docker Hub does not count a HEAD as a pull). */
export function checkPullLimit(repository: string, reference: string): Promise<PullLimitBody> {
  return apiFetch<PullLimitBody>(registryApiPath(DOCKER_HUB, 'pull-limit', { repository, reference }));
}
