// An image's files through the client: three real layers (GNU tar; gzip, gzip and zstd) of an OCI
// image served by a stub registry, read once each and merged; a file's bytes read again from its
// layer; what is not an image refused with a sentence; one scan of a layer shared by everyone
// waiting, stopped when the last of them has gone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RegistryClient } from './index';
import { MAX_IMAGE_ENTRIES, MAX_IMAGE_LAYERS, contentOf, findFile, isFilesystemLayer, type ImageFiles } from './files';
import { mergeLayers, type FsNode } from '../layers/merge';
import type { TocEntry } from '../layers/tar';
import { RegistryError } from '../errors';
import { MediaType, sha256Digest } from '../manifest';
import type { TransportRequest } from '../net/transport';
import { REGISTRY, testContext, testRegistry, type Answer } from '../test-registry';
import { artifact, binary, image, index, layers, pausedRegistryOf, registryOf } from '../test-image';

test('an image’s layers are read once each and merged: later layers win, whiteouts delete, the waste is counted', async () => {
  const { as, seen } = registryOf();
  const files = await as('alice').getImageFiles('team/app', image);
  assert.equal(files.tocs.length, 3);
  const root = files.fs.merged.root;
  const etc = root.children!.get('etc')!.children!.get('os-release')!;
  assert.equal(etc.layer, 3, 'layer 3 rewrote /etc/os-release');
  assert.equal(root.children!.get('tmp')!.children!.size, 0, 'layer 2 deleted /tmp/gone.txt');
  assert.equal(files.fs.merged.wastedBytes, 1000 + 'NAME="One"\n'.length);
  assert.deepEqual(
    files.fs.largest.map((n) => n.entry.path),
    ['usr/lib/libx.so.1', 'etc/os-release', 'usr/bin/tool'],
  );
  // Regular files: a hard link shares its target's content, so it is not counted again.
  assert.deepEqual([files.fs.files, files.fs.bytes], [3, binary.length + 'NAME="Three"\nVERSION=3\n'.length + '#!/bin/sh\necho tool\n'.length]);
  assert.equal(seen.filter((s) => s.startsWith('GET blob')).length, 3);
  // Again: nothing is read again, and the merged image is the one kept.
  const again = await as('alice').getImageFiles('team/app', image);
  assert.equal(again.fs, files.fs);
  assert.equal(seen.filter((s) => s.startsWith('GET blob')).length, 3);
  const progress = await as('alice').imageFilesProgress('team/app', image);
  assert.deepEqual(
    progress.layers,
    files.layers.map((l) => ({ digest: l.digest, size: l.size, read: l.size, done: true })),
  );
  assert.deepEqual(progress.tocs, files.tocs, 'each layer’s whole table');
});

test('a file is found through links and read again from the layer that holds it; a hard link reads its target', async () => {
  const { as } = registryOf();
  const client = as('alice');
  const files = await client.getImageFiles('team/app', image);
  const read = (path: string, limit = 1 << 20) =>
    client.readFileContent('team/app', files, client.findFile(files, path), limit, async (bytes) => {
      const parts: Uint8Array[] = [];
      for await (const part of bytes) parts.push(part);
      return Buffer.concat(parts);
    });
  assert.equal((await read('/etc/os-release')).toString(), 'NAME="Three"\nVERSION=3\n', 'from the zstd layer');
  const viaLink = client.findFile(files, '/usr/lib/libx.so');
  assert.equal(viaLink.path, '/usr/lib/libx.so.1');
  assert.deepEqual(viaLink.followed, [{ from: '/usr/lib/libx.so', to: 'libx.so.1' }]);
  assert.deepEqual(await read('/usr/lib/libx.so'), binary);
  assert.deepEqual(await read('usr/lib/libx.so.1', 100), binary.subarray(0, 100), 'no further than asked');
  assert.equal((await read('/usr/bin/tool-link')).toString(), '#!/bin/sh\necho tool\n');
  const noFile = (words: RegExp) => (e: unknown) => e instanceof RegistryError && e.code === 'NO_SUCH_FILE' && e.status === 404 && words.test(e.message);
  assert.throws(() => client.findFile(files, '/tmp/gone.txt'), noFile(/^This image has no \/tmp\/gone\.txt\.$/));
  assert.throws(() => contentOf(files, client.findFile(files, '/usr').node), noFile(/^\/usr is a directory, not a file with content\.$/));
});

test('an index, an artifact and a missing image are refused with what to do instead', async () => {
  const { as } = registryOf();
  const notAnImage = (words: RegExp) => (e: unknown) => e instanceof RegistryError && e.code === 'NOT_AN_IMAGE' && e.status === 422 && words.test(e.message);
  await assert.rejects(as('a').getImageFiles('team/app', sha256Digest(index)), notAnImage(/is an index of 1 images .* open the files of one of them/));
  await assert.rejects(
    as('a').getImageFiles('team/app', sha256Digest(artifact)),
    notAnImage(/is an artifact, not a container image: its layers \(application\/vnd\.example\.chart/),
  );
  await assert.rejects(as('a').getImageFiles('team/app', 'not-a-digest'), (e) => e instanceof RegistryError && e.code === 'INVALID_REFERENCE');
});

test('filesystem layers are OCI’s and Docker’s tar layers, compressed or not; anything else is not', () => {
  for (const type of [
    'application/vnd.oci.image.layer.v1.tar',
    'application/vnd.oci.image.layer.v1.tar+gzip',
    'application/vnd.oci.image.layer.v1.tar+zstd',
    'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
    'application/vnd.docker.image.rootfs.diff.tar.gzip',
    'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
    'application/vnd.docker.image.rootfs.diff.tar',
  ]) {
    assert.ok(isFilesystemLayer(type), type);
  }
  for (const type of [
    'application/vnd.in-toto+json',
    'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
    'application/vnd.oci.image.layer.v1.tar+gzip+x',
    'xapplication/vnd.oci.image.layer.v1.tar',
  ]) {
    assert.ok(!isFilesystemLayer(type), type);
  }
});

test('one scan of a layer for everyone waiting: the first to leave does not stop it; when the last leaves, the read ends', async () => {
  let opened = () => {};
  const gates: Array<{ req: TransportRequest; open: () => void }> = [];
  const { as, seen, context } = registryOf({
    gate: (req) =>
      new Promise<void>((resolve, reject) => {
        gates.push({ req, open: resolve });
        req.signal?.addEventListener('abort', () => reject(new RegistryError({ code: 'CANCELLED', message: 'gone' })));
        opened();
      }),
  });
  const [first, second] = [new AbortController(), new AbortController()];
  const reading = () => new Promise<void>((resolve) => (opened = resolve));
  // Both read the manifest (the registry lets them read the repository), then both wait for layer 1.
  const waitedFor = reading();
  const alice = as('alice', first.signal).getImageFiles('team/app', image);
  await waitedFor;
  const bob = as('bob', second.signal).getImageFiles('team/app', image);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(gates.length, 1, 'one GET of layer 1 for both');
  assert.ok(context.layerScans.progress(`toc|${REGISTRY}|team/app|${sha256Digest(layers[0]!)}`));
  first.abort();
  await assert.rejects(alice, (e) => e instanceof RegistryError && e.code === 'CANCELLED');
  assert.equal(gates[0]!.req.signal?.aborted, false, 'bob still waits: the read goes on');
  second.abort();
  await assert.rejects(bob, (e) => e instanceof RegistryError && e.code === 'CANCELLED');
  assert.equal(gates[0]!.req.signal?.aborted, true, 'nobody waits: the read ends');
  assert.equal(context.layerScans.running, 0);
  assert.equal(seen.filter((s) => s.startsWith('GET blob')).length, 1);
});

/** A registry holding only `docs` (manifests by digest, with their media type). */
function manifestRegistry(docs: Array<{ mediaType: string; body: Buffer }>) {
  const byDigest = new Map(docs.map((d) => [sha256Digest(d.body), d]));
  const { transport } = testRegistry(
    (req): Answer => {
      const last = req.url.pathname.split('/').pop() ?? '';
      const doc = byDigest.get(last);
      if (!doc) return { status: 404, body: { errors: [{ code: 'MANIFEST_UNKNOWN' }] } };
      return { headers: { 'content-type': doc.mediaType, 'docker-content-digest': last }, body: doc.body };
    },
    { handshake: { scheme: 'none' } },
  );
  return new RegistryClient({ host: 'r.example', baseUrl: REGISTRY, context: testContext(), transport, scope: { client: 'a' } });
}

test('a schema 1 manifest and an image of more than 128 layers are refused with a sentence; 128 layers are not', async () => {
  const legacy = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'team/app', tag: 'old', fsLayers: [{ blobSum: sha256Digest(layers[0]!) }] }));
  const withLayers = (count: number) =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: { mediaType: MediaType.OciConfig, digest: sha256Digest(Buffer.from('{}')), size: 2 },
        layers: Array.from({ length: count }, (_, i) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: sha256Digest(Buffer.from(String(i))),
          size: 100 + i,
        })),
      }),
    );
  const [many, most] = [withLayers(MAX_IMAGE_LAYERS + 1), withLayers(MAX_IMAGE_LAYERS)];
  const client = manifestRegistry([
    { mediaType: MediaType.DockerSchema1Signed, body: legacy },
    { mediaType: MediaType.OciManifest, body: many },
    { mediaType: MediaType.OciManifest, body: most },
  ]);
  const notAnImage = (message: string) => (e: unknown) => e instanceof RegistryError && e.code === 'NOT_AN_IMAGE' && e.message === message;
  await assert.rejects(
    client.getImageFiles('team/app', sha256Digest(legacy)),
    notAnImage(`${sha256Digest(legacy)} is a Docker schema 1 manifest; Berth lists the files of schema 2 and OCI images only.`),
  );
  await assert.rejects(
    client.imageFilesProgress('team/app', sha256Digest(many)),
    notAnImage(`${sha256Digest(many)} has 129 layers; Berth lists the files of images of at most 128.`),
  );
  // 128 layers are listed; none of them begun.
  const progress = await client.imageFilesProgress('team/app', sha256Digest(most));
  assert.equal(progress.layers.length, 128);
  assert.deepEqual(progress.layers[127], { digest: sha256Digest(Buffer.from('127')), size: 227, read: 0, done: false });
  assert.deepEqual(
    progress.tocs,
    Array.from({ length: 128 }, () => undefined),
  );
});

test('the merged image is kept at a size that grows with its entries', async () => {
  const { as, context } = registryOf();
  assert.equal(context.mergedImages.totalBytes, 0);
  const files = await as('alice').getImageFiles('team/app', image);
  const entries = files.tocs.reduce((n, toc) => n + toc.length, 0);
  const overhead = context.mergedImages.totalBytes - entries * 120;
  assert.ok(overhead >= 0 && overhead < 1024, `${context.mergedImages.totalBytes} bytes for ${entries} entries`);
});

test('while a layer is read, the image’s progress shows its bytes read so far and its entries found; later layers not begun', async () => {
  const { as, context, paused, resume } = pausedRegistryOf();
  const alice = as('alice');
  const reached = paused();
  const files = alice.getImageFiles('team/app', image);
  await reached;
  const half = Math.floor(layers[0]!.length / 2);
  assert.deepEqual(context.layerScans.progress(`toc|${REGISTRY}|team/app|${sha256Digest(layers[0]!)}`), {
    done: half,
    total: layers[0]!.length,
    found: context.layerScans.progress(`toc|${REGISTRY}|team/app|${sha256Digest(layers[0]!)}`)!.found,
  });
  const during = await alice.imageFilesProgress('team/app', image);
  assert.deepEqual(
    during.layers.map((l) => [l.read, l.done]),
    [
      [half, false],
      [0, false],
      [0, false],
    ],
  );
  assert.ok(Array.isArray(during.tocs[0]), 'the entries found so far of the layer being read');
  assert.deepEqual(during.tocs.slice(1), [undefined, undefined]);
  resume();
  const done = await files;
  const after = await alice.imageFilesProgress('team/app', image);
  assert.deepEqual(
    after.layers.map((l) => [l.read, l.done]),
    done.layers.map((l) => [l.size, true]),
  );
});

test('a person’s own read of a layer (before the registry let them read the repository) shows in their progress', async () => {
  const { as, context, paused, resume } = pausedRegistryOf();
  const alice = as('alice');
  const reached = paused();
  const toc = alice.getLayerToc('team/app', sha256Digest(layers[0]!));
  await reached;
  assert.equal(context.layerScans.progress(`toc|${REGISTRY}|team/app|${sha256Digest(layers[0]!)}`), undefined, 'not the shared scan');
  const during = await alice.imageFilesProgress('team/app', image);
  assert.equal(during.layers[0]!.read, Math.floor(layers[0]!.length / 2));
  resume();
  assert.ok((await toc).length > 0);
});

test('a layer whose read fails mid-way for another reason than its content says so, not that it is no archive', async () => {
  const { as, paused, fail } = pausedRegistryOf();
  const reached = paused();
  const files = as('alice').getImageFiles('team/app', image);
  await reached;
  fail(new RegistryError({ code: 'CANCELLED', message: 'the connection was reset' }));
  await assert.rejects(files, (e) => e instanceof RegistryError && e.code === 'CANCELLED' && /connection was reset/.test(e.message));
});

/** An image of hand-written tables of contents (one layer), merged as getImageFiles merges them. */
function imageOf(toc: TocEntry[]): ImageFiles {
  const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256Digest(layers[0]!), size: layers[0]!.length };
  const merged = mergeLayers([toc]);
  return { digest: image, layers: [layer], tocs: [toc], fs: { merged, largest: [], files: 0, bytes: 0 } };
}
const entry = (path: string, type: TocEntry['type'], more: Partial<TocEntry> = {}): TocEntry => ({
  path,
  type,
  size: 0,
  mode: 0o644,
  uid: 0,
  gid: 0,
  mtime: 0,
  ...more,
});

test('a path through a loop of links, or through a link to nothing, is refused with the links followed', () => {
  const files = imageOf([
    entry('a', 'symlink', { link: 'b' }),
    entry('b', 'symlink', { link: 'a' }),
    entry('lib', 'symlink', { link: 'usr/lib' }),
    entry('l2', 'symlink', { link: 'lib' }),
    entry('usr', 'dir'),
    entry('usr/lib', 'dir'),
  ]);
  const refused = (message: string) => (e: unknown) => e instanceof RegistryError && e.code === 'NO_SUCH_FILE' && e.message === message;
  assert.throws(() => findFile(files, 'a//'), refused(`/a leads through more links than Berth follows (a loop?): the last was /a.`));
  assert.throws(() => findFile(files, '/lib/x'), refused('This image has no /usr/lib/x (following /lib → usr/lib).'));
  assert.throws(() => findFile(files, '/l2/x'), refused('This image has no /usr/lib/x (following /l2 → lib, /lib → usr/lib).'));
});

test('a hard link whose target its layer does not hold, a link, or a file without a place in the tar has no content', () => {
  const toc = [
    entry('d', 'dir'),
    entry('to-dir', 'hardlink', { link: 'd' }),
    entry('nowhere', 'hardlink'),
    entry('s', 'symlink', { link: 'd', offset: 512 }),
    entry('f', 'file', { size: 3 }),
    entry('g', 'file', { size: 3, offset: 1024 }),
    entry('to-g', 'hardlink', { link: './g' }),
    entry('empty', 'file', { size: 0 }),
  ];
  const files = imageOf(toc);
  const node = (path: string) => ({ entry: toc.find((e) => e.path === path)!, layer: 1 }) as unknown as FsNode;
  const refused = (message: string) => (e: unknown) => e instanceof RegistryError && e.code === 'NO_SUCH_FILE' && e.message === message;
  assert.throws(() => contentOf(files, node('to-dir')), refused('/to-dir is a hard link to /d, which its layer does not hold.'));
  assert.throws(() => contentOf(files, node('nowhere')), refused('/nowhere is a hard link to /, which its layer does not hold.'));
  assert.throws(() => contentOf(files, node('s')), refused('/s is a symlink, not a file with content.'));
  assert.throws(() => contentOf(files, node('f')), refused('/f is a file, not a file with content.'));
  assert.equal(contentOf(files, node('to-g')).entry, toc[5]);
  assert.equal(contentOf(files, node('g')).entry, toc[5]);
  assert.equal(contentOf(files, node('empty')).entry, toc[7], 'an empty file (an eStargz table gives it no place) has its content: none');
});

test('an image whose layers hold more than 2,000,000 entries in all is refused with a sentence before they are merged', async () => {
  const { as, context } = registryOf();
  const alice = as('alice');
  await alice.getImageFiles('team/app', image);
  context.mergedImages.delete(`${REGISTRY}|team/app|${image}`);
  assert.equal(context.mergedImages.size, 0);
  // Layers 1 and 2 as if they held a million entries each (and one more): their tables are known.
  const entry: TocEntry = { path: 'f', type: 'file', size: 0, mode: 0o644, uid: 0, gid: 0, mtime: 0 };
  for (const [i, count] of [1_000_000, 1_000_001].entries()) {
    context.layerTocs.set(`${REGISTRY}|team/app|${sha256Digest(layers[i]!)}`, new Array<TocEntry>(count).fill(entry), 60_000, 1);
  }
  await assert.rejects(
    alice.getImageFiles('team/app', image),
    (e) =>
      e instanceof RegistryError &&
      e.code === 'NOT_AN_IMAGE' &&
      e.message === `${image}'s first 2 layers hold 2000001 entries; Berth lists the files of images of at most ${MAX_IMAGE_ENTRIES}.`,
  );
  assert.equal(context.mergedImages.size, 0);
});
