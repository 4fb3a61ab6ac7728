'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { plural } from '@/components/ui/format';
import { Notice } from '@/components/ui/notice';
import { keys } from '@/components/data';
import type { Deleted } from './scan';

/** After a deletion, the tag list says what went, and that the storage is freed later. */
export function DeletedNotice({ host, repository }: { host: string; repository: string }) {
  const queryClient = useQueryClient();
  const key = keys.deleted(host, repository);
  const deleted = useQuery<Deleted | null>({ queryKey: key, queryFn: () => null, enabled: false, staleTime: Infinity }).data;
  if (!deleted) return null;
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
        <p className="text-muted">The registry frees the storage only when its garbage collection runs.</p>
      </div>
      <Button variant="secondary" onClick={() => queryClient.setQueryData(key, null)}>
        Dismiss
      </Button>
    </Notice>
  );
}
