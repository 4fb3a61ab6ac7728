import { queryOptions, type QueryClient } from '@tanstack/react-query';
import type { DocumentBody, ImageConfigBody, ManifestBody, ReferrersBody } from '@/lib/api/types';
import { isDigest } from '@/lib/registry/reference';
import { traitsOf } from '@/lib/registry/traits';
import { apiFetch, registryApiPath } from '@/components/api/client';
import { registryKeys } from '@/components/api/registry-keys';

export const manifestKeys = {
  manifest: (host: string, repository: string, reference: string) => [...registryKeys.host(host), 'manifest', repository, reference] as const,
  config: (host: string, repository: string, digest: string) => [...registryKeys.host(host), 'config', repository, digest] as const,
  referrers: (host: string, repository: string, digest: string) => [...registryKeys.host(host), 'referrers', repository, digest] as const,
  document: (host: string, repository: string, digest: string, kind: DocumentKind) =>
    [...registryKeys.host(host), 'document', repository, kind, digest] as const,
};

/** A manifest (or index), or a blob such as an image config. */
export type DocumentKind = 'manifest' | 'blob';

/** Content addressed by digest never changes: cache it for the life of the tab. */
const immutable = { staleTime: Infinity, refetchOnWindowFocus: false } as const;

/** `reference` is a tag or a digest; by digest it never goes stale, a tag may move. */
export function manifestQueryOptions(host: string, repository: string, reference: string) {
  return queryOptions({
    queryKey: manifestKeys.manifest(host, repository, reference),
    queryFn: ({ signal }) => apiFetch<ManifestBody>(registryApiPath(host, 'manifest', { repository, reference }), { signal }),
    ...(isDigest(reference) ? immutable : {}),
  });
}

/**
 * Hovering a link to a manifest usually means opening it next: have it ready. Not where a read is
 * a pull (Docker Hub), whose limit a hover must not spend.
 */
export function prefetchManifest(queryClient: QueryClient, host: string, repository: string, reference: string): void {
  if (!traitsOf(host).readsArePulls) void queryClient.prefetchQuery(manifestQueryOptions(host, repository, reference));
}

export function configQueryOptions(host: string, repository: string, digest: string) {
  return queryOptions({
    queryKey: manifestKeys.config(host, repository, digest),
    queryFn: ({ signal }) => apiFetch<ImageConfigBody>(registryApiPath(host, 'config', { repository, digest }), { signal }),
    ...immutable,
  });
}

/** Referrers can be added to a digest later (a new signature), so these stay normally fresh. */
export function referrersQueryOptions(host: string, repository: string, digest: string) {
  return queryOptions({
    queryKey: manifestKeys.referrers(host, repository, digest),
    queryFn: ({ signal }) => apiFetch<ReferrersBody>(registryApiPath(host, 'referrers', { repository, digest }), { signal }),
    refetchOnWindowFocus: false,
  });
}

/** A document by digest exactly as the registry sent it: never changes. */
export function documentQueryOptions(host: string, repository: string, digest: string, kind: DocumentKind) {
  return queryOptions({
    queryKey: manifestKeys.document(host, repository, digest, kind),
    queryFn: ({ signal }) => apiFetch<DocumentBody>(registryApiPath(host, 'document', { repository, digest, kind }), { signal }),
    ...immutable,
  });
}
