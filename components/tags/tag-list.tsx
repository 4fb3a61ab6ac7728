'use client';

import { useCallback, useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import { usePathname, useSearchParams } from 'next/navigation';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { withBasePath } from '@/lib/base-path';
import { traitsOf } from '@/lib/registry/traits';
import { Button } from '@/components/ui/button';
import { FilterField, ListStatus } from '@/components/ui/filter-field';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { fieldClass } from '@/components/ui/field';
import { formatCount, plural } from '@/components/ui/format';
import { usePaging } from '@/components/ui/filterable-list';
import { ListSkeleton } from '@/components/ui/skeleton';
import { keys, knownDetails, prefetchManifest, tagsQueryOptions } from '@/components/data';
import { LoadAllDetails, useLoadAll } from './load-all-details';
import {
  AUTO_DETAILS,
  FIRST_RENDER_ROWS,
  SORTS,
  SORT_LABELS,
  digestsWithSignatures,
  firstTagsThenTheRest,
  isSignatureTag,
  parseSort,
  parseTagFilter,
  sortTags,
  type TagSort,
} from './tag-order';
import { TagTable } from './tag-table';
import { InlineLabel } from '@/components/ui/inline-label';

/** Start fetching the next page of tags when this many rows remain below the screen. */
const PREFETCH_ROWS = 30;

/** Re-renders when a tag's details arrive, so date and size order can improve as they do. */
function useDetailsVersion(host: string, repository: string, enabled: boolean): number {
  const queryClient = useQueryClient();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    const prefix = JSON.stringify(keys.details(host, repository)).slice(0, -1);
    let frame = 0;
    const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || frame || !JSON.stringify(event.query.queryKey).startsWith(prefix)) return;
      // Many answers arrive together: re-sort once per frame.
      frame = requestAnimationFrame(() => {
        frame = 0;
        setVersion((v) => v + 1);
      });
    });
    return () => {
      cancelAnimationFrame(frame);
      unsubscribe();
    };
  }, [queryClient, host, repository, enabled]);
  return version;
}

export function TagList({ host, repository }: { host: string; repository: string }) {
  const queryClient = useQueryClient();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  // The order the registry's own pages come in, and so the default sort, the one that needs no complete list.
  const order = traitsOf(host).tagOrder;
  const sort = parseSort(searchParams.get('sort'), order);
  const query = useInfiniteQuery(tagsQueryOptions(host, repository));
  const paging = usePaging(query);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, nextPageError } = paging;
  const filterId = useId();
  const sortId = useId();
  const showSignedId = useId();
  const [filterText, setFilterText] = useState('');
  const [showSignatures, setShowSignatures] = useState(false);
  const deferredFilter = useDeferredValue(filterText);
  const filter = useMemo(() => parseTagFilter(deferredFilter), [deferredFilter]);

  const allTags = useMemo(() => query.data?.pages.flatMap((page) => page.tags) ?? [], [query.data]);
  const signed = useMemo(() => digestsWithSignatures(allTags), [allTags]);
  const hiddenCount = useMemo(() => (showSignatures ? 0 : allTags.filter(isSignatureTag).length), [allTags, showSignatures]);
  const matching = useMemo(
    () => allTags.filter((t) => (showSignatures || !isSignatureTag(t)) && (!filter.ok || filter.test(t))),
    [allTags, showSignatures, filter],
  );

  // Date and size order need details: re-sort as they arrive.
  const detailsVersion = useDetailsVersion(host, repository, sort !== 'name');
  const known = useMemo(
    () => (sort === 'name' ? new Map() : knownDetails(queryClient, host, repository, matching)),
    // detailsVersion: the cache changed underneath
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [sort, queryClient, host, repository, matching, detailsVersion],
  );
  // The first render (the server's, and the browser's hydrating it) puts only the first rows in
  // order, which is quick; the whole list, a while to order at 20,000 tags, follows in a render of
  // its own, so the first rows are painted without waiting for it.
  const orderAll = useDeferredValue(true, false);
  const ordered = useMemo(
    () => (orderAll ? sortTags(matching, sort, known) : firstTagsThenTheRest(matching, sort, known, FIRST_RENDER_ROWS)),
    [orderAll, matching, sort, known],
  );
  const missing = useMemo(() => (sort === 'name' ? [] : matching.filter((t) => !known.has(t))), [sort, matching, known]);

  const loadAll = useLoadAll(host, repository);
  const startLoadAll = loadAll.start;
  // A small repository sorted by date or size: just load what the order needs.
  useEffect(() => {
    if (sort !== 'name' && !hasNextPage && missing.length > 0 && matching.length <= AUTO_DETAILS && !loadAll.running) startLoadAll(missing);
  }, [sort, hasNextPage, missing, matching.length, loadAll.running, startLoadAll]);

  // A filter, or an order other than the registry's own, must see every tag: fetch the remaining pages.
  const needsEveryPage = filter.ok && (filter.active || sort !== order);
  const canFetchMore = hasNextPage && !isFetchingNextPage && !nextPageError;
  useEffect(() => {
    if (needsEveryPage && canFetchMore) fetchNextPage();
  }, [needsEveryPage, canFetchMore, fetchNextPage, allTags.length]);

  const onRangeChange = useCallback(
    (lastVisible: number) => {
      if (canFetchMore && lastVisible >= ordered.length - PREFETCH_ROWS) fetchNextPage();
    },
    [canFetchMore, ordered.length, fetchNextPage],
  );

  const onIntent = useCallback((tag: string) => prefetchManifest(queryClient, host, repository, tag), [queryClient, host, repository]);

  const setSort = (next: TagSort) => {
    const params = new URLSearchParams(searchParams.toString());
    if (next === order) params.delete('sort');
    else params.set('sort', next);
    const search = params.toString();
    // The order is the browser's to apply to the rows it has: the link changes without asking
    // the server to render the page (and the registry for its first page) again.
    window.history.replaceState(null, '', withBasePath(search ? `${pathname}?${search}` : pathname));
  };

  if (query.isPending) return <ListSkeleton />;
  if (query.isError && !query.data) {
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} host={host} title="Could not list tags" />;
  }
  if (allTags.length === 0 && !hasNextPage) return <EmptyState size="xl">No tags in this repository.</EmptyState>;

  const total = plural(allTags.length, 'tag', 'tags');
  // Docker Hub says how many tags there are; registries do not.
  const count = query.data?.pages[0]?.count;
  const ofMany = count !== undefined && count > allTags.length ? formatCount(count) : 'many';
  let status: string;
  if (filter.ok && filter.active) {
    status = hasNextPage
      ? `${plural(matching.length, 'match', 'matches')} so far · loaded ${formatCount(allTags.length)} of ${ofMany}…`
      : `${formatCount(matching.length)} of ${total} match`;
  } else {
    status = hasNextPage ? `Loaded ${formatCount(allTags.length)} of ${ofMany} tags…` : total;
  }
  if (hiddenCount > 0) status += ` · ${plural(hiddenCount, 'signature or attestation tag', 'signature and attestation tags')} hidden`;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <FilterField
          id={filterId}
          value={filterText}
          onChange={setFilterText}
          placeholder="Filter tags, or /regex/"
          invalid={!filter.ok}
          onArrowDown={() => {
            const first = document.querySelector<HTMLElement>('[data-tag-rows] [data-row-index="0"]');
            first?.focus();
            return first !== null;
          }}
        />
        <div className="flex items-center gap-2">
          <InlineLabel htmlFor={sortId}>Sort</InlineLabel>
          <select id={sortId} value={sort} onChange={(event) => setSort(event.target.value as TagSort)} className={`px-2 py-1.5 text-sm ${fieldClass}`}>
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {SORT_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <label htmlFor={showSignedId} className="flex items-center gap-2 text-sm text-fg-soft">
          <input id={showSignedId} type="checkbox" checked={showSignatures} onChange={(event) => setShowSignatures(event.target.checked)} />
          Show signature and attestation tags
        </label>
        <ListStatus loading={isFetchingNextPage}>{status}</ListStatus>
      </div>

      {!filter.ok ? (
        <p role="alert" className="text-sm text-danger">
          {filter.error}. Write a regular expression between slashes, e.g. <code className="font-mono">/^v1\./</code>, or plain text to match part of a tag.
        </p>
      ) : null}

      {sort !== 'name' && (missing.length > 0 || loadAll.running) && (matching.length > AUTO_DETAILS || loadAll.running) ? (
        <LoadAllDetails sort={sort} known={matching.length - missing.length} total={matching.length} state={loadAll} onStart={() => startLoadAll(missing)} />
      ) : null}

      {ordered.length === 0 ? (
        <EmptyState size="lg">
          {hasNextPage
            ? `No tags match “${filterText.trim()}” yet; still loading…`
            : filter.ok && filter.active
              ? `No tags match “${filterText.trim()}”.`
              : 'Only signature and attestation tags here: tick the box above to see them.'}
        </EmptyState>
      ) : (
        <TagTable host={host} repository={repository} tags={ordered} signed={signed} onIntent={onIntent} onRangeChange={onRangeChange} />
      )}

      {nextPageError ? (
        <ErrorState error={nextPageError} onRetry={fetchNextPage} host={host} title="Could not load more tags" />
      ) : hasNextPage && !needsEveryPage ? (
        <Button variant="secondary" onClick={fetchNextPage} disabled={isFetchingNextPage}>
          {isFetchingNextPage ? 'Loading…' : 'Load more'}
        </Button>
      ) : null}
    </div>
  );
}
