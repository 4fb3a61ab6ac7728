import 'server-only';
import type { ImageConfigView, ManifestView, RepositoryPage, TagPage } from '@/lib/api-types';
import { configView, isDigest, manifestView, parseImageConfig, type RegistryClient } from '@/lib/registry';

// The JSON bodies of the browse routes, built once here so the route handlers (app/api/…) and
// the server prefetch of pages (./prefetch.ts) cannot drift apart.

export interface PageRequest {
  n: number;
  cursor?: string;
}

export async function repositoryPage(client: RegistryClient, page: PageRequest): Promise<RepositoryPage> {
  const result = await client.listRepositories(page);
  return { repositories: result.items, next: result.next };
}

export async function tagPage(client: RegistryClient, repository: string, page: PageRequest): Promise<TagPage> {
  const result = await client.listTags(repository, page);
  return { name: repository, tags: result.items, next: result.next };
}

/** `reference` is a tag or a digest; by tag, the view remembers the tag it was opened by. */
export async function manifestBody(client: RegistryClient, host: string, repository: string, reference: string): Promise<ManifestView> {
  const manifest = await client.getManifest(repository, reference);
  return manifestView(host, repository, isDigest(reference) ? {} : { tag: reference }, manifest);
}

export async function configBody(client: RegistryClient, host: string, repository: string, digest: string): Promise<ImageConfigView> {
  const bytes = await client.getBlob(repository, digest);
  return configView(digest, parseImageConfig(bytes, host));
}
