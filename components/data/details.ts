import { queryOptions, type QueryClient } from '@tanstack/react-query';
import type { Endpoints, InputOf } from '@/lib/api/endpoints';
import type { DetailsBody, ReferenceDetail, ReferenceDetailError } from '@/lib/api/types';
import { isDigest } from '@/lib/registry/reference';
import { traitsOf } from '@/lib/registry/traits';
import { keys } from './keys';
import { readingManifests } from './pull-limit';
import { sourceOf } from './source';

// Tag details (digest, compressed size, created, platforms) are asked for row by row, each its
// own query, so every row caches on its own; the loader gathers the rows asked for in the same
// moment into one request of up to 50, the way a table scrolls into view.

export type DetailResult = ReferenceDetail | ReferenceDetailError;

export const isDetailError = (d: DetailResult | undefined): d is ReferenceDetailError => d !== undefined && 'error' in d;

/** Tags and digests per request; the server takes up to 100 (MAX_DETAILS_PER_REQUEST). */
export const DETAILS_BATCH = 50;

/**
 * Several tags' or digests' details in one request (the rows' loader, "Load all details", the
 * delete dialog's scan); the pull limit its answer carries is kept (./pull-limit.ts).
 */
export function readDetails(client: QueryClient, input: InputOf<Endpoints['details']>, signal?: AbortSignal): Promise<DetailsBody> {
  return readingManifests(client, input.host, sourceOf(client).details(input, { signal }));
}

interface Waiter {
  resolve: (d: DetailResult) => void;
  reject: (e: unknown) => void;
}

class DetailsLoader {
  private queue = new Map<string, Waiter[]>();
  private scheduled = false;

  constructor(
    private readonly client: QueryClient,
    private readonly host: string,
    private readonly repository: string,
  ) {}

  load(reference: string): Promise<DetailResult> {
    return new Promise((resolve, reject) => {
      const waiting = this.queue.get(reference) ?? [];
      waiting.push({ resolve, reject });
      this.queue.set(reference, waiting);
      if (!this.scheduled) {
        this.scheduled = true;
        setTimeout(() => this.flush(), 0);
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const entries = [...this.queue];
    this.queue = new Map();
    for (let i = 0; i < entries.length; i += DETAILS_BATCH) void this.send(entries.slice(i, i + DETAILS_BATCH));
  }

  private async send(batch: Array<[string, Waiter[]]>): Promise<void> {
    try {
      // Where every manifest read is a pull, rows ask for details only once the person has agreed
      // (an index's "Load them"); the server reads such manifests only when told so (pulls=1).
      const pulls = traitsOf(this.host).readsArePulls || undefined;
      const body = await readDetails(this.client, { host: this.host, repository: this.repository, ref: batch.map(([ref]) => ref), pulls });
      const byReference = new Map(body.details.map((d) => [d.reference, d]));
      for (const [reference, waiters] of batch) {
        const detail = byReference.get(reference);
        for (const w of waiters) {
          if (detail) w.resolve(detail);
          else w.reject(new Error(`Berth's server did not answer for ${reference}.`));
        }
      }
    } catch (e) {
      for (const [, waiters] of batch) for (const w of waiters) w.reject(e);
    }
  }
}

/** Per QueryClient (the tab's, or one page render's on the server), per repository. */
const loaders = new WeakMap<QueryClient, Map<string, DetailsLoader>>();

function loaderFor(client: QueryClient, host: string, repository: string): DetailsLoader {
  let mine = loaders.get(client);
  if (!mine) loaders.set(client, (mine = new Map()));
  const key = `${host}\0${repository}`;
  let loader = mine.get(key);
  if (!loader) mine.set(key, (loader = new DetailsLoader(client, host, repository)));
  return loader;
}

/**
 * One tag's (or digest's) details. By digest they never change; a tag may move. Where a tag list
 * carries its tags' details (Docker Hub), they come with the list and are renewed with it: a row
 * never asks again for them.
 */
export function detailQueryOptions(host: string, repository: string, reference: string) {
  return queryOptions({
    queryKey: keys.detail(host, repository, reference),
    queryFn: ({ client }) => loaderFor(client, host, repository).load(reference),
    ...(isDigest(reference) || traitsOf(host).tagListsCarryDetails ? { staleTime: Infinity } : {}),
  });
}

/** Details that arrived with another answer (a tag list, a details request of its own) go into the rows' own queries. */
export function seedDetails(client: QueryClient, host: string, repository: string, details: readonly DetailResult[]): void {
  for (const detail of details) client.setQueryData(keys.detail(host, repository, detail.reference), detail);
}

/** What is known now about these tags, without asking. */
export function knownDetails(client: QueryClient, host: string, repository: string, references: readonly string[]): Map<string, ReferenceDetail> {
  const out = new Map<string, ReferenceDetail>();
  for (const reference of references) {
    const d = client.getQueryData<DetailResult>(keys.detail(host, repository, reference));
    if (d && !isDetailError(d)) out.set(reference, d);
  }
  return out;
}
