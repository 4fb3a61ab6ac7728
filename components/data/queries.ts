import { infiniteQueryOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import { isDigest } from '@/lib/registry/reference';
import { traitsOf } from '@/lib/registry/traits';
import { seedDetails } from './details';
import { keys, type DocumentKind } from './keys';
import { hubOrdering, type HubSort } from './namespaces';
import { nextCursor } from './pagination';
import { laterPullLimit, readingManifests } from './pull-limit';
import { sourceOf } from './source';

// The query options of every read: its key (./keys.ts) and its query function, which asks its
// QueryClient's source (./source.ts). The browser's hooks and the page prefetch use the same
// options, so a prefetched entry is exactly the one the hook reads.

/** Content addressed by digest never changes: cache it for the life of the tab. */
const immutable = { staleTime: Infinity, refetchOnWindowFocus: false } as const;

export function sessionQueryOptions() {
  return queryOptions({
    queryKey: keys.session,
    queryFn: ({ client, signal }) => sourceOf(client).session({}, { signal }),
  });
}

/**
 * The first page is small, so the list paints fast; later pages are large (registries cap `n` at
 * 1000), so a Filter that must see every repository needs few round trips.
 */
export function repositoryPageSize(cursor: string | null): number {
  return cursor === null ? 100 : 1000;
}

export function repositoriesQueryOptions(host: string) {
  return infiniteQueryOptions({
    queryKey: keys.repositories(host),
    queryFn: ({ client, pageParam, signal }) =>
      sourceOf(client).repositories({ host, cursor: pageParam ?? undefined, n: repositoryPageSize(pageParam) }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });
}

/** A namespace's repositories (`namespace` empty: the signed-in account's own), in the registry's order for `sort`. */
export function namespaceQueryOptions(host: string, namespace: string, sort: HubSort) {
  return infiniteQueryOptions({
    queryKey: keys.namespace(host, namespace, sort),
    queryFn: ({ client, pageParam, signal }) =>
      sourceOf(client).namespace({ host, namespace, ordering: hubOrdering(sort), cursor: pageParam ?? undefined }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });
}

export const TAG_PAGE_SIZE = 1000;

/**
 * A repository's tags, page by page. Where a tag list carries its tags' details (Docker Hub),
 * they go straight into the rows' own detail queries, so no row asks for them.
 */
export function tagsQueryOptions(host: string, repository: string) {
  return infiniteQueryOptions({
    queryKey: keys.tags(host, repository),
    queryFn: async ({ client, pageParam, signal }) => {
      const body = await sourceOf(client).tags({ host, repository, cursor: pageParam ?? undefined, n: TAG_PAGE_SIZE }, { signal });
      seedDetails(client, host, repository, body.details ?? []);
      return body;
    },
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });
}

/** `reference` is a tag or a digest; by digest it never goes stale, a tag may move. */
export function manifestQueryOptions(host: string, repository: string, reference: string) {
  return queryOptions({
    queryKey: keys.manifest(host, repository, reference),
    queryFn: ({ client, signal }) => readingManifests(client, host, sourceOf(client).manifest({ host, repository, reference }, { signal })),
    ...(isDigest(reference) ? immutable : {}),
  });
}

/**
 * Hovering a link to a manifest usually means opening it next: have it ready. Not where a read is
 * a pull (Docker Hub), whose limit a hover must not spend.
 */
export function prefetchManifest(client: QueryClient, host: string, repository: string, reference: string): void {
  if (!traitsOf(host).readsArePulls) void client.prefetchQuery(manifestQueryOptions(host, repository, reference));
}

export function configQueryOptions(host: string, repository: string, digest: string) {
  return queryOptions({
    queryKey: keys.config(host, repository, digest),
    queryFn: ({ client, signal }) => sourceOf(client).config({ host, repository, digest }, { signal }),
    ...immutable,
  });
}

/** A directory of an image's files (`layer`: one layer on its own): what a digest holds never changes. */
export function filesQueryOptions(host: string, repository: string, digest: string, options: { layer?: number; path: string }) {
  const { layer, path } = options;
  return queryOptions({
    queryKey: keys.files(host, repository, digest, layer ?? 0, path),
    queryFn: ({ client, signal }) => sourceOf(client).files({ host, repository, digest, path, layer }, { signal }),
    ...immutable,
    retry: false,
  });
}

/** How far the layers of an image have been read, asked every `everyMs` while they are; with `path`, what that directory holds so far. */
export function filesProgressQueryOptions(host: string, repository: string, digest: string, everyMs: number, path?: string) {
  return queryOptions({
    queryKey: keys.filesProgress(host, repository, digest, path ?? ''),
    queryFn: ({ client, signal }) => sourceOf(client).filesProgress({ host, repository, digest, path }, { signal }),
    refetchInterval: everyMs,
    staleTime: 0,
    gcTime: 0,
  });
}

/** What changed from image `a` to image `b` (digests) at and below `path`: never changes either. */
export function filesDiffQueryOptions(host: string, repository: string, a: string, b: string, path: string) {
  return queryOptions({
    queryKey: keys.filesDiff(host, repository, a, b, path),
    queryFn: ({ client, signal }) => sourceOf(client).filesDiff({ host, repository, a, b, path }, { signal }),
    ...immutable,
    retry: false,
  });
}

/** One file of an image and the start of its content. */
export function fileQueryOptions(host: string, repository: string, digest: string, path: string) {
  return queryOptions({
    queryKey: keys.file(host, repository, digest, path),
    queryFn: ({ client, signal }) => sourceOf(client).file({ host, repository, digest, path }, { signal }),
    ...immutable,
    retry: false,
  });
}

/** Referrers can be added to a digest later (a new signature), so these stay normally fresh. */
export function referrersQueryOptions(host: string, repository: string, digest: string) {
  return queryOptions({
    queryKey: keys.referrers(host, repository, digest),
    queryFn: ({ client, signal }) => sourceOf(client).referrers({ host, repository, digest }, { signal }),
    refetchOnWindowFocus: false,
  });
}

/** A document by digest exactly as the registry sent it: never changes. */
export function documentQueryOptions(host: string, repository: string, digest: string, kind: DocumentKind) {
  return queryOptions({
    queryKey: keys.document(host, repository, digest, kind),
    queryFn: ({ client, signal }) => sourceOf(client).document({ host, repository, digest, kind }, { signal }),
    ...immutable,
  });
}

/**
 * What Berth last read of the pull limit: asks Berth only, never the registry. Afterwards the
 * answers that read manifests bring it (./pull-limit.ts); an answer to this that is older than
 * what they brought meanwhile does not replace it.
 */
export function pullLimitQueryOptions(host: string) {
  return queryOptions({
    queryKey: keys.pullLimit(host),
    queryFn: async ({ client, signal }) => {
      const arrived = await sourceOf(client).pullLimit({ host }, { signal });
      return laterPullLimit(client.getQueryData(keys.pullLimit(host)), arrived);
    },
    staleTime: 0,
    refetchOnWindowFocus: false,
  });
}

/**
 * A diagnosis explains the registry as it is now: run afresh on every visit and by Run again,
 * never from the tab's cache, never retried behind the person's back (each run costs requests).
 */
export function diagnosisQueryOptions(host: string, repository: string | undefined) {
  return queryOptions({
    queryKey: keys.diagnosis(host, repository),
    queryFn: ({ client, signal }) => sourceOf(client).diagnose({ host, repository }, { signal }),
    staleTime: 0,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}
