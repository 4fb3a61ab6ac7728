import { queryOptions, type QueryClient } from '@tanstack/react-query';
import type { DetailsBody, ReferenceDetail, ReferenceDetailError } from '@/lib/api/types';
import { isDigest } from '@/lib/registry/reference';
import { traitsOf } from '@/lib/registry/traits';
import { apiFetch, registryApiPath } from '@/components/api/client';
import { formatBytes } from '@/components/ui/format';
import { registryKeys } from '@/components/api/registry-keys';

// Tag details (digest, compressed size, created, platforms) are asked for row by row, each its
// own query, so every row caches on its own; the loader gathers the rows asked for in the same
// moment into one request of up to 50, the way a table scrolls into view.

export type DetailResult = ReferenceDetail | ReferenceDetailError;

export const isDetailError = (d: DetailResult | undefined): d is ReferenceDetailError => d !== undefined && 'error' in d;

/** Tags and digests per request; the server takes up to 100. */
export const DETAILS_BATCH = 50;

interface Waiter {
  resolve: (d: DetailResult) => void;
  reject: (e: unknown) => void;
}

class DetailsLoader {
  private queue = new Map<string, Waiter[]>();
  private scheduled = false;

  constructor(
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
      const pulls = traitsOf(this.host).readsArePulls ? '1' : undefined;
      const body = await apiFetch<DetailsBody>(registryApiPath(this.host, 'details', { repository: this.repository, ref: batch.map(([ref]) => ref), pulls }));
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

const loaders = new Map<string, DetailsLoader>();

function loaderFor(host: string, repository: string): DetailsLoader {
  const key = `${host}\0${repository}`;
  let loader = loaders.get(key);
  if (!loader) {
    loader = new DetailsLoader(host, repository);
    loaders.set(key, loader);
  }
  return loader;
}

export const detailKeys = {
  repository: (host: string, repository: string) => [...registryKeys.host(host), 'details', repository] as const,
  detail: (host: string, repository: string, reference: string) => [...detailKeys.repository(host, repository), reference] as const,
};

/**
 * One tag's (or digest's) details. By digest they never change; a tag may move. On Docker Hub a
 * tag's details come with the tag list and are renewed with it: a row never asks again for them.
 */
export function detailQueryOptions(host: string, repository: string, reference: string) {
  return queryOptions({
    queryKey: detailKeys.detail(host, repository, reference),
    queryFn: () => loaderFor(host, repository).load(reference),
    ...(isDigest(reference) || traitsOf(host).tagListsCarryDetails ? { staleTime: Infinity } : {}),
  });
}

/** What is known now about these tags, without asking. */
export function knownDetails(queryClient: QueryClient, host: string, repository: string, references: readonly string[]): Map<string, ReferenceDetail> {
  const out = new Map<string, ReferenceDetail>();
  for (const reference of references) {
    const d = queryClient.getQueryData<DetailResult>(detailKeys.detail(host, repository, reference));
    if (d && !isDetailError(d)) out.set(reference, d);
  }
  return out;
}

/** "12.3 MB", or the range of an index's platform images, "3.1 MB – 3.4 MB". */
export function sizeText(detail: ReferenceDetail): string | undefined {
  if (detail.size !== undefined) return formatBytes(detail.size);
  const sizes = detail.platforms.map((p) => p.size).filter((s): s is number => s !== undefined);
  if (sizes.length === 0) return undefined;
  const min = Math.min(...sizes);
  const max = Math.max(...sizes);
  return min === max ? formatBytes(min) : `${formatBytes(min)} – ${formatBytes(max)}`;
}
