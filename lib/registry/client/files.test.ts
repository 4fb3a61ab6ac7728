// An image's files through the client: three real layers (GNU tar; gzip, gzip and zstd) of an OCI
// image served by a stub registry, read once each and merged; a file's bytes read again from its
// layer; what is not an image refused with a sentence; one scan of a layer shared by everyone
// waiting, stopped when the last of them has gone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentOf, isFilesystemLayer } from './files';
import { RegistryError } from '../errors';
import { sha256Digest } from '../manifest';
import type { TransportRequest } from '../net/transport';
import { REGISTRY } from '../test-registry';
import { artifact, binary, image, index, layers, registryOf } from '../test-image';

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
