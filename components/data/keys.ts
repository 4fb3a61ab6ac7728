import type { HubSort } from './namespaces';

// Every query key of the tab's cache. Every query about one registry lives under
// ['registry', host], so signing in or out of a registry can drop exactly its cached data.

const registry = (host: string) => ['registry', host] as const;
const details = (host: string, repository: string) => [...registry(host), 'details', repository] as const;

/** A manifest (or index), or a blob such as an image config. */
export type DocumentKind = 'manifest' | 'blob';

export const keys = {
  /** Every registry's queries (signing out of all drops them). */
  registries: ['registry'] as const,
  registry,
  session: ['session'] as const,
  repositories: (host: string) => [...registry(host), 'repositories'] as const,
  /** A namespace's repositories (Docker Hub); `namespace` as in the link: empty for the signed-in account's own. */
  namespace: (host: string, namespace: string, sort: HubSort) => [...registry(host), 'hub-repositories', namespace, sort] as const,
  tags: (host: string, repository: string) => [...registry(host), 'tags', repository] as const,
  manifest: (host: string, repository: string, reference: string) => [...registry(host), 'manifest', repository, reference] as const,
  config: (host: string, repository: string, digest: string) => [...registry(host), 'config', repository, digest] as const,
  referrers: (host: string, repository: string, digest: string) => [...registry(host), 'referrers', repository, digest] as const,
  document: (host: string, repository: string, digest: string, kind: DocumentKind) => [...registry(host), 'document', repository, kind, digest] as const,
  /** Every tag's and digest's details in a repository: one query each. */
  details,
  detail: (host: string, repository: string, reference: string) => [...details(host, repository), reference] as const,
  /** An image's files: a directory of all its layers merged (`layer` 0) or of one layer. */
  files: (host: string, repository: string, digest: string, layer: number, path: string) =>
    [...registry(host), 'files', repository, digest, layer, path] as const,
  filesDiff: (host: string, repository: string, a: string, b: string, path: string) => [...registry(host), 'files-diff', repository, a, b, path] as const,
  filesProgress: (host: string, repository: string, digest: string, path: string) => [...registry(host), 'files-progress', repository, digest, path] as const,
  file: (host: string, repository: string, digest: string, path: string) => [...registry(host), 'file', repository, digest, path] as const,
  pullLimit: (host: string) => [...registry(host), 'pull-limit'] as const,
  /** Whether and how the person can delete in a repository: asked each time the dialog opens. */
  deletionCheck: (host: string, repository: string) => [...registry(host), 'deletion', repository] as const,
  /** What was deleted last in a repository, for the tag list to say so. */
  deleted: (host: string, repository: string) => [...registry(host), 'deleted', repository] as const,
  /** Registries that answered that deletion is turned off: the Delete button is not shown there. */
  deletionOff: (host: string) => [...registry(host), 'deletion-off'] as const,
  diagnosis: (host: string, repository: string | undefined) => [...registry(host), 'diagnose', repository ?? ''] as const,
};
