import 'server-only';
import type { Endpoints } from '@/lib/api/endpoints';
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

// What each registry endpoint of lib/api/endpoints.ts answers, from the client for its host and
// the query its row read: the route handler under app/api/registries/[host]/ calls it with the
// request's client (./api.ts browseRoute).

type RegistryEndpoint =
  'repositories' | 'namespace' | 'tags' | 'manifest' | 'deleteManifest' | 'config' | 'document' | 'referrers' | 'details' | 'deletion' | 'pullLimit';

export const answers: { [K in RegistryEndpoint]: Answer<Endpoints[K]> } = {
  repositories: (client, query) => fetchRepositoriesBody(client, { n: query.n ?? 100, cursor: query.cursor }),
  namespace: (client, query) =>
    fetchHubRepositoriesBody(client, { namespace: query.namespace, ordering: query.ordering ?? 'last_updated', cursor: query.cursor }),
  tags: (client, query) => fetchTagsBody(client, query.repository, { n: query.n ?? 1000, cursor: query.cursor }),
  manifest: (client, query, host) => fetchManifestBody(client, host, query.repository, query.reference),
  deleteManifest: (client, query) => deleteReference(client, query.repository, query.reference),
  config: (client, query, host) => fetchConfigBody(client, host, query.repository, query.digest),
  document: (client, query) => fetchDocumentBody(client, query.repository, query.digest, query.kind),
  referrers: (client, query) => fetchReferrersBody(client, query.repository, query.digest, query.artifactType),
  details: (client, query, _host, signal) =>
    fetchDetailsBody(client, query.repository, query.ref, signal, { fresh: query.fresh === true, pulls: query.pulls === true }),
  deletion: (client, query) => fetchDeletionBody(client, query.repository),
  pullLimit: (client, { repository, reference }) => fetchPullLimitBody(client, repository && reference ? { repository, reference } : undefined),
};
