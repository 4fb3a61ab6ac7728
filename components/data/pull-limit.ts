import type { QueryClient } from '@tanstack/react-query';
import type { CarriesPullLimit, PullLimitBody } from '@/lib/api/types';
import { traitsOf } from '@/lib/registry/traits';
import { keys } from './keys';

// Where every manifest read counts against a pull limit (Docker Hub), the answers that read
// manifests carry the limit as Berth knows it after them (lib/api/types.ts CarriesPullLimit). The
// read that brought them keeps them under the registry's pull-limit key, which the views showing
// the limit read: nothing else has to watch for manifest reads.

/** The later of two readings; one that has seen no limit yet never hides one that has. */
export function laterPullLimit(known: PullLimitBody | undefined, arrived: PullLimitBody): PullLimitBody {
  if (!known?.pullLimit) return arrived;
  if (!arrived.pullLimit) return known;
  return Date.parse(arrived.pullLimit.observedAt) >= Date.parse(known.pullLimit.observedAt) ? arrived : known;
}

/** Keeps a reading of `host`'s pull limit, unless the tab already holds a later one. */
export function notePullLimit(client: QueryClient, host: string, arrived: PullLimitBody): PullLimitBody {
  return client.setQueryData<PullLimitBody>(keys.pullLimit(host), (known) => laterPullLimit(known, arrived)) ?? arrived;
}

/**
 * A read of manifests from `host`: the pull limit its answer carries is kept (and left out of the
 * answer, whose own cache entry may outlive it). A failed read carries none though it may have
 * used the limit up (a 429): the limit is then asked for again, where a view shows it.
 */
export async function readingManifests<B extends CarriesPullLimit>(client: QueryClient, host: string, read: Promise<B>): Promise<B> {
  try {
    const { pullLimit, ...body } = await read;
    if (pullLimit) notePullLimit(client, host, pullLimit);
    return body as B;
  } catch (e) {
    if (traitsOf(host).pullLimit) void client.invalidateQueries({ queryKey: keys.pullLimit(host) });
    throw e;
  }
}
