'use client';

import { useRef } from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { FileRow, FilesBody } from '@/lib/api/types';
import { ErrorState } from '@/components/ui/error-state';
import { formatBytes, formatCount, plural } from '@/components/ui/format';
import { Muted, Section, Table, Td, Th } from '@/components/ui/table';
import { filesQueryOptions } from '@/components/data';
import { joinPath, modeString, ownerString, pathCrumbs } from '@/components/ui/file-format';
import { UntilRead } from '@/components/ui/until-read';
import { truncate, type ImageAt } from './files-view';

const ROW_HEIGHT = 40;

/** A directory of the image (or of one layer), where the bytes go, and how far a first read has got. */
export function DirectoryView({ image, path }: { image: ImageAt; path: string }) {
  const { host, repository, manifest, layer } = image;
  const options = filesQueryOptions(host, repository, manifest.digest, { layer, path });
  const files = useQuery(options);
  if (files.isError) return <ErrorState error={files.error} onRetry={() => void files.refetch()} host={host} title="Could not list the files" />;
  if (files.data === undefined)
    return (
      <UntilRead
        key={JSON.stringify(options.queryKey)}
        host={host}
        repository={repository}
        images={[manifest]}
        query={files}
        queryKey={options.queryKey}
        path={layer === undefined ? path : undefined}
      />
    );
  return (
    <div className="space-y-8">
      <Listing image={image} body={files.data} />
      {layer === undefined ? <WhereTheBytesGo image={image} body={files.data} /> : null}
    </div>
  );
}

/** "/ › usr › lib", each part a link to its directory. */
function PathCrumbs({ image, path }: { image: ImageAt; path: string }) {
  const crumbs = pathCrumbs(path);
  return (
    <nav aria-label="Directory" className="font-mono text-sm">
      <ol className="flex flex-wrap items-center gap-1">
        <li>
          {crumbs.length === 0 ? (
            <span aria-current="page" className="font-semibold">
              /
            </span>
          ) : (
            <Link href={image.href({ path: '/' })} className="text-accent hover:underline">
              /
            </Link>
          )}
        </li>
        {crumbs.map(([name, href], i) => (
          <li key={href} className="flex items-center gap-1">
            {i > 0 ? <span className="text-placeholder">/</span> : null}
            {i === crumbs.length - 1 ? (
              <span aria-current="page" className="font-semibold break-all">
                {name}
              </span>
            ) : (
              <Link href={image.href({ path: href })} className="break-all text-accent hover:underline">
                {name}
              </Link>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

const GRID = 'grid grid-cols-[minmax(0,1fr)_6rem] sm:grid-cols-[minmax(10rem,3fr)_6rem_7.5rem_6rem_minmax(8rem,2fr)] items-center gap-x-3';

/** The table's columns and where each shows: mode, owner and layer not on phones. */
const COLUMNS = [
  ['Name', ''],
  ['Size', 'text-right'],
  ['Mode', 'hidden sm:block'],
  ['Owner', 'hidden sm:block'],
  ['Layer', 'hidden sm:block'],
] as const;

function Listing({ image, body }: { image: ImageAt; body: FilesBody }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = body.entries;
  // eslint-disable-next-line react-hooks/incompatible-library -- rows re-render from the virtualizer's own state
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    initialRect: { width: 1024, height: 16 * ROW_HEIGHT },
    useFlushSync: false,
  });
  const label = image.layer === undefined ? `Files in ${body.path}` : `Files in ${body.path} of layer ${image.layer}`;
  return (
    <section className="space-y-2">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <PathCrumbs image={image} path={body.path} />
        <div className="text-xs text-faint">
          {plural(rows.length + body.more, 'entry', 'entries')}
          {image.layer !== undefined ? ` this layer adds, changes or deletes here` : ''}
        </div>
      </div>
      {body.more > 0 ? (
        <p className="text-sm text-muted">
          Showing the first {formatCount(rows.length)} entries in name order; {formatCount(body.more)} more are not shown.
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p className="rounded-lg border border-border p-4 text-sm text-muted">
          {image.layer === undefined ? 'This directory is empty.' : 'This layer changes nothing directly in this directory.'}
        </p>
      ) : (
        <div role="table" aria-label={label} aria-rowcount={rows.length + 1} className="overflow-hidden rounded-lg border border-border">
          <div role="rowgroup" className="border-b border-border bg-subtle">
            <div role="row" aria-rowindex={1} className={`${GRID} px-4 py-2 text-xs font-semibold tracking-wide text-muted uppercase`}>
              {COLUMNS.map(([name, className]) => (
                <span key={name} role="columnheader" className={className}>
                  {name}
                </span>
              ))}
            </div>
          </div>
          <div ref={scrollRef} role="rowgroup" className="max-h-[65vh] overflow-auto">
            <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
              {virtualizer.getVirtualItems().map((item) => {
                const row = rows[item.index];
                return row ? <Row key={row.name} image={image} dir={body.path} row={row} index={item.index} start={item.start} /> : null;
              })}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}

function Row({ image, dir, row, index, start }: { image: ImageAt; dir: string; row: FileRow; index: number; start: number }) {
  const path = joinPath(dir, row.name);
  const deleted = row.type === 'deleted';
  const step = image.steps[row.layer - 1];
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`${GRID} absolute top-0 left-0 w-full border-b border-border-soft px-4 text-sm hover:bg-subtle`}
      style={{ height: ROW_HEIGHT, transform: `translateY(${start}px)` }}
    >
      <span role="cell" className="flex min-w-0 items-center gap-2 font-mono text-xs">
        <span aria-hidden="true" className="w-3 shrink-0 text-faint">
          {row.type === 'dir' ? '▸' : row.type === 'symlink' ? '↪' : ''}
        </span>
        {deleted ? (
          <span className="truncate text-faint line-through">{row.name}</span>
        ) : (
          <Link
            // A file opens as the image holds it (all layers merged), whichever layer is listed.
            href={row.type === 'dir' ? image.href({ path: `${path}/` }) : image.href({ file: path, layer: undefined })}
            className="truncate text-accent hover:underline"
            title={path}
          >
            {row.name}
            {row.type === 'dir' ? '/' : ''}
          </Link>
        )}
        {deleted ? <span className="shrink-0 rounded bg-chip px-1.5 py-0.5 font-sans text-[11px]">deleted</span> : null}
        {row.opaque ? (
          <span
            className="shrink-0 rounded bg-chip px-1.5 py-0.5 font-sans text-[11px]"
            title="This layer removes everything the layers below put in this directory"
          >
            replaces what is below
          </span>
        ) : null}
        {row.link !== undefined ? (
          <span className="min-w-0 truncate text-faint" title={row.link}>
            {row.type === 'hardlink' ? '⇔' : '→'} {row.link}
          </span>
        ) : null}
      </span>
      <span role="cell" className="text-right text-xs tabular-nums">
        {row.type === 'file' ? (
          formatBytes(row.size)
        ) : row.type === 'dir' && row.entries !== undefined ? (
          <Muted>{plural(row.entries, 'entry', 'entries')}</Muted>
        ) : (
          ''
        )}
      </span>
      <span role="cell" className="hidden font-mono text-xs sm:block">
        {deleted ? '' : modeString(row.type, row.mode)}
      </span>
      <span role="cell" className="hidden truncate font-mono text-xs sm:block">
        {deleted || row.implied ? '' : ownerString(row)}
      </span>
      <span role="cell" className="hidden truncate text-xs sm:block" title={step ? `layer ${row.layer}: ${step}` : `layer ${row.layer}`}>
        {row.implied && image.layer === undefined ? (
          <Muted>—</Muted>
        ) : (
          <>
            layer {row.layer}
            {step ? <span className="text-faint">: {truncate(step, 60)}</span> : null}
          </>
        )}
      </span>
    </div>
  );
}

/** Per layer its files and bytes, the largest files, and the bytes later layers made useless. */
function WhereTheBytesGo({ image, body }: { image: ImageAt; body: FilesBody }) {
  return (
    <Section title="Where the bytes go" aside={`${plural(body.files, 'file', 'files')} · ${formatBytes(body.bytes)} uncompressed`}>
      <p className="text-sm text-muted">
        Wasted space: <strong className="text-fg">{formatBytes(body.wastedBytes)}</strong> in files a later layer overwrites or deletes; every pull still
        downloads them.
      </p>
      <Table caption="Layers by size">
        <thead>
          <tr>
            <Th className="w-10">#</Th>
            <Th>Created by</Th>
            <Th className="text-right">Files</Th>
            <Th className="text-right">Size</Th>
            <Th className="hidden text-right sm:table-cell">Compressed</Th>
            <Th className="text-right">Wasted</Th>
          </tr>
        </thead>
        <tbody>
          {body.layers.map((l, i) => (
            <tr key={`${l.digest}-${i}`}>
              <Td className="tabular-nums">
                <Link href={image.href({ layer: i + 1, path: '/' })} className="text-accent hover:underline" aria-label={`Layer ${i + 1} on its own`}>
                  {i + 1}
                </Link>
              </Td>
              <Td mono className="[overflow-wrap:anywhere]">
                {image.steps[i] ? truncate(image.steps[i], 120) : <Muted>—</Muted>}
              </Td>
              <Td className="text-right whitespace-nowrap tabular-nums">{formatCount(l.files)}</Td>
              <Td className="text-right whitespace-nowrap tabular-nums">{formatBytes(l.bytes)}</Td>
              <Td className="hidden text-right whitespace-nowrap tabular-nums sm:table-cell">{formatBytes(l.size)}</Td>
              <Td className="text-right whitespace-nowrap tabular-nums">{l.wastedBytes ? formatBytes(l.wastedBytes) : <Muted>—</Muted>}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
      {body.largest.length > 0 ? (
        <Table caption="Largest files">
          <thead>
            <tr>
              <Th>Largest files</Th>
              <Th className="text-right">Size</Th>
              <Th className="hidden sm:table-cell">Layer</Th>
            </tr>
          </thead>
          <tbody>
            {body.largest.map((f) => (
              <tr key={f.path}>
                <Td mono className="[overflow-wrap:anywhere]">
                  <Link href={image.href({ file: f.path, layer: undefined })} className="text-accent hover:underline">
                    {f.path}
                  </Link>
                </Td>
                <Td className="text-right whitespace-nowrap tabular-nums">{formatBytes(f.size)}</Td>
                <Td className="hidden sm:table-cell">layer {f.layer}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : null}
    </Section>
  );
}
