'use client';

import { useId } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import type { HistoryEntry, ImageManifestBody, ManifestBody } from '@/lib/api/types';
import { filesHref, type FilesQuery, type RefParts } from '@/lib/route-target';
import { CopyLinkButton } from '@/components/ui/copy-button';
import { ErrorState } from '@/components/ui/error-state';
import { fieldClass } from '@/components/ui/field';
import { cleanCreatedBy } from '@/components/ui/history';
import { Notice } from '@/components/ui/notice';
import { PageHeader } from '@/components/ui/page-header';
import { ManifestSkeleton } from '@/components/ui/skeleton';
import { configQueryOptions, manifestQueryOptions } from '@/components/data';
import { DirectoryView } from './directory-view';
import { FileView } from './file-view';

interface FilesViewProps {
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
  /** From the link: `?path=`, `?file=`, `?layer=`, `?platform=`. */
  path?: string;
  file?: string;
  layer?: string;
  platform?: string;
}

/** What the files view shows of one image, and how its links are written. */
export interface ImageAt {
  host: string;
  repository: string;
  /** The reference in the page's URL (a tag, or the digest of an image or an index). */
  ref: RefParts;
  /** The image's own manifest (for an index, the platform's). */
  manifest: ImageManifestBody;
  /** The index's platform shown, when the reference is an index. */
  platform?: string;
  /** The layer seen on its own (1-based), if one is. */
  layer?: number;
  /** Each layer's build step (index 0 is layer 1), from the image's config history. */
  steps: string[];
  href(query: FilesQuery): string;
}

/** Each layer's step from the config history (empty-layer steps are not layers). */
export function layerSteps(manifest: ImageManifestBody, history: HistoryEntry[] | undefined): string[] {
  const steps = manifest.layers.map((layer) => layer.annotations?.['org.opencontainers.image.title'] ?? '');
  for (const step of history ?? []) {
    if (step.layerIndex !== undefined && step.layerIndex < steps.length) steps[step.layerIndex] = cleanCreatedBy(step.created_by);
  }
  return steps;
}

/** The page for /HOST/REPO:TAG/-/files: an image's filesystem, a directory or a file at a time. */
export function FilesView({ host, repository, tag, digest, path, file, layer, platform }: FilesViewProps) {
  const ref: RefParts = digest !== undefined ? { host, repository, digest } : { host, repository, tag };
  const manifest = useQuery(manifestQueryOptions(host, repository, digest ?? tag ?? ''));
  return (
    <div>
      <PageHeader host={host} repository={repository} tag={tag} digest={digest} view={{ label: 'files', href: filesHref(ref) }} actions={<CopyLinkButton />} />
      <h1 className="mb-4 text-xl font-semibold">Files</h1>
      {manifest.isError ? (
        <ErrorState error={manifest.error} onRetry={() => void manifest.refetch()} host={host} title="Could not load the image" />
      ) : manifest.isPending ? (
        <ManifestSkeleton />
      ) : (
        <ImageOrIndex host={host} repository={repository} reference={ref} manifest={manifest.data} query={{ path, file, layer, platform }} />
      )}
    </div>
  );
}

interface ImageProps {
  host: string;
  repository: string;
  reference: RefParts;
  manifest: ManifestBody;
  query: { path?: string; file?: string; layer?: string; platform?: string };
}

/** An index: the platform's image (the first one unless the link names another), with a picker. */
function ImageOrIndex({ host, repository, reference, manifest, query }: ImageProps) {
  if (manifest.kind === 'legacy') {
    return <Notice>This is a Docker schema 1 manifest, which Berth shows for recognition only; its files are not listed.</Notice>;
  }
  if (manifest.kind === 'image') {
    if (manifest.isArtifact) {
      return (
        <Notice>
          This is an artifact ({manifest.artifactType ?? manifest.config.mediaType}), not a container image: it has no filesystem to list.{' '}
          <Link href={`/${host}/${repository}@${manifest.digest}`} className="text-accent hover:underline">
            Open the artifact
          </Link>
          .
        </Notice>
      );
    }
    return <ImageFiles host={host} repository={repository} reference={reference} manifest={manifest} query={query} />;
  }
  const images = manifest.manifests.filter((m) => !m.attestationFor);
  const chosen = images.find((m) => m.platformLabel === query.platform) ?? images[0];
  if (chosen === undefined) return <Notice>This index lists no images, so there are no files to show.</Notice>;
  const platform = chosen.platformLabel;
  return (
    <div className="space-y-4">
      <PlatformPicker images={images.map((m) => m.platformLabel)} chosen={platform} href={(p) => filesHref(reference, { platform: p })} />
      {query.platform !== undefined && query.platform !== platform ? (
        <Notice tone="warning">
          This index has no image for {query.platform}; showing {platform}.
        </Notice>
      ) : null}
      <PlatformImage host={host} repository={repository} reference={reference} digest={chosen.digest} platform={platform} query={query} />
    </div>
  );
}

function PlatformPicker({ images, chosen, href }: { images: string[]; chosen: string; href: (platform: string) => string }) {
  const router = useRouter();
  const id = useId();
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm font-medium text-fg-soft">
      <label htmlFor={id}>Platform</label>
      <select id={id} value={chosen} onChange={(e) => router.push(href(e.target.value))} className={`px-2 py-1 font-mono text-sm font-normal ${fieldClass}`}>
        {[...new Set(images)].map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </div>
  );
}

function PlatformImage({ host, repository, reference, digest, platform, query }: Omit<ImageProps, 'manifest'> & { digest: string; platform: string }) {
  const manifest = useQuery(manifestQueryOptions(host, repository, digest));
  if (manifest.isError)
    return <ErrorState error={manifest.error} onRetry={() => void manifest.refetch()} host={host} title={`Could not load the ${platform} image`} />;
  if (manifest.isPending) return <ManifestSkeleton />;
  if (manifest.data.kind !== 'image' || manifest.data.isArtifact)
    return <Notice>The {platform} entry of this index is not a container image: it has no files to list.</Notice>;
  return <ImageFiles host={host} repository={repository} reference={reference} manifest={manifest.data} platform={platform} query={query} />;
}

function ImageFiles({
  host,
  repository,
  reference,
  manifest,
  platform,
  query,
}: Omit<ImageProps, 'manifest'> & { manifest: ImageManifestBody; platform?: string }) {
  const config = useQuery(configQueryOptions(host, repository, manifest.config.digest));
  const layers = manifest.layers.length;
  const asked = query.layer === undefined ? undefined : Number(query.layer);
  const layer = asked !== undefined && Number.isInteger(asked) && asked >= 1 && asked <= layers ? asked : undefined;
  const image: ImageAt = {
    host,
    repository,
    ref: reference,
    manifest,
    platform,
    layer,
    steps: layerSteps(manifest, config.data?.history),
    href: (q) => filesHref(reference, { ...(platform !== undefined ? { platform } : {}), ...(layer !== undefined ? { layer } : {}), ...q }),
  };
  return (
    <div className="space-y-4">
      <LayerPicker image={image} path={query.path} />
      {query.layer !== undefined && layer === undefined ? (
        <Notice tone="warning">
          This image has {layers} layer{layers === 1 ? '' : 's'}; there is no layer {query.layer}. Showing all layers merged.
        </Notice>
      ) : null}
      {query.file !== undefined ? <FileView image={image} path={query.file} /> : <DirectoryView image={image} path={query.path ?? '/'} />}
    </div>
  );
}

/** **Layer**: all layers merged, or one layer on its own (what it adds, changes and deletes). */
function LayerPicker({ image, path }: { image: ImageAt; path?: string }) {
  const router = useRouter();
  const { manifest, layer, steps } = image;
  const id = useId();
  const go = (value: string) => {
    const chosen = value === '' ? undefined : Number(value);
    router.push(
      filesHref(image.ref, { ...(image.platform !== undefined ? { platform: image.platform } : {}), ...(chosen !== undefined ? { layer: chosen } : {}), path }),
    );
  };
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm font-medium text-fg-soft">
      <label htmlFor={id}>Layer</label>
      <select
        id={id}
        value={layer === undefined ? '' : String(layer)}
        onChange={(e) => go(e.target.value)}
        className={`max-w-full min-w-0 px-2 py-1 text-sm font-normal ${fieldClass}`}
      >
        <option value="">All layers (merged)</option>
        {manifest.layers.map((l, i) => (
          <option key={`${l.digest}-${i}`} value={String(i + 1)}>
            {`Layer ${i + 1}${steps[i] ? `: ${steps[i]}` : ''}`}
          </option>
        ))}
      </select>
    </div>
  );
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
