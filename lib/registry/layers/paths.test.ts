// Paths inside an image (./paths.ts): a path made canonical, and a path walked through a merged
// tree (./merge.ts) with its symbolic links followed as the container would see them: relative
// targets from the link's directory, absolute ones from the root, ".." never above the root, the
// last component's link followed or not, and where the walk stopped when it found nothing
// (a missing name, a dangling link, a loop).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookup, mergeLayers, type MergedImage } from './merge';
import { canonicalPath, MAX_LINK_HOPS, resolvePath } from './paths';
import type { TocEntry } from './tar';

const entry = (path: string, type: TocEntry['type'], more: Partial<TocEntry> = {}): TocEntry => ({
  path,
  type,
  size: type === 'file' ? 1 : 0,
  mode: 0o644,
  uid: 0,
  gid: 0,
  mtime: 0,
  ...more,
});
const file = (path: string) => entry(path, 'file');
const dir = (path: string) => entry(path, 'dir');
const link = (path: string, target: string) => entry(path, 'symlink', { link: target });

/** A chain of links: chain/l0 → l1 → … → l{MAX_LINK_HOPS - 1} → end, a file. */
const chain = Array.from({ length: MAX_LINK_HOPS }, (_, i) => link(`chain/l${i}`, i === MAX_LINK_HOPS - 1 ? 'end' : `l${i + 1}`));

/**
 * An image of two layers, merged in each test (not once before them, so that each runs it): the
 * second layer adds links over the first's files.
 */
const image = (): MergedImage =>
  mergeLayers([
    [
      dir('usr'),
      dir('usr/bin'),
      file('usr/bin/python3'),
      dir('usr/lib'),
      file('usr/lib/libc.so.6'),
      file('bin/busybox'),
      dir('etc'),
      file('etc/passwd'),
      file('etc/os-release'),
      dir('etc/alternatives'),
      file('chain/end'),
    ],
    [
      link('usr/bin/python', 'python3'),
      link('usr/bin/sh', '/bin/busybox'),
      link('usr/lib/libc.so', './libc.so.6'),
      link('usr/lib/bin', '../bin'),
      link('lib', 'usr/lib'),
      link('lib64', '/usr/lib'),
      link('etc/alternatives/editor', '../../usr/bin/vi'),
      link('etc/alternatives/escape', '../../../../etc//os-release'),
      link('etc/alternatives/root', '/'),
      link('loop/a', 'b'),
      link('loop/b', 'a'),
      link('loop/self', 'self'),
      ...chain,
      link('chain/start', 'l0'),
    ],
  ]);

/** Where `input` leads, and the links followed to get there. */
function walk(input: string, followLast = true) {
  const merged = image();
  return { merged, resolved: resolvePath(merged.root, input, followLast) };
}

test('a path is made canonical: no leading, trailing or doubled slash, no ".", each ".." taking away the name before it but never the root', () => {
  assert.equal(canonicalPath('/usr/lib/'), 'usr/lib');
  assert.equal(canonicalPath('./usr//lib'), 'usr/lib');
  assert.equal(canonicalPath('/usr/../usr/lib/./x'), 'usr/lib/x');
  assert.equal(canonicalPath('../../etc/../..'), '');
  assert.equal(canonicalPath('/'), '');
  assert.equal(canonicalPath(''), '');
});

test('a path without links is found where it says, with a leading "/" and no link followed', () => {
  const { merged, resolved } = walk('usr/bin/python3');
  assert.deepEqual(resolved, { found: true, node: lookup(merged, 'usr/bin/python3'), path: '/usr/bin/python3', followed: [] });
  assert.deepEqual(walk('//./usr//bin/./python3/').resolved, resolved, 'empty names and "." change nothing');
  assert.equal(walk('usr/bin/python3/.').resolved.path, '/usr/bin/python3');
});

test('the root is "/", however it is written', () => {
  for (const input of ['', '/', '.', '//./']) {
    const { merged, resolved } = walk(input);
    assert.deepEqual(resolved, { found: true, node: merged.root, path: '/', followed: [] }, input);
  }
});

test('".." goes up one directory and never above the root', () => {
  assert.equal(walk('usr/lib/../bin/python3').resolved.path, '/usr/bin/python3');
  assert.equal(walk('../../usr/../../etc/passwd').resolved.path, '/etc/passwd');
  const { merged, resolved } = walk('..');
  assert.deepEqual(resolved, { found: true, node: merged.root, path: '/', followed: [] });
});

test('a relative link is followed from its own directory', () => {
  const { merged, resolved } = walk('/usr/bin/python');
  assert.deepEqual(resolved, {
    found: true,
    node: lookup(merged, 'usr/bin/python3'),
    path: '/usr/bin/python3',
    followed: [{ from: '/usr/bin/python', to: 'python3' }],
  });
  assert.equal(walk('usr/lib/libc.so').resolved.path, '/usr/lib/libc.so.6');
  const up = walk('usr/lib/bin/python3').resolved;
  assert.deepEqual([up.path, up.followed], ['/usr/bin/python3', [{ from: '/usr/lib/bin', to: '../bin' }]]);
});

test('an absolute link is followed from the image’s root, wherever the link is', () => {
  const { merged, resolved } = walk('usr/bin/sh');
  assert.deepEqual(resolved, {
    found: true,
    node: lookup(merged, 'bin/busybox'),
    path: '/bin/busybox',
    followed: [{ from: '/usr/bin/sh', to: '/bin/busybox' }],
  });
  const root = walk('etc/alternatives/root').resolved;
  assert.deepEqual([root.found, root.path], [true, '/']);
});

test('a link in the middle of a path is followed, and the rest of the path goes on from its target', () => {
  const relative = walk('lib/libc.so.6').resolved;
  assert.deepEqual([relative.found, relative.path, relative.followed], [true, '/usr/lib/libc.so.6', [{ from: '/lib', to: 'usr/lib' }]]);
  const absolute = walk('lib64/libc.so.6').resolved;
  assert.deepEqual([absolute.path, absolute.followed], ['/usr/lib/libc.so.6', [{ from: '/lib64', to: '/usr/lib' }]]);
  // ".." after a link goes up from where the link led, not from where the link is.
  assert.equal(walk('lib/..').resolved.path, '/usr');
  assert.equal(walk('lib/../bin/python3').resolved.path, '/usr/bin/python3');
});

test('each link on the way is listed in order, where it was found and its target as written', () => {
  const { resolved } = walk('lib/libc.so');
  assert.deepEqual(resolved.followed, [
    { from: '/lib', to: 'usr/lib' },
    { from: '/usr/lib/libc.so', to: './libc.so.6' },
  ]);
  assert.equal(resolved.path, '/usr/lib/libc.so.6');
  // A link met below another link is named by where it really is.
  assert.deepEqual(walk('lib/bin/python').resolved.followed, [
    { from: '/lib', to: 'usr/lib' },
    { from: '/usr/lib/bin', to: '../bin' },
    { from: '/usr/bin/python', to: 'python3' },
  ]);
});

test('".." in a link’s target never goes above the root either', () => {
  const { merged, resolved } = walk('etc/alternatives/escape');
  assert.deepEqual(resolved, {
    found: true,
    node: lookup(merged, 'etc/os-release'),
    path: '/etc/os-release',
    followed: [{ from: '/etc/alternatives/escape', to: '../../../../etc//os-release' }],
  });
});

test('a link in the last component is not followed when followLast is false; links before it still are', () => {
  const { merged, resolved } = walk('usr/bin/python', false);
  assert.deepEqual(resolved, { found: true, node: lookup(merged, 'usr/bin/python'), path: '/usr/bin/python', followed: [] });
  assert.equal(lookup(merged, 'usr/bin/python')?.entry.type, 'symlink');
  const below = walk('lib/libc.so', false).resolved;
  assert.deepEqual([below.found, below.path, below.followed], [true, '/usr/lib/libc.so', [{ from: '/lib', to: 'usr/lib' }]]);
  // Trailing slashes and "." name nothing more: the link is still the last component.
  assert.equal(walk('usr/bin/python/', false).resolved.path, '/usr/bin/python');
  assert.equal(walk('usr/bin/python/.', false).resolved.path, '/usr/bin/python');
  // "..": the link is not the last, so it is followed.
  assert.equal(walk('lib/..', false).resolved.path, '/usr');
  // followLast defaults to true.
  assert.equal(resolvePath(merged.root, 'usr/bin/python').path, '/usr/bin/python3');
});

test('a missing name stops the walk where it is missing, with the links followed until then', () => {
  assert.deepEqual(walk('usr/share/doc').resolved, { found: false, why: 'missing', path: '/usr/share', followed: [] });
  assert.deepEqual(walk('lib/missing.so').resolved, { found: false, why: 'missing', path: '/usr/lib/missing.so', followed: [{ from: '/lib', to: 'usr/lib' }] });
  // Nothing is below a file.
  assert.deepEqual(walk('etc/passwd/x').resolved, { found: false, why: 'missing', path: '/etc/passwd/x', followed: [] });
});

test('a dangling link is missing at its target, the link among those followed', () => {
  assert.deepEqual(walk('etc/alternatives/editor').resolved, {
    found: false,
    why: 'missing',
    path: '/usr/bin/vi',
    followed: [{ from: '/etc/alternatives/editor', to: '../../usr/bin/vi' }],
  });
  // Not followed, it is found as the link it is.
  const { merged, resolved } = walk('etc/alternatives/editor', false);
  assert.deepEqual(resolved, { found: true, node: lookup(merged, 'etc/alternatives/editor'), path: '/etc/alternatives/editor', followed: [] });
});

test('a chain of MAX_LINK_HOPS links is followed to its end', () => {
  const { merged, resolved } = walk('chain/l0');
  assert.equal(resolved.found, true);
  assert.equal(resolved.path, '/chain/end');
  assert.equal(resolved.found && resolved.node, lookup(merged, 'chain/end'));
  assert.equal(resolved.followed.length, MAX_LINK_HOPS);
  assert.deepEqual(resolved.followed.at(-1), { from: `/chain/l${MAX_LINK_HOPS - 1}`, to: 'end' });
});

test('one link more than MAX_LINK_HOPS is a loop, stopped at the link it would have followed next', () => {
  const { resolved } = walk('chain/start');
  assert.deepEqual([resolved.found, !resolved.found && resolved.why, resolved.path], [false, 'loop', `/chain/l${MAX_LINK_HOPS - 1}`]);
  assert.equal(resolved.followed.length, MAX_LINK_HOPS);
  assert.deepEqual(resolved.followed[0], { from: '/chain/start', to: 'l0' });
});

test('links that lead to each other, or a link to itself, are a loop after MAX_LINK_HOPS links', () => {
  const pair = walk('loop/a').resolved;
  assert.deepEqual([pair.found, !pair.found && pair.why, pair.path, pair.followed.length], [false, 'loop', '/loop/a', MAX_LINK_HOPS]);
  assert.deepEqual(pair.followed.slice(0, 3), [
    { from: '/loop/a', to: 'b' },
    { from: '/loop/b', to: 'a' },
    { from: '/loop/a', to: 'b' },
  ]);
  const self = walk('loop/self/x').resolved;
  assert.deepEqual([self.found, !self.found && self.why, self.path, self.followed.length], [false, 'loop', '/loop/self', MAX_LINK_HOPS]);
  // Not followed, a looping link is found as itself.
  assert.equal(walk('loop/self', false).resolved.found, true);
  assert.equal(MAX_LINK_HOPS, 40, 'as Linux does');
});

test('a link whose target is empty names nothing, as Linux says (not its own directory)', () => {
  const merged = mergeLayers([[dir('etc'), file('etc/passwd'), link('etc/empty', '')]]);
  assert.deepEqual(resolvePath(merged.root, 'etc/empty'), { found: false, why: 'missing', path: '/etc/empty', followed: [{ from: '/etc/empty', to: '' }] });
  assert.deepEqual(resolvePath(merged.root, 'etc/empty/passwd').found, false);
});
