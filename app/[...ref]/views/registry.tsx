import { traitsOf } from '@/lib/registry';
import { namespaceQueryOptions, normaliseNamespace, parseHubSort, repositoriesQueryOptions, sessionQueryOptions, signedInAs } from '@/components/data';
import { PullLimit } from '@/components/docker-hub/pull-limit';
import { HubRepositoryList } from '@/components/repositories/namespace-list';
import { RepositoryList } from '@/components/repositories/repository-list';
import { CopyLinkButton } from '@/components/ui/copy-button';
import { PageHeader } from '@/components/ui/page-header';
import { ViewSkeleton } from './skeleton';
import type { View, ViewTarget } from './view';

/** /HOST: the registry's repositories; on Docker Hub, a namespace's, from the Hub API (it has no catalog). */
export const registry: View<ViewTarget<'registry'>> = {
  title: (target) => target.host,

  async prefetch({ queryClient }, { host }, search) {
    if (traitsOf(host).listing === 'namespaces') {
      // Who is signed in decides what the page shows: their namespace, or a request for one,
      // which needs no request to Docker Hub at all.
      const session = await queryClient.fetchQuery(sessionQueryOptions());
      const namespace = normaliseNamespace(search('namespace') ?? '');
      if (!namespace && !signedInAs(session, host)) return;
      await queryClient.fetchInfiniteQuery(namespaceQueryOptions(host, namespace, parseHubSort(search('sort'))));
      return;
    }
    await queryClient.fetchInfiniteQuery(repositoriesQueryOptions(host));
  },

  view({ host }) {
    const traits = traitsOf(host);
    return (
      <div>
        <PageHeader host={host} actions={<CopyLinkButton />} />
        <h1 className="mb-4 text-xl font-semibold">Repositories</h1>
        {traits.pullLimit ? <PullLimit /> : null}
        {traits.listing === 'namespaces' ? <HubRepositoryList /> : <RepositoryList host={host} />}
      </div>
    );
  },

  skeleton: <ViewSkeleton shape="list" />,
};
