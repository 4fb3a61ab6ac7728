// Layer tables of contents read from real archives: GNU tar writes them (ustar, GNU and PAX
// formats) from a directory made here, gzip and zstd compress them; each is fed to the reader in
// chunks of many sizes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, linkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DecompressError, compressionOf, decompressed } from './decompress';
import { TarError, readTarToc, type TocEntry } from './tar';

const dir = mkdtempSync(join(tmpdir(), 'berth-tar-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const root = join(dir, 'root');
const longDir = `deep/${'d'.repeat(90)}/${'e'.repeat(90)}`;
const longName = `${'n'.repeat(120)}.txt`;
const files: Record<string, string | Buffer> = {
  'etc/os-release': 'NAME="Berth Linux"\nVERSION_ID=1\n',
  'usr/bin/tool': Buffer.alloc(70_000, 7),
  'usr/lib/empty': '',
  'usr/lib/.wh.removed': '',
  'usr/share/.wh..wh..opq': '',
  [`${longDir}/${longName}`]: 'far down\n',
  'naïve/ünïcode.txt': 'ü\n',
};
mkdirSync(root);
for (const [path, content] of Object.entries(files)) {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
}
chmodSync(join(root, 'usr/bin/tool'), 0o755);
symlinkSync('../lib/empty', join(root, 'usr/bin/link'));
linkSync(join(root, 'etc/os-release'), join(root, 'etc/hard'));

/** GNU tar's archive of `root` in `format`, with fixed owners and times, sorted. */
function archive(format: 'ustar' | 'gnu' | 'pax', paths = ['.']): Buffer {
  const out = join(dir, `${format}.tar`);
  execFileSync('tar', [
    '-C',
    root,
    `--format=${format}`,
    '--sort=name',
    '--owner=1000:1000',
    '--group=0:0',
    '--mtime=2026-01-02 03:04:05Z',
    '-cf',
    out,
    ...paths,
  ]);
  return readFileSync(out);
}

function compress(tar: Buffer, program: 'gzip' | 'zstd'): Buffer {
  return execFileSync(program, ['-c', '-q'], { input: tar, maxBuffer: 64 * 1024 * 1024 });
}

/** `bytes` in chunks of `size` (a function of the chunk's index for irregular cuts). */
async function* chunks(bytes: Buffer, size: number | ((i: number) => number)): AsyncGenerator<Uint8Array> {
  let i = 0;
  for (let at = 0; at < bytes.length; i++) {
    const n = typeof size === 'number' ? size : size(i);
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

const sha = (content: string | Buffer) => `sha256:${createHash('sha256').update(content).digest('hex')}`;
const byPath = (entries: TocEntry[]) => new Map(entries.map((e) => [e.path, e]));

describe('a layer’s table of contents', () => {
  for (const format of ['ustar', 'gnu', 'pax'] as const) {
    test(`${format}: every entry with its type, size, mode, owner, link, time and content digest; offsets point at the content`, async () => {
      // ustar cannot hold the long path: that format gets the rest.
      const tar = format === 'ustar' ? archive(format, ['./etc', './usr', './naïve']) : archive(format);
      const toc = await readTarToc(chunks(tar, 4096));
      const entries = byPath(toc);
      // etc/os-release is archived as a hard link to etc/hard (below).
      const wanted = Object.entries(files).filter(([path]) => path !== 'etc/os-release' && (format !== 'ustar' || !path.startsWith('deep/')));
      for (const [path, content] of wanted) {
        const entry = entries.get(path);
        assert.ok(entry, `${path} is listed`);
        assert.equal(entry.type, 'file');
        assert.equal(entry.size, Buffer.byteLength(content));
        assert.equal(entry.digest, sha(content));
        assert.deepEqual(tar.subarray(entry.offset, (entry.offset ?? 0) + entry.size), Buffer.from(content));
        assert.deepEqual([entry.uid, entry.gid, entry.mtime], [1000, 0, Date.parse('2026-01-02T03:04:05Z') / 1000]);
      }
      assert.equal(entries.get('usr/bin/tool')?.mode, 0o755);
      assert.deepEqual([entries.get('usr/bin/link')?.type, entries.get('usr/bin/link')?.link], ['symlink', '../lib/empty']);
      // GNU tar archives the second name of a hard link as a link to the first it met (sorted by name).
      assert.deepEqual([entries.get('etc/os-release')?.type, entries.get('etc/os-release')?.link], ['hardlink', 'etc/hard']);
      assert.equal(entries.get('etc/os-release')?.digest, undefined);
      assert.equal(entries.get('etc/hard')?.digest, sha(files['etc/os-release']!));
      assert.equal(entries.get('usr/lib')?.type, 'dir');
      if (format !== 'ustar') assert.equal(entries.has(''), true, 'the root directory "./" is listed as ""');
    });
  }

  test('the same table whatever the chunks: one byte, a block and a byte, irregular cuts, all at once', async () => {
    const tar = archive('pax');
    const whole = await readTarToc(chunks(tar, tar.length));
    for (const size of [1, 513, (i: number) => [7, 1000, 3, 511, 2049][i % 5]!]) {
      assert.deepEqual(await readTarToc(chunks(tar, size)), whole);
    }
  });

  test('gzip, zstd and no compression give the same table, told apart by their first bytes', async () => {
    const tar = archive('gnu');
    const plain = await readTarToc(decompressed(chunks(tar, 1000), { maxBytes: 1e9 }));
    assert.ok(plain.length > 10);
    for (const program of ['gzip', 'zstd'] as const) {
      const packed = compress(tar, program);
      assert.deepEqual(await readTarToc(decompressed(chunks(packed, 333), { maxBytes: 1e9 })), plain, program);
      assert.deepEqual(await readTarToc(decompressed(chunks(packed, 1), { maxBytes: 1e9 })), plain, `${program}, a byte at a time`);
    }
  });

  test('a layer that inflates past the bound is refused while it passes (a decompression bomb)', async () => {
    const bomb = compress(Buffer.alloc(20 * 1024 * 1024), 'gzip');
    assert.ok(bomb.length < 100_000);
    let seen = 0;
    await assert.rejects(
      (async () => {
        for await (const chunk of decompressed(chunks(bomb, 4096), { maxBytes: 1024 * 1024 })) seen += chunk.length;
      })(),
      (e) => e instanceof DecompressError && /more than 1048576 bytes uncompressed/.test(e.message),
    );
    assert.ok(seen <= 1024 * 1024);
  });

  test('broken streams are refused with a sentence: damaged header, cut short, corrupt gzip, a path that climbs out', async () => {
    const tar = archive('gnu');
    const damaged = Buffer.from(tar);
    damaged[0] = (damaged[0] ?? 0) ^ 0xff;
    await assert.rejects(readTarToc(chunks(damaged, 512)), (e) => e instanceof TarError && /checksum does not match/.test(e.message));
    await assert.rejects(readTarToc(chunks(tar.subarray(0, 1024 + 100), 512)), (e) => e instanceof TarError && /cut short/.test(e.message));
    const gz = compress(tar, 'gzip');
    const corrupt = Buffer.concat([gz.subarray(0, 20), Buffer.alloc(200, 0x55)]);
    await assert.rejects(readTarToc(decompressed(chunks(corrupt, 64), { maxBytes: 1e9 })), (e) => e instanceof DecompressError);
    const climbing = join(dir, 'climb.tar');
    execFileSync('tar', ['-C', root, '--format=gnu', '-P', '--transform=s,^,../../,', '-cf', climbing, 'etc/hard']);
    await assert.rejects(readTarToc(chunks(readFileSync(climbing), 512)), (e) => e instanceof TarError && /climbs out of the layer/.test(e.message));
  });

  test('limits: entries, path length, extended header size', async () => {
    const tar = archive('pax');
    const limits = { maxEntries: 1000, maxPathBytes: 4096, maxNameBytesTotal: 1 << 20, maxExtendedBytes: 1 << 20 };
    await assert.rejects(readTarToc(chunks(tar, 512), { ...limits, maxEntries: 3 }), /more than 3 entries/);
    await assert.rejects(readTarToc(chunks(tar, 512), { ...limits, maxPathBytes: 100 }), /longer than Berth reads \(100 bytes\)/);
    await assert.rejects(readTarToc(chunks(tar, 512), { ...limits, maxExtendedBytes: 50 }), /extended tar header of \d+ bytes/);
    const names = (await readTarToc(chunks(tar, 512))).reduce((n, e) => n + e.path.length + (e.link?.length ?? 0), 0);
    assert.ok(names > 100);
    await assert.rejects(
      readTarToc(chunks(tar, 512), { ...limits, maxNameBytesTotal: 100 }),
      /The layer's names add up to more than .* MiB, more than Berth keeps of one layer\./,
    );
    assert.equal((await readTarToc(chunks(tar, 512), { ...limits, maxNameBytesTotal: names + 200 })).length > 0, true);
  });
});

/** `tar` with the header at `offset` changed by `patch` and its checksum made right again. */
function patched(tar: Buffer, offset: number, patch: (header: Buffer) => void): Buffer {
  const out = Buffer.from(tar);
  const header = out.subarray(offset, offset + 512);
  patch(header);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return out;
}

describe('what headers can say', () => {
  test('GNU base-256 numbers (an owner id too large for octal), owner names, and a symlink target past 100 bytes', async () => {
    const target = `../${'t'.repeat(150)}`;
    const out = join(dir, 'base256.tar');
    const linkRoot = join(dir, 'links');
    mkdirSync(linkRoot, { recursive: true });
    symlinkSync(target, join(linkRoot, 'far'));
    writeFileSync(join(linkRoot, 'file'), 'f');
    execFileSync('tar', ['-C', linkRoot, '--format=gnu', '--sort=name', '--owner=berth:3000000', '--group=crew:70', '-cf', out, 'far', 'file']);
    const entries = byPath(await readTarToc(chunks(readFileSync(out), 512)));
    assert.deepEqual([entries.get('far')?.type, entries.get('far')?.link], ['symlink', target]);
    assert.deepEqual(
      [entries.get('file')?.uid, entries.get('file')?.uname, entries.get('file')?.gid, entries.get('file')?.gname],
      [3000000, 'berth', 70, 'crew'],
    );
  });

  test('numbers that are no numbers, a negative base-256 one, a PAX record that lies about its length, a PAX size that is no size', async () => {
    const tar = archive('gnu', ['./etc/hard']);
    await assert.rejects(
      readTarToc(
        chunks(
          patched(tar, 0, (h) => h.write('0000x44\0', 100, 'ascii')),
          512,
        ),
      ),
      /holds "0000x44" where a number belongs/,
    );
    await assert.rejects(
      readTarToc(
        chunks(
          patched(tar, 0, (h) => h.fill(0xff, 124, 136)),
          512,
        ),
      ),
      /negative number/,
    );
    await assert.rejects(
      readTarToc(
        chunks(
          patched(tar, 0, (h) => {
            h[124] = 0x80;
            h.fill(0xff, 125, 136);
          }),
          512,
        ),
      ),
      /too large to be true/,
    );
    const pax = archive('pax', ['./naïve/ünïcode.txt']);
    // The record's "LEN " before "path=": its digits made 9s, a length past the header's end.
    let lengthAt = pax.indexOf('path=') - 1;
    while (pax[lengthAt - 1]! >= 0x30 && pax[lengthAt - 1]! <= 0x39) lengthAt--;
    const lying = Buffer.from(pax);
    lying.fill('9', lengthAt, pax.indexOf('path=') - 1);
    await assert.rejects(readTarToc(chunks(lying, 512)), /PAX header record is malformed/);
    // The path record made a size record: "size=naïve/ünïcode.txt".
    const sized = Buffer.from(pax);
    sized.write('size=', pax.indexOf('path='), 'ascii');
    await assert.rejects(readTarToc(chunks(sized, 512)), /PAX header gives a size that is no number/);
  });

  test('an empty archive, and one without its end-of-archive blocks, are read to their end', async () => {
    assert.deepEqual(await readTarToc(chunks(Buffer.alloc(1024), 512)), []);
    // One header and one block of content, nothing after.
    const withoutEnd = archive('gnu', ['./etc/hard']).subarray(0, 1024);
    assert.deepEqual(
      (await readTarToc(chunks(withoutEnd, 100))).map((e) => e.path),
      ['etc/hard'],
    );
  });
});

describe('decompressing', () => {
  const drain = async (stream: AsyncIterable<Uint8Array>) => {
    const out: Uint8Array[] = [];
    for await (const chunk of stream) out.push(chunk);
    return Buffer.concat(out);
  };

  test('what is compressed is told by all of its magic bytes, not by the first alone', () => {
    assert.equal(compressionOf(Buffer.from([0x1f, 0x8b, 8])), 'gzip');
    assert.equal(compressionOf(Buffer.from([0x1f, 0x00, 8])), 'none');
    assert.equal(compressionOf(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])), 'zstd');
    assert.equal(compressionOf(Buffer.from([0x28, 0xb5, 0x2f, 0x00])), 'none');
    assert.equal(compressionOf(Buffer.from([])), 'none');
  });

  test('a stream shorter than any magic passes as it is; exactly the bound passes, a byte more does not', async () => {
    assert.deepEqual(await drain(decompressed(chunks(Buffer.from('ab'), 1), { maxBytes: 10 })), Buffer.from('ab'));
    assert.deepEqual(await drain(decompressed(chunks(Buffer.alloc(10, 1), 3), { maxBytes: 10 })), Buffer.alloc(10, 1));
    await assert.rejects(drain(decompressed(chunks(Buffer.alloc(11, 1), 3), { maxBytes: 10 })), DecompressError);
  });

  test('zstd as tools write it: several frames, checksums, skippable frames, windows up to 8 MiB, in pieces of any size; a larger window is refused', async () => {
    const text = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `line ${i} of the layer\n`).join(''));
    const zstd = (input: Buffer, ...args: string[]) => execFileSync('zstd', ['-c', '-q', ...args], { input, maxBuffer: 1 << 28 });
    const skippable = Buffer.concat([Buffer.from([0x5a, 0x2a, 0x4d, 0x18, 5, 0, 0, 0]), Buffer.from('hello')]);
    const stream = Buffer.concat([zstd(text.subarray(0, 300_000)), skippable, zstd(text.subarray(300_000), '--no-check', '-19')]);
    for (const size of [1, 7, 4096, stream.length]) {
      assert.deepEqual(await drain(decompressed(chunks(stream, size), { maxBytes: 1 << 30 })), text, `pieces of ${size}`);
    }
    // --long=23: an 8 MiB window; --long=24: 16 MiB.
    assert.deepEqual(await drain(decompressed(chunks(zstd(text, '--long=23'), 65536), { maxBytes: 1 << 30 })), text);
    await assert.rejects(
      drain(decompressed(chunks(zstd(Buffer.alloc(20 << 20, 7), '--long=24', '--no-content-size'), 65536), { maxBytes: 1 << 30 })),
      (e) => e instanceof DecompressError && /zstd window of 16 MiB; Berth decodes windows of up to 8 MiB\./.test(e.message),
    );
  });

  test('corrupt gzip and zstd say which; a failure of the stream itself (a registry cutting it short) passes through as it is', async () => {
    const tar = archive('gnu', ['./etc/hard']);
    const gz = compress(tar, 'gzip');
    const zst = compress(tar, 'zstd');
    const corrupt = (b: Buffer) => Buffer.concat([b.subarray(0, 12), Buffer.alloc(300, 0x55)]);
    await assert.rejects(
      drain(decompressed(chunks(corrupt(gz), 50), { maxBytes: 1e9 })),
      (e) => e instanceof DecompressError && /not valid gzip/.test(e.message),
    );
    await assert.rejects(
      drain(decompressed(chunks(corrupt(zst), 50), { maxBytes: 1e9 })),
      (e) => e instanceof DecompressError && /not valid zstd/.test(e.message),
    );
    const cut = new Error('cut short');
    async function* breaking(bytes: Buffer) {
      yield bytes.subarray(0, 20);
      throw cut;
    }
    for (const packed of [gz, zst]) await assert.rejects(drain(decompressed(breaking(packed), { maxBytes: 1e9 })), (e) => e === cut);
  });
});

describe('zstd windows and blocks', () => {
  // fzstd, which decodes zstd here, makes room for whatever window a frame's header names (up to
  // 2 GB) and moves all of it for every block: ten bytes asking for 1 GB took 3 s and 1.1 GB, 8 KB
  // of one-byte blocks under a 1 GB window 100 s, all of it on the event loop. decompress.ts walks
  // the frames itself first: a window past 8 MiB is refused before the decoder sees it, and a
  // stream of far more blocks than its output is refused while it is cheap.
  const drain = async (stream: AsyncIterable<Uint8Array>) => {
    const out: Uint8Array[] = [];
    for await (const chunk of stream) out.push(chunk);
    return Buffer.concat(out);
  };
  /** A zstd frame of `count` one-byte raw blocks under a window of 2^`log` bytes. */
  const tinyBlocks = (log: number, count: number) =>
    Buffer.concat([
      Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (log - 10) << 3]),
      ...Array.from({ length: count }, (_, i) => {
        const h = (1 << 3) | (i === count - 1 ? 1 : 0); // a raw block of one byte, the last one marked
        return Buffer.from([h & 0xff, (h >> 8) & 0xff, h >> 16, 0x41]);
      }),
    ]);
  const timed = async (blob: Buffer) => {
    const start = performance.now();
    const result = await drain(decompressed(chunks(blob, 4096), { maxBytes: 1 << 30 })).catch((e: unknown) => e);
    return { result, ms: performance.now() - start };
  };

  test('a window past 8 MiB is refused before any room is made for it', async () => {
    for (const log of [24, 30, 31]) {
      const { result, ms } = await timed(tinyBlocks(log, 300));
      assert.ok(ms < 50, `${ms.toFixed(0)} ms`);
      assert.ok(result instanceof DecompressError && /zstd window of \d+ MiB; Berth decodes windows of up to 8 MiB/.test(result.message), String(result));
    }
  });

  test('far more blocks than their output is refused while it is cheap; fewer than a thousand small blocks decode', async () => {
    const { result, ms } = await timed(tinyBlocks(23, 20_000));
    assert.ok(result instanceof DecompressError && /cut into \d+ blocks for \d+ bytes/.test(result.message), String(result));
    assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
    assert.deepEqual((await timed(tinyBlocks(20, 900))).result, Buffer.from('A'.repeat(900)));
  });

  test('a frame of a reserved block type, or no zstd frame after the first, is refused as not zstd', async () => {
    const reserved = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, 0x07, 0x00, 0x00]);
    assert.match(String((await timed(reserved)).result), /not valid zstd: a block is of a reserved type/);
    const trailing = Buffer.concat([tinyBlocks(20, 2), Buffer.from('junk')]);
    assert.match(String((await timed(trailing)).result), /not valid zstd: a frame does not begin as zstd frames do/);
  });
});
