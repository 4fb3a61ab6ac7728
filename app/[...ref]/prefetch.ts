import 'server-only';
import { dehydrate, type DehydratedState, type QueryClient } from '@tanstack/react-query';
import type { ManifestBody } from '@/lib/api/types';
import type { RouteTarget } from '@/lib/route-target';
import {
  TAG_PAGE_SIZE,
  configQueryOptions,
  getQueryClient,
  hubOrdering,
  keys,
  manifestQueryOptions,
  namespaceQueryOptions,
  normaliseNamespace,
  parseHubSort,
  repositoriesQueryOptions,
  repositoryPageSize,
  seedDetails,
  signedInAs,
  tagsQueryOptions,
} from '@/components/data';
import { firstScreen, parseSort } from '@/components/tags/tag-order';
import { RegistryError, traitsOf, type RegistryClient } from '@/lib/registry';
import type { SessionBody } from '@/lib/api/types';
import { clientFor, renderScope } from '@/lib/server/api';
import { getSession, publicView } from '@/lib/server/session';
import {
  fetchConfigBody,
  fetchDetailsBody,
  fetchHubIndexDetails,
  fetchHubRepositoriesBody,
  fetchManifestBody,
  fetchRepositoriesBody,
  fetchTagsBody,
} from '@/lib/server/browse';

// Server prefetch for the image-reference pages: the first query of a view is answered while
// the page renders, by calling the core directly (not over HTTP), and handed to the browser's
// QueryClient through <HydrationBoundary>. Keys and options come from the same factories the
// client hooks use, so the hydrated entry is exactly the one the hook reads.
//
// Prefetch is an optimisation only: any failure (sign-in needed, denied, unreachable…) leaves
// the query out, and the client fetches it through the route handler and shows its error or
// sends the person to sign in, as without prefetch. A slow registry is not waited on for long.

const PREFETCH_BUDGET_MS = 3_000;

export type PrefetchTarget =
  | Extract<RouteTarget, { kind: 'registry' | 'repository' | 'tag' | 'digest' }>
  /** The comparison of two tags or digests (`?a=`, `?b=`; `?platform=` for two indexes). */
  | (Extract<RouteTarget, { kind: 'compare' }> & { a?: string; b?: string; platform?: string });

function reportUnexpected(err: unknown): void {
  if (err instanceof RegistryError) return; // the client will fetch it again and show it
  console.error('Berth: page prefetch failed unexpectedly:', err instanceof Error ? err.message : String(err));
}

/**
 * Details of tags or digests, each under the key the browser's rows read. They are extras: waited
 * for only until `until` (the page's first paint), their failure costs the rest nothing, and what
 * is not there the rows fetch themselves.
 */
async function fillDetails(
  queryClient: QueryClient,
  client: RegistryClient,
  target: { host: string; repository: string },
  references: string[],
  until: number,
): Promise<void> {
  if (references.length === 0) return;
  const { host, repository } = target;
  const fetched = fetchDetailsBody(client, repository, references).then(
    (body) => {
      for (const detail of body.details) queryClient.setQueryData(keys.detail(host, repository, detail.reference), detail);
    },
    (e: unknown) => reportUnexpected(e),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([fetched, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, until - Date.now()))))]);
  clearTimeout(timer);
}

/** A manifest, and an image's config: its facts come from there. */
async function fillManifest(queryClient: QueryClient, client: RegistryClient, host: string, repository: string, reference: string): Promise<ManifestBody> {
  const manifest = await queryClient.fetchQuery({
    ...manifestQueryOptions(host, repository, reference),
    queryFn: () => fetchManifestBody(client, host, repository, reference),
    retry: false,
  });
  // Without the config the page would paint a skeleton and ask again right after hydration. Its
  // failure costs the manifest nothing.
  if (manifest.kind === 'image' && !manifest.isArtifact) {
    const digest = manifest.config.digest;
    await queryClient
      .fetchQuery({
        ...configQueryOptions(host, repository, digest),
        queryFn: () => fetchConfigBody(client, host, repository, digest),
        retry: false,
      })
      .catch(reportUnexpected);
  }
  return manifest;
}

/** The page's own query parameters, as in its link: `sort` (each view reads its own sorts), `namespace` (Docker Hub). */
export interface PrefetchSearch {
  sort?: string;
  namespace?: string;
}

/** Docker Hub: an index's entries described by the Hub API, under the keys of the index rows. */
async function fillHubIndexDetails(queryClient: QueryClient, client: RegistryClient, repository: string, tag: string): Promise<void> {
  const details = await fetchHubIndexDetails(client, repository, tag).catch((e: unknown) => {
    reportUnexpected(e);
    return [];
  });
  for (const detail of details) queryClient.setQueryData(keys.detail(client.host, repository, detail.reference), detail);
}

async function fill(queryClient: QueryClient, target: PrefetchTarget, search: PrefetchSearch, detailsUntil: number): Promise<void> {
  const { host } = target;
  const traits = traitsOf(host);
  const client = await clientFor(host, await renderScope());
  switch (target.kind) {
    case 'registry':
      if (traits.listing === 'namespaces') {
        // Who is signed in decides what the page shows: their namespace, or a request for one,
        // which needs no request to Docker Hub at all.
        const session: SessionBody = { registries: ((await getSession()).registries ?? []).map(publicView) };
        queryClient.setQueryData(keys.session, session);
        const namespace = normaliseNamespace(search.namespace ?? '');
        if (!namespace && !signedInAs(session, host)) return;
        const sort = parseHubSort(search.sort);
        await queryClient.fetchInfiniteQuery({
          ...namespaceQueryOptions(host, namespace, sort),
          queryFn: ({ pageParam }) => fetchHubRepositoriesBody(client, { namespace, ordering: hubOrdering(sort), cursor: pageParam ?? undefined }),
          retry: false,
        });
        return;
      }
      await queryClient.fetchInfiniteQuery({
        ...repositoriesQueryOptions(host),
        queryFn: ({ pageParam }) => fetchRepositoriesBody(client, { n: repositoryPageSize(pageParam), cursor: pageParam ?? undefined }),
        retry: false,
      });
      return;
    case 'repository': {
      const tags = await queryClient.fetchInfiniteQuery({
        ...tagsQueryOptions(host, target.repository),
        queryFn: async ({ pageParam }) => {
          const body = await fetchTagsBody(client, target.repository, { n: TAG_PAGE_SIZE, cursor: pageParam ?? undefined });
          seedDetails(queryClient, host, target.repository, body.details ?? []);
          return body;
        },
        retry: false,
      });
      // The rows on the first screen arrive with their size, date and platforms (Docker Hub's
      // came with the tags already).
      const described = new Set(tags.pages.flatMap((p) => p.details ?? []).map((d) => d.reference));
      const sort = parseSort(search.sort, traits.tagOrder);
      await fillDetails(
        queryClient,
        client,
        target,
        firstScreen(
          tags.pages.flatMap((p) => p.tags),
          sort,
        ).filter((t) => !described.has(t)),
        detailsUntil,
      );
      return;
    }
    case 'tag':
    case 'digest': {
      const reference = target.kind === 'tag' ? target.tag : target.digest;
      const manifest = await fillManifest(queryClient, client, host, target.repository, reference);
      // An index's rows show each entry's size and date. On Docker Hub the Hub API describes what
      // it can, and nothing more is read: every child manifest read would cost the person a pull
      // (the page offers to read the rest). Elsewhere the child manifests do.
      if (manifest.kind === 'index') {
        if (traits.readsArePulls) {
          if (target.kind === 'tag') await fillHubIndexDetails(queryClient, client, target.repository, target.tag);
          return;
        }
        await fillDetails(queryClient, client, target, manifest.manifests.map((m) => m.digest).slice(0, 100), detailsUntil);
      }
      return;
    }
    case 'compare': {
      // Two images (or indexes) and their configs; an index's platform images the browser asks for.
      const references = [target.a, target.b].filter((r): r is string => r !== undefined);
      await Promise.all(references.map((reference) => fillManifest(queryClient, client, host, target.repository, reference)));
      return;
    }
  }
}

/**
 * The dehydrated cache for `target`'s view: what could be fetched within the budget, nothing
 * for what failed. Never throws.
 */
export async function prefetchView(target: PrefetchTarget, options: PrefetchSearch & { detailsWaitMs?: number } = {}): Promise<DehydratedState> {
  const detailsUntil = Date.now() + (options.detailsWaitMs ?? PREFETCH_BUDGET_MS);
  // A new QueryClient per request: one person's data never lands in another's cache.
  const queryClient = getQueryClient();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, PREFETCH_BUDGET_MS);
  });
  try {
    await Promise.race([fill(queryClient, target, options, detailsUntil).catch(reportUnexpected), budget]);
  } finally {
    clearTimeout(timer);
  }
  // Only successful queries are dehydrated (TanStack's default): failed or still-running ones
  // are left for the client to fetch.
  return dehydrate(queryClient);
}
