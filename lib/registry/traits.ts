// What Berth knows of a registry from its host alone: how it lists, what its tag lists carry,
// whether reading costs pulls, whether Berth offers deleting there. The one place that says
// "Docker Hub is different" (and, as more registries get their vendor APIs, says how each is).
// Browser-safe: no Node.js, no fetching; views, the server's fetchers and the prefetch all ask it.
import { DOCKER_HUB } from './reference';

export interface RegistryTraits {
  /** How its repositories are listed: the registry's `_catalog`, or a vendor API's namespaces. */
  listing: 'catalog' | 'namespaces';
  /** Whether a tag list comes with each tag's digest, size, date and platforms (from a vendor API). */
  tagListsCarryDetails: boolean;
  /** The order the registry lists tags in: by name (the distribution spec), or newest first (Docker Hub's API). */
  tagOrder: 'name' | 'newest';
  /** Whether reading a manifest counts as a pull against the reader's limit: then Berth reads one only when asked. */
  readsArePulls: boolean;
  /** Whether the registry reports a pull limit on manifest answers (shown on its views). */
  pullLimit: boolean;
  /** Whether Berth offers deleting there (Docker Hub's registry API deletes nothing). */
  deletes: boolean;
  /** The sign-in form's hint for this registry, if it needs one. */
  signInHint?: string;
  /** An example repository name for this registry's "open by name" box. */
  exampleRepository: string;
}

const GENERIC: RegistryTraits = {
  listing: 'catalog',
  tagListsCarryDetails: false,
  tagOrder: 'name',
  readsArePulls: false,
  pullLimit: false,
  deletes: true,
  exampleRepository: 'owner/name',
};

const DOCKER_HUB_TRAITS: RegistryTraits = {
  listing: 'namespaces',
  tagListsCarryDetails: true,
  tagOrder: 'newest',
  readsArePulls: true,
  pullLimit: true,
  deletes: false,
  signInHint:
    'Docker Hub: your Docker ID and password, or a personal access token (dckr_pat_…), which accounts with two-factor authentication need; for an organisation, its name and an organisation access token.',
  exampleRepository: 'library/alpine',
};

export function traitsOf(host: string): RegistryTraits {
  return host === DOCKER_HUB ? DOCKER_HUB_TRAITS : GENERIC;
}
