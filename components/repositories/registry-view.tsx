import { traitsOf } from '@/lib/registry/traits';
import { PullLimit } from '@/components/docker-hub/pull-limit';
import { HubRepositoryList } from './namespace-list';
import { CopyLinkButton } from '@/components/ui/copy-button';
import { PageHeader } from '@/components/ui/page-header';
import { RepositoryList } from './repository-list';

/** The page for /HOST; on Docker Hub, a namespace's repositories from the Hub API (it has no catalog). */
export function RegistryView({ host }: { host: string }) {
  const traits = traitsOf(host);
  return (
    <div>
      <PageHeader host={host} actions={<CopyLinkButton />} />
      <h1 className="mb-4 text-xl font-semibold">Repositories</h1>
      {traits.pullLimit ? <PullLimit /> : null}
      {traits.listing === 'namespaces' ? <HubRepositoryList /> : <RepositoryList host={host} />}
    </div>
  );
}
