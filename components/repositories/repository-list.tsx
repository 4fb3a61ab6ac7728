'use client';

import { useMemo } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { hrefFor } from '@/lib/route-target';
import { isApiError, repositoriesQueryOptions } from '@/components/data';
import { ErrorState } from '@/components/ui/error-state';
import { FilterableList, usePaging } from '@/components/ui/filterable-list';
import { ListSkeleton } from '@/components/ui/skeleton';
import { OpenByName } from './open-by-name';
import { OpenRepositoryForm } from './open-repository-form';

export function RepositoryList({ host }: { host: string }) {
  const query = useInfiniteQuery(repositoriesQueryOptions(host));
  const paging = usePaging(query);
  const repositories = useMemo(() => query.data?.pages.flatMap((page) => page.repositories) ?? [], [query.data]);

  if (query.isPending) return <ListSkeleton />;

  if (query.isError && !query.data) {
    if (isApiError(query.error) && query.error.code === 'CATALOG_UNSUPPORTED') {
      return <OpenByName host={host}>{query.error.message}</OpenByName>;
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
        <summary className="cursor-pointer text-muted hover:text-fg">Open a repository by name</summary>
        <div className="mt-3">
          <OpenRepositoryForm host={host} />
        </div>
      </details>
    </div>
  );
}
