import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { endpoints } from '@/lib/api/endpoints';
import type { PullLimitBody, SignInRequest } from '@/lib/api/types';
import { send } from './fetch';
import { keys } from './keys';
import { notePullLimit } from './pull-limit';
import { sourceOf } from './source';

// What the person does from the browser, not what a page reads: signing in and out, deleting, and
// the checks that send a registry something when asked (never prefetched, never on the server).

export function signIn(request: SignInRequest) {
  return send(endpoints.signIn, {}, { body: JSON.stringify(request) });
}

export function signOut(host: string) {
  return send(endpoints.signOut, { host });
}

export function signOutOfAll() {
  return send(endpoints.signOutOfAll, {});
}

/**
 * Whether and how the person may delete in a repository. The check sends the registry a DELETE
 * (of a tag nobody made): it runs when the person has pressed Delete, never ahead, and is never
 * reused from an earlier opening.
 */
export function deletionCheckOptions(host: string, repository: string) {
  return queryOptions({
    queryKey: keys.deletionCheck(host, repository),
    queryFn: ({ signal }) => send(endpoints.deletion, { host, repository }, { signal }),
    retry: false,
    staleTime: 0,
    gcTime: 0,
    refetchOnWindowFocus: false,
  });
}

/** By digest: the manifest (and on most registries its tags); by tag: that tag alone, where the registry can. */
export function deleteReference(host: string, repository: string, reference: string) {
  return send(endpoints.deleteManifest, { host, repository, reference });
}

/** The pull limit read now, with a HEAD of a tag that exists (Docker Hub does not count a HEAD as a pull), and kept for the views. */
export async function checkPullLimit(client: QueryClient, host: string, repository: string, reference: string): Promise<PullLimitBody> {
  return notePullLimit(client, host, await sourceOf(client).pullLimit({ host, repository, reference }));
}
