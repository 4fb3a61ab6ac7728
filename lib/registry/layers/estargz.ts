// eStargz: a gzip layer that carries its own table of contents. The tar is cut into gzip members
// (each file's content starts a new one), and its last entry, `stargz.index.json`, lists every
// entry with the offset of the member its content starts in; a 51-byte gzip member at the blob's
// very end says where that last entry starts. So two Range reads (the footer, then the table)
// list a layer's files without reading the rest, and a file's content is one more Range read of
// its members. The table is trusted only when its digest is the one the image manifest names
// for the layer (the `containerd.io/snapshot/stargz/toc.digest` annotation): the manifest is
// checked against its own digest, the blob's bytes here are not.
import { TarError, normalisePath, type EntryType, type TarLimits, type TocEntry } from './tar';

/** The layer annotation naming the digest of the table's JSON. */
export const TOC_DIGEST_ANNOTATION = 'containerd.io/snapshot/stargz/toc.digest';
/** Bytes of the footer: an empty gzip member whose extra field holds the table's offset. */
export const FOOTER_BYTES = 51;
/** The name of the tar entry holding the table. */
const TOC_NAME = 'stargz.index.json';
/** Entries eStargz adds to say whether a runtime should prefetch; not files of the image. */
const LANDMARKS = new Set(['.prefetch.landmark', '.no.prefetch.landmark']);

const TYPES: Record<string, EntryType | 'chunk'> = {
  reg: 'file',
  dir: 'dir',
  symlink: 'symlink',
  hardlink: 'hardlink',
  char: 'char',
  block: 'block',
  fifo: 'fifo',
  chunk: 'chunk',
};

/**
 * A layer's entries as its whole tar lists them, less what eStargz adds to the tar (its landmark,
 * its table): an eStargz layer read whole, where its table could not be, lists what a read of the
 * table would.
 */
export function withoutEstargzEntries(entries: TocEntry[]): TocEntry[] {
  return entries.filter((e) => !LANDMARKS.has(e.path) && e.path !== TOC_NAME);
}

/**
 * Where the table starts, from the blob's last 51 bytes: a gzip header with one extra subfield
 * "SG" holding the offset as 16 hex digits and "STARGZ", then an empty deflate stream.
 * `undefined` when they are not an eStargz footer.
 */
export function tocOffsetOf(footer: Uint8Array): number | undefined {
  const f = Buffer.from(footer.buffer, footer.byteOffset, footer.byteLength);
  if (f.length !== FOOTER_BYTES) return undefined;
  // ID1 ID2 CM=8, FLG=FEXTRA; XLEN 26; subfield "SG" of 22 bytes.
  if (f[0] !== 0x1f || f[1] !== 0x8b || f[2] !== 8 || f[3] !== 4) return undefined;
  if (f.readUInt16LE(10) !== 26 || f[12] !== 0x53 || f[13] !== 0x47 || f.readUInt16LE(14) !== 22) return undefined;
  const hex = f.toString('latin1', 16, 32);
  if (!/^[0-9a-f]{16}$/.test(hex) || f.toString('latin1', 32, 38) !== 'STARGZ') return undefined;
  const offset = parseInt(hex, 16);
  return Number.isSafeInteger(offset) ? offset : undefined;
}

/**
 * The JSON of the table, from the tar the table's gzip member inflates to: its one entry, named
 * `stargz.index.json`. `undefined` when the tar is not that.
 */
export function tocJsonOf(tar: Buffer): Buffer | undefined {
  const name = tar.toString('utf8', 0, 100).split('\0', 1)[0];
  const size = parseInt(tar.toString('latin1', 124, 136), 8);
  if (name !== TOC_NAME || !Number.isSafeInteger(size) || 512 + size > tar.length) return undefined;
  return tar.subarray(512, 512 + size);
}

interface RawEntry {
  name?: unknown;
  type?: unknown;
  size?: unknown;
  modtime?: unknown;
  linkName?: unknown;
  mode?: unknown;
  uid?: unknown;
  gid?: unknown;
  userName?: unknown;
  groupName?: unknown;
  offset?: unknown;
  digest?: unknown;
}

const bad = (why: string) => new TarError(`The layer's eStargz table of contents ${why}.`);

function count(value: unknown, what: string): number {
  if (value === undefined) return 0;
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw bad(`gives ${what} that is no count: ${JSON.stringify(value).slice(0, 40)}`);
  return value as number;
}

function string(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw bad(`gives ${what} that is no text`);
  return value;
}

/**
 * The layer's entries as its table lists them, in the table's order (the tar's), each file with
 * where its content lies in the blob: from the member it starts in to the next entry's
 * (`tocOffset` for the last). Limits as for a tar's own headers; landmarks are left out.
 */
export function entriesOf(json: Buffer, tocOffset: number, limits: TarLimits): TocEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch {
    throw bad('is not JSON');
  }
  const list = (parsed as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(list)) throw bad('has no list of entries');
  const entries: TocEntry[] = [];
  let nameBytes = 0;
  let lastOffset = 0;
  // The file whose content is still running: it ends where the next entry of another starts.
  let open: TocEntry | undefined;
  for (const raw of list as RawEntry[]) {
    const type = TYPES[String(raw?.type)];
    if (type === undefined) throw bad(`names an entry type Berth does not know: ${String(JSON.stringify(raw?.type)).slice(0, 40)}`);
    const name = string(raw.name, 'a name') ?? '';
    const offset = count(raw.offset, 'an offset');
    if (offset > 0) {
      // Each file's content (and each chunk of it) starts a gzip member of its own, before the table.
      if (offset <= lastOffset || offset >= tocOffset) throw bad('gives its entries offsets out of order');
      lastOffset = offset;
    }
    if (type === 'chunk') {
      // Another piece of the file before it: its content runs on.
      if (open === undefined || normalisePath(name) !== open.path) throw bad(`has a chunk of ${name.slice(0, 200)} after another entry`);
      continue;
    }
    if (open !== undefined && offset > 0) {
      open.blob!.end = offset;
      open = undefined;
    }
    if (entries.length >= limits.maxEntries) throw new TarError(`The layer holds more than ${limits.maxEntries} entries, more than Berth lists.`);
    const link = string(raw.linkName, 'a link target') ?? '';
    if (Buffer.byteLength(name) > limits.maxPathBytes || Buffer.byteLength(link) > limits.maxPathBytes) {
      throw new TarError(`A tar entry's path is longer than Berth reads (${limits.maxPathBytes} bytes).`);
    }
    nameBytes += name.length + link.length;
    if (nameBytes > limits.maxNameBytesTotal) {
      throw new TarError(`The layer's names add up to more than ${limits.maxNameBytesTotal / 1024 / 1024} MiB, more than Berth keeps of one layer.`);
    }
    const path = normalisePath(name);
    if (path === '' && type !== 'dir') throw new TarError(`A tar entry names the layer's root but is a ${type}, not a directory.`);
    if (LANDMARKS.has(path)) continue;
    const seconds = Math.floor(Date.parse(string(raw.modtime, 'a modification time') ?? '') / 1000);
    const entry: TocEntry = {
      path,
      type,
      size: type === 'file' ? count(raw.size, 'a size') : 0,
      mode: count(raw.mode, 'a mode') & 0o7777,
      uid: count(raw.uid, 'an owner'),
      gid: count(raw.gid, 'a group'),
      mtime: Number.isSafeInteger(seconds) ? seconds : 0,
    };
    const uname = string(raw.userName, 'an owner name');
    const gname = string(raw.groupName, 'a group name');
    if (uname) entry.uname = uname;
    if (gname) entry.gname = gname;
    if (type === 'symlink') entry.link = link;
    if (type === 'hardlink') entry.link = normalisePath(link);
    if (type === 'file') {
      const digest = string(raw.digest, 'a digest');
      if (digest !== undefined) {
        if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw bad(`gives ${path.slice(0, 200)} a digest Berth does not read`);
        entry.digest = digest;
      }
      if (entry.size > 0) {
        if (offset === 0) throw bad(`gives ${path.slice(0, 200)} content but no offset`);
        entry.blob = { start: offset, end: tocOffset, gzip: true };
        open = entry;
      }
    }
    entries.push(entry);
  }
  return entries;
}
