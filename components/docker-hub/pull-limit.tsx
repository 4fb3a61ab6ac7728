'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import type { TagsBody } from '@/lib/api/types';
import { describeWait } from '@/lib/registry/pull-limit';
import { DOCKER_HUB } from '@/lib/registry/reference';
import { checkPullLimit, keys, pullLimitQueryOptions } from '@/components/data';
import { signInHref } from '@/lib/sign-in-href';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { formatCount, formatDate, formatRelative } from '@/components/ui/format';

/**
 * Docker Hub's pull limit for this session: what remains of it, over which window, and when pulls
 * work again after a 429. Berth reads it from the registry's manifest answers (a HEAD costs no
 * pull), and the answers of Berth's API that read manifests bring it (components/data); on a tag
 * list, where nothing has been read yet, it can check with one HEAD.
 */
export function PullLimit({ repository }: { repository?: string }) {
  const queryClient = useQueryClient();
  const pathname = usePathname();
  const query = useQuery(pullLimitQueryOptions(DOCKER_HUB));
  const check = useMutation({
    mutationFn: () => {
      // The newest tag of the list on screen: it exists, and the registry reports the limit only on answers that succeed.
      const tags = queryClient.getQueryData<InfiniteData<TagsBody>>(keys.tags(DOCKER_HUB, repository ?? ''));
      return checkPullLimit(queryClient, DOCKER_HUB, repository ?? '', tags?.pages[0]?.tags[0] ?? 'latest');
    },
  });

  const body = query.data;
  const limit = body?.pullLimit;
  const waitSeconds = limit?.retryAfter ?? 0;

  if (!body && query.isError) {
    return (
      <div className="mb-4">
        <ErrorState error={query.error} onRetry={() => void query.refetch()} host={DOCKER_HUB} title="Could not read the Docker Hub pull limit" />
      </div>
    );
  }
  let content: React.ReactNode;
  if (!body) {
    content = <span className="text-faint">Docker Hub pull limit…</span>;
  } else if (!limit) {
    content = (
      <>
        <span>Docker Hub pull limit: not read yet.{repository ? '' : ' Berth reads it from the next image you open.'}</span>
        {repository ? (
          <Button variant="link" className="ml-1 text-sm" onClick={() => check.mutate()} disabled={check.isPending}>
            {check.isPending ? 'Checking…' : 'Check (costs no pull)'}
          </Button>
        ) : null}
      </>
    );
  } else {
    const window = limit.windowSeconds ? ` per ${describeWait(limit.windowSeconds)}` : '';
    content = (
      <>
        <span>
          Docker Hub pull limit: <strong className="font-semibold tabular-nums text-fg">{formatCount(limit.remaining)}</strong> of {formatCount(limit.limit)}{' '}
          pulls left{window}
        </span>
        <span className="text-faint" title={formatDate(limit.observedAt)} suppressHydrationWarning>
          {' '}
          · read {formatRelative(limit.observedAt)}
        </span>
        {waitSeconds > 0 ? (
          <span className="block font-medium text-warning-fg">
            Used up: pulls work again in {describeWait(waitSeconds)} (at <span suppressHydrationWarning>{formatDate(limit.retryAt ?? '')}</span>).
          </span>
        ) : null}
      </>
    );
  }

  return (
    <>
      <div
        aria-live="polite"
        data-pull-limit
        className={`mb-4 rounded-md border px-3 py-2 text-sm text-muted ${waitSeconds > 0 ? 'border-warning-border bg-warning-soft' : 'border-border'}`}
      >
        {content}
        {body?.anonymous ? (
          <span className="block text-xs text-faint">
            Shared by everyone using this Berth without signing in.{' '}
            <Link href={signInHref(DOCKER_HUB, pathname)} className="underline underline-offset-2 hover:text-fg">
              Sign in to Docker Hub
            </Link>{' '}
            to use your own.
          </span>
        ) : null}
      </div>
      {check.isError ? (
        <div className="mb-4">
          <ErrorState error={check.error} onRetry={() => check.mutate()} host={DOCKER_HUB} title="Could not check the Docker Hub pull limit" />
        </div>
      ) : null}
    </>
  );
}
