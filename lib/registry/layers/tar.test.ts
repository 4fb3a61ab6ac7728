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

  test('small blocks under a large window, each of which the decoder pays its whole window for, are refused while cheap; full blocks are not', async () => {
    /** A frame of `count` RLE blocks, each 1 KiB of "A" from one byte, under a window of 2^`log`. */
    const rle = (log: number, count: number) =>
      Buffer.concat([
        Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (log - 10) << 3]),
        ...Array.from({ length: count }, (_, i) => {
          const h = (1024 << 3) | (1 << 1) | (i === count - 1 ? 1 : 0);
          return Buffer.from([h & 0xff, (h >> 8) & 0xff, h >> 16, 0x41]);
        }),
      ]);
    const { result, ms } = await timed(rle(23, 3000));
    assert.ok(result instanceof DecompressError && /asks its decoder to move \d+ MiB of window for \d+ bytes/.test(result.message), String(result));
    assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
    // The same blocks under a 64 KiB window cost little: they decode.
    assert.equal(((await timed(rle(16, 3000))).result as Buffer).length, 3000 * 1024);
  });

  test('a window past 8 MiB is refused before any room is made for it', async () => {
    for (const log of [24, 30, 31]) {
      const { result, ms } = await timed(tinyBlocks(log, 300));
      assert.ok(ms < 50, `${ms.toFixed(0)} ms`);
      assert.ok(result instanceof DecompressError && /zstd window of \d+ MiB; Berth decodes windows of up to 8 MiB/.test(result.message), String(result));
    }
  });

  test('far more blocks than their output is refused while it is cheap; fewer than a thousand small blocks decode', async () => {
    // Under a small window (whose moves cost little), the blocks themselves are counted.
    const { result, ms } = await timed(tinyBlocks(10, 20_000));
    assert.ok(result instanceof DecompressError && /cut into \d+ blocks for \d+ bytes/.test(result.message), String(result));
    assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
    assert.deepEqual((await timed(tinyBlocks(10, 900))).result, Buffer.from('A'.repeat(900)));
  });

  test('a frame of a reserved block type, or no zstd frame after the first, is refused as not zstd', async () => {
    const reserved = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, 0x07, 0x00, 0x00]);
    assert.match(String((await timed(reserved)).result), /not valid zstd: a block is of a reserved type/);
    const trailing = Buffer.concat([tinyBlocks(20, 2), Buffer.from('junk')]);
    assert.match(String((await timed(trailing)).result), /not valid zstd: a frame does not begin as zstd frames do/);
  });
});

/** A tar header made by hand: `magic` POSIX ("ustar\0"), GNU ("ustar  ") or v7 (none), its checksum right. */
function header(
  name: string,
  {
    flag = '0',
    size = 0,
    magic = 'posix',
    prefix = '',
    link = '',
    uname = '',
    gname = '',
    mtime = 0,
    gnuTimes = '',
  }: {
    flag?: string;
    size?: number;
    magic?: 'posix' | 'gnu' | 'v7';
    prefix?: string;
    link?: string;
    uname?: string;
    gname?: string;
    mtime?: number;
    gnuTimes?: string;
  } = {},
): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'ascii');
  h.write('0000012\0', 108, 'ascii');
  h.write('0000034\0', 116, 'ascii');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  h.write(`${mtime.toString(8).padStart(11, '0')}\0`, 136, 'ascii');
  h.write(flag, 156, 1, 'latin1');
  h.write(link, 157, 100, 'utf8');
  if (magic === 'posix') h.write('ustar\x0000', 257, 'latin1');
  if (magic === 'gnu') h.write('ustar  \0', 257, 'latin1');
  if (magic !== 'v7') {
    h.write(uname, 265, 32, 'utf8');
    h.write(gname, 297, 32, 'utf8');
  }
  if (prefix) h.write(prefix, 345, 155, 'utf8');
  if (gnuTimes) h.write(gnuTimes, 345, 'ascii');
  return patched(h, 0, () => {});
}

/** `content` padded to whole blocks. */
const padded = (content: string | Buffer) => {
  const bytes = Buffer.from(content);
  return Buffer.concat([bytes, Buffer.alloc((512 - (bytes.length % 512)) % 512)]);
};

/** PAX records ("LEN key=value\n", LEN counting itself). */
function paxData(records: Array<[string, string]>): Buffer {
  return Buffer.concat(
    records.map(([key, value]) => {
      const body = ` ${key}=${value}\n`;
      let length = Buffer.byteLength(body) + 1;
      while (String(length).length + Buffer.byteLength(body) !== length) length++;
      return Buffer.from(`${length}${body}`);
    }),
  );
}

/** An extended header (`flag` "x" or "g") holding `data`, its content padded. */
const extended = (data: Buffer, flag = 'x') => Buffer.concat([header('PaxHeaders/x', { flag, size: data.length }), padded(data)]);

/** Blocks as an archive, with its two end-of-archive blocks. */
const tarOf = (...parts: Buffer[]) => Buffer.concat([...parts, Buffer.alloc(1024)]);

describe('headers written by hand', () => {
  test('PAX records name the path, link target, size, owners, their names and the time; a record without "=" and an unknown key are ignored', async () => {
    const tar = tarOf(
      extended(
        Buffer.concat([
          paxData([
            ['path', 'links/to'],
            ['linkpath', 'target/of/link'],
            ['uid', '1234'],
            ['gid', '0'],
            ['mtime', '1767323045.123456789'],
            ['uname', 'alice'],
            ['gname', 'staff'],
            ['comment', 'ignored'],
          ]),
          Buffer.from('8 pathq\n'),
        ]),
      ),
      header('short', { flag: '2', link: 'elsewhere', uname: 'root', gname: 'root', mtime: 99 }),
      extended(
        paxData([
          ['size', '3'],
          ['mtime', '-5'],
        ]),
      ),
      header('file', { size: 0 }),
      padded('abc'),
    );
    const [link, file] = await readTarToc(chunks(tar, 512));
    assert.deepEqual(link, {
      path: 'links/to',
      type: 'symlink',
      size: 0,
      mode: 0o644,
      uid: 1234,
      gid: 0,
      mtime: 1767323045,
      uname: 'alice',
      gname: 'staff',
      link: 'target/of/link',
    });
    assert.deepEqual([file?.path, file?.size, file?.digest, file?.mtime, file?.uid, file?.gid], ['file', 3, sha('abc'), -5, 10, 28]);
  });

  test('a global PAX header applies to every later entry; an entry’s own record overrides it, an empty one leaves the ustar field', async () => {
    const tar = tarOf(
      extended(
        paxData([
          ['uid', '77'],
          ['uname', 'global'],
        ]),
        'g',
      ),
      header('a', { uname: 'ustar-a' }),
      extended(paxData([['uid', '88']])),
      header('b'),
      extended(paxData([['uname', '']])),
      header('c', { uname: 'ustar-c' }),
    );
    const toc = await readTarToc(chunks(tar, 512));
    assert.deepEqual(
      toc.map((e) => [e.path, e.uid, e.uname]),
      [
        ['a', 77, 'global'],
        ['b', 88, 'global'],
        ['c', 77, 'ustar-c'],
      ],
    );
  });

  test('PAX numbers that are none are refused, the value shown cut to twenty characters', async () => {
    const refusal = (key: string, value: string) => readTarToc(chunks(tarOf(extended(paxData([[key, value]])), header('f')), 512));
    for (const value of ['abc', ' 5', '+5', '5 ', '1e3', '0x10', '-5', '99999999999999999999', 'x'.repeat(30)]) {
      await assert.rejects(refusal('uid', value), { name: 'Error', message: `A PAX header gives an owner that is no number: "${value.slice(0, 20)}".` }, value);
    }
    await assert.rejects(refusal('gid', '-1'), { message: 'A PAX header gives a group that is no number: "-1".' });
    await assert.rejects(refusal('mtime', 'soon'), { message: 'A PAX header gives a modification time that is no number: "soon".' });
    await assert.rejects(refusal('uid', '-5'), TarError);
  });

  test('malformed PAX records are refused; bytes after the last record that hold none are ignored', async () => {
    const read = (data: Buffer) => readTarToc(chunks(tarOf(extended(data), header('f')), 512));
    await assert.rejects(read(Buffer.from('x path=a\n')), /PAX header record is malformed/);
    await assert.rejects(read(Buffer.from('1 path=a\n')), /PAX header record is malformed/);
    assert.deepEqual(
      (await read(Buffer.concat([paxData([['path', 'named']]), Buffer.from('junk')]))).map((e) => e.path),
      ['named'],
    );
  });

  test('POSIX ustar joins the name prefix to the name; GNU keeps times there, not a prefix; full-width fields hold no NUL', async () => {
    const hundred = `${'h'.repeat(96)}.txt`;
    const owner = 'o'.repeat(32);
    const tar = tarOf(
      header('readme', { prefix: 'usr/share/doc' }),
      header('gnu-file', { magic: 'gnu', gnuTimes: '15123456701\0 15123456702\0' }),
      header(hundred, { uname: owner, gname: owner }),
    );
    const toc = await readTarToc(chunks(tar, 512));
    assert.deepEqual(
      toc.map((e) => e.path),
      ['usr/share/doc/readme', 'gnu-file', hundred],
    );
    assert.deepEqual([toc[2]?.uname, toc[2]?.gname], [owner, owner]);
  });

  test('v7 headers name no owners; every type flag, an unknown one a file; a GNU dump directory’s content is skipped', async () => {
    const tar = tarOf(
      header('old', { magic: 'v7', flag: '\0', size: 3 }),
      padded('old'),
      header('contiguous', { flag: '7', size: 1 }),
      padded('c'),
      header('tty', { flag: '3' }),
      header('disk', { flag: '4' }),
      header('pipe', { flag: '6' }),
      header('dumped', { flag: 'D', size: 600 }),
      padded(Buffer.alloc(600, 0x41)),
      header('odd', { flag: 'Z', size: 2 }),
      padded('zz'),
    );
    const toc = await readTarToc(chunks(tar, 512));
    assert.deepEqual(
      toc.map((e) => [e.path, e.type, e.size]),
      [
        ['old', 'file', 3],
        ['contiguous', 'file', 1],
        ['tty', 'char', 0],
        ['disk', 'block', 0],
        ['pipe', 'fifo', 0],
        ['dumped', 'dir', 0],
        ['odd', 'file', 2],
      ],
    );
    assert.equal('uname' in toc[0]!, false);
    assert.equal('gname' in toc[0]!, false);
    assert.deepEqual([toc[0]?.digest, toc[6]?.digest], [sha('old'), sha('zz')]);
  });

  test('refusals say what and where: the root as a file, a NUL in a path, a climbing path (cut to 200 characters), a damaged header’s byte, the names’ bound', async () => {
    const read = (tar: Buffer, limits?: Parameters<typeof readTarToc>[1]) => readTarToc(chunks(tar, 512), limits);
    await assert.rejects(read(tarOf(header('./'))), { message: "A tar entry names the layer's root but is a file, not a directory." });
    const nul = `a\0b${'c'.repeat(300)}`;
    await assert.rejects(read(tarOf(extended(paxData([['path', nul]])), header('f'))), {
      message: `A tar entry's path holds a NUL character, which no file name can: ${JSON.stringify(nul.slice(0, 200))}`,
    });
    const climbing = `../${'x'.repeat(300)}`;
    await assert.rejects(read(tarOf(extended(paxData([['path', climbing]])), header('f'))), {
      message: `A tar entry's path climbs out of the layer: ${climbing.slice(0, 200)}`,
    });
    const damaged = tarOf(header('a', { size: 100 }), padded('a'.repeat(100)), header('b'));
    damaged[1024] = 0x7a;
    await assert.rejects(read(damaged), { message: 'The tar header at byte 1024 is damaged (its checksum does not match).' });
    const limits = { maxEntries: 1000, maxPathBytes: 4096, maxNameBytesTotal: 512, maxExtendedBytes: 1 << 20 };
    await assert.rejects(read(tarOf(...Array.from({ length: 10 }, (_, i) => header(`${i}`.repeat(60)))), limits), {
      message: `The layer's names add up to more than ${512 / 1024 / 1024} MiB, more than Berth keeps of one layer.`,
    });
    // Without limits of its own, the reader takes Berth's: a path of 5000 bytes is too long.
    await assert.rejects(
      readTarToc(chunks(tarOf(extended(paxData([['path', 'p'.repeat(5000)]])), header('f')), 512)),
      /longer than Berth reads \(4096 bytes\)/,
    );
  });

  test('a stream that ends inside a file’s content, inside its padding or inside a header is cut short', async () => {
    const whole = tarOf(header('big', { size: 1024 }), Buffer.alloc(1024, 1), header('small', { size: 100 }), padded('s'.repeat(100)), header('last'));
    assert.equal((await readTarToc(chunks(whole, 512))).length, 3);
    for (const end of [512 + 600, 1536 + 512 + 300, 1536 + 1024 + 100]) {
      await assert.rejects(readTarToc(chunks(whole.subarray(0, end), 512)), /cut short/, `cut at ${end}`);
    }
  });
});

describe('zstd frames as the walker reads them', () => {
  const drain = async (stream: AsyncIterable<Uint8Array>) => {
    const out: Uint8Array[] = [];
    for await (const chunk of stream) out.push(chunk);
    return Buffer.concat(out);
  };
  const decode = (blob: Buffer, size = 4096) => drain(decompressed(chunks(blob, size), { maxBytes: 1 << 30 }));
  /** A block header: `type` 0 raw, 1 RLE; `size` what it holds (raw) or repeats (RLE). */
  const block = (type: number, size: number, last: boolean) => {
    const h = (size << 3) | (type << 1) | (last ? 1 : 0);
    return Buffer.from([h & 0xff, (h >> 8) & 0xff, h >> 16]);
  };
  const le = (n: number, bytes: number) => Buffer.from(Array.from({ length: bytes }, (_, i) => Math.floor(n / 256 ** i) & 0xff));
  const MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
  /** A frame of one raw block of `content` after the descriptor `fhd` and the header `fields`. */
  const rawFrame = (fhd: number, fields: Buffer, content: Buffer) =>
    Buffer.concat([MAGIC, Buffer.from([fhd]), fields, block(0, content.length, true), content]);
  /** A frame under a 16 MiB window, which Berth refuses. */
  const tooWide = Buffer.concat([MAGIC, Buffer.from([0x00, (24 - 10) << 3]), block(0, 1, true), Buffer.from('A')]);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7) % 251));

  test('frames of every header shape decode; after each, the next frame’s window is still checked', async () => {
    const text = Buffer.from('a frame with a checksum\n'.repeat(50));
    const frames: Array<[string, Buffer, Buffer]> = [
      ['skippable', Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0]), Buffer.from('abc')]), Buffer.alloc(0)],
      ['empty skippable', Buffer.from([0x5f, 0x2a, 0x4d, 0x18, 0, 0, 0, 0]), Buffer.alloc(0)],
      ['with a checksum', execFileSync('zstd', ['-c', '-q', '--check'], { input: text }), text],
      ['RLE', Buffer.concat([MAGIC, Buffer.from([0x00, (20 - 10) << 3]), block(1, 1000, true), Buffer.from('A')]), Buffer.alloc(1000, 0x41)],
      ['single segment, 1-byte size', rawFrame(0x20, le(200, 1), bytes(200)), bytes(200)],
      ['single segment, 2-byte size', rawFrame(0x60, le(1000 - 256, 2), bytes(1000)), bytes(1000)],
      ['single segment, 4-byte size', rawFrame(0xa0, le(100_000, 4), bytes(100_000)), bytes(100_000)],
      ['single segment, a dictionary id', rawFrame(0xa1, Buffer.concat([le(1, 1), le(100_000, 4)]), bytes(100_000)), bytes(100_000)],
      ['a window and a 2-byte size', rawFrame(0x40, Buffer.concat([Buffer.from([(20 - 10) << 3]), le(300 - 256, 2)]), bytes(300)), bytes(300)],
      ['a window and a dictionary id', rawFrame(0x01, Buffer.from([(20 - 10) << 3, 7]), bytes(300)), bytes(300)],
      ['a window of 1⅛ MiB', rawFrame(0x00, Buffer.from([((20 - 10) << 3) | 1]), bytes(10)), bytes(10)],
    ];
    // Each after a plain frame: a stream that begins with a skippable frame is no zstd to tell apart.
    const lead = rawFrame(0x00, Buffer.from([(20 - 10) << 3]), Buffer.from('lead'));
    for (const [name, frame, content] of frames) {
      assert.deepEqual(await decode(Buffer.concat([lead, frame])), Buffer.concat([Buffer.from('lead'), content]), name);
      await assert.rejects(
        decode(Buffer.concat([lead, frame, tooWide])),
        (e) => e instanceof DecompressError && /zstd window of 16 MiB/.test(e.message),
        `${name}, then a wide window`,
      );
    }
  });

  test('a window is its base and eighths of it; a single segment’s window is its content size', async () => {
    const refused = (e: unknown, mib: number) => e instanceof DecompressError && e.message.includes(`zstd window of ${mib} MiB;`);
    await assert.rejects(decode(rawFrame(0x00, Buffer.from([((23 - 10) << 3) | 1]), bytes(10))), (e) => refused(e, 9));
    await assert.rejects(decode(rawFrame(0xa0, le(8 * 1024 * 1024 + 1, 4), bytes(10))), (e) => refused(e, 9));
    // Just under 8 MiB of content: its window is the content's size, not 256 bytes more.
    const under = 8 * 1024 * 1024 - 100;
    const content = Buffer.alloc(under, 0x42);
    const blocks: Buffer[] = [];
    for (let at = 0; at < under; at += 128 * 1024) {
      const piece = content.subarray(at, at + 128 * 1024);
      blocks.push(block(0, piece.length, at + 128 * 1024 >= under), piece);
    }
    const frame = Buffer.concat([MAGIC, Buffer.from([0xa0]), le(under, 4), ...blocks]);
    assert.equal((await decode(frame, frame.length)).length, under);
  });

  test('a thousand spare blocks beyond one per KiB decode, exactly; a stream cut short, or that the decoder refuses, is not zstd', async () => {
    const count = 2000;
    const content = bytes(512);
    const frame = Buffer.concat([
      MAGIC,
      Buffer.from([0x00, (10 - 10) << 3]), // a 1 KiB window: the blocks, not their window, are what is weighed
      ...Array.from({ length: count }, (_, i) => Buffer.concat([block(0, 512, i === count - 1), content])),
    ]);
    // Fed a block at a time, so that what is decoded keeps up with the blocks counted.
    const byBlock = drain(
      decompressed(
        chunks(frame, (i) => (i === 0 ? 6 + 515 : 515)),
        { maxBytes: 1 << 30 },
      ),
    );
    assert.equal((await byBlock).length, count * 512);
    // The same stream in one piece: its blocks are weighed as the decoder reaches them, not all at once.
    assert.equal((await drain(decompressed(chunks(frame, frame.length), { maxBytes: 1 << 30 }))).length, count * 512);
    const zst = execFileSync('zstd', ['-c', '-q'], { input: Buffer.from('a line of the layer\n'.repeat(2000)) });
    await assert.rejects(decode(zst.subarray(0, zst.length - 5)), (e) => e instanceof DecompressError && /^The layer is not valid zstd: .+\.$/.test(e.message));
    // A compressed block of nonsense: the walker passes it, the decoder does not.
    const nonsense = Buffer.concat([MAGIC, Buffer.from([0x00, (20 - 10) << 3]), block(2, 8, true), Buffer.alloc(8, 0xff)]);
    await assert.rejects(decode(nonsense), (e) => e instanceof DecompressError && /not valid zstd/.test(e.message));
  });

  test('a failure of the stream with a code of its own, or a thrown value that is no Error, passes through as it is; an empty stream gives no chunk', async () => {
    const gz = compress(Buffer.alloc(10_000, 1), 'gzip');
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const odd = { code: 'Z_DATA_ERROR', message: 'not an Error' };
    for (const failure of [reset, odd]) {
      async function* breaking() {
        yield gz.subarray(0, 20);
        throw failure;
      }
      await assert.rejects(drain(decompressed(breaking(), { maxBytes: 1e9 })), (e) => e === failure);
    }
    const seen: Uint8Array[] = [];
    for await (const chunk of decompressed(chunks(Buffer.alloc(0), 1), { maxBytes: 10 })) seen.push(chunk);
    assert.deepEqual(seen, []);
  });
});
