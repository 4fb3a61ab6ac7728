// Layers read in part with Range requests: an eStargz layer's table of contents from the blob's
// end, and a file of an eStargz or an uncompressed layer alone; each time a registry that ignores
// the header (answering the whole blob) gets the same answers from the whole blob.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { test } from 'node:test';
import type { RegistryClient } from './index';
import { RegistryError } from '../errors';
import { sha256Digest } from '../manifest';
import {
  binary,
  estargzDescriptors,
  estargzImage,
  estargzLayers,
  imageOfLayers,
  lookalikeImage,
  plainImage,
  plainLayer,
  registryOf,
  wrongSizeImage,
  wrongTocImage,
} from '../test-image';
import type { ImageFiles } from './files';

const read = (client: RegistryClient, files: ImageFiles, path: string, limit = 1 << 20) =>
  client.readFileContent('team/app', files, client.findFile(files, path), limit, async (bytes) => {
    const parts: Uint8Array[] = [];
    for await (const part of bytes) parts.push(part);
    return Buffer.concat(parts);
  });

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const short = (digest: string) => digest.slice(7, 19);

test('an eStargz image’s files are listed from each layer’s table: two Range requests at its end, not the layer', async () => {
  const { as, seen } = registryOf({ ranges: () => true });
  const files = await as('alice').getImageFiles('team/app', estargzImage);
  const blobReads = seen.filter((s) => s.startsWith('GET blob'));
  assert.deepEqual(
    blobReads,
    estargzLayers.flatMap((blob, i) => {
      const footerAt = blob.length - 51;
      const tocAt = parseInt(blob.toString('latin1', footerAt + 16, footerAt + 32), 16);
      const digest = short(estargzDescriptors[i]!.digest);
      return [`GET blob ${digest} bytes=${footerAt}-${blob.length - 1}`, `GET blob ${digest} bytes=${tocAt}-${footerAt - 1}`];
    }),
  );
  const root = files.fs.merged.root;
  assert.deepEqual([...root.children!.keys()].sort(), ['etc', 'opt', 'tmp', 'usr'], 'no landmark, no table');
  assert.equal(root.children!.get('etc')!.children!.get('hostname')!.layer, 2);
  assert.deepEqual([...root.children!.get('opt')!.children!.get('cache')!.children!.keys()], ['c.txt'], 'the opaque directory of layer 3');
  assert.equal(root.children!.get('tmp')!.children!.size, 0, 'layer 2 deleted /tmp/remove-me.txt');
});

test('an eStargz file is read alone with one Range request of its gzip members, chunks and all', async () => {
  const { as, seen } = registryOf({ ranges: () => true });
  const client = as('alice');
  const files = await client.getImageFiles('team/app', estargzImage);
  const before = seen.length;
  const hostname = await read(client, files, '/etc/hostname');
  assert.equal(hostname.toString(), 'berth-files\n');
  const lib = await read(client, files, '/usr/lib/libextra.so');
  assert.equal(lib.length, 10240);
  assert.equal(`sha256:${sha256(lib)}`, files.fs.merged.root.children!.get('usr')!.children!.get('lib')!.children!.get('libextra.so')!.entry.digest);
  assert.deepEqual(await read(client, files, '/usr/lib/libextra.so', 5000), lib.subarray(0, 5000), 'a preview: the first bytes only');
  const reads = seen.slice(before);
  assert.equal(reads.length, 3);
  assert.ok(
    reads.every((s) => /^GET blob \w+ bytes=\d+-\d+$/.test(s)),
    reads.join('\n'),
  );
});

test('a registry that ignores Range requests: the eStargz layers are read whole, with the same files, and a file from the whole blob', async () => {
  const withRanges = await registryOf({ ranges: () => true })
    .as('alice')
    .getImageFiles('team/app', estargzImage);
  const { as, seen } = registryOf({ ranges: () => false });
  const client = as('alice');
  const files = await client.getImageFiles('team/app', estargzImage);
  const paths = (f: ImageFiles) => f.tocs.map((toc) => toc.map((e) => `${e.path} ${e.type} ${e.size} ${e.digest ?? ''}`));
  assert.deepEqual(paths(files), paths(withRanges));
  // Each footer request was answered with the whole blob, which was not read on; then the layer was read whole.
  assert.equal(seen.filter((s) => s.startsWith('GET blob')).length, 6);
  assert.equal((await read(client, files, '/etc/os-release')).toString().split('\n')[0], 'NAME="Berth Files"');
  assert.equal(sha256(await read(client, files, '/tmp/../usr/lib/libextra.so')), sha256(await read(client, files, 'usr/lib/libextra.so')));
});

test('a table that is not the one the manifest names is not believed: the layer is read whole', async () => {
  const { as, seen } = registryOf({ ranges: () => true });
  const files = await as('alice').getImageFiles('team/app', wrongTocImage);
  // Footer, table, then the whole blob, per layer.
  assert.equal(seen.filter((s) => s.startsWith('GET blob')).length, 9);
  assert.ok(files.tocs.every((toc) => toc.every((e) => e.path !== '.no.prefetch.landmark' && e.path !== 'stargz.index.json')));
  assert.equal(files.fs.merged.root.children!.get('etc')!.children!.get('hostname')!.layer, 2);
});

test('an uncompressed layer’s file is read alone with a Range request of its bytes; without ranges, from the whole blob', async () => {
  for (const ranges of [true, false]) {
    const { as, seen } = registryOf({ ranges: () => ranges });
    const client = as('alice');
    const files = await client.getImageFiles('team/app', plainImage);
    const entry = files.tocs[0]!.find((e) => e.path === 'usr/share/data.bin')!;
    assert.deepEqual(entry.blob, { start: entry.offset, end: entry.offset! + binary.length, gzip: false });
    const before = seen.length;
    assert.deepEqual(await read(client, files, '/usr/share/data.bin'), binary);
    assert.deepEqual(await read(client, files, '/usr/share/data.bin', 10), binary.subarray(0, 10));
    assert.deepEqual(
      seen.slice(before),
      [
        `GET blob ${short(sha256Digest(plainLayer))} bytes=${entry.offset}-${entry.offset! + binary.length - 1}`,
        `GET blob ${short(sha256Digest(plainLayer))} bytes=${entry.offset}-${entry.offset! + 9}`,
      ],
      `ranges ${ranges}`,
    );
  }
});

test('a registry that answers a Range request with other bytes than asked is refused with a sentence', async () => {
  const { as } = registryOf({ ranges: () => true });
  const client = as('alice');
  const files = await client.getImageFiles('team/app', plainImage);
  // The same client, now behind a registry that shifts every range by one byte.
  const { as: shifted } = registryOf({ ranges: () => true, shift: 1 });
  await assert.rejects(read(shifted('alice'), files, '/usr/share/data.bin'), (e) => e instanceof RegistryError && /other bytes of the layer/.test(e.message));
});

test('an eStargz file, where the registry answers its Range request with the whole blob: its members cut from the blob as it passes', async () => {
  let honour = true;
  const { as, seen } = registryOf({ ranges: () => honour });
  const client = as('alice');
  const files = await client.getImageFiles('team/app', estargzImage);
  honour = false;
  const before = seen.length;
  assert.equal((await read(client, files, '/opt/cache/c.txt')).toString(), 'cache entry c (layer 3 replaced this directory)\n');
  const lib = await read(client, files, '/usr/lib/libextra.so');
  assert.equal(`sha256:${sha256(lib)}`, files.tocs[1]!.find((e) => e.path === 'usr/lib/libextra.so')!.digest);
  assert.equal(seen.length - before, 2);
});

test('a manifest that gives an eStargz layer a size it does not have: the registry has no such bytes (416), and the layer is read whole', async () => {
  const { as, seen } = registryOf({ ranges: () => true });
  const files = await as('alice').getImageFiles('team/app', wrongSizeImage);
  assert.equal(files.fs.merged.root.children!.get('etc')!.children!.get('hostname')!.layer, 2);
  // Per layer: the footer asked for past the blob's end, then the whole blob.
  assert.equal(seen.filter((s) => s.startsWith('GET blob')).length, 6);
});

/** A ustar header of a regular file. */
function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write('0', 156, 'latin1');
  h.write('ustar\x0000', 257, 'latin1');
  h.fill(' ', 148, 156);
  h.write(
    `${h
      .reduce((a, b) => a + b, 0)
      .toString(8)
      .padStart(6, '0')}\0 `,
    148,
    'latin1',
  );
  return h;
}

const blobGets = (seen: string[]) => seen.filter((s) => s.startsWith('GET blob'));

test('a gzip layer of an image that does not say it is eStargz keeps files named as eStargz’s own', async () => {
  const { as } = registryOf({ ranges: () => true });
  const files = await as('alice').getImageFiles('team/app', lookalikeImage);
  assert.deepEqual(files.tocs[0]!.map((e) => e.path).sort(), ['', '.no.prefetch.landmark', 'etc', 'etc/motd', 'stargz.index.json']);
});

test('a footer answered wrongly (other bytes, more or fewer than said, another Content-Range) is not believed: the layer is read whole', async () => {
  const wrongs = [{ shift: 1 }, { pad: 10 }, { pad: -10 }, { contentRange: (h: string) => `${h}0` }];
  for (const wrong of wrongs) {
    const { as, seen } = registryOf({ ranges: () => true, ...wrong });
    const files = await as('alice').getImageFiles('team/app', estargzImage);
    assert.equal(files.fs.merged.root.children!.get('etc')!.children!.get('hostname')!.layer, 2, JSON.stringify(wrong));
    // Per layer: the footer, then the whole blob.
    assert.equal(blobGets(seen).length, 6, JSON.stringify(wrong));
    assert.equal(seen.filter((s) => / bytes=/.test(s)).length, 3);
  }
});

test('a table whose range is answered with the whole blob, or that is not the table (another name in its tar): the layer is read whole', async () => {
  let n = 0;
  const { as, seen } = registryOf({ ranges: () => n++ % 2 === 0 });
  const files = await as('alice').getImageFiles('team/app', estargzImage);
  assert.equal(files.fs.merged.root.children!.get('etc')!.children!.get('hostname')!.layer, 2);
  assert.equal(blobGets(seen).length, 9, 'footer, table, whole: per layer');

  // Layer 3 with its table's entry renamed (the JSON, and so its digest, the same).
  const blob = estargzLayers[2]!;
  const tocAt = parseInt(blob.toString('latin1', blob.length - 51 + 16, blob.length - 51 + 32), 16);
  const tar = gunzipSync(blob.subarray(tocAt, blob.length - 51));
  tar.write('renamed.json\0\0\0\0\0\0', 0, 'latin1');
  // Its header's checksum again: the layer read whole is a sound tar.
  tar.fill(' ', 148, 156);
  const sum = tar.subarray(0, 512).reduce((a, b) => a + b, 0);
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const renamed = Buffer.concat([blob.subarray(0, tocAt), gzipSync(tar), blob.subarray(blob.length - 51)]);
  const image = imageOfLayers([{ bytes: renamed, annotations: estargzDescriptors[2]!.annotations }]);
  const other = registryOf({ ranges: () => true });
  const read = await other.as('alice').getImageFiles('team/app', image);
  assert.equal(blobGets(other.seen).length, 3, 'footer, table, whole');
  assert.ok(read.tocs[0]!.some((e) => e.path === 'opt/cache/c.txt'));
});

test('a footer that points past the table’s place, or at a table larger than Berth reads that way: the layer is read whole, the table not asked for', async () => {
  const blob = estargzLayers[2]!;
  const withOffset = (bytes: Buffer, offset: number) => {
    const copy = Buffer.from(bytes);
    copy.write(offset.toString(16).padStart(16, '0'), copy.length - 51 + 16, 'latin1');
    return copy;
  };
  const annotations = estargzDescriptors[2]!.annotations;
  // A 16 MiB file of random bytes ahead of the layer's entries, stored (not compressed): a table 16 MiB from the end.
  const big = Buffer.concat([gzipSync(Buffer.concat([tarHeader('big.bin', 16 * 1024 * 1024), randomBytes(16 * 1024 * 1024)]), { level: 0 }), blob]);
  for (const bytes of [withOffset(blob, blob.length - 51), withOffset(blob, blob.length - 50), withOffset(big, 0)]) {
    const { as, seen } = registryOf({ ranges: () => true });
    const files = await as('alice').getImageFiles('team/app', imageOfLayers([{ bytes, annotations }]));
    assert.deepEqual(
      blobGets(seen).map((s) => s.replace(/ blob \w+/, ' blob')),
      [`GET blob bytes=${bytes.length - 51}-${bytes.length - 1}`, 'GET blob'],
    );
    assert.ok(files.tocs[0]!.some((e) => e.path === 'opt/cache/c.txt'));
  }
});

test('a manifest that names no table, or a digest Berth does not read: the layer is read whole at once', async () => {
  const blob = estargzLayers[2]!;
  const digest = estargzDescriptors[2]!.annotations['containerd.io/snapshot/stargz/toc.digest']!;
  for (const tocDigest of [undefined, 'sha256:abc', `x${digest}`, `${digest}0`, digest.toUpperCase()]) {
    const { as, seen } = registryOf({ ranges: () => true });
    const annotations: Record<string, string> = tocDigest === undefined ? {} : { 'containerd.io/snapshot/stargz/toc.digest': tocDigest };
    await as('alice').getImageFiles('team/app', imageOfLayers([{ bytes: blob, annotations }]));
    assert.deepEqual(blobGets(seen).length, 1, String(tocDigest));
  }
});

test('an eStargz layer the registry does not have: its footer’s 404 says so, nothing more is asked', async () => {
  const missing = Buffer.concat([estargzLayers[2]!, Buffer.from('gone')]);
  const { as, seen } = registryOf({ ranges: () => true });
  await assert.rejects(
    as('alice').getImageFiles('team/app', imageOfLayers([{ bytes: missing, annotations: estargzDescriptors[2]!.annotations, missing: true }])),
    (e) => e instanceof RegistryError && e.upstreamStatus === 404,
  );
  assert.equal(blobGets(seen).length, 1);
});

test('an uncompressed layer: only files with content have a place; nothing asked for nothing; a Content-Range with more around it is refused', async () => {
  const { as, seen } = registryOf({ ranges: () => true });
  const client = as('alice');
  const files = await client.getImageFiles('team/app', plainImage);
  assert.deepEqual(
    files.tocs[0]!.filter((e) => e.blob).map((e) => e.path),
    ['etc/motd', 'usr/share/data.bin'],
  );
  const before = seen.length;
  assert.equal((await read(client, files, '/usr/share/data.bin', 0)).length, 0);
  assert.equal(seen.length, before);
  for (const contentRange of [(h: string) => `x${h}`, (h: string) => `${h}x`]) {
    const other = registryOf({ ranges: () => true, contentRange }).as('alice');
    await assert.rejects(read(other, files, '/etc/motd'), (e) => e instanceof RegistryError && /other bytes of the layer/.test(e.message));
  }
});

test('a layer’s eStargz table and its tar’s own list are kept apart: a manifest without the annotation gets the tar’s', async () => {
  const { as, seen } = registryOf({ ranges: () => true });
  const alice = as('alice');
  const layer = estargzLayers[2]!;
  const annotated = imageOfLayers([{ bytes: layer, annotations: estargzDescriptors[2]!.annotations }]);
  const plain = imageOfLayers([{ bytes: layer }]);
  const fromTable = await alice.getImageFiles('team/app', annotated);
  const fromTar = await alice.getImageFiles('team/app', plain);
  assert.ok(!fromTable.tocs[0]!.some((e) => e.path === 'stargz.index.json'));
  assert.ok(
    fromTar.tocs[0]!.some((e) => e.path === 'stargz.index.json'),
    'the tar holds it: listed as the tar says',
  );
  assert.deepEqual(
    blobGets(seen).map((s) => s.replace(/ blob \w+/, ' blob')),
    [`GET blob bytes=${layer.length - 51}-${layer.length - 1}`, tableRange(layer), 'GET blob'],
  );
  // Both kept: read again, nothing is asked.
  await alice.getImageFiles('team/app', annotated);
  await alice.getImageFiles('team/app', plain);
  assert.equal(blobGets(seen).length, 3);
});

function tableRange(layer: Buffer): string {
  const tocAt = parseInt(layer.toString('latin1', layer.length - 51 + 16, layer.length - 51 + 32), 16);
  return `GET blob bytes=${tocAt}-${layer.length - 52}`;
}
