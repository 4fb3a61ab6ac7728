'use client';

import { useQuery } from '@tanstack/react-query';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { formatBytes, formatRelative } from '@/components/ui/format';
import { Skeleton } from '@/components/ui/skeleton';
import { BreakableName, Section, Table, Td, Th } from '@/components/ui/table';
import { DigestLink } from '@/components/ui/digest-link';
import { mediaTypeName } from './media-type';
import { referrersQueryOptions } from '@/components/data';

const SOURCE: Record<string, string> = {
  api: 'from the registry’s referrers API',
  tag: 'from the sha256-… tag fallback',
  none: '',
};

/** Signatures, SBOMs and attestations whose subject is this manifest. */
export function ReferrersSection({ host, repository, digest }: { host: string; repository: string; digest: string }) {
  const query = useQuery(referrersQueryOptions(host, repository, digest));

  let body: React.ReactNode;
  if (query.isPending) {
    body = (
      <div role="status" aria-label="Loading referrers" className="space-y-2">
        <Skeleton className="h-8 w-full" />
        <Skeleton className="h-8 w-full" />
      </div>
    );
  } else if (query.isError) {
    body = <ErrorState error={query.error} onRetry={() => void query.refetch()} host={host} title="Could not load referrers" />;
  } else if (query.data.referrers.length === 0) {
    body = (
      <EmptyState as="p" size="sm" align="start">
        Nothing refers to this manifest: no signatures, SBOMs or attestations found.
      </EmptyState>
    );
  } else {
    body = (
      <Table caption="Referrers">
        <thead>
          <tr>
            <Th>Type</Th>
            <Th>Digest</Th>
            <Th className="text-right">Size</Th>
            <Th className="hidden sm:table-cell">Created</Th>
          </tr>
        </thead>
        <tbody>
          {query.data.referrers.map((referrer) => {
            const type = referrer.artifactType ?? referrer.mediaType;
            const created = referrer.annotations?.['org.opencontainers.image.created'];
            return (
              <tr key={referrer.digest}>
                <Td>
                  <span className="font-medium">{mediaTypeName(type) ?? 'artifact'}</span>
                  <div className="font-mono text-xs text-faint">
                    <BreakableName>{type}</BreakableName>
                  </div>
                </Td>
                <Td>
                  <DigestLink host={host} repository={repository} digest={referrer.digest} />
                </Td>
                <Td className="text-right whitespace-nowrap tabular-nums">{formatBytes(referrer.size)}</Td>
                <Td className="hidden text-xs whitespace-nowrap sm:table-cell" title={created}>
                  {created ? formatRelative(created) : ''}
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>
    );
  }

  return (
    <Section title="Referrers" aside={query.data ? SOURCE[query.data.source] : undefined}>
      {body}
    </Section>
  );
}
