import 'server-only';
import { configBodyOf, documentBodyOf, manifestBodyOf } from '@/lib/api/bodies';
import type {
  DeletedBody,
  DeletionBody,
  DetailsBody,
  DocumentBody,
  HubRepositoriesBody,
  ImageConfigBody,
  ManifestBody,
  PullLimitBody,
  ReferenceDetail,
  ReferenceDetailError,
  ReferrersBody,
  RepositoriesBody,
  TagsBody,
} from '@/lib/api/types';
import {
  DOCKER_HUB,
  RegistryError,
  isDigest,
  parseImageConfig,
  secondsUntilRetry,
  traitsOf,
  type HubOrdering,
  type ManifestSummary,
  type RegistryClient,
} from '@/lib/registry';

// The JSON bodies of the browse routes, fetched through the protocol core and shaped once here,
// so the route handlers (app/api/registries/…) and the pages' server prefetch cannot drift apart.

/**
 * The registry's vendor API (Docker Hub's), where its traits (lib/registry/traits.ts) say Berth
 * reads `what` through it; undefined where the distribution API is all there is.
 */
function vendorApi(client: RegistryClient, what: 'namespaces' | 'tagDetails') {
  const traits = traitsOf(client.host);
  const used = what === 'namespaces' ? traits.listing === 'namespaces' : traits.tagListsCarryDetails;
  return used ? client.hub : undefined;
}

export interface PageRequest {
  n: number;
  cursor?: string;
}

export async function fetchRepositoriesBody(client: RegistryClient, page: PageRequest): Promise<RepositoriesBody> {
  const result = await client.listRepositories(page);
  return { repositories: result.items, next: result.next, ...(result.invalid ? { invalid: result.invalid } : {}) };
}

export async function fetchTagsBody(client: RegistryClient, repository: string, page: PageRequest): Promise<TagsBody> {
  const hub = vendorApi(client, 'tagDetails');
  if (hub) {
    // Docker Hub: the Hub API lists tags with their details, 100 a page, newest first.
    const result = await hub.listTags(repository, { cursor: page.cursor });
    const details = result.items.flatMap((t): ReferenceDetail[] => (t.summary ? [{ reference: t.name, ...t.summary }] : []));
    return {
      name: repository,
      tags: result.items.map((t) => t.name),
      next: result.next,
      details,
      ...(result.count !== undefined ? { count: result.count } : {}),
      ...(result.invalid ? { invalid: result.invalid } : {}),
    };
  }
  const result = await client.listTags(repository, page);
  return { name: repository, tags: result.items, next: result.next, ...(result.invalid ? { invalid: result.invalid } : {}) };
}

/** Docker Hub: a namespace's repositories from the Hub API; no namespace means the signed-in account's. */
export async function fetchHubRepositoriesBody(
  client: RegistryClient,
  request: { namespace?: string; ordering: HubOrdering; cursor?: string },
): Promise<HubRepositoriesBody> {
  const hub = vendorApi(client, 'namespaces');
  if (!hub)
    throw new RegistryError({ code: 'INVALID_REQUEST', host: client.host, message: `${client.host} is not Docker Hub: only Docker Hub lists namespaces.` });
  const namespace = request.namespace || hub.username?.toLowerCase();
  if (!namespace) {
    throw new RegistryError({
      code: 'NAMESPACE_REQUIRED',
      host: DOCKER_HUB,
      message: 'Docker Hub lists the repositories of one namespace at a time: name one (library holds the official images), or sign in to see your own.',
    });
  }
  const result = await hub.listRepositories(namespace, { ordering: request.ordering, cursor: request.cursor });
  return {
    namespace,
    repositories: result.items.map(({ namespace: _namespace, ...repository }) => repository),
    next: result.next,
    ...(result.count !== undefined ? { count: result.count } : {}),
    ...(result.invalid ? { invalid: result.invalid } : {}),
  };
}

/** The pull limit this connection last saw; with a tag or digest, read now with a HEAD (no pull). */
export async function fetchPullLimitBody(client: RegistryClient, check?: { repository: string; reference: string }): Promise<PullLimitBody> {
  const limit = check ? await client.checkPullLimit(check.repository, check.reference) : client.pullLimit();
  const wait = secondsUntilRetry(limit);
  return { pullLimit: limit ? { ...limit, ...(wait !== undefined ? { retryAfter: wait } : {}) } : null, anonymous: client.anonymous };
}

/**
 * Docker Hub: the details of an index's entries, by digest, from the Hub API's description of the
 * tag that names the index (one request, no pull). Empty elsewhere.
 */
export async function fetchHubIndexDetails(client: RegistryClient, repository: string, tag: string): Promise<ReferenceDetail[]> {
  const hub = vendorApi(client, 'tagDetails');
  if (!hub) return [];
  const described = await hub.getTag(repository, tag);
  return (described.images ?? []).map((image) => ({ reference: image.digest, ...image }));
}

/** `reference` is a tag or a digest; by tag, the body remembers the tag it was opened by. */
export async function fetchManifestBody(client: RegistryClient, host: string, repository: string, reference: string): Promise<ManifestBody> {
  const manifest = await client.getManifest(repository, reference);
  return manifestBodyOf(host, repository, isDigest(reference) ? {} : { tag: reference }, manifest);
}

export async function fetchConfigBody(client: RegistryClient, host: string, repository: string, digest: string): Promise<ImageConfigBody> {
  const bytes = await client.getBlob(repository, digest);
  return configBodyOf(digest, parseImageConfig(bytes, host));
}

/** A manifest (`kind` 'manifest') or a blob such as a config, by digest, as the registry sent it. */
export async function fetchDocumentBody(client: RegistryClient, repository: string, digest: string, kind: 'manifest' | 'blob'): Promise<DocumentBody> {
  // A blob is shown only if it is a JSON document (a config), read no further than 1 MiB.
  const document = kind === 'manifest' ? await client.getManifest(repository, digest) : await client.getJsonDocument(repository, digest);
  return documentBodyOf(digest, document.bytes, document.headers);
}

export async function fetchDeletionBody(client: RegistryClient, repository: string): Promise<DeletionBody> {
  return { repository, deletes: await client.deletionKind(repository) };
}

/** By digest: the manifest (and on most registries its tags); by tag: that tag alone, where the registry can. */
export async function deleteReference(client: RegistryClient, repository: string, reference: string): Promise<DeletedBody> {
  if (isDigest(reference)) {
    await client.deleteManifest(repository, reference);
    return { repository, reference };
  }
  const deleted = await client.deleteTag(repository, reference);
  return { repository, reference, manifest: { digest: deleted.digest, kept: deleted.manifestKept } };
}

export async function fetchReferrersBody(client: RegistryClient, repository: string, digest: string, artifactType?: string): Promise<ReferrersBody> {
  const result = await client.getReferrers(repository, digest, artifactType);
  return { referrers: result.referrers, source: result.source };
}

/** Tags of one details request described at once (the registry's own limit applies too). */
const DETAILS_CONCURRENCY = 8;

/**
 * Summaries of several tags or digests in one answer. Each fails on its own (a tag deleted
 * meanwhile), except a refusal to an anonymous or expired sign-in, which concerns them all.
 */
export async function fetchDetailsBody(
  client: RegistryClient,
  repository: string,
  references: string[],
  signal?: AbortSignal,
  options: { fresh?: boolean; pulls?: boolean } = {},
): Promise<DetailsBody> {
  const unique = [...new Set(references)];
  const details: Array<ReferenceDetail | ReferenceDetailError> = new Array(unique.length);
  let next = 0;
  // A few at a time, so that when the browser goes away (Cancel, another page) the rest are never asked.
  const worker = async () => {
    for (let i = next++; i < unique.length; i = next++) {
      const reference = unique[i] ?? '';
      if (signal?.aborted) {
        details[i] = { reference, error: { code: 'INVALID_REQUEST', message: 'The request was cancelled.' } };
        continue;
      }
      try {
        const summary = isDigest(reference)
          ? await client.describeDigest(repository, reference, options)
          : await describeTag(client, repository, reference, options);
        details[i] = { reference, ...summary };
      } catch (e) {
        // These concern the whole request, not one row: signing in, a reference that cannot be, the
        // person gone, Berth too busy for this client right now (503: the browser asks again later).
        if (!(e instanceof RegistryError) || ['UNAUTHORIZED', 'INVALID_REFERENCE', 'CANCELLED', 'BUSY'].includes(e.code)) throw e;
        details[i] = { reference, error: { code: e.code, message: e.message } };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(DETAILS_CONCURRENCY, unique.length) }, worker));
  return { repository, details };
}

/**
 * A tag's summary. On Docker Hub from the Hub API (a manifest GET there counts against the pull
 * limit); the registry only for a tag the Hub describes too little (no digest).
 */
async function describeTag(client: RegistryClient, repository: string, tag: string, options: { fresh?: boolean; pulls?: boolean }): Promise<ManifestSummary> {
  const hub = vendorApi(client, 'tagDetails');
  const fromHub = hub ? (await hub.getTag(repository, tag)).summary : undefined;
  return fromHub ?? client.describeTag(repository, tag, options);
}
