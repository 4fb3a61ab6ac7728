'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { endpoints, urlOf } from '@/lib/api/endpoints';
import type { FileBody } from '@/lib/api/types';
import { withBasePath } from '@/lib/base-path';
import { buttonClass } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { formatBytes } from '@/components/ui/format';
import { Notice } from '@/components/ui/notice';
import { Skeleton } from '@/components/ui/skeleton';
import { Fact, Facts, Muted } from '@/components/ui/table';
import { fileQueryOptions } from '@/components/data';
import { fromBase64, hexDump, modeString, ownerString } from '@/components/ui/file-format';
import type { ImageAt } from './files-view';

/** One file: what it is, its content (text as it is, anything else as hex), and a download. */
export function FileView({ image, path }: { image: ImageAt; path: string }) {
  const { host, repository, manifest } = image;
  const file = useQuery(fileQueryOptions(host, repository, manifest.digest, path));
  const parent = path.slice(0, path.lastIndexOf('/') + 1) || '/';
  return (
    <div className="space-y-4">
      <Link href={image.href({ path: parent, layer: undefined })} className="text-sm text-accent hover:underline">
        ← {parent}
      </Link>
      {file.isError ? (
        <ErrorState error={file.error} onRetry={() => void file.refetch()} host={host} title={`Could not open ${path}`} />
      ) : file.isPending ? (
        <div className="space-y-2">
          <Skeleton className="h-6 w-80 max-w-full" />
          <Skeleton className="h-48 w-full" />
        </div>
      ) : (
        <FileContent image={image} body={file.data} />
      )}
    </div>
  );
}

function FileContent({ image, body }: { image: ImageAt; body: FileBody }) {
  const { entry, content } = body;
  const step = image.steps[entry.layer - 1];
  const download = withBasePath(urlOf(endpoints.fileDownload, { host: image.host, repository: image.repository, digest: body.digest, path: body.path }));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <h2 className="font-mono text-base font-semibold break-all">{body.path}</h2>
        {content ? (
          <a href={download} download className={buttonClass('secondary')}>
            Download
          </a>
        ) : null}
      </div>
      {body.followed.length > 0 ? (
        <Notice>
          Followed {body.followed.length === 1 ? 'a link' : 'links'} within the image:{' '}
          {body.followed.map((l, i) => (
            <span key={i} className="font-mono text-xs">
              {i > 0 ? ', ' : ''}
              {l.from} → {l.to}
            </span>
          ))}
          .
        </Notice>
      ) : null}
      <Facts>
        <Fact label="Size">{formatBytes(entry.size)}</Fact>
        <Fact label="Mode" mono>
          {modeString(entry.type, entry.mode)}
        </Fact>
        <Fact label="Owner" mono>
          {ownerString(entry)}
        </Fact>
        <Fact label="Put there by">
          layer {entry.layer}
          {step ? <span className="font-mono text-xs text-muted">: {step}</span> : null}
        </Fact>
        {entry.type === 'hardlink' ? (
          <Fact label="Hard link to" mono>
            {entry.link}
          </Fact>
        ) : null}
      </Facts>
      {content === undefined ? (
        <p className="text-sm text-muted">
          This is a {entry.type === 'char' ? 'character device' : entry.type === 'block' ? 'block device' : entry.type}: it has no content to show.
        </p>
      ) : content.kind === 'text' ? (
        <>
          <pre aria-label={body.path} className="max-h-[70vh] overflow-auto rounded-lg border border-border bg-subtle p-3 font-mono text-xs whitespace-pre">
            {content.data}
          </pre>
          {content.truncated ? <Cut shown={content.bytes} size={entry.size} /> : null}
        </>
      ) : (
        <>
          <p className="text-sm text-muted">Not text: shown as hex{content.truncated ? '' : ', all of it'}.</p>
          <pre aria-label={body.path} className="max-h-[70vh] overflow-auto rounded-lg border border-border bg-subtle p-3 font-mono text-xs whitespace-pre">
            {hexDump(fromBase64(content.data))}
          </pre>
          {content.truncated ? <Cut shown={content.bytes} size={entry.size} /> : null}
        </>
      )}
      {content && content.bytes === 0 ? <Muted>The file is empty.</Muted> : null}
    </div>
  );
}

function Cut({ shown, size }: { shown: number; size: number }) {
  return (
    <p className="text-sm text-muted">
      Showing the first {formatBytes(shown)} of {formatBytes(size)}; download the file for all of it.
    </p>
  );
}
