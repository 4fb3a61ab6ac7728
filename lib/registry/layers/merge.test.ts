// An image's filesystem from its layers: three real layer archives (GNU tar) with an overwrite,
// a whiteout, an opaque directory, a directory replaced by a symlink and a directory whose
// metadata alone changes, read by ./tar.ts and merged.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { largestFiles, layerChanges, lookup, mergeLayers, type MergedImage } from './merge';
import { readTarToc, type TocEntry } from './tar';

const dir = mkdtempSync(join(tmpdir(), 'berth-merge-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A layer archive of `files` (path → content; a content starting with "->" is a symlink), read into its table of contents. */
async function layer(name: string, files: Record<string, string>, modes: Record<string, number> = {}): Promise<TocEntry[]> {
  const root = join(dir, name);
  mkdirSync(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    if (content.startsWith('->')) symlinkSync(content.slice(2), join(root, path));
    else if (content === '<dir>') mkdirSync(join(root, path), { recursive: true });
    else writeFileSync(join(root, path), content);
  }
  for (const [path, mode] of Object.entries(modes)) chmodSync(join(root, path), mode);
  const out = join(dir, `${name}.tar`);
  execFileSync('tar', ['-C', root, '--format=pax', '--sort=name', '-cf', out, '.']);
  async function* once() {
    yield readFileSync(out);
  }
  return readTarToc(once());
}

const bytes = (n: number, c = 'x') => c.repeat(n);

describe('an image’s filesystem from its layers', () => {
  let one: TocEntry[] = [];
  let two: TocEntry[] = [];
  let three: TocEntry[] = [];
  /** Merged in each test (not once before them), so that each runs the merge itself. */
  const merged = (): MergedImage => mergeLayers([one, two, three]);
  before(async () => {
    one = await layer('one', {
      'etc/os-release': bytes(30),
      'usr/lib/a.so': bytes(1000),
      'usr/lib/b.so': bytes(2000),
      'var/cache/x': bytes(500),
      'opt/app/bin': bytes(100),
    });
    two = await layer('two', {
      'etc/os-release': bytes(40, 'y'),
      'usr/lib/.wh.a.so': '',
      'var/cache/.wh..wh..opq': '',
      'var/cache/y': bytes(10),
      'opt/app': '->../srv',
    });
    three = await layer('three', { 'usr/lib': '<dir>', 'usr/lib/c.so': bytes(300) }, { 'usr/lib': 0o700 });
  });

  test('each path holds what the last layer to touch it put there, and says which layer that was', () => {
    const image = merged();
    assert.deepEqual([lookup(image, '/etc/os-release')?.layer, lookup(image, 'etc/os-release')?.entry.size], [2, 40]);
    assert.equal(lookup(image, 'usr/lib/b.so')?.layer, 1);
    assert.equal(lookup(image, 'usr/lib/c.so')?.layer, 3);
    assert.deepEqual([...(lookup(image, 'usr/lib')?.children?.keys() ?? [])].sort(), ['b.so', 'c.so']);
  });

  test('a whiteout removes the path below it, an opaque directory everything the layers below put in it', () => {
    const image = merged();
    assert.equal(lookup(image, 'usr/lib/a.so'), undefined);
    assert.equal(lookup(image, 'usr/lib/.wh.a.so'), undefined, 'whiteouts are not files of the image');
    assert.deepEqual([...(lookup(image, 'var/cache')?.children?.keys() ?? [])], ['y']);
  });

  test('a directory over a directory changes its metadata and keeps what is in it; anything else replaces it whole', () => {
    const image = merged();
    const lib = lookup(image, 'usr/lib');
    assert.deepEqual([lib?.layer, (lib?.entry.mode ?? 0) & 0o777], [3, 0o700]);
    const app = lookup(image, 'opt/app');
    assert.deepEqual([app?.entry.type, app?.entry.link, app?.children], ['symlink', '../srv', undefined]);
    assert.equal(lookup(image, 'opt/app/bin'), undefined);
  });

  test('wasted bytes: content a later layer overwrote or deleted, counted against the layer that wrote it', () => {
    const image = merged();
    assert.equal(image.wastedBytes, 30 + 1000 + 500 + 100);
    assert.deepEqual(
      image.layers.map((l) => [l.files, l.bytes, l.wastedBytes]),
      [
        [5, 3630, 1630],
        [2, 50, 0],
        [1, 300, 0],
      ],
    );
  });

  test('a layer on its own: what it adds and changes, and what it deletes', () => {
    const changes = layerChanges(two);
    assert.deepEqual(
      changes.filter((c) => c.deleted),
      [
        { path: 'usr/lib/a.so', deleted: true },
        { path: 'var/cache', deleted: true, opaque: true },
      ],
    );
    assert.ok(changes.some((c) => !c.deleted && c.path === 'var/cache/y'));
  });

  test('the largest files, largest first', () => {
    const image = merged();
    assert.deepEqual(
      largestFiles(image, 2).map((f) => [f.entry.path, f.entry.size]),
      [
        ['usr/lib/b.so', 2000],
        ['usr/lib/c.so', 300],
      ],
    );
  });

  test('a layer that puts a file where a directory was, or into a directory no layer listed', () => {
    const merged = mergeLayers([
      [
        { path: 'a', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: 0 },
        { path: 'a/f', type: 'file', size: 7, mode: 0o644, uid: 0, gid: 0, mtime: 0 },
      ],
      [
        { path: 'a', type: 'file', size: 1, mode: 0o644, uid: 0, gid: 0, mtime: 0 },
        { path: 'b/c/d', type: 'file', size: 2, mode: 0o644, uid: 0, gid: 0, mtime: 0 },
      ],
    ]);
    assert.equal(lookup(merged, 'a')?.entry.type, 'file');
    assert.equal(merged.wastedBytes, 7);
    assert.deepEqual([lookup(merged, 'b/c')?.implied, lookup(merged, 'b/c')?.layer, lookup(merged, 'b/c/d')?.entry.size], [true, 2, 2]);
  });

  test('the top of the image holds exactly what the layers put there, and the root is the last layer that listed it', () => {
    const image = merged();
    assert.deepEqual([...(image.root.children?.keys() ?? [])].sort(), ['etc', 'opt', 'usr', 'var']);
    assert.deepEqual([image.root.layer, image.root.implied, lookup(image, '')?.entry.type], [3, false, 'dir']);
    assert.equal(lookup(image, './etc/./os-release')?.entry.size, 40, 'a path is looked up as the tar would name it');
  });
});

describe('changes a layer makes that real builds rarely do', () => {
  const at = (path: string, type: 'file' | 'dir', size = 0): TocEntry => ({ path, type, size, mode: type === 'dir' ? 0o700 : 0o644, uid: 0, gid: 0, mtime: 0 });

  test('an opaque directory the layer does not list keeps its own entry; whiteouts of what is not there change nothing', () => {
    const image = mergeLayers([
      [at('cache', 'dir'), at('cache/x', 'file', 5)],
      [at('cache/.wh..wh..opq', 'file'), at('cache/y', 'file', 1), at('.wh.nothing', 'file'), at('gone/.wh..wh..opq', 'file'), at('gone/.wh.x', 'file')],
    ]);
    assert.deepEqual(
      [lookup(image, 'cache')?.layer, lookup(image, 'cache')?.implied, [...(lookup(image, 'cache')?.children?.keys() ?? [])]],
      [1, undefined, ['y']],
    );
    assert.equal(image.wastedBytes, 5);
    assert.deepEqual(
      layerChanges([at('.wh.top', 'file')]).map((c) => c.path),
      ['top'],
    );
  });

  test('a file in the way of a directory a later layer needs is replaced by it, and counted as wasted; a listed directory over an implied one is no longer implied', () => {
    const image = mergeLayers([
      [at('a', 'file', 7), at('b/c/d', 'file', 2)],
      [at('a/b', 'file', 1), at('b', 'dir')],
    ]);
    const a = lookup(image, 'a');
    assert.deepEqual([a?.entry.type, a?.entry.mode, a?.implied, a?.layer, a?.entry.path], ['dir', 0o755, true, 2, 'a']);
    assert.equal(image.wastedBytes, 7);
    assert.deepEqual(
      image.layers.map((l) => l.wastedBytes),
      [7, 0],
    );
    assert.deepEqual([lookup(image, 'b')?.implied, lookup(image, 'b')?.layer, lookup(image, 'b/c')?.implied], [false, 2, true]);
  });

  test('the largest files: of equal size in path order, none when none are asked for', () => {
    const image = mergeLayers([[at('b', 'file', 5), at('a', 'file', 5), at('c', 'file', 9), at('d', 'dir')]]);
    assert.deepEqual(
      largestFiles(image, 2).map((f) => f.entry.path),
      ['c', 'a'],
    );
    assert.deepEqual(largestFiles(image, 0), []);
  });
});
