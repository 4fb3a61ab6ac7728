'use client';

import { useMemo } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { hrefFor } from '@/lib/route-target';
import { isApiError } from '@/components/api/client';
import { ErrorState } from '@/components/ui/error-state';
import { FilterableList, usePaging } from '@/components/ui/filterable-list';
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
          <div className="rounded-lg border border-neutral-200 bg-neutral-50 p-4 text-sm dark:border-neutral-800 dark:bg-neutral-900">
            <p className="font-medium">{host} does not list repositories; open one by name.</p>
            <p className="mt-1 text-neutral-600 dark:text-neutral-400">
              Registries like Docker Hub and GitHub only show a repository to those who already know its name.
            </p>
          </div>
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
        <summary className="cursor-pointer text-neutral-600 hover:text-neutral-900 dark:text-neutral-400 dark:hover:text-neutral-100">
          Open a repository by name
        </summary>
        <div className="mt-3">
          <OpenRepositoryForm host={host} />
        </div>
      </details>
    </div>
  );
}
