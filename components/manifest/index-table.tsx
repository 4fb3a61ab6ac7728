'use client';

import { useQueryClient } from '@tanstack/react-query';
import type { IndexEntry } from '@/lib/api/types';
import { EmptyState } from '@/components/ui/empty-state';
import { formatBytes } from '@/components/ui/format';
import { BreakableName, Section, Table, Td, Th } from '@/components/ui/table';
import { DigestLink } from './digest-link';
import { manifestQueryOptions } from './queries';

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
  const orphans = entries.filter(
    (entry) => entry.attestationFor !== undefined && !known.has(entry.attestationFor),
  );
  return { groups, orphans };
}

/** BuildKit marks its provenance/SBOM manifests with vnd.docker.reference.type: attestation-manifest. */
function attestationLabel(entry: IndexEntry): string {
  return entry.artifactType ?? entry.annotations?.['vnd.docker.reference.type'] ?? 'attestation';
}

export function IndexTable({
  host,
  repository,
  entries,
}: {
  host: string;
  repository: string;
  entries: IndexEntry[];
}) {
  const queryClient = useQueryClient();
  const prefetch = (digest: string) =>
    void queryClient.prefetchQuery(manifestQueryOptions(host, repository, digest));
  const { groups, orphans } = groupEntries(entries);
  const platforms = groups.length;

  const row = (entry: IndexEntry, nested: boolean) => (
    <tr key={entry.digest} className={nested ? 'text-muted' : ''}>
      <Td className={nested ? 'pl-8' : ''}>
        {nested ? (
          <span className="inline-flex items-center gap-1.5">
            <span aria-hidden="true">↳</span>
            <span className="rounded bg-chip px-1.5 py-0.5 text-xs">
              {attestationLabel(entry)}
            </span>
          </span>
        ) : (
          <span className="font-mono text-sm font-medium whitespace-nowrap">{entry.platformLabel}</span>
        )}
      </Td>
      <Td>
        <DigestLink host={host} repository={repository} digest={entry.digest} onIntent={() => prefetch(entry.digest)} />
        {/* Phones have no room for the size column: the size goes under the digest. */}
        <div className="text-xs text-faint tabular-nums sm:hidden">{formatBytes(entry.size)}</div>
      </Td>
      <Td className="hidden text-right whitespace-nowrap tabular-nums sm:table-cell">{formatBytes(entry.size)}</Td>
      <Td mono className="hidden text-faint md:table-cell">
        <BreakableName>{entry.mediaType}</BreakableName>
      </Td>
    </tr>
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
              <Th className="hidden text-right sm:table-cell">Manifest size</Th>
              <Th className="hidden md:table-cell">Media type</Th>
            </tr>
          </thead>
          <tbody>
            {groups.flatMap(({ entry, attestations }) => [
              row(entry, false),
              ...attestations.map((attestation) => row(attestation, true)),
            ])}
            {orphans.map((entry) => row(entry, true))}
          </tbody>
        </Table>
      )}
    </Section>
  );
}
