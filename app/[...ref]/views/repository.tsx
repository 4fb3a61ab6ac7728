import { traitsOf } from '@/lib/registry';
import { formatRef } from '@/lib/route-target';
import { keys, tagsQueryOptions } from '@/components/data';
import { DeletedNotice } from '@/components/delete/deleted-notice';
import { PullLimit } from '@/components/docker-hub/pull-limit';
import { RememberRepository } from '@/components/repositories/recent-repositories';
import { TagList } from '@/components/tags/tag-list';
import { firstScreen, parseSort } from '@/components/tags/tag-order';
import { CopyLinkButton } from '@/components/ui/copy-button';
import { PageHeader } from '@/components/ui/page-header';
import { fillDetails } from '../prefetch';
import { ViewSkeleton } from './skeleton';
import type { View, ViewTarget } from './view';

/** /HOST/REPO: the repository's tags. */
export const repository: View<ViewTarget<'repository'>> = {
  title: (target) => formatRef(target),

  async prefetch(p, { host, repository }, search) {
    const tags = await p.queryClient.fetchInfiniteQuery(tagsQueryOptions(host, repository));
    // The rows on the first screen arrive with their size, date and platforms (where the tag list
    // carries them, they came with it already).
    const described = new Set(tags.pages.flatMap((page) => page.details ?? []).map((d) => d.reference));
    const sort = parseSort(search('sort'), traitsOf(host).tagOrder);
    const firstRows = firstScreen(
      tags.pages.flatMap((page) => page.tags),
      sort,
    );
    await fillDetails(
      p,
      host,
      repository,
      firstRows.filter((tag) => !described.has(tag)),
    );
  },

  view({ host, repository }) {
    return (
      <>
        {/* This browser remembers the repositories it opened, for registries that do not list theirs. */}
        <RememberRepository host={host} repository={repository} queryKey={keys.tags(host, repository)} />
        <div>
          <PageHeader host={host} repository={repository} actions={<CopyLinkButton />} />
          <h1 className="mb-4 text-xl font-semibold">Tags</h1>
          {traitsOf(host).pullLimit ? <PullLimit repository={repository} /> : null}
          <DeletedNotice host={host} repository={repository} />
          <TagList host={host} repository={repository} />
        </div>
      </>
    );
  },

  skeleton: <ViewSkeleton shape="list" />,
};
