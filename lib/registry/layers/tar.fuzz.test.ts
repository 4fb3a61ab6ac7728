// Layers as a hostile registry could send them: random bytes, real archives (GNU tar, gzip, zstd)
// broken in every way (bits flipped, cut anywhere, byte runs inserted, deleted or copied, headers
// rewritten with their checksums made right again) and cut into pieces of any size, hand-built
// headers that lie (paths that climb out, NULs, invalid UTF-8, huge or negative numbers, extended
// headers past the limits) — read with a time bound: a table of contents, or a TarError or
// DecompressError with a sentence, never anything else. Valid archives read the same however
// they are cut, each file's offset and size pointing at its content. Merged and walked, random
// layers (whiteouts, opaque directories, links that loop or climb) never throw, and no walk ends
// outside the image's root.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { DecompressError, compressionOf, decompressed } from './decompress';
import { layerChanges, lookup, mergeLayers, type FsNode, type MergedImage } from './merge';
import { MAX_LINK_HOPS, resolvePath } from './paths';
import { DEFAULT_TAR_LIMITS, TarError, readTarToc, type TarLimits, type TocEntry } from './tar';

/** Runs of each property: those that read whole archives (a few milliseconds each) run a fraction of it. */
const RUNS = 400;
/** The longest one read may take, however broken its input (they take a few milliseconds). */
const BOUND_MS = 3000;
/** What the fuzzed layers may inflate to: far above any of them, far below what would hurt. */
const MAX_BYTES = 8 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'berth-tar-fuzz-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A rejection nobody handles is a failure of its own, whatever the reads answered.
const stray: unknown[] = [];
const onStray = (e: unknown) => void stray.push(e);
process.on('unhandledRejection', onStray);
after(() => void process.off('unhandledRejection', onStray));
async function noStrayRejections() {
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(stray, [], 'no rejection was left unhandled');
}

// ---------------------------------------------------------------------------------------------
// Real archives: GNU tar from a directory made here, in its GNU and POSIX (PAX) formats, plain,
// gzip and zstd.

const root = join(dir, 'root');
/** Bytes that do not compress away: a hash chain. */
const noise = (n: number, seed: string) => {
  const out: Buffer[] = [];
  for (let h = Buffer.from(seed); out.length * 32 < n;) out.push((h = createHash('sha256').update(h).digest()));
  return Buffer.concat(out).subarray(0, n);
};
const longPath = `deep/${'p'.repeat(60)}/${'q'.repeat(60)}.txt`; // past ustar's 100 bytes of name
const realFiles: Record<string, string | Buffer> = {
  'etc/os-release': 'NAME="Berth Linux"\n',
  'usr/bin/tool': noise(1300, 'tool'),
  'usr/lib/empty': '',
  'var/.wh.gone': '',
  [longPath]: 'far down\n',
};
mkdirSync(root);
for (const [path, content] of Object.entries(realFiles)) {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
}
mkdirSync(join(root, 'srv/empty-dir'), { recursive: true });
symlinkSync('../lib/empty', join(root, 'usr/bin/link'));
symlinkSync(`../${'t'.repeat(120)}`, join(root, 'usr/bin/far-link')); // a link target past 100 bytes
linkSync(join(root, 'etc/os-release'), join(root, 'etc/hard'));

function gnuTar(format: 'gnu' | 'posix'): Buffer {
  const out = join(dir, `${format}.tar`);
  // Small, so that a run reading it a byte at a time stays quick: no padding to 10 KB, and PAX
  // headers only where a path needs them (not for every file's access and change times).
  const small = ['--blocking-factor=1', ...(format === 'posix' ? ['--pax-option=delete=atime,delete=ctime'] : [])];
  execFileSync('tar', [
    '-C',
    root,
    `--format=${format}`,
    '--sort=name',
    '--owner=0:0',
    '--group=0:0',
    '--mtime=2026-01-02 03:04:05Z',
    ...small,
    '-cf',
    out,
    '.',
  ]);
  return readFileSync(out);
}

interface Sample {
  /** "gnu", "posix.gz", …: what a counterexample shows of it. */
  name: string;
  /** The uncompressed tar. */
  tar: Buffer;
  /** What a registry would send: the tar, plain or compressed. */
  blob: Buffer;
}

const SAMPLES: Sample[] = (['gnu', 'posix'] as const).flatMap((format): Sample[] => {
  const tar = gnuTar(format);
  const input = join(dir, `${format}.tar`);
  return [
    { name: `${format}`, tar, blob: tar },
    { name: `${format}.gz`, tar, blob: execFileSync('gzip', ['-c', '-n', input]) },
    { name: `${format}.zst`, tar, blob: execFileSync('zstd', ['-c', '-q', input]) },
  ].map((sample) => Object.assign(sample, { [fc.toStringMethod]: () => sample.name }));
});

// ---------------------------------------------------------------------------------------------
// Reading, with the bound.

/** `bytes` cut in pieces of `sizes` (cycled), an empty piece before each where `empties`. */
async function* pieces(bytes: Uint8Array, sizes: readonly number[], empties = false): AsyncGenerator<Uint8Array> {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    if (empties) yield new Uint8Array(0);
    const n = Math.max(1, sizes[i % sizes.length] ?? bytes.length);
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

/** Piece sizes: a byte at a time, a few bytes, around a block, large (the small ones, slow through gzip, less often). */
const cuts = fc.oneof(
  { arbitrary: fc.constant([1]), weight: 1 },
  { arbitrary: fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 6 }), weight: 2 },
  { arbitrary: fc.array(fc.integer({ min: 1, max: 1100 }), { minLength: 1, maxLength: 6 }), weight: 5 },
  { arbitrary: fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 3 }), weight: 2 },
);

type Outcome = { toc: TocEntry[]; ms: number } | { error: TarError | DecompressError; ms: number };

/**
 * `blob` decompressed and read in pieces: its table of contents, or the TarError or
 * DecompressError it was refused with (anything else fails the test, as does a read that takes
 * longer than BOUND_MS or never ends).
 */
async function read(blob: Uint8Array, sizes: readonly number[] = [4096], limits: TarLimits = DEFAULT_TAR_LIMITS, empties = false): Promise<Outcome> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the read did not end within ${BOUND_MS * 2} ms`)), BOUND_MS * 2);
  });
  try {
    const toc = await Promise.race([readTarToc(decompressed(pieces(blob, sizes, empties), { maxBytes: MAX_BYTES }), limits), timeout]);
    const ms = performance.now() - started;
    assert.ok(ms < BOUND_MS, `the read took ${ms.toFixed(0)} ms`);
    wellFormed(toc, limits);
    return { toc, ms };
  } catch (e) {
    const ms = performance.now() - started;
    if (!(e instanceof TarError || e instanceof DecompressError)) throw e;
    assert.ok(ms < BOUND_MS, `the refusal took ${ms.toFixed(0)} ms`);
    assert.match(e.message, /^[A-Z].{15,}/s, 'refused with a sentence');
    return { error: e, ms };
  } finally {
    clearTimeout(timer);
  }
}

const refused = (outcome: Outcome) => ('error' in outcome ? outcome.error : undefined);
const tocOf = (outcome: Outcome): TocEntry[] => {
  if ('error' in outcome) assert.fail(`refused: ${outcome.error.message}`);
  return outcome.toc;
};

/** A string that is well-formed UTF-16 (no lone surrogate: it survives a round trip through UTF-8). */
const wellFormedText = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

/** What every table the reader answers holds, whatever it was fed. */
function wellFormed(toc: TocEntry[], limits: TarLimits) {
  assert.ok(toc.length <= limits.maxEntries, 'no more entries than the limit');
  for (const e of toc) {
    // Normalised: no leading or trailing "/", no empty, "." or ".." name; "" (the root) a directory.
    assert.ok(e.path === '' || e.path.split('/').every((p) => p !== '' && p !== '.' && p !== '..'), `a normalised path: ${JSON.stringify(e.path)}`);
    if (e.path === '') assert.equal(e.type, 'dir', 'only a directory is the root');
    assert.ok(wellFormedText(e.path), 'the path is well-formed text');
    assert.ok(Buffer.byteLength(e.path) <= limits.maxPathBytes);
    if (e.type === 'hardlink')
      assert.ok(e.link === '' || e.link!.split('/').every((p) => p !== '' && p !== '.' && p !== '..'), 'a hard link names a path of the layer');
    if (e.type === 'symlink' || e.type === 'hardlink') assert.equal(typeof e.link, 'string');
    else assert.equal(e.link, undefined);
    for (const n of [e.size, e.uid, e.gid]) assert.ok(Number.isSafeInteger(n) && n >= 0, `a count: ${n}`);
    assert.ok(Number.isSafeInteger(e.mtime), `a time: ${e.mtime}`);
    assert.ok(Number.isInteger(e.mode) && e.mode >= 0 && e.mode <= 0o7777);
    if (e.type === 'file') {
      assert.match(e.digest ?? '', /^sha256:[0-9a-f]{64}$/);
      assert.ok(Number.isSafeInteger(e.offset) && e.offset! >= 512 && e.offset! % 512 === 0, 'content starts after a header, at a block');
    } else {
      assert.equal(e.size, 0);
      assert.equal(e.digest, undefined);
      assert.equal(e.offset, undefined);
    }
  }
}

const sha = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Each file's offset and size cut exactly its content out of `tar`. */
function contentMatches(toc: TocEntry[], tar: Buffer) {
  for (const e of toc) {
    if (e.type !== 'file') continue;
    assert.ok(e.offset! + e.size <= tar.length, `${e.path}'s content lies within the tar`);
    assert.equal(sha(tar.subarray(e.offset, e.offset! + e.size)), e.digest, `${e.path}: offset and size point at the content`);
  }
}

// ---------------------------------------------------------------------------------------------
// Breaking archives.

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'overwrite'; at: number; bytes: Uint8Array }
  | { kind: 'copy'; at: number; from: number; length: number }
  | { kind: 'token'; at: number; token: string };

/** Where in the input: anywhere, among the first bytes (compression headers, the first tar header), at a header's field. */
const position = fc.oneof(
  fc.nat(),
  fc.nat(600),
  fc.tuple(fc.nat(40), fc.constantFrom(0, 1, 100, 108, 124, 136, 148, 156, 157, 257, 263, 345)).map(([block, field]) => block * 512 + field),
);
/** What a header's fields may say that means something to a reader. */
const TOKENS = [
  '..',
  '../',
  '/..',
  '/',
  './',
  '\0',
  '.',
  'ustar\0',
  'ustar  \0',
  '77777777777',
  '\x80',
  '\xff',
  '-1',
  ' ',
  '0',
  '1',
  '2',
  '5',
  'x',
  'g',
  'L',
  'K',
  'D',
  '.wh.',
  '.wh..wh..opq',
  '30 path=../../etc/passwd\n',
  '12 size=-1\n',
  '9 uid=x\n',
];
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    bytes: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 700 }),
      fc.integer({ min: 1, max: 1100 }).map((n) => new Uint8Array(n)),
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 1100 }) }),
  fc.record({ kind: fc.constant('overwrite' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  fc.record({ kind: fc.constant('copy' as const), at: position, from: position, length: fc.integer({ min: 1, max: 1100 }) }),
  fc.record({ kind: fc.constant('token' as const), at: position, token: fc.constantFrom(...TOKENS) }),
);

function mutate(input: Buffer, mutations: readonly Mutation[]): Buffer {
  let b = Buffer.from(input);
  for (const m of mutations) {
    if (b.length === 0) break;
    const at = m.at % (b.length + (m.kind === 'insert' || m.kind === 'truncate' ? 1 : 0));
    if (m.kind === 'flip') b[at] = b[at]! ^ (1 << m.bit);
    else if (m.kind === 'truncate') b = b.subarray(0, at);
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    else if (m.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
    else if (m.kind === 'overwrite' || m.kind === 'token') {
      const bytes = m.kind === 'token' ? Buffer.from(m.token, 'latin1') : m.bytes;
      b = Buffer.concat([b.subarray(0, at), bytes, b.subarray(at + bytes.length)]);
    } else {
      const from = m.from % b.length;
      b = Buffer.concat([b.subarray(0, at), b.subarray(from, from + m.length), b.subarray(at)]);
    }
  }
  return b;
}

/** A header's field (of the headers the archive has, counted from its start) made to say `value`, NUL-padded. */
interface FieldEdit {
  header: number;
  field: readonly [at: number, length: number];
  value: string;
}

const FIELDS = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  size: [124, 12],
  mtime: [136, 12],
  type: [156, 1],
  link: [157, 100],
  magic: [257, 8],
  prefix: [345, 155],
} as const;
const pathish = fc.constantFrom(
  '../x',
  'a/../../b',
  '..',
  '/',
  '.',
  '',
  '/abs/olute',
  './a//b/',
  'a\0b',
  '.wh.x',
  '.wh..wh..opq',
  '\xff\xfe/\xc3',
  'n'.repeat(100),
);
const numberish = fc.constantFrom('77777777777', '7777777', '-1', '0', '1', '777', ' 12 ', 'zz', '\x80\0\0\0\0\0\0\0\x01\0\0', '\xff\xff', '1e3');
const fieldEdit: fc.Arbitrary<FieldEdit> = fc.oneof(
  fc.record({ header: fc.nat(30), field: fc.constantFrom(FIELDS.name, FIELDS.link, FIELDS.prefix), value: pathish }),
  fc.record({ header: fc.nat(30), field: fc.constantFrom(FIELDS.mode, FIELDS.uid, FIELDS.size, FIELDS.mtime), value: numberish }),
  fc.record({
    header: fc.nat(30),
    field: fc.constant(FIELDS.type),
    value: fc.constantFrom('0', '1', '2', '5', '6', '7', 'x', 'g', 'L', 'K', 'D', 'S', 'V', '\0', 'z'),
  }),
  fc.record({ header: fc.nat(30), field: fc.constant(FIELDS.magic), value: fc.constantFrom('ustar\x0000', 'ustar  ', '', 'ustaR') }),
);

/** Where the headers of a well-formed `tar` are (PAX and GNU long-name headers among them). */
function headerOffsets(tar: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0;) {
    out.push(at);
    at += 512 + Math.ceil(parseInt(tar.toString('latin1', at + 124, at + 136), 8) / 512) * 512;
  }
  return out;
}

function editFields(tar: Buffer, edits: readonly FieldEdit[]): Buffer {
  const out = Buffer.from(tar);
  const headers = headerOffsets(tar);
  for (const { header, field, value } of edits) {
    const at = headers[header % headers.length]! + field[0];
    out.fill(0, at, at + field[1]);
    out.write(value, at, field[1], 'latin1');
  }
  return out;
}

/** Every block that looks like a tar header given its right checksum again, so the damage reaches past it. */
function fixChecksums(tar: Buffer): Buffer {
  const out = Buffer.from(tar);
  for (let at = 0; at + 512 <= out.length; at += 512) {
    const header = out.subarray(at, at + 512);
    if (header.subarray(257, 262).toString('latin1') === 'ustar') setChecksum(header);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Hand-built headers.

interface Fields {
  name?: string | Buffer;
  mode?: number | Buffer;
  uid?: number | Buffer;
  gid?: number | Buffer;
  size?: number | Buffer;
  mtime?: number | Buffer;
  type?: string;
  link?: string | Buffer;
  /** POSIX ustar ("ustar\0" "00"), GNU ("ustar  \0") or none (V7). */
  magic?: 'posix' | 'gnu' | 'v7';
  uname?: string | Buffer;
  gname?: string | Buffer;
  prefix?: string | Buffer;
}

function setChecksum(header: Buffer) {
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
}

/** A 512-byte header with a right checksum: numbers in octal (or the bytes given), text as UTF-8. */
function header(f: Fields): Buffer {
  const h = Buffer.alloc(512);
  const put = (value: string | Buffer | undefined, at: number, length: number) => {
    if (value !== undefined) (typeof value === 'string' ? Buffer.from(value) : value).copy(h, at, 0, length);
  };
  const num = (value: number | Buffer | undefined, at: number, length: number) =>
    put(typeof value === 'number' ? `${value.toString(8).padStart(length - 1, '0')}\0` : value, at, length);
  put(f.name ?? 'file', 0, 100);
  num(f.mode ?? 0o644, 100, 8);
  num(f.uid ?? 0, 108, 8);
  num(f.gid ?? 0, 116, 8);
  num(f.size ?? 0, 124, 12);
  num(f.mtime ?? 0, 136, 12);
  put(f.type ?? '0', 156, 1);
  put(f.link, 157, 100);
  const magic = f.magic ?? 'posix';
  if (magic === 'posix') put('ustar\x0000', 257, 8);
  if (magic === 'gnu') put('ustar  \0', 257, 8);
  put(f.uname, 265, 32);
  put(f.gname, 297, 32);
  put(f.prefix, 345, 155);
  setChecksum(h);
  return h;
}

const padded = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
/** A header and its content (the header's size the content's unless given). */
const member = (f: Fields, content: Buffer = Buffer.alloc(0)) => Buffer.concat([header({ size: content.length, ...f }), padded(content)]);

/** "LEN key=value\n", LEN counting itself. */
function paxRecord(key: string, value: string | Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return Buffer.concat([Buffer.from(String(length)), body]);
}
const pax = (records: Array<[string, string | Buffer]>, type: 'x' | 'g' = 'x') =>
  member({ name: 'PaxHeaders/entry', type }, Buffer.concat(records.map(([k, v]) => paxRecord(k, v))));
const gnuLong = (type: 'L' | 'K', value: string | Buffer) =>
  member({ name: '././@LongLink', type, magic: 'gnu' }, Buffer.concat([Buffer.from(value), Buffer.alloc(1)]));
const END = Buffer.alloc(1024);
const tar = (...members: Buffer[]) => Buffer.concat([...members, END]);

/** The table of `members` read as one tar; fails the test where it is refused. */
const tocOfTar = async (...members: Buffer[]) => tocOf(await read(tar(...members)));
/** The sentence `members` read as one tar were refused with; fails the test where they were not. */
async function refusal(members: Buffer[], limits?: TarLimits): Promise<string> {
  const outcome = await read(tar(...members), [512], limits);
  const error = refused(outcome);
  assert.ok(error instanceof TarError, `refused with a TarError, not ${JSON.stringify(outcome)}`);
  return error.message;
}

/** `first`, then `totalBytes` more made only as they are pulled; `stats.pulled` counts what was. */
function lazyStream(first: Buffer, totalBytes: number) {
  const stats = { pulled: 0 };
  async function* stream() {
    stats.pulled += first.length;
    yield first;
    for (let left = totalBytes; left > 0; left -= 65_536) {
      stats.pulled += Math.min(65_536, left);
      yield Buffer.alloc(Math.min(65_536, left), 0x61);
    }
  }
  return { stream: stream(), stats };
}

// ---------------------------------------------------------------------------------------------

describe('whatever bytes a registry sends, a table of contents or a TarError/DecompressError, in bounded time', () => {
  const shapes = fc.oneof(
    fc.uint8Array({ maxLength: 3000 }),
    // Past the magic bytes, so the decompressors and the tar reader see it (a zstd frame header
    // with any window: decompress.ts refuses those past 8 MiB before the decoder sees them).
    fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), b])),
    fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), b])),
    // After a valid header, or a header with random bytes in its fields, its checksum made right or not.
    fc.tuple(fc.uint8Array({ maxLength: 3000 }), fc.nat(511), fc.uint8Array({ maxLength: 20 }), fc.boolean()).map(([rest, at, field, fix]) => {
      const h = header({ name: 'a', size: 600 });
      Buffer.from(field).copy(h, at);
      if (fix) setChecksum(h);
      return Buffer.concat([h, rest]);
    }),
  );

  test('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(shapes, cuts, async (bytes, sizes) => {
        await read(bytes, sizes);
      }),
      { numRuns: RUNS },
    );
    await noStrayRejections();
  });

  test('real archives (GNU and PAX; plain, gzip, zstd) bit-flipped, cut short, with byte runs inserted, deleted, copied', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SAMPLES),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        cuts,
        fc.boolean(),
        async (sample, mutations, sizes, empties) => {
          const broken = mutate(sample.blob, mutations);
          const outcome = await read(broken, sizes, DEFAULT_TAR_LIMITS, empties);
          // Read as it is, a tar's offsets and digests hold whatever was done to it.
          if (compressionOf(broken) === 'none' && 'toc' in outcome) contentMatches(outcome.toc, broken);
        },
      ),
      { numRuns: RUNS / 2 },
    );
    await noStrayRejections();
  });

  test('real tars with their headers’ fields rewritten (".." in names, lying sizes, odd types) and damaged, checksums made right again; plain and gzip', async () => {
    const tars = SAMPLES.filter((s) => s.blob === s.tar);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...tars),
        fc.array(fieldEdit, { maxLength: 3 }),
        fc.array(mutation, { maxLength: 3 }),
        cuts,
        fc.boolean(),
        async (sample, edits, mutations, sizes, gzip) => {
          const broken = fixChecksums(mutate(editFields(sample.tar, edits), mutations));
          const outcome = await read(gzip ? gzipSync(broken) : broken, sizes);
          if ('toc' in outcome) contentMatches(outcome.toc, broken);
        },
      ),
      { numRuns: RUNS / 2 },
    );
    await noStrayRejections();
  });

  test('small limits hold for broken archives too', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SAMPLES),
        fc.array(mutation, { maxLength: 2 }),
        fc.record({ maxEntries: fc.nat(12), maxPathBytes: fc.nat(200), maxNameBytesTotal: fc.nat(2000), maxExtendedBytes: fc.nat(600) }),
        async (sample, mutations, limits) => {
          const broken = mutate(sample.blob, mutations);
          await read(broken, [777], limits);
        },
      ),
      { numRuns: RUNS / 4 },
    );
  });
});

describe('valid archives', () => {
  const whole = new Map<Sample, TocEntry[]>();
  before(async () => {
    for (const sample of SAMPLES) whole.set(sample, tocOf(await read(sample.blob, [sample.blob.length])));
  });

  test('GNU tar’s archives list what was archived, each file’s offset and size cutting out its content', () => {
    for (const sample of SAMPLES) {
      const toc = whole.get(sample)!;
      const byPath = new Map(toc.map((e) => [e.path, e]));
      assert.deepEqual(
        toc.map((e) => e.path),
        [
          '',
          'deep',
          `deep/${'p'.repeat(60)}`,
          longPath,
          'etc',
          'etc/hard',
          'etc/os-release',
          'srv',
          'srv/empty-dir',
          'usr',
          'usr/bin',
          'usr/bin/far-link',
          'usr/bin/link',
          'usr/bin/tool',
          'usr/lib',
          'usr/lib/empty',
          'var',
          'var/.wh.gone',
        ],
        sample.name,
      );
      for (const [path, content] of Object.entries(realFiles)) {
        if (path === 'etc/os-release') continue; // the hard link's second name
        assert.equal(byPath.get(path)?.digest, sha(Buffer.from(content)), `${sample.name}: ${path}`);
      }
      assert.deepEqual(byPath.get('etc/os-release')?.link, 'etc/hard');
      assert.deepEqual(byPath.get('usr/bin/far-link')?.link, `../${'t'.repeat(120)}`);
      assert.equal(byPath.get('srv/empty-dir')?.type, 'dir');
      contentMatches(toc, sample.tar);
    }
  });

  test('the same table however the stream is cut: a byte at a time, around blocks, irregularly, with empty pieces', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SAMPLES), cuts, fc.boolean(), async (sample, sizes, empties) => {
        assert.deepEqual(tocOf(await read(sample.blob, sizes, DEFAULT_TAR_LIMITS, empties)), whole.get(sample));
      }),
      { numRuns: RUNS / 8 },
    );
  });

  // Random archives built here: every way a path can be written (a name, a ustar prefix, a PAX
  // record, a GNU long name; relative, "./", absolute, a trailing "/"), read back as written.
  const segment = fc.constantFrom('a', 'bin', 'ü', 'x'.repeat(70), '..a', '...', 'sp ace', '.wh.b');
  const spec = fc.record({
    parts: fc.array(segment, { minLength: 1, maxLength: 4 }),
    lead: fc.constantFrom('', './', '/', '//'),
    trailing: fc.boolean(),
    type: fc.constantFrom('file', 'dir', 'symlink', 'hardlink', 'fifo'),
    how: fc.constantFrom('name', 'prefix', 'pax', 'gnu'),
    content: fc.uint8Array({ maxLength: 1500 }),
    target: fc.array(fc.constantFrom('a', '..', '.', '', 'ü'), { maxLength: 5 }).map((p) => p.join('/')),
    mode: fc.nat(0o7777),
    uid: fc.nat(0o7777777),
    gid: fc.nat(0o7777777),
    mtime: fc.nat(8 ** 11 - 1),
    uname: fc.constantFrom('', 'root', 'ünï'),
  });

  /** A tar of `specs` and the table it should read as. */
  function build(specs: Array<typeof spec extends fc.Arbitrary<infer T> ? T : never>): { tar: Buffer; toc: TocEntry[] } {
    const members: Buffer[] = [];
    const toc: TocEntry[] = [];
    for (const s of specs) {
      const path = s.parts.join('/');
      const written = `${s.lead}${path}${s.trailing ? '/' : ''}`;
      const content = s.type === 'file' ? Buffer.from(s.content) : Buffer.alloc(0);
      // A hard link to the first entry (where its path fits the header's field), or to nothing.
      const first = toc[0] && Buffer.byteLength(toc[0].path) <= 100 ? toc[0].path : 'missing';
      const link = s.type === 'symlink' ? s.target : s.type === 'hardlink' ? first : undefined;
      const fields: Fields = { type: { file: '0', dir: '5', symlink: '2', hardlink: '1', fifo: '6' }[s.type], link, mode: s.mode, uid: s.uid, gid: s.gid };
      Object.assign(fields, { mtime: s.mtime, uname: s.uname || undefined });
      const slash = written.lastIndexOf('/', written.length - 2);
      if (s.how === 'name' && Buffer.byteLength(written) <= 100) fields.name = written;
      else if (s.how === 'prefix' && slash > 0 && Buffer.byteLength(written.slice(slash + 1)) <= 100 && Buffer.byteLength(written.slice(0, slash)) <= 155) {
        fields.prefix = written.slice(0, slash);
        fields.name = written.slice(slash + 1);
      } else if (s.how === 'gnu') {
        members.push(gnuLong('L', written));
        fields.magic = 'gnu';
      } else members.push(pax([['path', written]]));
      const entry: TocEntry = { path, type: s.type === 'fifo' ? 'fifo' : s.type, size: content.length, mode: s.mode, uid: s.uid, gid: s.gid, mtime: s.mtime };
      if (s.uname) entry.uname = s.uname;
      if (link !== undefined) entry.link = link;
      if (s.type === 'file') Object.assign(entry, { digest: sha(content), offset: members.reduce((n, m) => n + m.length, 0) + 512 });
      members.push(member(fields, content));
      toc.push(entry);
    }
    return { tar: tar(...members), toc };
  }

  test('random archives read back as written, however cut, plain or gzip, offsets and sizes cutting out each file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { maxLength: 8 }), cuts, fc.boolean(), async (specs, sizes, gzip) => {
        const { tar: built, toc } = build(specs);
        const read1 = tocOf(await read(gzip ? gzipSync(built) : built, sizes));
        assert.deepEqual(read1, toc);
        contentMatches(read1, built);
      }),
      { numRuns: (RUNS * 3) / 8 },
    );
  });
});

describe('hostile headers', () => {
  test('".." anywhere in a path or a hard link’s target is refused; names that only start with dots are names', async () => {
    for (const members of [
      [member({ name: '../etc/passwd' })],
      [member({ name: 'a/../../b' })],
      [member({ name: 'x/..' })],
      [member({ name: 'passwd', prefix: '../../etc' })],
      [pax([['path', 'x/../..']]), member({ name: 'innocent' })],
      [gnuLong('L', `../${'a'.repeat(200)}`), member({ name: 'innocent', magic: 'gnu' })],
      [member({ name: 'link', type: '1', link: '../../etc/shadow' })],
      [pax([['linkpath', 'a/../../b']]), member({ name: 'link', type: '1' })],
    ]) {
      assert.match(await refusal(members), /climbs out of the layer/);
    }
    const toc = await tocOfTar(member({ name: '..a/...' }), member({ name: 'b..' }), member({ name: 'l', type: '1', link: '..a/...' }));
    assert.deepEqual(
      toc.map((e) => [e.path, e.link]),
      [
        ['..a/...', undefined],
        ['b..', undefined],
        ['l', '..a/...'],
      ],
    );
  });

  test('absolute paths are read from the layer’s root; a symlink’s target stays as written and is followed inside the image', async () => {
    const toc = await tocOfTar(
      member({ name: '/etc/passwd' }, Buffer.from('root:x:0:0\n')),
      member({ name: '//./etc//group/' }),
      member({ name: '/etc/hard', type: '1', link: '/etc/passwd' }),
      member({ name: '/etc/up', type: '2', link: '../../../../../etc/passwd' }),
      member({ name: '/abs', type: '2', link: '/etc/passwd' }),
    );
    assert.deepEqual(
      toc.map((e) => [e.path, e.link]),
      [
        ['etc/passwd', undefined],
        ['etc/group', undefined],
        ['etc/hard', 'etc/passwd'],
        ['etc/up', '../../../../../etc/passwd'],
        ['abs', '/etc/passwd'],
      ],
    );
    const image = mergeLayers([toc]);
    for (const path of ['etc/up', 'abs']) {
      const resolved = resolvePath(image.root, path);
      assert.deepEqual([resolved.found, resolved.path], [true, '/etc/passwd'], path);
    }
  });

  test('the root is a directory: a file, link or device named "/", "." or "" is refused', async () => {
    for (const [name, type] of [
      ['.', '0'],
      ['/', '2'],
      ['./', '1'],
      ['', '0'],
      ['', '6'],
    ]) {
      assert.match(await refusal([member({ name, type, link: 'x' })]), /names the layer's root but is a/, `${name} ${type}`);
    }
    assert.deepEqual(await tocOfTar(member({ name: './', type: '5' })), [{ path: '', type: 'dir', size: 0, mode: 0o644, uid: 0, gid: 0, mtime: 0 }]);
  });

  test('NUL ends a header’s name and a GNU long name; inside a PAX path, which no file name can hold, the layer is refused', async () => {
    const toc = await tocOfTar(member({ name: Buffer.from('ab\0cd') }), gnuLong('L', Buffer.from('long\0tail')), member({ name: 'x', magic: 'gnu' }));
    assert.deepEqual(
      toc.map((e) => e.path),
      ['ab', 'long'],
    );
    assert.match(await refusal([pax([['path', 'pax\0tail']]), member({ name: 'y' })]), /holds a NUL character/);
  });

  test('invalid UTF-8 in names, targets and owners becomes U+FFFD: well-formed text, safe to put in a URL', async () => {
    const bad = Buffer.from([0x66, 0xff, 0xfe, 0xc3, 0x2f, 0xed, 0xa0, 0x80]); // "f", junk, a cut sequence, "/", a UTF-16 surrogate
    const toc = await tocOfTar(member({ name: bad }), member({ name: 'l', type: '2', link: bad, uname: bad }), pax([['path', bad]]), member({ name: 'z' }));
    for (const text of [toc[0]!.path, toc[1]!.link!, toc[1]!.uname!, toc[2]!.path]) {
      assert.ok(wellFormedText(text), JSON.stringify(text));
      assert.ok(text.includes('\ufffd'));
      encodeURIComponent(text);
    }
  });

  test('an entry listed twice is listed twice, the later one what the image holds; a hard link to nothing is listed as it is', async () => {
    const toc = await tocOfTar(
      member({ name: 'dup' }, Buffer.from('first')),
      member({ name: './dup' }, Buffer.from('second!')),
      member({ name: 'ghost', type: '1', link: 'nowhere' }),
    );
    assert.deepEqual(
      toc.map((e) => [e.path, e.size, e.link]),
      [
        ['dup', 5, undefined],
        ['dup', 7, undefined],
        ['ghost', 0, 'nowhere'],
      ],
    );
    const image = mergeLayers([toc]);
    assert.equal(lookup(image, 'dup')?.entry, toc[1]);
    assert.equal(image.wastedBytes, 5);
    assert.deepEqual(resolvePath(image.root, 'ghost').found, true);
  });

  test('huge declared sizes end as a layer cut short (nothing of that size is made), or are refused as no number', async () => {
    const started = performance.now();
    const content = Buffer.alloc(10, 1);
    const cut = /cut short/;
    assert.match(await refusal([member({ size: 8 ** 11 - 1 }, content)]), cut);
    assert.match(await refusal([member({ type: '5', size: 8 ** 11 - 1 })]), cut, 'a directory’s size is skipped over too');
    // Base-256: 2^52 is a number, if not a true one; past 2^53 it is not.
    const base256 = (hex: string) => Buffer.from(hex.padStart(24, '0'), 'hex');
    assert.match(await refusal([member({ size: Buffer.from([0x80, ...base256('10000000000000').subarray(1)]) }, content)]), cut);
    assert.match(await refusal([member({ size: Buffer.from([0x80, ...base256('ffffffffffffffffffff').subarray(1)]) }, content)]), /too large to be true/);
    for (const size of ['1e30', '9007199254740993', '-1', 'lots']) {
      assert.match(await refusal([pax([['size', size]]), member({}, content)]), /size that is no number/, size);
    }
    assert.ok(performance.now() - started < 1000);
  });

  test('negative numbers are refused, base-256 ones read; PAX owners and times must be decimal numbers', async () => {
    assert.match(await refusal([member({ mtime: Buffer.alloc(12, 0xff) })]), /negative number/);
    assert.match(await refusal([member({ uid: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]) })]), /negative number/);
    const toc = await tocOfTar(
      member({ uid: Buffer.from([0x80, 0, 0, 0, 0, 0x2d, 0xc6, 0xc0]), mtime: Buffer.from([0x80, ...Buffer.alloc(6), 1, 0, 0, 0, 0]) }),
    );
    assert.deepEqual([toc[0]!.uid, toc[0]!.mtime], [3_000_000, 2 ** 32]);
    for (const [key, value] of [
      ['uid', '-1'],
      ['gid', 'NaN'],
      ['uid', '1e3'],
      ['mtime', 'yesterday'],
      ['mtime', '1e400'],
      ['mtime', '99999999999999999999'],
    ] as const) {
      assert.match(
        await refusal([pax([[key, value]]), member({})]),
        /PAX header gives an? (owner|group|modification time) that is no number/,
        `${key}=${value}`,
      );
    }
    // A time before 1970, and one with a fraction: seconds, rounded down.
    const times = await tocOfTar(pax([['mtime', '-1.5']]), member({ name: 'old' }), pax([['mtime', '1767323045.999999']]), member({ name: 'new' }));
    assert.deepEqual(
      times.map((e) => e.mtime),
      [-2, 1767323045],
    );
  });

  test('an empty PAX value unsets the key: the header’s own field is read (a global value too is set aside)', async () => {
    const toc = await tocOfTar(
      pax(
        [
          ['uname', 'global'],
          ['mtime', '5'],
        ],
        'g',
      ),
      pax([
        ['path', ''],
        ['uname', ''],
        ['mtime', ''],
      ]),
      member({ name: 'from-header', uname: 'header', mtime: 7 }),
      member({ name: 'second', uname: 'header' }),
    );
    assert.deepEqual(
      toc.map((e) => [e.path, e.uname, e.mtime]),
      [
        ['from-header', 'header', 7],
        ['second', 'global', 5],
      ],
    );
  });

  test('a PAX path or GNU long name of 10 MB is refused by the limit once its header is read, not buffered', async () => {
    for (const first of [
      header({ name: 'PaxHeaders/x', type: 'x', size: 10 * 1024 * 1024 + 20 }),
      header({ name: '././@LongLink', type: 'L', size: 10 * 1024 * 1024, magic: 'gnu' }),
    ]) {
      const { stream, stats } = lazyStream(first, 10 * 1024 * 1024);
      await assert.rejects(
        readTarToc(stream),
        (e) => e instanceof TarError && /extended tar header of \d+ bytes is larger than Berth reads \(1048576\)/.test(e.message),
      );
      assert.ok(stats.pulled <= 512 + 65_536, `pulled ${stats.pulled} bytes`);
    }
    // Where extended headers of 10 MB are let in, the path is refused by its own limit.
    const path = `${'a/'.repeat(5 * 1024 * 1024)}`;
    await assert.rejects(
      readTarToc(pieces(tar(pax([['path', path]]), member({})), [65_536]), { ...DEFAULT_TAR_LIMITS, maxExtendedBytes: 16 * 1024 * 1024 }),
      (e) => e instanceof TarError && /path is longer than Berth reads \(4096 bytes\)/.test(e.message),
    );
  });

  test('entries past maxEntries are refused as they come, however many more the stream would make', async () => {
    const limits = { ...DEFAULT_TAR_LIMITS, maxEntries: 10 };
    let pulled = 0;
    async function* endless() {
      for (let i = 0; ; i++) {
        pulled++;
        yield member({ name: `f${i}` }, Buffer.from('x'));
      }
    }
    await assert.rejects(readTarToc(endless(), limits), (e) => e instanceof TarError && /more than 10 entries/.test(e.message));
    assert.equal(pulled, 11);
    const ten = Array.from({ length: 10 }, (_, i) => member({ name: `f${i}` }));
    assert.equal(tocOf(await read(tar(...ten), [512], limits)).length, 10);
    assert.match(await refusal([...ten, member({ name: 'one more' })], limits), /more than 10 entries/);
  });

  test('a global PAX header of a million bytes of keys costs once, not once per entry', async () => {
    // ~93,000 records of keys Berth does not read, then 300 entries: each entry used to copy them all.
    const records: Array<[string, string]> = [];
    for (let i = 0, bytes = 0; bytes < 1_000_000; i++) {
      records.push([`k${i}`, '']);
      bytes += paxRecord(`k${i}`, '').length;
    }
    const entries = Array.from({ length: 300 }, (_, i) => member({ name: `f${i}` }));
    const outcome = await read(tar(pax(records, 'g'), ...entries), [65_536]);
    assert.equal(tocOf(outcome).length, 300);
    assert.ok(outcome.ms < 1500, `${outcome.ms.toFixed(0)} ms`);
  });

  test('GNU tar -G (incremental) archives: GNU headers keep times where POSIX has a prefix, and a dumped directory is a directory', async () => {
    const source = join(dir, 'incremental');
    mkdirSync(join(source, 'sub'), { recursive: true });
    writeFileSync(join(source, 'sub/file'), 'hi\n');
    const out = join(dir, 'incremental.tar');
    execFileSync('tar', ['-C', source, '--format=gnu', '-G', '-cf', out, 'sub']);
    const archive = readFileSync(out);
    assert.notEqual(archive[345], 0, 'GNU tar wrote a time where a POSIX prefix would be');
    assert.deepEqual(
      tocOf(await read(archive)).map((e) => [e.path, e.type]),
      [
        ['sub', 'dir'],
        ['sub/file', 'file'],
      ],
    );
  });
});

describe('merging and walking random layers', () => {
  const NAMES = ['a', 'b', 'c', '.wh.a', '.wh.b', '.wh..wh..opq', '.wh.', '.wh...', '..a'];
  const entry = fc
    .record({
      parts: fc.array(fc.constantFrom(...NAMES), { maxLength: 4 }),
      type: fc.constantFrom('file', 'dir', 'symlink', 'hardlink', 'fifo'),
      size: fc.nat(1000),
      lead: fc.constantFrom('', '/'),
      target: fc.array(fc.constantFrom('a', 'b', 'c', '..', '.', '', '.wh.a'), { maxLength: 6 }),
      hard: fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 3 }),
    })
    .map(({ parts, type, size, lead, target, hard }): TocEntry => {
      const path = parts.join('/');
      // What the tar reader answers: the root is only ever a directory.
      const t = path === '' ? 'dir' : type;
      const e: TocEntry = { path, type: t, size: t === 'file' ? size : 0, mode: 0o644, uid: 0, gid: 0, mtime: 0 };
      if (t === 'symlink') e.link = `${lead}${target.join('/')}`;
      if (t === 'hardlink') e.link = hard.join('/');
      return e;
    });
  const layers = fc.array(fc.array(entry, { maxLength: 14 }), { minLength: 1, maxLength: 4 });
  const input = fc
    .tuple(fc.constantFrom('', '/'), fc.array(fc.constantFrom('a', 'b', 'c', '..', '.', '', '.wh.a'), { maxLength: 8 }))
    .map(([lead, p]) => `${lead}${p.join('/')}`);

  function* nodes(node: FsNode, path = ''): Generator<[FsNode, string]> {
    yield [node, path];
    for (const [name, child] of node.children ?? []) yield* nodes(child, path ? `${path}/${name}` : name);
  }

  /** A walk's answer holds: no ".." and nothing outside the root; what it names is what is there. */
  function walkHolds(image: MergedImage, input: string, followLast: boolean) {
    const r = resolvePath(image.root, input, followLast);
    assert.ok(r.path.startsWith('/'), r.path);
    assert.ok(
      r.path === '/' ||
        r.path
          .slice(1)
          .split('/')
          .every((p) => p !== '' && p !== '.' && p !== '..'),
      `${input} → ${r.path}`,
    );
    assert.ok(r.followed.length <= MAX_LINK_HOPS);
    for (const link of r.followed) {
      const from = lookup(image, link.from);
      assert.equal(from?.entry.type, 'symlink', `${link.from} is a link`);
      assert.equal(from?.entry.link ?? '', link.to);
    }
    if (r.found) assert.equal(r.node, lookup(image, r.path), 'found where it says');
    else if (r.why === 'missing') {
      // Nothing there, or a link with an empty target (which names nothing), the last one followed.
      const there = lookup(image, r.path);
      if (there !== undefined)
        assert.deepEqual([there.entry.type, there.entry.link, r.followed.at(-1)?.from], ['symlink', '', r.path], 'missing where it says');
    } else {
      assert.equal(r.followed.length, MAX_LINK_HOPS, 'a loop is MAX_LINK_HOPS links followed');
      assert.equal(lookup(image, r.path)?.entry.type, 'symlink');
    }
  }

  test('merging never throws; every byte is the image’s or wasted; each node is where its path says; whiteouts are no files', () => {
    fc.assert(
      fc.property(layers, (tocs) => {
        const image = mergeLayers(tocs);
        let kept = 0;
        for (const [node, path] of nodes(image.root)) {
          assert.ok(node.layer >= 0 && node.layer <= tocs.length);
          assert.equal(node.entry.path, path);
          if (node.children) assert.equal(node.entry.type, 'dir');
          if (node.entry.type === 'file') kept += node.entry.size;
          const name = path.slice(path.lastIndexOf('/') + 1);
          if (name.startsWith('.wh.')) assert.ok(node.implied, `${path}: a whiteout is no entry of the image`);
        }
        const bytes = image.layers.reduce((sum, l) => sum + l.bytes, 0);
        assert.equal(kept + image.wastedBytes, bytes);
        assert.equal(
          image.layers.reduce((sum, l) => sum + l.wastedBytes, 0),
          image.wastedBytes,
        );
        tocs.forEach((toc, i) => {
          const changes = layerChanges(toc);
          const files = changes.filter((c) => !c.deleted && c.type === 'file');
          assert.equal(image.layers[i]!.files, files.length);
          assert.ok(image.layers[i]!.wastedBytes <= image.layers[i]!.bytes);
        });
      }),
      { numRuns: RUNS * 2 },
    );
  });

  test('walks always end (a loop as a loop), never with ".." or outside the root, and find what is where they say', () => {
    fc.assert(
      fc.property(layers, fc.array(input, { minLength: 1, maxLength: 6 }), (tocs, inputs) => {
        const image = mergeLayers(tocs);
        const all = [...inputs];
        for (const [, path] of nodes(image.root)) all.push(path, `/${path}/..`, `${path}/../../..`);
        for (const i of all) for (const followLast of [true, false]) walkHolds(image, i, followLast);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  test('links that lead to themselves or each other, through ".." too, end as loops', () => {
    const link = (path: string, target: string): TocEntry => ({ path, type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, mtime: 0, link: target });
    fc.assert(
      fc.property(layers, fc.constantFrom('a', 'b', 'c'), (tocs, name) => {
        const image = mergeLayers([...tocs, [link(`loop/${name}`, `../loop/${name}/`), link('ping', '/pong/x'), link('pong', 'ping/..')]]);
        for (const start of [`loop/${name}`, 'ping', 'pong/x']) {
          const r = resolvePath(image.root, start);
          assert.deepEqual([r.found, !r.found && r.why], [false, 'loop'], start);
          walkHolds(image, start, true);
        }
      }),
      { numRuns: RUNS / 2 },
    );
  });
});
