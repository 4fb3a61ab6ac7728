// eStargz tables of contents: layers converted by a real tool (testdata/estargz/), and tables
// written here to be wrong in one way each.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { FOOTER_BYTES, TOC_DIGEST_ANNOTATION, entriesOf, tocJsonOf, tocOffsetOf } from './estargz';
import { DEFAULT_TAR_LIMITS, TarError, readTarToc, type TocEntry } from './tar';
import { ESTARGZ_TESTDATA } from '../test-image';

const dir = ESTARGZ_TESTDATA;
const descriptors = (JSON.parse(readFileSync(join(dir, 'layers.json'), 'utf8')) as { layers: Array<{ annotations: Record<string, string> }> }).layers;
const blobs = [1, 2, 3].map((n) => readFileSync(join(dir, `layer${n}.tar.gz`)));

/** A blob's table: its offset, and the JSON its last gzip member holds. */
function tableOf(blob: Buffer) {
  const offset = tocOffsetOf(blob.subarray(blob.length - FOOTER_BYTES))!;
  const json = tocJsonOf(gunzipSync(blob.subarray(offset, blob.length - FOOTER_BYTES)))!;
  return { offset, json };
}

async function* once(bytes: Buffer) {
  yield bytes;
}

test('a converted layer’s footer says where its table starts, and the table is the one its manifest names', () => {
  for (const [i, blob] of blobs.entries()) {
    const { offset, json } = tableOf(blob);
    assert.ok(offset > 0 && offset < blob.length - FOOTER_BYTES, `layer ${i + 1}: ${offset}`);
    assert.equal(`sha256:${createHash('sha256').update(json).digest('hex')}`, descriptors[i]!.annotations[TOC_DIGEST_ANNOTATION]);
  }
});

test('the table lists what the layer’s own tar holds, landmarks left out, each file with the digest of its content', async () => {
  for (const blob of blobs) {
    const { offset, json } = tableOf(blob);
    const fromTable = entriesOf(json, offset, DEFAULT_TAR_LIMITS);
    // The whole layer read as a tar (what Berth does without a table): the same entries, less
    // the landmark and the table itself, which eStargz adds to the tar.
    const fromTar = (await readTarToc(once(gunzipSync(blob)))).filter((e) => e.path !== '.no.prefetch.landmark' && e.path !== 'stargz.index.json');
    const shape = (e: TocEntry) => [e.path, e.type, e.size, e.mode, e.uid, e.gid, e.link ?? '', e.type === 'file' ? e.digest : ''].join(' ');
    assert.deepEqual(fromTable.map(shape), fromTar.map(shape));
  }
  const layer2 = tableOf(blobs[1]!);
  const entries = entriesOf(layer2.json, layer2.offset, DEFAULT_TAR_LIMITS);
  assert.deepEqual(
    entries.find((e) => e.path === 'usr/bin/demo-link'),
    {
      path: 'usr/bin/demo-link',
      type: 'hardlink',
      size: 0,
      mode: 0o755,
      uid: 0,
      gid: 0,
      mtime: Math.floor(Date.parse('1970-01-01T00:00:00Z') / 1000),
      link: 'usr/bin/demo',
    },
  );
  const whiteout = entries.find((e) => e.path === 'tmp/.wh.remove-me.txt')!;
  assert.equal(whiteout.size, 0);
  assert.equal(whiteout.blob, undefined);
});

test('a file’s place in the blob runs from the member its content starts in to the next file’s, over all its chunks', () => {
  const { offset, json } = tableOf(blobs[1]!);
  const entries = entriesOf(json, offset, DEFAULT_TAR_LIMITS);
  const blob = blobs[1]!;
  const files = entries.filter((e) => e.blob);
  assert.ok(files.length >= 3);
  for (const [i, e] of files.entries()) {
    assert.equal(e.blob!.gzip, true);
    // Back to back, the last running up to the table.
    assert.equal(e.blob!.end, files[i + 1]?.blob!.start ?? offset);
    const content = gunzipSync(blob.subarray(e.blob!.start, e.blob!.end)).subarray(0, e.size);
    assert.equal(content.length, e.size, e.path);
    assert.equal(`sha256:${createHash('sha256').update(content).digest('hex')}`, e.digest, e.path);
  }
  // libextra.so (10 KiB) is cut into three chunks of 4 KiB at most: its place covers them all.
  const lib = files.find((e) => e.path === 'usr/lib/libextra.so')!;
  const chunks = (JSON.parse(json.toString()) as { entries: Array<{ name: string; type: string; offset?: number }> }).entries.filter(
    (e) => e.name === 'usr/lib/libextra.so' && e.type === 'chunk',
  );
  assert.equal(chunks.length, 2);
  assert.ok(chunks.every((c) => c.offset! > lib.blob!.start && c.offset! < lib.blob!.end));
});

test('bytes that are not an eStargz footer say so', () => {
  const footer = Buffer.from(blobs[0]!.subarray(blobs[0]!.length - FOOTER_BYTES));
  assert.equal(tocOffsetOf(footer.subarray(1)), undefined, 'too short');
  for (const [at, value] of [
    [0, 0x1e],
    [3, 0],
    [10, 25],
    [12, 0x54],
    [14, 21],
    [20, 0x67], // a hex digit that is not one
    [33, 0x53], // "SSARGZ"
  ] as const) {
    const wrong = Buffer.from(footer);
    wrong[at] = value;
    assert.equal(tocOffsetOf(wrong), undefined, `byte ${at}`);
  }
  assert.equal(tocOffsetOf(footer), parseInt(footer.toString('latin1', 16, 32), 16));
  assert.equal(tocJsonOf(Buffer.alloc(100)), undefined);
  const tar = gunzipSync(blobs[0]!.subarray(tocOffsetOf(footer)!, blobs[0]!.length - FOOTER_BYTES));
  const renamed = Buffer.from(tar);
  renamed.write('other.json\0', 0, 'latin1');
  assert.equal(tocJsonOf(renamed), undefined);
  assert.equal(tocJsonOf(tar.subarray(0, 600)), undefined, 'cut inside the JSON');
});

/** A table of `entries`, its files' content starting at 100, 200, … of a blob whose table is at 10,000. */
const table = (entries: unknown[]) => Buffer.from(JSON.stringify({ version: 1, entries }));
const reg = (name: string, offset: number, extra: object = {}) => ({ name, type: 'reg', size: 10, mode: 0o100644, offset, ...extra });

test('a table that contradicts itself or names what no layer holds is refused with what is wrong', () => {
  const refused = (entries: unknown[], pattern: RegExp, limits = DEFAULT_TAR_LIMITS) =>
    assert.throws(
      () => entriesOf(table(entries), 10_000, limits),
      (e) => e instanceof TarError && pattern.test(e.message),
    );
  assert.throws(() => entriesOf(Buffer.from('{'), 10_000, DEFAULT_TAR_LIMITS), /is not JSON/);
  assert.throws(() => entriesOf(Buffer.from('{"version":1}'), 10_000, DEFAULT_TAR_LIMITS), /has no list of entries/);
  refused([{ name: 'a', type: 'socket' }], /entry type Berth does not know: "socket"/);
  refused([reg('a', 200), reg('b', 100)], /offsets out of order/);
  refused([reg('a', 10_000)], /offsets out of order/);
  refused([reg('a', -5)], /an offset that is no count: -5/);
  refused([reg('a', 100, { size: '10' })], /a size that is no count/);
  refused([reg('a', 0)], /gives a content but no offset/);
  refused([{ name: 'a', type: 'chunk', offset: 100 }], /a chunk of a after another entry/);
  refused([reg('a', 100), { name: 'b', type: 'chunk', offset: 150 }], /a chunk of b after another entry/);
  refused([reg('../etc/passwd', 100)], /climbs out of the layer/);
  refused([reg('a\0b', 100)], /NUL/);
  refused([{ name: './', type: 'reg', size: 0 }], /names the layer's root but is a file/);
  refused([reg('a', 100, { digest: 'md5:abc' })], /a digest Berth does not read/);
  refused([reg('a', 100, { name: 7 })], /a name that is no text/);
  refused([reg('a', 100), reg('b', 200)], /more than 1 entries/, { ...DEFAULT_TAR_LIMITS, maxEntries: 1 });
  refused([reg('a'.repeat(20), 100)], /longer than Berth reads \(10 bytes\)/, { ...DEFAULT_TAR_LIMITS, maxPathBytes: 10 });
  refused([reg('abcdef', 100), reg('ghijkl', 200)], /names add up to more than/, { ...DEFAULT_TAR_LIMITS, maxNameBytesTotal: 10 });
});

test('a table’s entries: types, owners, times and where each file lies', () => {
  const entries = entriesOf(
    table([
      { name: './', type: 'dir', mode: 0o40755 },
      { name: '.prefetch.landmark', type: 'reg', size: 1, offset: 50 },
      reg('bin/sh', 100, { mode: 0o104755, uid: 1000, gid: 50, userName: 'me', groupName: 'staff', modtime: '2024-05-06T07:08:09Z' }),
      { name: 'bin/sh', type: 'chunk', offset: 300, chunkOffset: 5, chunkSize: 5 },
      { name: 'bin/ash', type: 'hardlink', linkName: './bin/sh' },
      { name: 'lib', type: 'symlink', linkName: 'usr/lib' },
      { name: 'dev/null', type: 'char', mode: 0o20666 },
      { name: 'empty', type: 'reg', size: 0 },
      reg('last', 400, { modtime: 'not a time' }),
    ]),
    10_000,
    DEFAULT_TAR_LIMITS,
  );
  assert.deepEqual(entries, [
    { path: '', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: 0 },
    {
      path: 'bin/sh',
      type: 'file',
      size: 10,
      mode: 0o4755,
      uid: 1000,
      gid: 50,
      uname: 'me',
      gname: 'staff',
      mtime: Date.parse('2024-05-06T07:08:09Z') / 1000,
      blob: { start: 100, end: 400, gzip: true },
    },
    { path: 'bin/ash', type: 'hardlink', size: 0, mode: 0, uid: 0, gid: 0, mtime: 0, link: 'bin/sh' },
    { path: 'lib', type: 'symlink', size: 0, mode: 0, uid: 0, gid: 0, mtime: 0, link: 'usr/lib' },
    { path: 'dev/null', type: 'char', size: 0, mode: 0o666, uid: 0, gid: 0, mtime: 0 },
    { path: 'empty', type: 'file', size: 0, mode: 0, uid: 0, gid: 0, mtime: 0 },
    { path: 'last', type: 'file', size: 10, mode: 0o644, uid: 0, gid: 0, mtime: 0, blob: { start: 400, end: 10_000, gzip: true } },
  ]);
});

test('a footer is exactly 51 bytes, every fixed byte of it as eStargz writes it', () => {
  const footer = Buffer.from(blobs[0]!.subarray(blobs[0]!.length - FOOTER_BYTES));
  assert.equal(tocOffsetOf(Buffer.concat([footer, Buffer.from([0])])), undefined, 'a byte too many');
  for (const [at, value] of [
    [1, 0x8c],
    [2, 9],
    [13, 0x48],
    [16, 0x67], // "g": no hex digit, first
    [31, 0x67], // … and last
  ] as const) {
    const wrong = Buffer.from(footer);
    wrong[at] = value;
    assert.equal(tocOffsetOf(wrong), undefined, `byte ${at}`);
  }
});

test('the table’s tar may end right after the JSON', () => {
  const footer = blobs[0]!.subarray(blobs[0]!.length - FOOTER_BYTES);
  const tar = gunzipSync(blobs[0]!.subarray(tocOffsetOf(footer)!, blobs[0]!.length - FOOTER_BYTES));
  const json = tocJsonOf(tar)!;
  assert.deepEqual(tocJsonOf(tar.subarray(0, 512 + json.length)), json);
  assert.equal(tocJsonOf(tar.subarray(0, 511 + json.length)), undefined);
});

test('each field of an entry that is not what it should be is named', () => {
  const refused = (extra: object, pattern: RegExp, entry: object = reg('a', 100)) =>
    assert.throws(
      () => entriesOf(table([{ ...entry, ...extra }]), 10_000, DEFAULT_TAR_LIMITS),
      (e) => e instanceof TarError && pattern.test(e.message),
      JSON.stringify(extra),
    );
  refused({ linkName: 7 }, /gives a link target that is no text/, { name: 'l', type: 'symlink' });
  refused({ modtime: 7 }, /gives a modification time that is no text/);
  refused({ userName: 7 }, /gives an owner name that is no text/);
  refused({ groupName: 7 }, /gives a group name that is no text/);
  refused({ digest: 7 }, /gives a digest that is no text/);
  refused({ digest: '' }, /gives a a digest Berth does not read/);
  refused({ digest: `x${'sha256:'}${'0'.repeat(64)}` }, /a digest Berth does not read/);
  refused({ digest: `sha256:${'0'.repeat(64)}0` }, /a digest Berth does not read/);
  refused({ size: 1.5 }, /gives a size that is no count: 1\.5\.$/);
  refused({ mode: -1 }, /gives a mode that is no count: -1/);
  refused({ uid: 'root' }, /gives an owner that is no count: "root"/);
  refused({ gid: null }, /gives a group that is no count: null/);
  refused({ offset: 'x'.repeat(100) }, new RegExp(`an offset that is no count: "${'x'.repeat(39)}\\.$`));
  refused({ type: 'y'.repeat(100) }, new RegExp(`entry type Berth does not know: "${'y'.repeat(39)}\\.$`));
  refused({ name: `${'p'.repeat(300)}`, digest: 'md5:0' }, new RegExp(`gives ${'p'.repeat(200)} a digest`));
  refused({ name: `${'q'.repeat(300)}`, offset: undefined }, new RegExp(`gives ${'q'.repeat(200)} content but no offset`));
  assert.throws(() => entriesOf(Buffer.from('null'), 10_000, DEFAULT_TAR_LIMITS), /has no list of entries/);
  assert.throws(() => entriesOf(table([null]), 10_000, DEFAULT_TAR_LIMITS), /entry type Berth does not know: undefined/);
});

test('offsets only grow: two files may not start at the same one; a chunk names its file as the file does', () => {
  assert.throws(() => entriesOf(table([reg('a', 100), reg('b', 100)]), 10_000, DEFAULT_TAR_LIMITS), /offsets out of order/);
  const chunked = entriesOf(table([reg('a', 100), { name: './a', type: 'chunk', offset: 200 }, reg('b', 300)]), 10_000, DEFAULT_TAR_LIMITS);
  assert.deepEqual(
    chunked.map((e) => [e.path, e.blob]),
    [
      ['a', { start: 100, end: 300, gzip: true }],
      ['b', { start: 300, end: 10_000, gzip: true }],
    ],
  );
});

test('limits on names count path and link target, up to the limit exactly', () => {
  const limits = { ...DEFAULT_TAR_LIMITS, maxPathBytes: 10, maxNameBytesTotal: 12 };
  const link = (name: string, target: string) => ({ name, type: 'symlink', linkName: target });
  assert.equal(entriesOf(table([link('a'.repeat(10), 'b')]), 10_000, limits).length, 1);
  assert.throws(() => entriesOf(table([link('a', 'b'.repeat(11))]), 10_000, limits), /longer than Berth reads \(10 bytes\)/);
  assert.equal(entriesOf(table([link('a', 'b'.repeat(10)), link('c', '')]), 10_000, limits).length, 2, '12 bytes of names');
  assert.throws(() => entriesOf(table([link('a', 'b'.repeat(10)), link('cd', '')]), 10_000, limits), /names add up to more than/);
  // The limit said in MiB.
  const many = Array.from({ length: 600 }, (_, i) => link(`n${i}`, 'x'.repeat(4000)));
  assert.throws(() => entriesOf(table(many), 10_000, { ...DEFAULT_TAR_LIMITS, maxNameBytesTotal: 2 * 1024 * 1024 }), /names add up to more than 2 MiB,/);
});

test('what is no file has no size, content or digest; block and fifo devices are what they say', () => {
  const entries = entriesOf(
    table([
      { name: 'd', type: 'dir', size: 10, offset: 100, digest: `sha256:${'0'.repeat(64)}` },
      { name: 'l', type: 'symlink', size: 10, offset: 200, digest: `sha256:${'0'.repeat(64)}` },
      { name: 'b', type: 'block' },
      { name: 'f', type: 'fifo' },
    ]),
    10_000,
    DEFAULT_TAR_LIMITS,
  );
  assert.deepEqual(
    entries.map((e) => [e.path, e.type, e.size, e.blob, e.digest, e.link]),
    [
      ['d', 'dir', 0, undefined, undefined, undefined],
      ['l', 'symlink', 0, undefined, undefined, ''],
      ['b', 'block', 0, undefined, undefined, undefined],
      ['f', 'fifo', 0, undefined, undefined, undefined],
    ],
  );
});
