import 'server-only';
import type { Endpoints } from '@/lib/api/endpoints';
import type { CarriesPullLimit } from '@/lib/api/types';
import { traitsOf, type RegistryClient } from '@/lib/registry';
import type { Answer } from './api';
import {
  deleteReference,
  fetchConfigBody,
  fetchDeletionBody,
  fetchDetailsBody,
  fetchDocumentBody,
  fetchHubRepositoriesBody,
  fetchManifestBody,
  fetchPullLimitBody,
  fetchReferrersBody,
  fetchRepositoriesBody,
  fetchTagsBody,
} from './browse';
import { fetchFileBody, fetchFilesBody, fetchFilesDiffBody, fetchFilesProgressBody } from './files';

// What each registry endpoint of lib/api/endpoints.ts answers, from the client for its host and
// the query its row read: the route handler under app/api/registries/[host]/ calls it with the
// request's client (./api.ts browseRoute).

/**
 * Where every manifest read counts against a pull limit (the registry's traits), an answer that
 * read manifests carries the limit as this connection knows it now: the browser keeps it for the
 * views that show it (components/data) instead of asking again.
 */
async function withPullLimit<B extends CarriesPullLimit>(client: RegistryClient, body: B): Promise<B> {
  return traitsOf(client.host).pullLimit ? { ...body, pullLimit: await fetchPullLimitBody(client) } : body;
}

type RegistryEndpoint =
  | 'repositories'
  | 'namespace'
  | 'tags'
  | 'manifest'
  | 'deleteManifest'
  | 'config'
  | 'document'
  | 'referrers'
  | 'details'
  | 'files'
  | 'filesProgress'
  | 'filesDiff'
  | 'file'
  | 'deletion'
  | 'pullLimit';

export const answers: { [K in RegistryEndpoint]: Answer<Endpoints[K]> } = {
  repositories: (client, query) => fetchRepositoriesBody(client, { n: query.n ?? 100, cursor: query.cursor }),
  namespace: (client, query) =>
    fetchHubRepositoriesBody(client, { namespace: query.namespace, ordering: query.ordering ?? 'last_updated', cursor: query.cursor }),
  tags: (client, query) => fetchTagsBody(client, query.repository, { n: query.n ?? 1000, cursor: query.cursor }),
  manifest: async (client, query, host) => withPullLimit(client, await fetchManifestBody(client, host, query.repository, query.reference)),
  deleteManifest: (client, query) => deleteReference(client, query.repository, query.reference),
  config: (client, query, host) => fetchConfigBody(client, host, query.repository, query.digest),
  document: (client, query) => fetchDocumentBody(client, query.repository, query.digest, query.kind),
  referrers: (client, query) => fetchReferrersBody(client, query.repository, query.digest, query.artifactType),
  details: async (client, query, _host, signal) =>
    withPullLimit(client, await fetchDetailsBody(client, query.repository, query.ref, signal, { fresh: query.fresh === true, pulls: query.pulls === true })),
  files: (client, { repository, digest, path, layer }) => fetchFilesBody(client, repository, digest, { path, layer }),
  filesProgress: (client, query) => fetchFilesProgressBody(client, query.repository, query.digest, query.path),
  filesDiff: (client, query) => fetchFilesDiffBody(client, query.repository, query.a, query.b, query.path),
  file: (client, query) => fetchFileBody(client, query.repository, query.digest, query.path),
  deletion: (client, query) => fetchDeletionBody(client, query.repository),
  pullLimit: (client, { repository, reference }) => fetchPullLimitBody(client, repository && reference ? { repository, reference } : undefined),
};
