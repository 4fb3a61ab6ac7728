'use client';

import { memo, useCallback, useDeferredValue, useEffect, useId, useMemo, useRef, useState } from 'react';
import Link from 'next/link';
import { useVirtualizer } from '@tanstack/react-virtual';
import { formatCount, plural } from './format';
import { Button } from './button';
import { EmptyState } from './empty-state';
import { ErrorState } from './error-state';
import { FilterField, ListStatus } from './filter-field';

const ROW_HEIGHT = 40;
const DETAILED_ROW_HEIGHT = 64;
/** Registries return names in whatever order they keep them; people expect 1.2 before 1.10. */
const naturalOrder = new Intl.Collator('en', { numeric: true });
/** Start fetching the next page when this many rows remain below the viewport. */
const PREFETCH_ROWS = 30;

/** What a list needs to know about the infinite query behind it. */
export interface Paging {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
  /** Error of the last page fetch, shown below the rows with its own retry. */
  nextPageError: unknown;
}

/** Paging for a TanStack infinite query: the same four facts for every list. */
export function usePaging(query: {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
  fetchNextPage: () => Promise<unknown>;
}): Paging {
  const { fetchNextPage: fetchNext } = query;
  const fetchNextPage = useCallback(() => void fetchNext(), [fetchNext]);
  return {
    hasNextPage: query.hasNextPage,
    isFetchingNextPage: query.isFetchingNextPage,
    fetchNextPage,
    nextPageError: query.isFetchNextPageError ? query.error : null,
  };
}

/** More about an item than its name, shown in its row (a Docker Hub repository's description and counts). */
export interface ItemDetails {
  /** Beside the name (a badge). */
  badge?: React.ReactNode;
  /** Under the name (a description). */
  below?: React.ReactNode;
  /** At the row's end (counts, dates). */
  aside?: React.ReactNode;
}

interface FilterableListProps {
  items: string[];
  noun: { one: string; many: string };
  href: (item: string) => string;
  paging: Paging;
  host: string;
  emptyMessage: string;
  /** Hover or focus on a row: a good moment to prefetch what it links to. */
  onItemIntent?: (item: string) => void;
  /** The items come in the order to show (the server sorted them); otherwise names in natural order. */
  ordered?: boolean;
  /** How many items the whole list holds, when the server says. */
  total?: number;
  /** Rows with more than the name: taller, the name's link covering the row. */
  details?: (item: string) => ItemDetails;
}

/**
 * A long list of names, each a link, with a filter that covers every page: while the filter has
 * text and the registry has more pages, keep fetching until the list is complete.
 */
export function FilterableList({ items, noun, href, paging, host, emptyMessage, onItemIntent, ordered = false, total, details }: FilterableListProps) {
  const { hasNextPage, isFetchingNextPage, fetchNextPage, nextPageError } = paging;
  const filterId = useId();
  const [filter, setFilter] = useState('');
  const deferredFilter = useDeferredValue(filter.trim().toLowerCase());
  const filtering = deferredFilter.length > 0;

  const sorted = useMemo(() => (ordered ? items : [...items].sort(naturalOrder.compare)), [items, ordered]);
  const rowHeight = details ? DETAILED_ROW_HEIGHT : ROW_HEIGHT;
  const filtered = useMemo(
    () => (filtering ? sorted.filter((item) => item.toLowerCase().includes(deferredFilter)) : sorted),
    [sorted, deferredFilter, filtering],
  );

  const canFetchMore = hasNextPage && !isFetchingNextPage && !nextPageError;

  // A filter must see every item, so fetch the remaining pages one after another.
  useEffect(() => {
    if (filtering && canFetchMore) fetchNextPage();
  }, [filtering, canFetchMore, fetchNextPage, items.length]);

  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- rows re-render from the virtualizer's own state; nothing here is memoised around it
  const virtualizer = useVirtualizer({
    count: filtered.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // Let React batch scroll updates instead of rendering synchronously inside each scroll event.
    useFlushSync: false,
  });
  const virtualItems = virtualizer.getVirtualItems();

  // ArrowUp/ArrowDown move between rows (Tab still works). The row may not be rendered yet in a
  // virtualised list: scroll it in, then focus it once it exists.
  const filterRef = useRef<HTMLInputElement>(null);
  const count = filtered.length;
  const focusRow = useCallback(
    (index: number) => {
      if (index < 0) {
        filterRef.current?.focus();
        return;
      }
      const target = Math.min(index, count - 1);
      if (target < 0) return;
      virtualizer.scrollToIndex(target, { align: 'auto' });
      const focusWhenRendered = (attempts: number) => {
        const link = scrollRef.current?.querySelector<HTMLElement>(`[data-row-index="${target}"]`);
        if (link) link.focus();
        else if (attempts > 0) requestAnimationFrame(() => focusWhenRendered(attempts - 1));
      };
      focusWhenRendered(10);
    },
    [count, virtualizer],
  );
  const onRowKeyDown = (event: React.KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const index = Number((event.target as HTMLElement).closest('[data-row-index]')?.getAttribute('data-row-index'));
    if (!Number.isInteger(index)) return;
    event.preventDefault();
    focusRow(index + (event.key === 'ArrowDown' ? 1 : -1));
  };

  const lastVisible = virtualItems.at(-1)?.index ?? -1;

  // Near the end of what is loaded: load the next page before the person gets there.
  useEffect(() => {
    if (!filtering && canFetchMore && lastVisible >= filtered.length - PREFETCH_ROWS) fetchNextPage();
  }, [filtering, canFetchMore, lastVisible, filtered.length, fetchNextPage]);

  if (items.length === 0 && !hasNextPage) {
    return <EmptyState size="xl">{emptyMessage}</EmptyState>;
  }

  const ofMany = total !== undefined && total > items.length ? formatCount(total) : 'many';
  let status: string;
  if (filtering) {
    status = hasNextPage
      ? `${plural(filtered.length, 'match', 'matches')} so far · loaded ${formatCount(items.length)} of ${ofMany}…`
      : `${formatCount(filtered.length)} of ${plural(items.length, noun.one, noun.many)} match`;
  } else {
    status = hasNextPage ? `Loaded ${formatCount(items.length)} of ${ofMany} ${noun.many}…` : plural(items.length, noun.one, noun.many);
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <FilterField
          id={filterId}
          inputRef={filterRef}
          value={filter}
          onChange={setFilter}
          placeholder={`Filter ${noun.many}`}
          onArrowDown={() => {
            if (count === 0) return false;
            focusRow(0);
            return true;
          }}
        />
        <ListStatus loading={isFetchingNextPage}>{status}</ListStatus>
      </div>

      {filtered.length === 0 ? (
        <EmptyState size="lg">
          {hasNextPage ? `No ${noun.many} match “${filter.trim()}” yet; still loading…` : `No ${noun.many} match “${filter.trim()}”.`}
        </EmptyState>
      ) : (
        <div
          ref={scrollRef}
          className="max-h-[min(70vh,calc(100dvh-15rem))] min-h-40 overflow-auto overscroll-contain rounded-lg border border-border bg-surface"
        >
          <ul role="list" className="relative w-full" style={{ height: virtualizer.getTotalSize() }} onKeyDown={onRowKeyDown}>
            {virtualItems.map((row) => {
              const item = filtered[row.index];
              if (item === undefined) return null;
              return <ListRow key={item} item={item} index={row.index} start={row.start} href={href(item)} onIntent={onItemIntent} details={details?.(item)} />;
            })}
          </ul>
        </div>
      )}

      {nextPageError ? (
        <ErrorState error={nextPageError} onRetry={fetchNextPage} host={host} title={`Could not load more ${noun.many}`} />
      ) : hasNextPage && !filtering ? (
        <Button variant="secondary" onClick={fetchNextPage} disabled={isFetchingNextPage}>
          {isFetchingNextPage ? 'Loading…' : 'Load more'}
        </Button>
      ) : null}
    </div>
  );
}

interface ListRowProps {
  item: string;
  index: number;
  start: number;
  href: string;
  onIntent?: (item: string) => void;
  details?: ItemDetails;
}

/**
 * One row. Memoised: while scrolling only the rows that come into view render. With details, the
 * name's link covers the whole row and the details sit around it.
 */
const ListRow = memo(function ListRow({ item, index, start, href, onIntent, details }: ListRowProps) {
  const link = (className: string, children: React.ReactNode) => (
    <Link
      href={href}
      prefetch={false}
      data-row-index={index}
      onMouseEnter={onIntent ? () => onIntent(item) : undefined}
      onFocus={onIntent ? () => onIntent(item) : undefined}
      className={className}
    >
      {children}
    </Link>
  );
  if (!details) {
    return (
      <li className="absolute top-0 left-0 w-full" style={{ height: ROW_HEIGHT, transform: `translateY(${start}px)` }}>
        {link(
          'flex h-full items-center border-b border-border-soft px-4 font-mono text-sm text-fg hover:bg-subtle focus-visible:bg-accent-soft focus-visible:-outline-offset-2',
          <span className="truncate" title={item}>
            {item}
          </span>,
        )}
      </li>
    );
  }
  return (
    <li
      className="absolute top-0 left-0 flex w-full items-center gap-4 border-b border-border-soft px-4 hover:bg-subtle has-[:focus-visible]:bg-accent-soft"
      style={{ height: DETAILED_ROW_HEIGHT, transform: `translateY(${start}px)` }}
    >
      <div className="min-w-0 flex-1">
        <div className="flex min-w-0 items-center gap-2">
          {link('truncate font-mono text-sm font-medium text-fg after:absolute after:inset-0', item)}
          {details.badge}
        </div>
        {details.below}
      </div>
      {details.aside}
    </li>
  );
});
