'use client';

import { useState } from 'react';
import Link from 'next/link';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { IndexEntry } from '@/lib/api/types';
import { traitsOf } from '@/lib/registry/traits';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { formatDate, formatRelative, sizeText } from '@/components/ui/format';
import { Skeleton } from '@/components/ui/skeleton';
import { BreakableName, Section, Table, Td, Th } from '@/components/ui/table';
import { detailQueryOptions, isDetailError, keys, prefetchManifest } from '@/components/data';
import { hrefFor } from '@/lib/route-target';
import { DigestLink } from '@/components/ui/digest-link';

interface Group {
  entry: IndexEntry;
  attestations: IndexEntry[];
}

/** Platform images in index order, each followed by the attestations that describe it. */
function groupEntries(entries: IndexEntry[]): { groups: Group[]; orphans: IndexEntry[] } {
  const images = entries.filter((entry) => entry.attestationFor === undefined);
  const known = new Set(images.map((entry) => entry.digest));
  const groups = images.map((entry) => ({
    entry,
    attestations: entries.filter((other) => other.attestationFor === entry.digest),
  }));
  const orphans = entries.filter((entry) => entry.attestationFor !== undefined && !known.has(entry.attestationFor));
  return { groups, orphans };
}

/** BuildKit marks its provenance/SBOM manifests with vnd.docker.reference.type: attestation-manifest. */
function attestationLabel(entry: IndexEntry): string {
  return entry.artifactType ?? entry.annotations?.['vnd.docker.reference.type'] ?? 'attestation';
}

export function IndexTable({ host, repository, entries }: { host: string; repository: string; entries: IndexEntry[] }) {
  const queryClient = useQueryClient();
  const { groups, orphans } = groupEntries(entries);
  const platforms = groups.length;
  // Docker Hub counts every manifest read as a pull from the person's limit: the entries its API
  // did not describe are read only when the person asks.
  const [readMetered, setReadMetered] = useState(false);
  const metered = traitsOf(host).readsArePulls && !readMetered;
  const unread = metered ? entries.filter((entry) => queryClient.getQueryData(keys.detail(host, repository, entry.digest)) === undefined).length : 0;

  const row = (entry: IndexEntry, nested: boolean) => (
    <IndexRow
      key={entry.digest}
      host={host}
      repository={repository}
      entry={entry}
      nested={nested}
      read={!metered}
      onIntent={() => prefetchManifest(queryClient, host, repository, entry.digest)}
    />
  );

  return (
    <Section
      title="Platforms"
      aside={`${platforms} ${platforms === 1 ? 'platform' : 'platforms'}${entries.length > platforms ? ` · ${entries.length - platforms} attached` : ''}`}
    >
      {entries.length === 0 ? (
        <EmptyState as="p">This index lists no manifests.</EmptyState>
      ) : (
        <Table caption="Manifests in this index">
          <thead>
            <tr>
              <Th>Platform</Th>
              <Th>Digest</Th>
              <Th className="hidden text-right sm:table-cell">Size</Th>
              <Th className="hidden sm:table-cell">Created</Th>
              <Th className="hidden md:table-cell">Media type</Th>
            </tr>
          </thead>
          <tbody>
            {groups.flatMap(({ entry, attestations }) => [row(entry, false), ...attestations.map((attestation) => row(attestation, true))])}
            {orphans.map((entry) => row(entry, true))}
          </tbody>
        </Table>
      )}
      {unread > 0 ? (
        <p className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-muted">
          <span>Sizes and dates of {unread === 1 ? '1 entry are' : `${unread} entries are`} not loaded: Docker Hub counts reading each one as a pull.</span>
          <Button variant="secondary" onClick={() => setReadMetered(true)}>
            Load them ({unread === 1 ? '1 pull' : `${unread} pulls`})
          </Button>
        </p>
      ) : null}
    </Section>
  );
}

interface IndexRowProps {
  host: string;
  repository: string;
  entry: IndexEntry;
  nested: boolean;
  /** Whether to read the entry's details when they are not known yet. */
  read: boolean;
  onIntent: () => void;
}

/**
 * One entry: its platform (a link to its own view), digest, and the compressed size and date of
 * the image it stands for, read from the child manifest and config (not the size of the manifest
 * document itself).
 */
function IndexRow({ host, repository, entry, nested, read, onIntent }: IndexRowProps) {
  const details = useQuery({ ...detailQueryOptions(host, repository, entry.digest), enabled: read });
  const detail = details.data && !isDetailError(details.data) ? details.data : undefined;
  const size = detail ? sizeText(detail) : undefined;
  const pending = details.isPending && details.fetchStatus !== 'idle';
  const sizeCell = size ?? (pending ? <Skeleton className="ml-auto h-3 w-14" /> : <span className="text-placeholder">—</span>);
  return (
    <tr className={nested ? 'text-muted' : ''}>
      <Td className={nested ? 'pl-8' : ''}>
        {nested ? (
          <span className="inline-flex items-center gap-1.5">
            <span aria-hidden="true">↳</span>
            <span className="rounded bg-chip px-1.5 py-0.5 text-xs">{attestationLabel(entry)}</span>
          </span>
        ) : (
          <Link
            href={hrefFor({ host, repository, digest: entry.digest })}
            onMouseEnter={onIntent}
            onFocus={onIntent}
            className="font-mono text-sm font-medium whitespace-nowrap hover:underline"
          >
            {entry.platformLabel}
          </Link>
        )}
      </Td>
      <Td>
        <DigestLink host={host} repository={repository} digest={entry.digest} onIntent={onIntent} />
        {/* Phones have no room for the size and date columns: they go under the digest. */}
        <div className="text-xs text-faint tabular-nums sm:hidden">
          {size ?? ''}
          {detail?.created ? <> · {formatRelative(detail.created)}</> : null}
        </div>
      </Td>
      <Td className="hidden text-right whitespace-nowrap tabular-nums sm:table-cell">{sizeCell}</Td>
      <Td className="hidden text-xs whitespace-nowrap sm:table-cell">
        {detail?.created ? (
          <time dateTime={detail.created} title={formatDate(detail.created)} suppressHydrationWarning>
            {formatRelative(detail.created)}
          </time>
        ) : pending ? (
          <Skeleton className="h-3 w-20" />
        ) : (
          <span className="text-placeholder">—</span>
        )}
      </Td>
      <Td mono className="hidden text-faint md:table-cell">
        <BreakableName>{entry.mediaType}</BreakableName>
      </Td>
    </tr>
  );
}
