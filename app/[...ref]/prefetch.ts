import 'server-only';
import { dehydrate, type DehydratedState, type QueryClient } from '@tanstack/react-query';
import type { ManifestBody } from '@/lib/api/types';
import type { RouteTarget } from '@/lib/route-target';
import {
  configQueryOptions,
  detailQueryOptions,
  keys,
  manifestQueryOptions,
  namespaceQueryOptions,
  normaliseNamespace,
  parseHubSort,
  renderQueryClient,
  repositoriesQueryOptions,
  sessionQueryOptions,
  signedInAs,
  tagsQueryOptions,
} from '@/components/data';
import { firstScreen, parseSort } from '@/components/tags/tag-order';
import { RegistryError, traitsOf, type RequestScope } from '@/lib/registry';
import { clientFor, renderScope } from '@/lib/server/api';
import { fetchHubIndexDetails } from '@/lib/server/browse';
import { serverSource } from '@/lib/server/source';

// Server prefetch for the image-reference pages: the first queries of a view are answered while
// the page renders and handed to the browser's QueryClient through <HydrationBoundary>. They are
// the browser's own query options, query functions included: the page's QueryClient reads from
// the server's source (lib/server/source.ts: what the route handlers answer, called directly
// instead of over HTTP), so the hydrated entries are exactly those the hooks read, made the same way.
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
 * Details of tags or digests, each the query of its row. They are extras: waited for only until
 * `until` (the page's first paint), their failure costs the rest nothing, and what is not there
 * the rows fetch themselves. Not where reading a manifest is a pull: a page being rendered spends
 * none of the person's pulls.
 */
async function fillDetails(queryClient: QueryClient, target: { host: string; repository: string }, references: string[], until: number): Promise<void> {
  const { host, repository } = target;
  if (references.length === 0 || traitsOf(host).readsArePulls) return;
  const fetched = Promise.all(references.map((reference) => queryClient.fetchQuery(detailQueryOptions(host, repository, reference)).catch(reportUnexpected)));
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([fetched, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, until - Date.now()))))]);
  clearTimeout(timer);
}

/** A manifest, and an image's config: its facts come from there. */
async function fillManifest(queryClient: QueryClient, host: string, repository: string, reference: string): Promise<ManifestBody> {
  const manifest = await queryClient.fetchQuery(manifestQueryOptions(host, repository, reference));
  // Without the config the page would paint a skeleton and ask again right after hydration. Its
  // failure costs the manifest nothing.
  if (manifest.kind === 'image' && !manifest.isArtifact) {
    await queryClient.fetchQuery(configQueryOptions(host, repository, manifest.config.digest)).catch(reportUnexpected);
  }
  return manifest;
}

/** The page's own query parameters, as in its link: `sort` (each view reads its own sorts), `namespace` (Docker Hub). */
export interface PrefetchSearch {
  sort?: string;
  namespace?: string;
}

/**
 * Docker Hub: an index's entries described by the Hub API (one request, no pull), under the keys
 * of the index rows. No endpoint answers this: only a page being rendered asks, and without it
 * the rows offer to read the entries (each a pull).
 */
async function fillHubIndexDetails(queryClient: QueryClient, scope: RequestScope, host: string, repository: string, tag: string): Promise<void> {
  const client = await clientFor(host, scope);
  const details = await fetchHubIndexDetails(client, repository, tag).catch((e: unknown) => {
    reportUnexpected(e);
    return [];
  });
  for (const detail of details) queryClient.setQueryData(keys.detail(host, repository, detail.reference), detail);
}

async function fill(queryClient: QueryClient, scope: RequestScope, target: PrefetchTarget, search: PrefetchSearch, detailsUntil: number): Promise<void> {
  const { host } = target;
  const traits = traitsOf(host);
  switch (target.kind) {
    case 'registry':
      if (traits.listing === 'namespaces') {
        // Who is signed in decides what the page shows: their namespace, or a request for one,
        // which needs no request to Docker Hub at all.
        const session = await queryClient.fetchQuery(sessionQueryOptions());
        const namespace = normaliseNamespace(search.namespace ?? '');
        if (!namespace && !signedInAs(session, host)) return;
        await queryClient.fetchInfiniteQuery(namespaceQueryOptions(host, namespace, parseHubSort(search.sort)));
        return;
      }
      await queryClient.fetchInfiniteQuery(repositoriesQueryOptions(host));
      return;
    case 'repository': {
      const tags = await queryClient.fetchInfiniteQuery(tagsQueryOptions(host, target.repository));
      // The rows on the first screen arrive with their size, date and platforms (where the tag
      // list carries them, they came with it already).
      const described = new Set(tags.pages.flatMap((p) => p.details ?? []).map((d) => d.reference));
      const sort = parseSort(search.sort, traits.tagOrder);
      await fillDetails(
        queryClient,
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
      const manifest = await fillManifest(queryClient, host, target.repository, reference);
      // An index's rows show each entry's size and date. On Docker Hub the Hub API describes what
      // it can, and nothing more is read: every child manifest read would cost the person a pull
      // (the page offers to read the rest). Elsewhere the child manifests do.
      if (manifest.kind === 'index') {
        if (traits.readsArePulls) {
          if (target.kind === 'tag') await fillHubIndexDetails(queryClient, scope, host, target.repository, target.tag);
          return;
        }
        await fillDetails(queryClient, target, manifest.manifests.map((m) => m.digest).slice(0, 100), detailsUntil);
      }
      return;
    }
    case 'compare': {
      // Two images (or indexes) and their configs; an index's platform images the browser asks for.
      const references = [target.a, target.b].filter((r): r is string => r !== undefined);
      await Promise.all(references.map((reference) => fillManifest(queryClient, host, target.repository, reference)));
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
  const scope = await renderScope();
  const queryClient = renderQueryClient(serverSource(scope));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, PREFETCH_BUDGET_MS);
  });
  try {
    await Promise.race([fill(queryClient, scope, target, options, detailsUntil).catch(reportUnexpected), budget]);
  } finally {
    clearTimeout(timer);
  }
  // Only successful queries are dehydrated (TanStack's default): failed or still-running ones
  // are left for the client to fetch.
  return dehydrate(queryClient);
}
