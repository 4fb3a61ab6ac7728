// Two images' filesystems compared path by path (./diff.ts), on merged trees built from tables of
// contents: what is added, removed and changed, and what a modification time alone is not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aspectsChanged, diffTrees } from './diff';
import { mergeLayers } from './merge';
import type { TocEntry } from './tar';

const entry = (path: string, type: TocEntry['type'], more: Partial<TocEntry> = {}): TocEntry => ({
  path,
  type,
  size: 0,
  mode: type === 'dir' ? 0o755 : 0o644,
  uid: 0,
  gid: 0,
  mtime: 0,
  ...more,
});
const file = (path: string, content: string, more: Partial<TocEntry> = {}) =>
  entry(path, 'file', { size: content.length, digest: `sha256:${content}`, ...more });
const dir = (path: string, more: Partial<TocEntry> = {}) => entry(path, 'dir', more);
const tree = (...entries: TocEntry[]) => mergeLayers([entries]).root;

const A = tree(
  dir('etc'),
  file('etc/os-release', 'v1'),
  file('etc/hostname', 'a'),
  dir('usr'),
  dir('usr/bin'),
  file('usr/bin/tool', 'tool', { mode: 0o755 }),
  entry('usr/bin/sh', 'symlink', { link: 'dash' }),
  dir('usr/share/doc'),
  file('usr/share/doc/README', 'r'),
  file('usr/share/doc/LICENSE', 'l'),
  file('opt', 'was a file'),
);
const B = tree(
  dir('etc', { mtime: 99 }),
  file('etc/os-release', 'v2'),
  file('etc/hostname', 'a', { mtime: 12345 }),
  dir('usr'),
  dir('usr/bin'),
  file('usr/bin/tool', 'tool', { mode: 0o700, uid: 1000 }),
  entry('usr/bin/sh', 'symlink', { link: 'bash' }),
  dir('usr/share'),
  dir('usr/share/new'),
  file('usr/share/new/NEWS', 'news!'),
  dir('opt'),
);

const listed = (d: ReturnType<typeof diffTrees>) =>
  d.changes.map((c) => [c.path, c.kind, ...(c.what ? [c.what.join(',')] : []), ...(c.below !== undefined ? [c.below] : [])]);

test('added, removed and changed paths in path order; a directory added or removed whole is one change with what was in it', () => {
  const diff = diffTrees(A, B, { max: 100 });
  assert.deepEqual(listed(diff), [
    ['/etc/os-release', 'changed', 'content'],
    ['/opt', 'changed', 'type'],
    ['/usr/bin/sh', 'changed', 'link'],
    ['/usr/bin/tool', 'changed', 'mode,owner'],
    ['/usr/share/doc', 'removed', 2],
    ['/usr/share/new', 'added', 1],
  ]);
  assert.deepEqual(diff.counts, { added: 1, removed: 1, changed: 4 });
  assert.equal(diff.more, 0);
  assert.deepEqual(
    listed(diffTrees(B, A, { max: 100 })).map(([path, kind]) => [path, kind]),
    [
      ['/etc/os-release', 'changed'],
      ['/opt', 'changed'],
      ['/usr/bin/sh', 'changed'],
      ['/usr/bin/tool', 'changed'],
      ['/usr/share/doc', 'added'],
      ['/usr/share/new', 'removed'],
    ],
  );
  assert.deepEqual(diffTrees(A, A, { max: 100 }), { changes: [], counts: { added: 0, removed: 0, changed: 0 }, more: 0 });
});

test('one directory and what is below it; a directory one side lacks is added or removed whole', () => {
  assert.deepEqual(listed(diffTrees(A, B, { under: '/usr/bin/', max: 100 })), [
    ['/usr/bin/sh', 'changed', 'link'],
    ['/usr/bin/tool', 'changed', 'mode,owner'],
  ]);
  assert.deepEqual(listed(diffTrees(A, B, { under: 'usr/share/new', max: 100 })), [['/usr/share/new', 'added', 1]]);
  assert.deepEqual(listed(diffTrees(A, B, { under: '/nowhere', max: 100 })), []);
});

test('past the most listed, the rest are counted', () => {
  const diff = diffTrees(A, B, { max: 2 });
  assert.equal(diff.changes.length, 2);
  assert.equal(diff.more, 4);
  assert.deepEqual(diff.counts, { added: 1, removed: 1, changed: 4 });
});

test('what differs: kind, size, mode, owner, link target, content; a modification time is no change', () => {
  const node = (e: TocEntry) => ({ entry: e, layer: 1 });
  assert.deepEqual(aspectsChanged(node(file('x', 'ab')), node(file('x', 'abc'))), ['size']);
  assert.deepEqual(aspectsChanged(node(file('x', 'ab')), node(file('x', 'cd'))), ['content']);
  assert.deepEqual(aspectsChanged(node(file('x', 'ab')), node(file('x', 'ab', { mtime: 5 }))), []);
  assert.deepEqual(aspectsChanged(node(file('x', 'ab')), node(file('x', 'ab', { gid: 5 }))), ['owner']);
  assert.deepEqual(aspectsChanged(node(file('x', 'ab')), node(dir('x'))), ['type']);
  assert.deepEqual(aspectsChanged(node(entry('x', 'hardlink', { link: 'a' })), node(entry('x', 'hardlink', { link: 'b', mode: 0o600 }))), ['mode', 'link']);
  assert.deepEqual(aspectsChanged(node(dir('x', { size: 1 })), node(dir('x', { size: 2 }))), []);
});
