import { DOCKER_HUB } from '@/lib/registry/reference';
import { PullLimit } from '@/components/docker-hub/pull-limit';
import { HubRepositoryList } from '@/components/docker-hub/repository-list';
import { CopyLinkButton } from '@/components/ui/copy-button';
import { PageHeader } from '@/components/ui/page-header';
import { RepositoryList } from './repository-list';

/** The page for /HOST; on Docker Hub, a namespace's repositories from the Hub API (it has no catalog). */
export function RegistryView({ host }: { host: string }) {
  return (
    <div>
      <PageHeader host={host} actions={<CopyLinkButton />} />
      <h1 className="mb-4 text-xl font-semibold">Repositories</h1>
      {host === DOCKER_HUB ? (
        <>
          <PullLimit />
          <HubRepositoryList />
        </>
      ) : (
        <RepositoryList host={host} />
      )}
    </div>
  );
}
