'use client';

import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { plural } from '@/components/ui/format';
import { Notice } from '@/components/ui/notice';
import { keys, tagsQueryOptions } from '@/components/data';
import type { Deleted } from './scan';

/** Where the CNCF distribution registry's operators read how its garbage collection works. */
const DISTRIBUTION_GC_DOCS = 'https://distribution.github.io/distribution/about/garbage-collection/';

/**
 * After a deletion, the tag list says what went, that the storage is freed only by the registry's
 * garbage collection (and how to run it), and whether the repository has any tag left.
 */
export function DeletedNotice({ host, repository }: { host: string; repository: string }) {
  const queryClient = useQueryClient();
  const key = keys.deleted(host, repository);
  const deleted = useQuery<Deleted | null>({ queryKey: key, queryFn: () => null, enabled: false, staleTime: Infinity }).data;
  const tagList = useInfiniteQuery({ ...tagsQueryOptions(host, repository), enabled: deleted != null });
  if (!deleted) return null;
  const empty = tagList.isSuccess && !tagList.hasNextPage && tagList.data.pages.every((page) => page.tags.length === 0);
  const tags = deleted.tags.length ? `${plural(deleted.tags.length, 'tag', 'tags')} ${deleted.tags.join(', ')}` : undefined;
  return (
    <Notice role="status" className="mb-4 flex flex-wrap items-start justify-between gap-3">
      <div className="min-w-0 space-y-1">
        <p className="font-medium">
          Deleted from {repository}:{' '}
          {deleted.digest ? (
            <>
              the manifest <code className="font-mono text-xs break-all">{deleted.digest}</code>
              {tags ? ` with its ${tags}` : ''}.
            </>
          ) : (
            `the ${tags ?? 'tag'}.`
          )}
        </p>
        {deleted.manifestGone ? (
          <p>
            The registry removed the whole manifest <code className="font-mono text-xs break-all">{deleted.manifestGone}</code> with the tag, and with it every
            other tag on it: check the tag list below.
          </p>
        ) : null}
        {empty ? (
          <p>
            {repository} has no tags left. The registry may still list it; its manifests and layers stay in storage until the garbage collection removes them.
          </p>
        ) : null}
        <p className="text-muted">
          The registry frees the storage only when its garbage collection runs. On the CNCF distribution registry its operator runs{' '}
          <code className="font-mono text-xs [overflow-wrap:anywhere]">registry garbage-collect --delete-untagged CONFIG</code> (
          <a className="underline" href={DISTRIBUTION_GC_DOCS} rel="noreferrer" target="_blank">
            its guide
          </a>
          ); other registries say how in their own documentation.
        </p>
      </div>
      <Button variant="secondary" onClick={() => queryClient.setQueryData(key, null)}>
        Dismiss
      </Button>
    </Notice>
  );
}
