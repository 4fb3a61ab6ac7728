'use client';

import { useId, useState } from 'react';
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import type { FileRow, FilesDiffBody, ImageManifestBody } from '@/lib/api/types';
import { filesHref } from '@/lib/route-target';
import { Button, buttonClass } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { FilterField, ListStatus } from '@/components/ui/filter-field';
import { formatBytes, formatCount, plural } from '@/components/ui/format';
import { Muted, Section, Table, Td, Th } from '@/components/ui/table';
import { fileQueryOptions, filesDiffQueryOptions } from '@/components/data';
import { modeString, ownerString } from '@/components/ui/file-format';
import { UntilRead } from '@/components/ui/until-read';
import { diffLines, hunksOf } from './text-diff';

type Change = FilesDiffBody['changes'][number];

/** Rows shown at once; the filter finds the rest. */
const SHOWN = 1000;

const KIND_CHIP: Record<Change['kind'], string> = {
  added: 'bg-success-soft text-success-fg',
  removed: 'bg-danger-soft text-danger-fg',
  changed: 'bg-chip',
};

/**
 * Compare's Files: what changed from A to B path by path, once the person asks (it may read every
 * layer of both images): `&files=1` in the link, `&path=/usr/` to look at one directory.
 */
export function FilesCompared({ host, repository, a, b }: { host: string; repository: string; a: ImageManifestBody; b: ImageManifestBody }) {
  const search = useSearchParams();
  const pathname = usePathname();
  const asked = search.get('files') === '1';
  const path = search.get('path') ?? '/';
  const link = (query: Record<string, string | undefined>) => {
    const next = new URLSearchParams(search.toString());
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) next.delete(name);
      else next.set(name, value);
    }
    return `${pathname}?${next.toString().replaceAll('%2F', '/')}`;
  };
  const size = [a, b].reduce((n, m) => n + m.layers.reduce((k, l) => k + l.size, 0), 0);
  return (
    <Section title="Files" aside={asked ? `${path === '/' ? 'the whole image' : path}` : undefined}>
      {asked ? (
        <Differences host={host} repository={repository} a={a} b={b} path={path} link={link} />
      ) : (
        <div className="flex flex-wrap items-center gap-3 rounded-lg border border-border p-4 text-sm">
          <p className="min-w-0 flex-1">
            See every path added, removed or changed between A and B. Berth reads each layer of both images once ({formatBytes(size)} compressed in all, less
            where it has read them before).
          </p>
          <Link href={link({ files: '1' })} className={buttonClass('secondary')} scroll={false}>
            Compare the files
          </Link>
        </div>
      )}
    </Section>
  );
}

function Differences({
  host,
  repository,
  a,
  b,
  path,
  link,
}: {
  host: string;
  repository: string;
  a: ImageManifestBody;
  b: ImageManifestBody;
  path: string;
  link: (query: Record<string, string | undefined>) => string;
}) {
  const options = filesDiffQueryOptions(host, repository, a.digest, b.digest, path);
  const diff = useQuery(options);
  const [filter, setFilter] = useState('');
  const filterId = useId();
  if (diff.isError) return <ErrorState error={diff.error} onRetry={() => void diff.refetch()} host={host} title="Could not compare the files" />;
  if (diff.data === undefined)
    return <UntilRead key={JSON.stringify(options.queryKey)} host={host} repository={repository} images={[a, b]} query={diff} queryKey={options.queryKey} />;
  const { changes, counts, more } = diff.data;
  const needle = filter.trim().toLowerCase();
  const matching = needle ? changes.filter((c) => c.path.toLowerCase().includes(needle)) : changes;
  const total = counts.added + counts.removed + counts.changed;
  return (
    <div className="space-y-3">
      <p className="text-sm">
        {total === 0
          ? `Nothing differs in ${path === '/' ? 'the files' : path} (modification times aside).`
          : `${formatCount(counts.added)} added, ${formatCount(counts.removed)} removed, ${formatCount(counts.changed)} changed${path === '/' ? '' : ` in ${path}`}.`}{' '}
        {path !== '/' ? (
          <Link href={link({ path: undefined })} className="text-accent hover:underline" scroll={false}>
            Compare the whole image
          </Link>
        ) : null}
      </p>
      {total > 0 ? (
        <>
          <div className="flex flex-wrap items-center gap-3">
            <FilterField id={filterId} value={filter} onChange={setFilter} onArrowDown={() => false} placeholder="part of a path" />
            <ListStatus loading={false}>
              {needle ? `${formatCount(matching.length)} of ${plural(changes.length, 'change', 'changes')} match` : plural(changes.length, 'change', 'changes')}
              {more > 0 ? `; ${formatCount(more)} more not listed` : ''}
            </ListStatus>
          </div>
          <Table caption="Files changed between A and B">
            <thead>
              <tr>
                <Th className="w-24">Change</Th>
                <Th>Path</Th>
                <Th>What</Th>
              </tr>
            </thead>
            <tbody>
              {matching.slice(0, SHOWN).map((change) => (
                <ChangeRow key={change.path} host={host} repository={repository} a={a} b={b} change={change} link={link} />
              ))}
            </tbody>
          </Table>
          {matching.length > SHOWN ? (
            <p className="text-sm text-muted">
              Showing the first {formatCount(SHOWN)} of {formatCount(matching.length)}; filter to find the others.
            </p>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function what(change: Change): React.ReactNode {
  const { a, b } = change;
  if (change.kind !== 'changed') {
    const row = (a ?? b)!;
    if (row.type === 'dir') return change.below ? `a directory and the ${plural(change.below, 'entry', 'entries')} in it` : 'an empty directory';
    if (row.type === 'symlink') return `a link to ${row.link ?? ''}`;
    return row.type === 'file' ? formatBytes(row.size) : row.type;
  }
  return (change.what ?? [])
    .map((aspect) => {
      if (aspect === 'type') return `${a!.type} → ${b!.type}`;
      if (aspect === 'size') return `${formatBytes(a!.size)} → ${formatBytes(b!.size)}`;
      if (aspect === 'mode') return `${modeString(a!.type, a!.mode)} → ${modeString(b!.type, b!.mode)}`;
      if (aspect === 'owner') return `owner ${ownerString(a!)} → ${ownerString(b!)}`;
      if (aspect === 'link') return `link ${a!.link ?? ''} → ${b!.link ?? ''}`;
      return 'content';
    })
    .join(' · ');
}

function ChangeRow({
  host,
  repository,
  a,
  b,
  change,
  link,
}: {
  host: string;
  repository: string;
  a: ImageManifestBody;
  b: ImageManifestBody;
  change: Change;
  link: (query: Record<string, string | undefined>) => string;
}) {
  const [open, setOpen] = useState(false);
  const side = change.kind === 'removed' ? a : b;
  const row = (change.b ?? change.a) as FileRow;
  const isDir = row.type === 'dir';
  const href = filesHref({ host, repository, digest: side.digest }, isDir ? { path: `${change.path}/` } : { file: change.path });
  const textual =
    change.kind === 'changed' && change.a?.type === 'file' && change.b?.type === 'file' && (change.what ?? []).some((w) => w === 'size' || w === 'content');
  return (
    <>
      <tr>
        <Td>
          <span className={`rounded px-1.5 py-0.5 text-xs ${KIND_CHIP[change.kind]}`}>{change.kind}</span>
        </Td>
        <Td mono className="[overflow-wrap:anywhere]">
          <Link href={href} className="text-accent hover:underline" title={`Open in ${change.kind === 'removed' ? 'A' : 'B'}`}>
            {change.path}
            {isDir ? '/' : ''}
          </Link>
          {isDir && change.kind === 'changed' ? (
            <Link href={link({ path: `${change.path}/` })} className="ml-2 font-sans text-faint hover:underline" scroll={false}>
              only this directory
            </Link>
          ) : null}
        </Td>
        <Td className="text-xs">
          {what(change)}
          {textual ? (
            <Button variant="link" className="ml-2 text-xs" onClick={() => setOpen(!open)} aria-expanded={open}>
              {open ? 'Hide the diff' : 'Show the diff'}
            </Button>
          ) : null}
        </Td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={3} className="border-b border-border-soft bg-subtle px-3 py-2">
            <TextDiff host={host} repository={repository} a={a.digest} b={b.digest} path={change.path} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** A changed file's two versions, line by line: only for text, as far as Berth shows it (1 MiB). */
function TextDiff({ host, repository, a, b, path }: { host: string; repository: string; a: string; b: string; path: string }) {
  const fa = useQuery(fileQueryOptions(host, repository, a, path));
  const fb = useQuery(fileQueryOptions(host, repository, b, path));
  if (fa.isError) return <ErrorState error={fa.error} onRetry={() => void fa.refetch()} host={host} title={`Could not open ${path} in A`} />;
  if (fb.isError) return <ErrorState error={fb.error} onRetry={() => void fb.refetch()} host={host} title={`Could not open ${path} in B`} />;
  if (fa.isPending || fb.isPending) return <Muted>Reading both versions…</Muted>;
  const [ca, cb] = [fa.data.content, fb.data.content];
  if (ca?.kind !== 'text' || cb?.kind !== 'text') return <Muted>Not text on both sides: there are no lines to compare.</Muted>;
  const lines = diffLines(ca.data.split('\n'), cb.data.split('\n'));
  if (lines === undefined) return <Muted>The two versions differ too much to show line by line here; open each to read it.</Muted>;
  const hunks = hunksOf(lines);
  return (
    <div className="space-y-1">
      {ca.truncated || cb.truncated ? (
        <Muted>Compared as far as Berth shows each version (the first {formatBytes(Math.min(ca.bytes, cb.bytes))}).</Muted>
      ) : null}
      <pre aria-label={`Changes to ${path}`} className="max-h-[60vh] overflow-auto rounded border border-border bg-surface p-2 font-mono text-xs">
        {hunks.length === 0
          ? 'The text is the same as far as it is shown.'
          : hunks.map((hunk, i) => (
              <span key={i}>
                <span className="text-faint">{`@@ -${hunk.aStart} +${hunk.bStart} @@\n`}</span>
                {hunk.lines.map((line, j) => (
                  <span key={j} className={line.kind === '+' ? 'bg-success-soft text-success-fg' : line.kind === '-' ? 'bg-danger-soft text-danger-fg' : ''}>
                    {`${line.kind}${line.text}\n`}
                  </span>
                ))}
              </span>
            ))}
      </pre>
    </div>
  );
}
