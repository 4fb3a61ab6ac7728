'use client';

import { useMemo } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { hrefFor } from '@/lib/route-target';
import { isApiError } from '@/components/api/client';
import { DiagnoseLink } from '@/components/diagnose/diagnose-link';
import { ErrorState } from '@/components/ui/error-state';
import { FilterableList, usePaging } from '@/components/ui/filterable-list';
import { Notice } from '@/components/ui/notice';
import { ListSkeleton } from '@/components/ui/skeleton';
import { repositoriesQueryOptions } from './queries';
import { OpenRepositoryForm } from './open-repository-form';

export function RepositoryList({ host }: { host: string }) {
  const query = useInfiniteQuery(repositoriesQueryOptions(host));
  const paging = usePaging(query);
  const repositories = useMemo(
    () => query.data?.pages.flatMap((page) => page.repositories) ?? [],
    [query.data],
  );

  if (query.isPending) return <ListSkeleton />;

  if (query.isError && !query.data) {
    if (isApiError(query.error) && query.error.code === 'CATALOG_UNSUPPORTED') {
      return (
        <div className="space-y-4">
          <Notice>
            <p className="font-medium">{host} does not list repositories; open one by name.</p>
            <p className="mt-1 text-muted">
              Registries like Docker Hub and GitHub only show a repository to those who already know its name.
            </p>
            <DiagnoseLink host={host} className="mt-2 inline-block">See why: diagnose the connection</DiagnoseLink>
          </Notice>
          <OpenRepositoryForm host={host} />
        </div>
      );
    }
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} host={host} title="Could not list repositories" />;
  }

  return (
    <div className="space-y-6">
      <FilterableList
        items={repositories}
        noun={{ one: 'repository', many: 'repositories' }}
        href={(repository) => hrefFor({ host, repository })}
        paging={paging}
        host={host}
        emptyMessage="No repositories in this registry yet. Push an image to see it here."
      />
      <details className="text-sm">
        <summary className="cursor-pointer text-muted hover:text-fg">
          Open a repository by name
        </summary>
        <div className="mt-3">
          <OpenRepositoryForm host={host} />
        </div>
      </details>
    </div>
  );
}
