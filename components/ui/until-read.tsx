'use client';

import { useState } from 'react';
import { useQueries, useQueryClient, type QueryKey, type UseQueryResult } from '@tanstack/react-query';
import type { ImageManifestBody } from '@/lib/api/types';
import { filesProgressQueryOptions } from '@/components/data';
import { Button } from './button';
import { formatBytes, formatCount, plural } from './format';
import { ProgressBar } from './progress-bar';
import { Skeleton } from './skeleton';

/** How often a first read of the layers says how far it has got. */
const PROGRESS_EVERY_MS = 500;

/**
 * Until `query` (one that may read the layers of `images` for the first time) has answered: how far
 * the reading has got, with Cancel (which ends the request, and so the reading if nobody else
 * waits for it), then what Cancel did and a way to read again.
 */
export function UntilRead({
  host,
  repository,
  images,
  query,
  queryKey,
  path,
}: {
  host: string;
  repository: string;
  images: ImageManifestBody[];
  query: UseQueryResult<unknown>;
  queryKey: QueryKey;
  /** One image's directory: what it holds so far is shown while its layers are read. */
  path?: string;
}) {
  const queryClient = useQueryClient();
  const [cancelled, setCancelled] = useState(false);
  // Read on every render: TanStack Query re-renders for the properties a render read.
  const fetching = query.isFetching;
  if (cancelled && !fetching) {
    return (
      <div role="status" className="space-y-3 rounded-lg border border-border p-4 text-sm">
        <p>Cancelled: Berth stopped reading the layers. What it had read is not kept.</p>
        <Button
          variant="secondary"
          onClick={() => {
            setCancelled(false);
            void query.refetch();
          }}
        >
          Read the layers again
        </Button>
      </div>
    );
  }
  return (
    <Reading
      host={host}
      repository={repository}
      images={images}
      path={path}
      onCancel={() => {
        setCancelled(true);
        void queryClient.cancelQueries({ queryKey });
      }}
    />
  );
}

/** While the layers of `images` are read for the first time: how far, and Cancel. */
function Reading({
  host,
  repository,
  images,
  path,
  onCancel,
}: {
  host: string;
  repository: string;
  images: ImageManifestBody[];
  path?: string;
  onCancel: () => void;
}) {
  const progress = useQueries({
    queries: images.map((m) => filesProgressQueryOptions(host, repository, m.digest, PROGRESS_EVERY_MS, images.length === 1 ? path : undefined)),
  });
  const layers = progress.flatMap((p) => p.data?.layers ?? []);
  const total = layers.reduce((n, l) => n + l.size, 0) || images.reduce((n, m) => n + m.layers.reduce((k, l) => k + l.size, 0), 0);
  const read = layers.reduce((n, l) => n + l.read, 0);
  const done = layers.filter((l) => l.done).length;
  const found = progress[0]?.data?.found;
  return (
    <div className="space-y-3 rounded-lg border border-border p-4">
      <p className="text-sm">
        Reading {images.length === 1 ? "this image's" : 'the images\u2019'} layers to list {images.length === 1 ? 'its' : 'their'} files: {formatBytes(read)} of{' '}
        {formatBytes(total)}
        {layers.length > 0 ? ` (${done} of ${plural(layers.length, 'layer', 'layers')} done)` : ''}. A first look reads each layer once; after that it opens at
        once.
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <ProgressBar label="Reading the layers" done={read} total={total} className="w-72" />
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
      {found && found.length > 0 ? (
        <section aria-label="Found so far" className="space-y-1">
          <h3 className="text-xs font-semibold tracking-wide text-muted uppercase">
            Found so far in {path ?? '/'}
            {progress[0]?.data?.more ? ` (and ${formatCount(progress[0].data.more)} more)` : ''}
          </h3>
          <ul className="columns-1 gap-6 font-mono text-xs text-muted sm:columns-3">
            {found.map((row) => (
              <li key={row.name} className="truncate">
                {row.name}
                {row.type === 'dir' ? '/' : ''}
                {row.type === 'file' ? <span className="text-faint"> · {formatBytes(row.size)}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <div className="space-y-2" aria-hidden="true">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} className="h-6 w-full" />
          ))}
        </div>
      )}
    </div>
  );
}
