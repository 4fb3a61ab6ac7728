'use client';

import { useEffect } from 'react';
import Link from 'next/link';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ManifestBody } from '@/lib/api/types';
import { compareHref, filesHref, formatRef, hrefFor } from '@/lib/route-target';
import { keys, manifestQueryOptions } from '@/components/data';
import { buttonClass } from '@/components/ui/button';
import { CopyLinkButton } from '@/components/ui/copy-button';
import { ErrorState } from '@/components/ui/error-state';
import { formatBytes } from '@/components/ui/format';
import { PageHeader } from '@/components/ui/page-header';
import { PullCommand } from '@/components/ui/pull-command';
import { Notice } from '@/components/ui/notice';
import { ManifestSkeleton } from '@/components/ui/skeleton';
import { Fact, Facts, KeyValueTable, Section } from '@/components/ui/table';
import { ArtifactDetails } from './artifact-details';
import { DigestLink } from '@/components/ui/digest-link';
import { ImageDetails } from './image-details';
import { IndexTable } from './index-table';
import { LegacyNotice } from './legacy-notice';
import { mediaTypeName } from './media-type';
import { RawDocument } from './raw-document';
import { ReferrersSection } from './referrers-section';

/** What the page puts beside the manifest: buttons in its header after Compare, and notices under the header. */
interface Slots {
  actions?: React.ReactNode;
  notices?: React.ReactNode;
}

type ManifestViewProps = Slots &
  ({ host: string; repository: string; tag: string; digest?: undefined } | { host: string; repository: string; digest: string; tag?: undefined });

function kindLabel(manifest: ManifestBody): string {
  if (manifest.kind === 'index') return 'Multi-platform index';
  if (manifest.kind === 'legacy') return 'Legacy schema 1';
  return manifest.isArtifact ? 'Artifact' : 'Image';
}

function Summary({ manifest }: { manifest: ManifestBody }) {
  const { host, repository } = manifest;
  return (
    <Facts>
      <Fact label="Digest" mono wide>
        {manifest.digest}
      </Fact>
      <Fact label="Media type" mono>
        {manifest.mediaType}
        {mediaTypeName(manifest.mediaType) ? (
          <span className="ml-2 inline-block font-sans break-normal text-faint">({mediaTypeName(manifest.mediaType)})</span>
        ) : null}
      </Fact>
      <Fact label="Manifest size">{formatBytes(manifest.size)}</Fact>
      {manifest.subject ? (
        <Fact label="Subject (this describes)" wide>
          <DigestLink host={host} repository={repository} digest={manifest.subject.digest}>
            {manifest.subject.digest}
          </DigestLink>
        </Fact>
      ) : null}
    </Facts>
  );
}

/** The page for HOST/REPO:TAG and HOST/REPO@DIGEST. */
export function ManifestView({ host, repository, tag, digest, actions, notices }: ManifestViewProps) {
  const queryClient = useQueryClient();
  const reference = tag ?? digest;
  const query = useQuery(manifestQueryOptions(host, repository, reference));
  const manifest = query.data;

  // What a tag points at today is also that digest forever: seed the digest's cache entry.
  useEffect(() => {
    if (!manifest || tag === undefined) return;
    const key = keys.manifest(host, repository, manifest.digest);
    if (queryClient.getQueryData(key) === undefined) {
      const { tag: _tag, ...byDigest } = manifest;
      queryClient.setQueryData(key, byDigest);
    }
  }, [manifest, tag, host, repository, queryClient]);

  const resolvedDigest = manifest?.digest ?? digest;

  return (
    <div>
      <h1 className="sr-only">{formatRef({ host, repository, tag, digest })}</h1>
      <PageHeader
        host={host}
        repository={repository}
        tag={tag}
        digest={digest}
        actions={
          <>
            {manifest && (manifest.kind === 'index' || (manifest.kind === 'image' && !manifest.isArtifact)) ? (
              // By digest: the files of exactly this image, and no manifest read by tag again (a pull on Docker Hub).
              <Link href={filesHref({ host, repository, digest: manifest.digest })} className={buttonClass('secondary')}>
                Files
              </Link>
            ) : null}
            <Link href={compareHref(host, repository, reference)} className={buttonClass('secondary')}>
              Compare with…
            </Link>
            {actions}
            <CopyLinkButton />
          </>
        }
      />
      {notices}

      <div className="mb-6 grid gap-2 lg:grid-cols-2">
        {tag !== undefined ? <PullCommand by="tag" reference={formatRef({ host, repository, tag })} /> : null}
        {resolvedDigest !== undefined ? <PullCommand by="digest" reference={formatRef({ host, repository, digest: resolvedDigest })} /> : null}
      </div>

      {query.isPending ? (
        <ManifestSkeleton />
      ) : query.isError ? (
        <ErrorState
          error={query.error}
          onRetry={() => void query.refetch()}
          host={host}
          title={tag !== undefined ? `Could not load tag ${tag}` : 'Could not load this manifest'}
        />
      ) : (
        <div className="space-y-8">
          <div className="flex flex-wrap items-center gap-2">
            <span className="rounded-full bg-inverse px-2.5 py-0.5 text-xs font-medium text-inverse-fg">{kindLabel(query.data)}</span>
            {tag !== undefined ? (
              <Link href={hrefFor({ host, repository, digest: query.data.digest })} className={buttonClass('link', { className: 'text-xs' })}>
                Permanent link to this digest
              </Link>
            ) : null}
          </div>
          {query.data.warnings?.length ? (
            <Notice tone="warning" role="note">
              <p className="font-medium">The registry says:</p>
              <ul className="mt-1 list-disc pl-5">
                {query.data.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </Notice>
          ) : null}
          <Summary manifest={query.data} />

          {query.data.kind === 'index' ? (
            <IndexTable host={host} repository={repository} entries={query.data.manifests} />
          ) : query.data.kind === 'legacy' ? (
            <LegacyNotice manifest={query.data} />
          ) : query.data.isArtifact ? (
            <ArtifactDetails manifest={query.data} />
          ) : (
            <ImageDetails manifest={query.data} />
          )}

          {Object.keys(query.data.annotations).length > 0 ? (
            <Section title="Annotations">
              <KeyValueTable
                entries={Object.entries(query.data.annotations).sort(([a], [b]) => a.localeCompare(b))}
                caption="Manifest annotations"
                keyHeading="Annotation"
              />
            </Section>
          ) : null}

          {query.data.kind !== 'legacy' ? <ReferrersSection host={host} repository={repository} digest={query.data.digest} /> : null}

          <RawDocument
            host={host}
            repository={repository}
            digest={query.data.digest}
            kind="manifest"
            noun={query.data.kind === 'index' ? 'Index' : 'Manifest'}
          />
        </div>
      )}
    </div>
  );
}
