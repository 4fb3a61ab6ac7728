// What Berth's API answers about an image's files (./files.ts), from the small real image of
// lib/registry/test-image.ts: a directory of the merged image, a layer on its own with what it
// deletes, a file's first bytes as text or binary, and a download's headers and bytes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import type { FileRow } from '@/lib/api/types';
import type { TocEntry } from '@/lib/registry/layers/tar';
import { RegistryClient, RegistryError } from '@/lib/registry';
import { MediaType, sha256Digest } from '@/lib/registry/manifest';
import { binary, earlier, image, layers, registryOf } from '@/lib/registry/test-image';
import { REGISTRY, testContext, testRegistry, type Answer } from '@/lib/registry/test-registry';
import {
  BINARY_PREVIEW_BYTES,
  dispositionOf,
  fetchFileBody,
  fetchFilesBody,
  fetchFilesDiffBody,
  fetchFilesProgressBody,
  fileDownloadResponse,
  isText,
  MAX_DIRECTORY_ROWS,
  MAX_FOUND_ROWS,
  TEXT_PREVIEW_BYTES,
} from './files';

const names = (body: { entries: Array<{ name: string }> }) => body.entries.map((e) => e.name);

test('a directory of the merged image: its entries in name order, each with the layer that put it there', async () => {
  const client = registryOf().as('alice');
  const root = await fetchFilesBody(client, 'team/app', image, {});
  assert.equal(root.path, '/');
  assert.deepEqual(names(root), ['etc', 'tmp', 'usr']);
  assert.deepEqual(root.entries[0], { name: 'etc', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: 0, layer: 3, entries: 1 });
  assert.deepEqual(
    root.layers.map((l) => [l.files, l.wastedBytes]),
    [
      [3, 1000 + 'NAME="One"\n'.length],
      [1, 0],
      [1, 0],
    ],
  );
  assert.equal(root.wastedBytes, 1011);
  assert.deepEqual(root.largest[0], { path: '/usr/lib/libx.so.1', size: binary.length, layer: 1 });
  const lib = await fetchFilesBody(client, 'team/app', image, { path: 'usr//lib/./' });
  assert.equal(lib.path, '/usr/lib/');
  assert.deepEqual(
    lib.entries.map((e) => [e.name, e.type, e.link]),
    [
      ['libx.so', 'symlink', 'libx.so.1'],
      ['libx.so.1', 'file', undefined],
    ],
  );
  assert.equal(lib.more, 0);
});

test('a layer on its own: what it adds and changes, and what it deletes', async () => {
  const client = registryOf().as('alice');
  const two = await fetchFilesBody(client, 'team/app', image, { layer: 2 });
  assert.deepEqual(
    two.entries.map((e) => [e.name, e.type, e.entries]),
    [
      ['tmp', 'dir', 1],
      ['usr', 'dir', 1],
    ],
  );
  const tmp = await fetchFilesBody(client, 'team/app', image, { layer: 2, path: '/tmp/' });
  assert.deepEqual(
    tmp.entries.map((e) => [e.name, e.type, e.layer]),
    [['gone.txt', 'deleted', 2]],
  );
  const bin = await fetchFilesBody(client, 'team/app', image, { layer: 2, path: '/usr/bin' });
  assert.deepEqual(
    bin.entries.map((e) => [e.name, e.type, e.link]),
    [
      ['tool', 'file', undefined],
      ['tool-link', 'hardlink', 'usr/bin/tool'],
    ],
  );
  const fails = (code: string, words: RegExp) => (e: unknown) => e instanceof RegistryError && e.code === code && words.test(e.message);
  await assert.rejects(fetchFilesBody(client, 'team/app', image, { layer: 2, path: '/etc/' }), fails('NO_SUCH_FILE', /^Layer 2 changes nothing at \/etc\.$/));
  await assert.rejects(fetchFilesBody(client, 'team/app', image, { layer: 4 }), fails('INVALID_REQUEST', /^This image has 3 layers; there is no layer 4\.$/));
  await assert.rejects(
    fetchFilesBody(client, 'team/app', image, { path: '/etc/os-release' }),
    fails('NO_SUCH_FILE', /^\/etc\/os-release is not a directory in this image; open it as a file\.$/),
  );
  await assert.rejects(fetchFilesBody(client, 'team/app', image, { path: '/nowhere/x' }), fails('NO_SUCH_FILE', /^This image has no \/nowhere\.$/));
});

test('a file’s content: text as it is, anything else as base64 of its first 64 KiB; a hard link shows its target’s size', async () => {
  const client = registryOf().as('alice');
  const text = await fetchFileBody(client, 'team/app', image, '/etc/os-release');
  assert.deepEqual(text.content, { kind: 'text', data: 'NAME="Three"\nVERSION=3\n', bytes: 23, truncated: false });
  assert.equal(text.entry.layer, 3);
  const bin = await fetchFileBody(client, 'team/app', image, '/usr/lib/libx.so');
  assert.equal(bin.path, '/usr/lib/libx.so.1');
  assert.deepEqual(bin.followed, [{ from: '/usr/lib/libx.so', to: 'libx.so.1' }]);
  assert.equal(bin.content?.kind, 'binary');
  assert.deepEqual(Buffer.from(bin.content!.data, 'base64'), binary);
  assert.equal(BINARY_PREVIEW_BYTES, 64 * 1024);
  const link = await fetchFileBody(client, 'team/app', image, '/usr/bin/tool-link');
  assert.deepEqual([link.entry.type, link.entry.size, link.content?.data], ['hardlink', 20, '#!/bin/sh\necho tool\n']);
  await assert.rejects(
    fetchFileBody(client, 'team/app', image, '/usr'),
    (e) => e instanceof RegistryError && e.code === 'NO_SUCH_FILE' && /^\/usr is a directory/.test(e.message),
  );
});

test('text is UTF-8 without NUL; a multi-byte character cut at the end of a preview is still text', () => {
  assert.ok(isText(Buffer.from('héllo\n'), false));
  assert.ok(!isText(Buffer.from('a\0b'), false));
  assert.ok(!isText(Buffer.from([0xff, 0xfe, 0x41]), false));
  const cut = Buffer.from('hé').subarray(0, 2); // "h" and the first byte of "é"
  assert.ok(isText(cut, true));
  assert.ok(!isText(cut, false));
});

test('a download is an attachment named after the file, never sniffed or run, with the file’s exact bytes', async () => {
  const client = registryOf().as('alice');
  const res = await fileDownloadResponse(client, 'team/app', image, '/usr/lib/libx.so');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-disposition'), `attachment; filename="libx.so.1"; filename*=UTF-8''libx.so.1`);
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; sandbox");
  assert.equal(res.headers.get('content-length'), String(binary.length));
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), binary);
  assert.equal(dispositionOf('rapport "final"\\é.txt'), `attachment; filename="rapport _final___.txt"; filename*=UTF-8''rapport%20%22final%22%5C%C3%A9.txt`);
  await assert.rejects(fileDownloadResponse(client, 'team/app', image, '/etc'), (e) => e instanceof RegistryError && e.code === 'NO_SUCH_FILE');
});

test('what changed from one image to another, as rows of both sides; one directory alone; nothing between an image and itself', async () => {
  const client = registryOf().as('alice');
  const diff = await fetchFilesDiffBody(client, 'team/app', earlier, image);
  assert.deepEqual(
    diff.changes.map((c) => [c.path, c.kind, c.what, c.a?.size, c.b?.size, c.b?.layer]),
    [['/etc/os-release', 'changed', ['size'], 'NAME="One"\n'.length, 'NAME="Three"\nVERSION=3\n'.length, 3]],
  );
  assert.deepEqual([diff.path, diff.counts, diff.more], ['/', { added: 0, removed: 0, changed: 1 }, 0]);
  const usr = await fetchFilesDiffBody(client, 'team/app', earlier, image, '/usr');
  assert.deepEqual([usr.path, usr.changes], ['/usr/', []]);
  const back = await fetchFilesDiffBody(client, 'team/app', image, earlier);
  assert.deepEqual(back.changes[0]?.a?.name, 'os-release');
  assert.deepEqual((await fetchFilesDiffBody(client, 'team/app', image, image)).changes, []);
});

test('while the layers are read, a directory as far as they make it so far; nothing listed before the first has begun', async () => {
  // Layer 2's GET is held until `release`; `opened` says it has been asked (layer 1 is read by then).
  const second = sha256Digest(layers[1]!);
  let opened = () => {};
  let release = () => {};
  const asked = new Promise<void>((resolve) => (opened = resolve));
  const registry = registryOf({
    gate: (req) => {
      if (!req.url.pathname.endsWith(second)) return Promise.resolve();
      opened();
      return new Promise<void>((resolve) => (release = resolve));
    },
  });
  const client = registry.as('alice');
  const before = await fetchFilesProgressBody(client, 'team/app', image, '/');
  assert.deepEqual([before.layers.map((l) => l.done), before.found], [[false, false, false], undefined]);
  const reading = fetchFilesBody(client, 'team/app', image, {});
  await asked;
  const during = await fetchFilesProgressBody(client, 'team/app', image, '/');
  assert.deepEqual(
    during.layers.map((l) => [l.done, l.read === l.size]),
    [
      [true, true],
      [false, false],
      [false, false],
    ],
  );
  assert.deepEqual(
    during.found?.map((row) => [row.name, row.layer]),
    [
      ['etc', 1],
      ['tmp', 1],
      ['usr', 1],
    ],
  );
  assert.deepEqual(
    (await fetchFilesProgressBody(client, 'team/app', image, '/usr/lib/')).found?.map((row) => row.name),
    ['libx.so', 'libx.so.1'],
  );
  assert.deepEqual((await fetchFilesProgressBody(client, 'team/app', image, '/nowhere/')).found, []);
  assert.equal((await fetchFilesProgressBody(client, 'team/app', image)).found, undefined, 'no directory asked, none listed');
  release();
  assert.deepEqual(names(await reading), ['etc', 'tmp', 'usr']);
  const after = await fetchFilesProgressBody(client, 'team/app', image, '/');
  assert.deepEqual(
    after.layers.map((l) => l.done),
    [true, true, true],
  );
});

// Images made here for what the small image above does not hold: names out of order, owners by
// name, implied and opaque directories, whiteouts, a FIFO, files past the preview sizes, a
// directory past MAX_DIRECTORY_ROWS, and a registry whose second read of a layer differs.
const work = mkdtempSync(join(tmpdir(), 'berth-server-files-'));
after(() => rmSync(work, { recursive: true, force: true }));
let made = 0;
type Item = string | Buffer | { dir: number } | 'fifo';
/** A gzip layer made by GNU tar of `items` in the order given: no entry but those listed (parents are not added). */
function tarLayer(items: Array<[string, Item]>, owner = ['--owner=0', '--group=0', '--numeric-owner']): Buffer {
  const root = join(work, String(made++));
  mkdirSync(root);
  for (const [path, what] of items) {
    const at = join(root, path);
    if (typeof what === 'object' && !Buffer.isBuffer(what)) {
      mkdirSync(at, { recursive: true });
      chmodSync(at, what.dir);
      continue;
    }
    mkdirSync(dirname(at), { recursive: true });
    if (what === 'fifo') execFileSync('mkfifo', [at]);
    else writeFileSync(at, what);
  }
  const list = items.map(([path]) => path).join('\n');
  const tar = execFileSync('tar', ['-C', root, '--no-recursion', ...owner, '--mtime=@0', '-cf', '-', '-T', '-'], { input: list, maxBuffer: 1 << 26 });
  return execFileSync('gzip', ['-c', '-n'], { input: tar, maxBuffer: 1 << 26 });
}

const MANY = 10_001;
const many = Array.from({ length: MANY }, (_, i) => `many/f${String(MANY - 1 - i).padStart(5, '0')}`);
/** Past TEXT_PREVIEW_BYTES, and cut there in the middle of a two-byte character. */
const bigText = `a${'é'.repeat((TEXT_PREVIEW_BYTES + 10) / 2)}`;
const bigBytes = Buffer.byteLength(bigText);
const midBinary = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 256));
/** Owned by name, out of name order, with a directory only implied, a FIFO, large files and a wide directory. */
const layerA = tarLayer(
  [
    ['b.txt', 'bee\n'],
    ['deep/x/y.txt', 'why\n'],
    ['pipe', 'fifo'],
    ['big.txt', bigText],
    ['mid.bin', midBinary],
    ['a.bin', Buffer.from([0, 1, 2, 3])],
    ['many', { dir: 0o755 }],
    ...many.map((path): [string, Item] => [path, '']),
  ],
  ['--owner=alice:1000', '--group=staff:50'],
);
/** Deletes, opaque directories (one marked before its own entry), a directory before its child, one only implied. */
const layerB = tarLayer([
  ['deep/.wh..wh..opq', ''],
  ['deep', { dir: 0o750 }],
  ['many/.wh..wh..opq', ''],
  ['.wh.b.txt', ''],
  ['etc', { dir: 0o700 }],
  ['etc/conf', 'c=1\n'],
  ['x.txt', 'ex\n'],
  ['.wh.x.txt', ''],
  ['lib/aa/one', '1'],
  ['lib/ab', '2'],
  ['lib/aa/two', '2'],
  ['empty', { dir: 0o755 }],
]);
/** Nothing but its root. */
const layerC = tarLayer([['.', { dir: 0o755 }]]);

const emptyConfig = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, history: [] }));
function manifestOf(blobs: Buffer[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: sha256Digest(emptyConfig), size: emptyConfig.length },
      layers: blobs.map((bytes) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256Digest(bytes), size: bytes.length })),
    }),
  );
}
const wideManifest = manifestOf([layerA]);
const stackManifest = manifestOf([layerA, layerB, layerC]);
/** Layer A alone. */
const wide = sha256Digest(wideManifest);
/** Layers A, B and C. */
const stack = sha256Digest(stackManifest);

/**
 * A stub registry of `wide` and `stack` (and `extra` manifests); a layer in `later` answers its
 * second GET and those after it with other bytes, or with that status.
 */
function serve(options: { later?: Map<string, Buffer | number>; extra?: Buffer[] } = {}) {
  const manifests = new Map([wideManifest, stackManifest, ...(options.extra ?? [])].map((m) => [sha256Digest(m), m]));
  const blobs = new Map<string, Buffer>();
  for (const m of manifests.values())
    for (const l of (JSON.parse(m.toString()) as { layers: Array<{ digest: string }> }).layers) blobs.set(l.digest, Buffer.alloc(0));
  for (const bytes of [layerA, layerB, layerC, ...extraLayers]) blobs.set(sha256Digest(bytes), bytes);
  const gets = new Map<string, number>();
  const { transport } = testRegistry(
    (req): Answer => {
      const last = req.url.pathname.split('/').pop() ?? '';
      const doc = manifests.get(last);
      if (req.url.pathname.includes('/manifests/') && doc)
        return { headers: { 'content-type': MediaType.OciManifest, 'docker-content-digest': last }, body: doc };
      const listed = blobs.get(last);
      if (!listed) return { status: 404, body: { errors: [{ code: 'BLOB_UNKNOWN' }] } };
      if (req.method === 'GET') {
        const n = (gets.get(last) ?? 0) + 1;
        gets.set(last, n);
        const instead = options.later?.get(last);
        if (n > 1 && typeof instead === 'number') return { status: instead, body: { errors: [{ code: 'UNKNOWN' }] } };
        if (n > 1 && Buffer.isBuffer(instead)) return { headers: { 'content-length': String(instead.length) }, body: instead };
      }
      return { headers: { 'content-length': String(listed.length) }, body: req.method === 'HEAD' ? undefined : listed };
    },
    { handshake: { scheme: 'none' } },
  );
  return new RegistryClient({ host: 'r.example', baseUrl: REGISTRY, context: testContext(), transport, scope: { client: 'alice' } });
}
/** A layer with one text file, and the same layer with other bytes of the same length (what a registry's changed copy would hold). */
const honest = tarLayer([['f.txt', 'good\n']]);
const changed = tarLayer([['f.txt', 'evil\n']]);
const extraLayers = [honest];
const honestManifest = manifestOf([honest]);
const honestImage = sha256Digest(honestManifest);

const rowsOf = (body: { entries: FileRow[] }) => body.entries.map((e) => ({ ...e }));

const alice = { uid: 1000, gid: 50, mtime: 0, uname: 'alice', gname: 'staff' };
const root0 = { uid: 0, gid: 0, mtime: 0 };

test('a merged directory sorts what the layers hold out of order, names owners, and marks directories only implied', async () => {
  const client = serve();
  const root = await fetchFilesBody(client, 'team/app', stack, {});
  assert.equal(root.layer, undefined);
  assert.ok(!('layer' in root));
  assert.deepEqual(rowsOf(root), [
    { name: 'a.bin', type: 'file', size: 4, mode: 0o644, ...alice, layer: 1 },
    { name: 'big.txt', type: 'file', size: bigBytes, mode: 0o644, ...alice, layer: 1 },
    { name: 'deep', type: 'dir', size: 0, mode: 0o750, ...root0, layer: 2, entries: 0 },
    { name: 'empty', type: 'dir', size: 0, mode: 0o755, ...root0, layer: 2, entries: 0 },
    { name: 'etc', type: 'dir', size: 0, mode: 0o700, ...root0, layer: 2, entries: 1 },
    { name: 'lib', type: 'dir', size: 0, mode: 0o755, ...root0, layer: 2, entries: 2, implied: true },
    { name: 'many', type: 'dir', size: 0, mode: 0o755, ...alice, layer: 1, entries: 0 },
    { name: 'mid.bin', type: 'file', size: midBinary.length, mode: 0o644, ...alice, layer: 1 },
    { name: 'pipe', type: 'fifo', size: 0, mode: 0o644, ...alice, layer: 1 },
    { name: 'x.txt', type: 'file', size: 3, mode: 0o644, ...root0, layer: 2 },
  ]);
  const one = await fetchFilesBody(client, 'team/app', wide, { path: '/deep' });
  assert.deepEqual(rowsOf(one), [{ name: 'x', type: 'dir', size: 0, mode: 0o755, ...root0, layer: 1, entries: 1, implied: true }]);
});

test('a directory wider than MAX_DIRECTORY_ROWS lists the first of them by name and counts the rest as more', async () => {
  assert.equal(MAX_DIRECTORY_ROWS, 10_000);
  const client = serve();
  const body = await fetchFilesBody(client, 'team/app', wide, { path: 'many' });
  assert.equal(body.entries.length, MAX_DIRECTORY_ROWS);
  assert.deepEqual([body.entries[0]?.name, body.entries.at(-1)?.name, body.more], ['f00000', 'f09999', MANY - MAX_DIRECTORY_ROWS]);
  // The same directory seen from its layer alone: the same cut.
  const layer = await fetchFilesBody(client, 'team/app', wide, { layer: 1, path: 'many' });
  assert.deepEqual([layer.layer, layer.entries.length, layer.entries[0]?.name, layer.more], [1, MAX_DIRECTORY_ROWS, 'f00000', 1]);
});

test('a layer on its own: deleted entries, opaque directories (marked before or without their entry), implied directories and what each holds', async () => {
  const client = serve();
  const two = await fetchFilesBody(client, 'team/app', stack, { layer: 2 });
  assert.equal(two.layer, 2);
  assert.deepEqual(rowsOf(two), [
    { name: 'b.txt', type: 'deleted', size: 0, mode: 0, ...root0, layer: 2 },
    { name: 'deep', type: 'dir', size: 0, mode: 0o750, ...root0, layer: 2, opaque: true, entries: 0 },
    { name: 'empty', type: 'dir', size: 0, mode: 0o755, ...root0, layer: 2, entries: 0 },
    { name: 'etc', type: 'dir', size: 0, mode: 0o700, ...root0, layer: 2, entries: 1 },
    { name: 'lib', type: 'dir', size: 0, mode: 0o755, ...root0, layer: 2, implied: true, entries: 2 },
    { name: 'many', type: 'dir', size: 0, mode: 0o755, ...root0, layer: 2, implied: true, opaque: true, entries: 0 },
    // Added and whited out in the same layer: what it adds is shown.
    { name: 'x.txt', type: 'file', size: 3, mode: 0o644, ...root0, layer: 2 },
  ]);
  const lib = await fetchFilesBody(client, 'team/app', stack, { layer: 2, path: 'lib' });
  assert.deepEqual(rowsOf(lib), [
    { name: 'aa', type: 'dir', size: 0, mode: 0o755, ...root0, layer: 2, implied: true, entries: 2 },
    { name: 'ab', type: 'file', size: 1, mode: 0o644, ...root0, layer: 2 },
  ]);
  const one = await fetchFilesBody(client, 'team/app', stack, { layer: 1 });
  assert.deepEqual(
    one.entries.map((e) => [e.name, e.type, e.implied, e.entries, e.uname]),
    [
      ['a.bin', 'file', undefined, undefined, 'alice'],
      ['b.txt', 'file', undefined, undefined, 'alice'],
      ['big.txt', 'file', undefined, undefined, 'alice'],
      ['deep', 'dir', true, 1, undefined],
      ['many', 'dir', undefined, MANY, 'alice'],
      ['mid.bin', 'file', undefined, undefined, 'alice'],
      ['pipe', 'fifo', undefined, undefined, 'alice'],
    ],
  );
  // A directory the layer holds empty, and a layer of nothing but its root (the last layer).
  const empty = await fetchFilesBody(client, 'team/app', stack, { layer: 2, path: '/empty/' });
  assert.deepEqual([empty.path, empty.entries, empty.more], ['/empty/', [], 0]);
  const three = await fetchFilesBody(client, 'team/app', stack, { layer: 3 });
  assert.deepEqual([three.path, three.layer, three.entries, three.more], ['/', 3, [], 0]);
  await assert.rejects(fetchFilesBody(client, 'team/app', stack, { layer: 3, path: 'etc' }), {
    code: 'NO_SUCH_FILE',
    message: 'Layer 3 changes nothing at /etc.',
  });
  await assert.rejects(fetchFilesBody(client, 'team/app', wide, { layer: 2 }), {
    code: 'INVALID_REQUEST',
    message: 'This image has 1 layer; there is no layer 2.',
  });
});

test('a preview: a text file past TEXT_PREVIEW_BYTES is cut, a binary past BINARY_PREVIEW_BYTES too, a small one whole; a FIFO has no content', async () => {
  const client = serve();
  const big = await fetchFileBody(client, 'team/app', stack, '/big.txt');
  assert.deepEqual([big.entry.name, big.entry.size], ['big.txt', bigBytes]);
  assert.deepEqual(
    { ...big.content, data: big.content?.data.length },
    { kind: 'text', data: 1 + (TEXT_PREVIEW_BYTES - 2) / 2 + 1, bytes: TEXT_PREVIEW_BYTES, truncated: true },
  );
  assert.ok(big.content?.data.startsWith('aéé'));
  const mid = await fetchFileBody(client, 'team/app', stack, '/mid.bin');
  assert.deepEqual({ ...mid.content, data: undefined }, { kind: 'binary', data: undefined, bytes: BINARY_PREVIEW_BYTES, truncated: true });
  assert.deepEqual(Buffer.from(mid.content!.data, 'base64'), midBinary.subarray(0, BINARY_PREVIEW_BYTES));
  const small = await fetchFileBody(client, 'team/app', stack, '/a.bin');
  assert.deepEqual(small.content, { kind: 'binary', data: Buffer.from([0, 1, 2, 3]).toString('base64'), bytes: 4, truncated: false });
  const nested = await fetchFileBody(client, 'team/app', stack, '/etc/conf');
  assert.deepEqual([nested.path, nested.entry.name, nested.content?.data], ['/etc/conf', 'conf', 'c=1\n']);
  const pipe = await fetchFileBody(client, 'team/app', stack, '/pipe');
  assert.deepEqual(pipe, {
    repository: 'team/app',
    digest: stack,
    path: '/pipe',
    followed: [],
    entry: { name: 'pipe', type: 'fifo', size: 0, mode: 0o644, ...alice, layer: 1 },
  });
});

test('a file whose layer holds other bytes when read again: the preview is refused, the download breaks off', async () => {
  const later = new Map([[sha256Digest(honest), changed]]);
  const preview = serve({ later, extra: [honestManifest] });
  await assert.rejects(fetchFileBody(preview, 'team/app', honestImage, '/f.txt'), {
    code: 'BAD_RESPONSE',
    message: 'The content of /f.txt read now is not what its layer held when Berth listed it; try again.',
  });
  const download = serve({ later, extra: [honestManifest] });
  const res = await fileDownloadResponse(download, 'team/app', honestImage, '/f.txt');
  assert.equal(res.status, 200);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('the download never ended')), 2000)));
  const reader = res.body!.getReader();
  let received = 0;
  const read = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      received += value.length;
    }
  })();
  await assert.rejects(Promise.race([read, late]), (e) => e instanceof Error && /does not match the table of contents/.test(`${e.message} ${String(e.cause)}`));
  clearTimeout(timer);
  assert.equal(received, 0, 'the last piece (here the whole file) is held back until it hashed right');
  // Read once more as it was listed, the same file downloads whole.
  const fine = await fileDownloadResponse(serve({ extra: [honestManifest] }), 'team/app', honestImage, '/f.txt');
  assert.equal(fine.headers.get('cache-control'), 'private, no-store');
  assert.equal(await fine.text(), 'good\n');
});

test('a download whose layer fails before its first byte is an error, not a broken answer; a directory is refused by name', async () => {
  const client = serve({ later: new Map([[sha256Digest(honest), 500]]), extra: [honestManifest] });
  await assert.rejects(fileDownloadResponse(client, 'team/app', honestImage, '/f.txt'), (e) => e instanceof RegistryError);
  await assert.rejects(fileDownloadResponse(serve(), 'team/app', stack, '/etc/'), {
    code: 'NO_SUCH_FILE',
    message: '/etc is a directory; Berth downloads files one at a time.',
  });
  assert.equal(dispositionOf(''), `attachment; filename="file"; filename*=UTF-8''`);
});

test('isText answers false (not merely something falsy) for bytes that are not UTF-8', () => {
  assert.equal(isText(Buffer.from([0xff, 0xfe, 0x41]), false), false);
  assert.equal(isText(Buffer.from('ok'), false), true);
});

test('a comparison under one directory: added and removed directories count what they hold below', async () => {
  const client = serve();
  const diff = await fetchFilesDiffBody(client, 'team/app', wide, stack, '/deep');
  assert.deepEqual(diff.path, '/deep/');
  assert.deepEqual(diff.changes, [
    {
      path: '/deep',
      kind: 'changed',
      what: ['mode'],
      a: { name: 'deep', type: 'dir', size: 0, mode: 0o755, ...root0, layer: 1, entries: 1, implied: true },
      b: { name: 'deep', type: 'dir', size: 0, mode: 0o750, ...root0, layer: 2, entries: 0 },
    },
    { path: '/deep/x', kind: 'removed', below: 1, a: { name: 'x', type: 'dir', size: 0, mode: 0o755, ...root0, layer: 1, entries: 1, implied: true } },
  ]);
  const lib = await fetchFilesDiffBody(client, 'team/app', wide, stack, '/lib');
  assert.deepEqual(
    lib.changes.map((c) => [c.path, c.kind, c.below, c.b?.name]),
    [['/lib', 'added', 4, 'lib']],
  );
});

test('progress of a wide directory lists the first MAX_FOUND_ROWS by name and counts the rest', async () => {
  assert.equal(MAX_FOUND_ROWS, 1000);
  const client = serve();
  await fetchFilesBody(client, 'team/app', wide, {});
  const progress = await fetchFilesProgressBody(client, 'team/app', wide, '/many');
  assert.equal(progress.found?.length, MAX_FOUND_ROWS);
  assert.deepEqual([progress.found?.[0]?.name, progress.found?.at(-1)?.name, progress.more], ['f00000', 'f00999', MANY - MAX_FOUND_ROWS]);
});

/** A client whose image is being read with these tables of contents (undefined: not begun). */
const progressOf = (tocs: Array<TocEntry[] | undefined>) => ({ imageFilesProgress: () => Promise.resolve({ layers: [], tocs }) }) as unknown as RegistryClient;
const entry = (path: string): TocEntry => ({ path, type: 'file', size: 0, mode: 0o644, uid: 0, gid: 0, mtime: 0 });

test('progress lists nothing once the layers begun hold more than 200,000 entries (merging them at each ask would cost too much)', async () => {
  const half = Array.from({ length: 100_001 }, () => entry('same'));
  const over = await fetchFilesProgressBody(progressOf([half, half, undefined]), 'team/app', stack, '/');
  assert.deepEqual(over, { layers: [] });
  const at = await fetchFilesProgressBody(progressOf([half.slice(1), half.slice(1)]), 'team/app', stack, '/');
  assert.deepEqual([at.found?.map((r) => r.name), at.more], [['same'], 0]);
});

test('progress does not take an unexpected failure for a directory not there', async () => {
  const broken = progressOf([[entry('a'), undefined as unknown as TocEntry]]);
  await assert.rejects(fetchFilesProgressBody(broken, 'team/app', stack, '/'), TypeError);
});
