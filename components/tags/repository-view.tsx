import { traitsOf } from '@/lib/registry/traits';
import { PullLimit } from '@/components/docker-hub/pull-limit';
import { DeletedNotice } from '@/components/delete/deleted-notice';
import { CopyLinkButton } from '@/components/ui/copy-button';
import { PageHeader } from '@/components/ui/page-header';
import { TagList } from './tag-list';

/** The page for /HOST/REPO. */
export function RepositoryView({ host, repository }: { host: string; repository: string }) {
  return (
    <div>
      <PageHeader host={host} repository={repository} actions={<CopyLinkButton />} />
      <h1 className="mb-4 text-xl font-semibold">Tags</h1>
      {traitsOf(host).pullLimit ? <PullLimit repository={repository} /> : null}
      <DeletedNotice host={host} repository={repository} />
      <TagList host={host} repository={repository} />
    </div>
  );
}
