import { DiagnoseLink } from '@/components/ui/diagnose-link';
import { Notice } from '@/components/ui/notice';
import { OpenRepositoryForm } from './open-repository-form';
import { RecentRepositories } from './recent-repositories';

/**
 * Where a registry does not list its repositories: one sentence that says so, the box to open one
 * by name, and the ones this browser opened before, so that nobody is stuck.
 */
export function OpenByName({ host, children }: { host: string; children: React.ReactNode }) {
  return (
    <div className="space-y-5">
      <Notice>
        <p>{children}</p>
        <DiagnoseLink host={host} className="mt-2 inline-block">
          See why: diagnose the connection
        </DiagnoseLink>
      </Notice>
      <OpenRepositoryForm host={host} />
      <RecentRepositories host={host} />
    </div>
  );
}
