// What Berth's API answers about an image's files (./files.ts), from the small real image of
// lib/registry/test-image.ts: a directory of the merged image, a layer on its own with what it
// deletes, a file's first bytes as text or binary, and a download's headers and bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RegistryError } from '@/lib/registry';
import { sha256Digest } from '@/lib/registry/manifest';
import { binary, earlier, image, layers, registryOf } from '@/lib/registry/test-image';
import {
  BINARY_PREVIEW_BYTES,
  dispositionOf,
  fetchFileBody,
  fetchFilesBody,
  fetchFilesDiffBody,
  fetchFilesProgressBody,
  fileDownloadResponse,
  isText,
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
