import type { SessionBody } from '@/lib/api/types';
import type { HubOrdering } from '@/lib/registry/hub';

// Registries that list repositories a namespace at a time (traits `listing: 'namespaces'`: Docker
// Hub's API): the orders a namespace can be listed in, as written in the page's link.

export const HUB_SORTS = ['updated', 'name', 'pulls'] as const;
export type HubSort = (typeof HUB_SORTS)[number];
/** Docker Hub's own default: the most recently updated first. */
export const DEFAULT_HUB_SORT: HubSort = 'updated';

const ORDERING: Record<HubSort, HubOrdering> = { updated: 'last_updated', name: 'name', pulls: 'pull_count' };

export function parseHubSort(value: string | null | undefined): HubSort {
  return HUB_SORTS.includes(value as HubSort) ? (value as HubSort) : DEFAULT_HUB_SORT;
}

/** The Hub API's ordering for a sort: the Hub sorts, so every page arrives in order. */
export const hubOrdering = (sort: HubSort): HubOrdering => ORDERING[sort];

/** A namespace as typed in the box: trimmed, lower case, a leading `docker.io/` or trailing `/` dropped. */
export function normaliseNamespace(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^(?:https?:\/\/)?(?:hub\.docker\.com\/(?:u|r|orgs)\/|docker\.io\/)/, '')
    .replace(/\/+$/, '');
}

/** Who is signed in to `host` in this session (their namespace there); null when anonymous or not signed in. */
export function signedInAs(session: SessionBody | undefined, host: string): string | null {
  return session?.registries.find((r) => r.host === host)?.username || null;
}
