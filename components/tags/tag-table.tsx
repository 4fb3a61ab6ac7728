'use client';

import { memo, useCallback, useRef } from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { hrefFor } from '@/lib/route-target';
import { formatDate, formatRelative, shortDigest, sizeText } from '@/components/ui/format';
import { detailQueryOptions, isDetailError, type DetailResult } from '@/components/data';
import { FIRST_SCREEN_ROWS } from './tag-order';

export const TAG_ROW_HEIGHT = 48;

interface TagTableProps {
  host: string;
  repository: string;
  tags: readonly string[];
  /** Digests that have signature, attestation or SBOM tags in this repository. */
  signed: ReadonlySet<string>;
  /** Hover or focus on a row: a good moment to prefetch what it links to. */
  onIntent?: (tag: string) => void;
  /** The index of the last row on screen changed (to load the next page of tags in time). */
  onRangeChange?: (lastVisible: number) => void;
  /** Render only the rows on screen (the default); false renders every row (npm run bench compares). */
  virtualize?: boolean;
}

const GRID = 'grid grid-cols-[minmax(0,1fr)_auto] sm:grid-cols-[minmax(8rem,2fr)_9.5rem_7rem_6rem_minmax(8rem,2fr)] items-center gap-x-3';

/**
 * The tags of a repository as a table: tag, digest, created, compressed size and platforms. Only
 * the rows on screen (and a few ahead) are rendered, and only their details are asked for.
 */
export function TagTable({ host, repository, tags, signed, onIntent, onRangeChange, virtualize = true }: TagTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- rows re-render from the virtualizer's own state; nothing here is memoised around it
  const virtualizer = useVirtualizer({
    count: tags.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => TAG_ROW_HEIGHT,
    overscan: 12, // within the rows a first render puts in order (FIRST_RENDER_ROWS)
    // Before measuring (and on the server) assume a first screen, so the rows are in the HTML.
    initialRect: { width: 1024, height: FIRST_SCREEN_ROWS * TAG_ROW_HEIGHT },
    useFlushSync: false,
    enabled: virtualize,
    onChange: (instance) => {
      const last = instance.getVirtualItems().at(-1)?.index;
      if (last !== undefined) onRangeChange?.(last);
    },
  });

  // ArrowUp/ArrowDown move between rows (Tab still works); a row may need scrolling in first.
  const focusRow = useCallback(
    (index: number) => {
      const target = Math.max(0, Math.min(index, tags.length - 1));
      virtualizer.scrollToIndex(target, { align: 'auto' });
      const focusWhenRendered = (attempts: number) => {
        const link = scrollRef.current?.querySelector<HTMLElement>(`[data-row-index="${target}"]`);
        if (link) link.focus();
        else if (attempts > 0) requestAnimationFrame(() => focusWhenRendered(attempts - 1));
      };
      focusWhenRendered(10);
    },
    [tags.length, virtualizer],
  );
  const onKeyDown = (event: React.KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const index = Number((event.target as HTMLElement).closest('[data-row-index]')?.getAttribute('data-row-index'));
    if (!Number.isInteger(index)) return;
    event.preventDefault();
    focusRow(index + (event.key === 'ArrowDown' ? 1 : -1));
  };

  return (
    <div role="table" aria-label={`Tags of ${repository}`} aria-rowcount={tags.length + 1} className="overflow-hidden rounded-lg border border-border">
      <div role="rowgroup" className="hidden border-b border-border bg-subtle sm:block">
        <div role="row" aria-rowindex={1} className={`${GRID} px-4 py-2 text-xs font-semibold tracking-wide text-muted uppercase`}>
          <span role="columnheader">Tag</span>
          <span role="columnheader">Digest</span>
          <span role="columnheader">Created</span>
          <span role="columnheader" className="text-right">
            Size
          </span>
          <span role="columnheader">Platforms</span>
        </div>
      </div>
      <div ref={scrollRef} role="rowgroup" className="max-h-[70vh] overflow-auto" onKeyDown={onKeyDown} data-tag-rows>
        <div className="relative w-full" style={{ height: virtualize ? virtualizer.getTotalSize() : tags.length * TAG_ROW_HEIGHT }}>
          {(virtualize ? virtualizer.getVirtualItems() : tags.map((_, index) => ({ index, start: index * TAG_ROW_HEIGHT }))).map((row) => {
            const tag = tags[row.index];
            if (tag === undefined) return null;
            return <TagRow key={tag} host={host} repository={repository} tag={tag} index={row.index} start={row.start} signed={signed} onIntent={onIntent} />;
          })}
        </div>
      </div>
    </div>
  );
}

interface TagRowProps {
  host: string;
  repository: string;
  tag: string;
  index: number;
  start: number;
  signed: ReadonlySet<string>;
  onIntent?: (tag: string) => void;
}

/** One tag. Memoised, and subscribed to its own details only. */
const TagRow = memo(function TagRow({ host, repository, tag, index, start, signed, onIntent }: TagRowProps) {
  const details = useQuery(detailQueryOptions(host, repository, tag));
  const intent = onIntent ? () => onIntent(tag) : undefined;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`${GRID} absolute top-0 left-0 w-full border-b border-border-soft px-4 text-sm hover:bg-subtle focus-within:bg-accent-soft`}
      style={{ height: TAG_ROW_HEIGHT, transform: `translateY(${start}px)` }}
    >
      <span role="cell" className="min-w-0">
        <span className="flex min-w-0 items-center gap-2">
          <Link
            href={hrefFor({ host, repository, tag })}
            prefetch={false}
            data-row-index={index}
            onMouseEnter={intent}
            onFocus={intent}
            className="truncate rounded-sm font-mono font-medium text-fg hover:underline"
            title={tag}
            // The first row's paint is what a person waits for: the benchmark times it (Element Timing).
            {...(index === 0 ? { elementtiming: 'first-tag-row' } : {})}
          >
            {tag}
          </Link>
          <Marks detail={details.data} signed={signed} />
        </span>
        {/* Phones: the platforms go under the tag instead of in their own column. */}
        <span className="block truncate text-xs text-muted sm:hidden">{platformsText(details.data)}</span>
      </span>
      <DetailCells detail={details.data} pending={details.isPending} failed={details.isError} first={index === 0} />
    </div>
  );
});

function Marks({ detail, signed }: { detail: DetailResult | undefined; signed: ReadonlySet<string> }) {
  if (!detail || isDetailError(detail)) return null;
  const marks: { label: string; title: string }[] = [];
  if (signed.has(detail.digest)) marks.push({ label: 'signed', title: 'Has signature, attestation or SBOM tags' });
  if (detail.attestations > 0)
    marks.push({ label: 'attested', title: `${detail.attestations} build attestation${detail.attestations === 1 ? '' : 's'} in the index` });
  if (detail.kind === 'artifact') marks.push({ label: 'artifact', title: detail.artifactType ?? 'Not a runnable image' });
  return (
    <>
      {marks.map((m) => (
        <span key={m.label} title={m.title} className="shrink-0 rounded bg-chip px-1.5 py-0.5 text-[11px] font-medium text-muted">
          {m.label}
        </span>
      ))}
    </>
  );
}

/**
 * "linux/amd64, linux/arm64/v8"; empty while unknown. An index with more platforms than were read
 * starts with their number, so that it shows in a cell too narrow for the names.
 */
function platformsText(detail: DetailResult | undefined): string {
  if (!detail || isDetailError(detail)) return '';
  if (detail.kind === 'artifact') return 'artifact';
  const names = detail.platforms
    .map((p) => p.platform)
    .filter((p) => p !== 'unknown')
    .join(', ');
  if (!detail.unlisted) return names;
  return `${(detail.platforms.length + detail.unlisted).toLocaleString('en-US')} platforms: ${names} and ${detail.unlisted.toLocaleString('en-US')} more`;
}

function Created({ iso }: { iso: string | undefined }) {
  if (!iso) return <span className="text-placeholder">—</span>;
  return (
    <time dateTime={iso} title={formatDate(iso)} suppressHydrationWarning>
      {formatRelative(iso)}
    </time>
  );
}

function DetailCells({ detail, pending, failed, first }: { detail: DetailResult | undefined; pending: boolean; failed: boolean; first: boolean }) {
  if (!detail || isDetailError(detail)) {
    const text = pending ? '' : failed ? 'details unavailable' : detail ? detail.error.message : '';
    return (
      <>
        <span role="cell" className="col-span-1 text-xs text-faint sm:col-span-4" title={text}>
          {pending ? (
            <span aria-hidden="true" className="inline-block h-3 w-40 max-w-full animate-pulse rounded bg-skeleton motion-reduce:animate-none" />
          ) : (
            <span className="line-clamp-1">{text}</span>
          )}
        </span>
      </>
    );
  }
  const size = sizeText(detail);
  const platforms = platformsText(detail);
  return (
    <>
      {/* Phones: size and date at the row's end instead of in their own columns. */}
      <span role="cell" className="text-right text-xs text-muted tabular-nums sm:hidden">
        {size ?? ''}
        <span className="block">
          <Created iso={detail.created} />
        </span>
      </span>
      <span role="cell" className="hidden font-mono text-xs text-muted sm:block" title={detail.digest}>
        {shortDigest(detail.digest)}
      </span>
      <span role="cell" className="hidden text-xs text-muted sm:block">
        <Created iso={detail.created} />
      </span>
      <span
        role="cell"
        className="hidden text-right text-xs whitespace-nowrap tabular-nums sm:block"
        // The first row's size: when a person has the row and its details (the benchmark times it).
        {...(first ? { elementtiming: 'first-tag-size' } : {})}
      >
        {size ?? <span className="text-placeholder">—</span>}
      </span>
      <span role="cell" className="hidden min-w-0 truncate text-xs text-muted sm:block" title={platforms}>
        {platforms || <span className="text-placeholder">—</span>}
      </span>
    </>
  );
}
