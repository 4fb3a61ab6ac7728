// A layer's table of contents, read from its tar stream as it passes: every entry's path, type,
// size, mode, owner, link target, modification time, the SHA-256 of its content and where that
// content starts in the (uncompressed) tar. Nothing of a file's content is kept. POSIX ustar
// headers, PAX extended headers (per entry and global) and GNU long names and link targets are
// understood; numbers in octal or GNU base-256. Bounded: entries, the length of a path, the size
// of an extended header; a stream that ends inside an entry, or a header whose checksum is wrong,
// is refused.
import { createHash, type Hash } from 'node:crypto';

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TocEntry {
  /** Without a leading "./" or "/", directories without their trailing "/": "usr/lib/os-release". */
  path: string;
  type: EntryType;
  /** Bytes of content (files; 0 for the rest). */
  size: number;
  /** Permission bits and set-id bits (0o7777 at most). */
  mode: number;
  uid: number;
  gid: number;
  uname?: string;
  gname?: string;
  /** Symlinks: the target as written; hard links: the path of the entry they share content with. */
  link?: string;
  /** Seconds since the epoch. */
  mtime: number;
  /** Files: "sha256:<hex>" of the content. */
  digest?: string;
  /** Files: where the content starts in the uncompressed tar. */
  offset?: number;
  /**
   * Files whose content can be read from the blob without what comes before it: where in the blob
   * it lies, [start, end). `gzip`: those bytes are gzip members that inflate to the content first
   * (an eStargz layer); else they are the content itself (an uncompressed layer).
   */
  blob?: { start: number; end: number; gzip: boolean };
}

export interface TarLimits {
  /** Entries at most; more is refused. */
  maxEntries: number;
  /** Bytes of a path or link target at most. */
  maxPathBytes: number;
  /** Bytes of all paths and link targets of one layer together at most (what its table of contents keeps). */
  maxNameBytesTotal: number;
  /** Bytes of one PAX header or GNU long name at most. */
  maxExtendedBytes: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = { maxEntries: 500_000, maxPathBytes: 4096, maxNameBytesTotal: 64 * 1024 * 1024, maxExtendedBytes: 1024 * 1024 };

export class TarError extends Error {}

const BLOCK = 512;

const TYPES: Record<string, EntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file', // contiguous file: a file to everyone else
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
  D: 'dir', // GNU incremental dump's directory: its content (the names it held) is skipped
};

/** The PAX keys Berth reads; a global header's others are not kept (a layer could send millions). */
const PAX_KEYS = new Set(['path', 'linkpath', 'size', 'uid', 'gid', 'mtime', 'uname', 'gname']);

const POSIX_MAGIC = Buffer.from('ustar\0', 'latin1');

/** A NUL-terminated string field. */
function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** An octal number field, or GNU base-256 (first byte's high bit set). */
function number(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if ((field[0] ?? 0) & 0x80) {
    // Base-256, big-endian; a negative number (0xff first) is no size or time Berth takes.
    if (field[0] === 0xff) throw new TarError('A tar header holds a negative number.');
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    if (!Number.isSafeInteger(value)) throw new TarError('A tar header holds a number too large to be true.');
    return value;
  }
  const digits = text(block, start, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new TarError(`A tar header holds "${digits.slice(0, 20)}" where a number belongs.`);
  return parseInt(digits, 8);
}

/** The header's checksum: its bytes summed with the checksum field read as spaces. */
function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
  return number(block, 148, 8) === sum;
}

/** PAX records: "LEN key=value\n", LEN counting the whole record. */
function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number(data.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= space - at || at + length > data.length) throw new TarError('A PAX header record is malformed.');
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0 && PAX_KEYS.has(record.slice(0, eq))) out.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return out;
}

/** A PAX number, decimal (a time may have a fraction, dropped), refused where it is none or below `min`. */
function paxNumber(value: string | undefined, what: string, min: number): number {
  const n = Math.floor(Number(value));
  if (value === undefined || !/^-?\d+(\.\d*)?$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new TarError(`A PAX header gives ${what} that is no number: "${String(value).slice(0, 20)}".`);
  }
  return n;
}

/** "./usr/lib/" → "usr/lib"; "/" and "." → "". Never climbs: ".." segments are refused. */
export function normalisePath(raw: string): string {
  const parts: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new TarError(`A tar entry's path climbs out of the layer: ${raw.slice(0, 200)}`);
    if (part.includes('\0')) throw new TarError(`A tar entry's path holds a NUL character, which no file name can: ${JSON.stringify(raw.slice(0, 200))}`);
    parts.push(part);
  }
  return parts.join('/');
}

/**
 * Reads a tar stream's table of contents. `chunks` are the uncompressed tar bytes; the content of
 * each file is hashed as it passes and dropped. The entries go into `entries` as they are read (a
 * reader's progress may show them; a file's digest is set once its content has passed).
 */
export async function readTarToc(chunks: AsyncIterable<Uint8Array>, limits: TarLimits = DEFAULT_TAR_LIMITS, entries: TocEntry[] = []): Promise<TocEntry[]> {
  let nameBytes = 0;
  let position = 0; // bytes of the tar consumed so far
  let headerBytes: Buffer[] = [];
  let headerLength = 0;

  // Between headers: content of an entry still passing, and the padding after it.
  let contentLeft = 0;
  let paddingLeft = 0;
  let hash: Hash | undefined;
  let current: TocEntry | undefined;
  let capture: Buffer[] | undefined; // an extended header's content, kept until complete
  let captureKind: 'pax' | 'global' | 'longname' | 'longlink' | undefined;
  let next: { pax: Map<string, string>; longName?: string; longLink?: string } = { pax: new Map() };
  const global = new Map<string, string>();
  let ended = false;

  const finishContent = () => {
    if (hash && current) current.digest = `sha256:${hash.digest('hex')}`;
    hash = undefined;
    current = undefined;
  };

  const finishExtended = () => {
    const data = Buffer.concat(capture ?? []);
    if (captureKind === 'pax') next.pax = paxRecords(data);
    else if (captureKind === 'global') for (const [k, v] of paxRecords(data)) global.set(k, v);
    else if (captureKind === 'longname') next.longName = text(data, 0, data.length);
    else if (captureKind === 'longlink') next.longLink = text(data, 0, data.length);
    capture = undefined;
    captureKind = undefined;
  };

  const header = (block: Buffer) => {
    if (block.every((b) => b === 0)) {
      ended = true; // the end-of-archive blocks (what follows is padding)
      return;
    }
    if (!checksumOk(block)) throw new TarError(`The tar header at byte ${position - BLOCK} is damaged (its checksum does not match).`);
    const flag = String.fromCharCode(block[156] ?? 0);
    const size = number(block, 124, 12);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (size > limits.maxExtendedBytes)
        throw new TarError(`An extended tar header of ${size} bytes is larger than Berth reads (${limits.maxExtendedBytes}).`);
      capture = [];
      captureKind = flag === 'x' ? 'pax' : flag === 'g' ? 'global' : flag === 'L' ? 'longname' : 'longlink';
      contentLeft = size;
      paddingLeft = padded - size;
      if (size === 0) finishExtended();
      return;
    }
    // POSIX ustar ("ustar\0") and GNU ("ustar  ") both name owners; only POSIX has a name prefix
    // at 345, where GNU keeps access and change times (GNU tar -G writes them).
    const ustar = text(block, 257, 6).startsWith('ustar');
    const prefix = block.subarray(257, 263).equals(POSIX_MAGIC) ? text(block, 345, 155) : '';
    // This entry's PAX records over the global ones, looked up (not merged into a new map per
    // entry); an empty value unsets the key, leaving the ustar header's field (POSIX pax).
    const local = next.pax;
    const paxValue = (key: string) => (local.has(key) ? local.get(key) : global.get(key)) || undefined;
    const pax = { get: paxValue, has: (key: string) => paxValue(key) !== undefined };
    const rawPath = pax.get('path') ?? next.longName ?? (prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100));
    const rawLink = pax.get('linkpath') ?? next.longLink ?? text(block, 157, 100);
    next = { pax: new Map() };
    if (Buffer.byteLength(rawPath) > limits.maxPathBytes || Buffer.byteLength(rawLink) > limits.maxPathBytes) {
      throw new TarError(`A tar entry's path is longer than Berth reads (${limits.maxPathBytes} bytes).`);
    }
    if (entries.length >= limits.maxEntries) throw new TarError(`The layer holds more than ${limits.maxEntries} entries, more than Berth lists.`);
    nameBytes += rawPath.length + rawLink.length;
    if (nameBytes > limits.maxNameBytesTotal) {
      throw new TarError(`The layer's names add up to more than ${limits.maxNameBytesTotal / 1024 / 1024} MiB, more than Berth keeps of one layer.`);
    }
    const type = TYPES[flag] ?? 'file';
    const realSize = pax.has('size') ? Number(pax.get('size')) : size;
    if (!Number.isSafeInteger(realSize) || realSize < 0) throw new TarError('A PAX header gives a size that is no number.');
    const path = normalisePath(rawPath);
    // "/", "." or an empty name: the layer's root, which only a directory can be.
    if (path === '' && type !== 'dir') throw new TarError(`A tar entry names the layer's root but is a ${type}, not a directory.`);
    const entry: TocEntry = {
      path,
      type,
      size: type === 'file' ? realSize : 0,
      mode: number(block, 100, 8) & 0o7777,
      uid: pax.has('uid') ? paxNumber(pax.get('uid'), 'an owner', 0) : number(block, 108, 8),
      gid: pax.has('gid') ? paxNumber(pax.get('gid'), 'a group', 0) : number(block, 116, 8),
      mtime: pax.has('mtime') ? paxNumber(pax.get('mtime'), 'a modification time', -Number.MAX_SAFE_INTEGER) : number(block, 136, 12),
    };
    const uname = pax.get('uname') ?? (ustar ? text(block, 265, 32) : '');
    const gname = pax.get('gname') ?? (ustar ? text(block, 297, 32) : '');
    if (uname) entry.uname = uname;
    if (gname) entry.gname = gname;
    // A symlink's target is kept as written (it is read from where the link is); a hard link's
    // names another entry of the layer, as a path of the archive.
    if (type === 'symlink') entry.link = rawLink;
    if (type === 'hardlink') entry.link = normalisePath(rawLink);
    entries.push(entry);
    // Only regular files carry content; the size field of anything else is skipped over.
    const contentSize = type === 'file' ? realSize : pax.has('size') ? realSize : size;
    if (type === 'file') {
      entry.offset = position;
      hash = createHash('sha256');
      current = entry;
    }
    contentLeft = contentSize;
    paddingLeft = Math.ceil(contentSize / BLOCK) * BLOCK - contentSize;
    if (contentLeft === 0) finishContent();
  };

  for await (const chunk of chunks) {
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (data.length > 0 && !ended) {
      if (contentLeft > 0) {
        // Content passes through: hashed (a file) or kept (an extended header), never copied else.
        const piece = data.subarray(0, contentLeft);
        data = data.subarray(piece.length);
        contentLeft -= piece.length;
        position += piece.length;
        hash?.update(piece);
        capture?.push(Buffer.from(piece));
        if (contentLeft === 0) {
          if (capture) finishExtended();
          else finishContent();
        }
        continue;
      }
      if (paddingLeft > 0) {
        const skip = Math.min(paddingLeft, data.length);
        data = data.subarray(skip);
        paddingLeft -= skip;
        position += skip;
        continue;
      }
      const piece = data.subarray(0, BLOCK - headerLength);
      data = data.subarray(piece.length);
      headerBytes.push(piece);
      headerLength += piece.length;
      position += piece.length;
      if (headerLength === BLOCK) {
        const block = Buffer.concat(headerBytes);
        headerBytes = [];
        headerLength = 0;
        header(block);
      }
    }
  }
  if (!ended && (contentLeft > 0 || paddingLeft > 0 || headerLength > 0 || capture)) {
    throw new TarError('The layer ends in the middle of an entry: it was cut short.');
  }
  return entries;
}
