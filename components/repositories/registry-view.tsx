import { CopyLinkButton } from '@/components/ui/copy-button';
import { PageHeader } from '@/components/ui/page-header';
import { RepositoryList } from './repository-list';

/** The page for /HOST. */
export function RegistryView({ host }: { host: string }) {
  return (
    <div>
      <PageHeader host={host} actions={<CopyLinkButton />} />
      <h1 className="mb-4 text-xl font-semibold">Repositories</h1>
      <RepositoryList host={host} />
    </div>
  );
}
