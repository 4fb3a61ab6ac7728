import type { QueryClient } from '@tanstack/react-query';
import type { TagsBody } from '@/lib/api/types';
import { TAG_PAGE_SIZE, isDetailError, keys, readDetails, seedDetails, sourceOf } from '@/components/data';

// What deleting removes: the tags on a digest, found afresh before anything goes, and what the
// tab forgets afterwards.

/** What a deletion removed, as the tag list tells it afterwards. */
export interface Deleted {
  /** The digest deleted, or undefined when a tag alone was. */
  digest?: string;
  /** Tags that went. */
  tags: string[];
  /** A tag deleted alone, but the registry removed its whole manifest (this digest) with it. */
  manifestGone?: string;
}

/** Drops what the tab knew of deleted tags and digests, and has the repository's tags asked again. */
export async function forgetDeleted(queryClient: QueryClient, host: string, repository: string, deleted: Deleted): Promise<void> {
  const gone = deleted.digest ?? deleted.manifestGone;
  const references = [...deleted.tags, ...(gone ? [gone] : [])];
  for (const reference of references) {
    // Digest-addressed entries never go stale on their own: they must be removed.
    queryClient.removeQueries({ queryKey: keys.manifest(host, repository, reference), exact: true });
    queryClient.removeQueries({ queryKey: keys.detail(host, repository, reference), exact: true });
  }
  if (gone) queryClient.removeQueries({ queryKey: keys.referrers(host, repository, gone), exact: true });
  queryClient.setQueryData(keys.deleted(host, repository), deleted);
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: keys.tags(host, repository) }),
    queryClient.invalidateQueries({ queryKey: keys.details(host, repository) }),
  ]);
}

/** Every tag of a repository, page after page. */
export async function listAllTags(queryClient: QueryClient, host: string, repository: string, signal: AbortSignal): Promise<string[]> {
  const tags: string[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const page: TagsBody = await sourceOf(queryClient).tags({ host, repository, cursor: cursor ?? undefined, n: TAG_PAGE_SIZE }, { signal });
    tags.push(...page.tags);
    if (cursor !== null) seen.add(cursor);
    cursor = page.next !== null && !seen.has(page.next) ? page.next : null;
  } while (cursor !== null);
  return tags;
}

/** Tags per request while looking for a digest's tags (the server takes up to 100). */
const SCAN_BATCH = 100;
/** Requests in flight at once. */
const SCAN_CONCURRENCY = 2;

export interface TagScanResult {
  /** Tags pointing at the digest now. */
  on: string[];
  /** Tags pointing at an index that lists the digest as one of its platform images. */
  inIndex: string[];
  /** Tags that could not be checked. */
  unknown: string[];
}

/**
 * Which tags point at `digest`, asked afresh (`fresh=1`: a HEAD per tag on the server, whatever it
 * or the tab knew, since a tag may have moved onto the digest seconds ago). Every answer also
 * refreshes that tag's row in the tag list.
 */
export async function scanTags(
  queryClient: QueryClient,
  host: string,
  repository: string,
  tags: readonly string[],
  digest: string,
  onProgress: (done: number) => void,
  signal: AbortSignal,
): Promise<TagScanResult> {
  const result: TagScanResult = { on: [], inIndex: [], unknown: [] };
  const batches: string[][] = [];
  for (let i = 0; i < tags.length; i += SCAN_BATCH) batches.push(tags.slice(i, i + SCAN_BATCH));
  let done = 0;
  let next = 0;
  const worker = async () => {
    for (let b = next++; b < batches.length; b = next++) {
      const refs = batches[b] ?? [];
      const body = await readDetails(queryClient, { host, repository, ref: refs, fresh: true }, signal);
      seedDetails(queryClient, host, repository, body.details);
      const answered = new Set<string>();
      for (const detail of body.details) {
        answered.add(detail.reference);
        if (isDetailError(detail)) {
          // A tag that is gone cannot go with the digest; one that could not be read might.
          if (detail.error.code !== 'MANIFEST_UNKNOWN') result.unknown.push(detail.reference);
        } else if (detail.digest === digest) result.on.push(detail.reference);
        else if (detail.kind === 'index' && detail.platforms.some((p) => p.digest === digest)) result.inIndex.push(detail.reference);
        // An index of more images than its summary lists may hold the digest among the others.
        else if (detail.kind === 'index' && (detail.unlisted ?? 0) > 0) result.unknown.push(detail.reference);
      }
      result.unknown.push(...refs.filter((ref) => !answered.has(ref)));
      done += refs.length;
      onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SCAN_CONCURRENCY, batches.length) }, worker));
  const byName = (a: string, b: string) => a.localeCompare(b);
  return { on: result.on.sort(byName), inIndex: result.inIndex.sort(byName), unknown: result.unknown.sort(byName) };
}
