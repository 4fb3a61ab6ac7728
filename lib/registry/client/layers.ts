// Layers: what files a layer holds, read from its blob as it streams through Berth (decompressed
// and parsed as it passes, never kept whole: ../layers/), verified against its digest when the
// last byte is in. The table of contents is digest-addressed, so it is kept for everyone, but
// served only to a connection the registry lets read the repository (a HEAD of the blob asks it).
// Reading layers is long work: two at once in all, one per person, a few waiting, then BUSY.
import { createHash } from 'node:crypto';
import { RegistryError, badResponse } from '../errors';
import { DecompressError, decompressed, type Compression } from '../layers/decompress';
import { FOOTER_BYTES, TOC_DIGEST_ANNOTATION, entriesOf, tocJsonOf, tocOffsetOf, withoutEstargzEntries } from '../layers/estargz';
import { DEFAULT_TAR_LIMITS, TarError, readTarToc, type TocEntry } from '../layers/tar';
import { validateDigest, validateRepository } from '../reference';
import { repositoryScope } from '../scope';
import { CONTENT_TTL_MS, MAX_SMALL_BODY, confirm, confirmed, contentKey, registryUrl, type Connection } from './connection';
import { failure } from './pull-limit';
import type { Descriptor } from '../manifest';
import type { Progress } from '../shared-work';

/** The largest layer blob Berth reads (compressed). */
export const MAX_LAYER_BYTES = 4 * 1024 * 1024 * 1024;
/** The most a layer may hold uncompressed. */
export const MAX_LAYER_UNCOMPRESSED_BYTES = 16 * 1024 * 1024 * 1024;
/** How long a layer's blob may stay silent while it is read. */
const LAYER_IDLE_MS = 30_000;
/** The slowest a layer may arrive, on average, once it has had `SLOW_GRACE_MS` to get going: a registry trickling it would hold one of the few read slots for hours. */
export const MIN_LAYER_BYTES_PER_SECOND = 32 * 1024;
const SLOW_GRACE_MS = 30_000;

/**
 * A layer's bytes as they arrive, ended once they come slower on average than
 * MIN_LAYER_BYTES_PER_SECOND (after the first SLOW_GRACE_MS): silence alone is caught by the idle
 * timeout, a trickle by this. Only the time spent waiting for the registry counts, not the time
 * whoever reads them takes (a person's slow download).
 */
export async function* paced(body: AsyncIterable<Uint8Array>, host: string, now: () => number = Date.now): AsyncGenerator<Uint8Array> {
  let waited = 0;
  let bytes = 0;
  let asked = now();
  for await (const chunk of body) {
    bytes += chunk.length;
    waited += now() - asked;
    if (waited > SLOW_GRACE_MS && bytes < (MIN_LAYER_BYTES_PER_SECOND * waited) / 1000) {
      throw new RegistryError({
        code: 'TIMEOUT',
        host,
        message: `${host} sent the layer at ${Math.floor(bytes / 1024 / (waited / 1000))} KiB/s, slower than Berth waits for (${MIN_LAYER_BYTES_PER_SECOND / 1024} KiB/s). Try again later, or check the registry's connection.`,
      });
    }
    yield chunk;
    asked = now();
  }
}

/** The largest eStargz table of contents Berth reads with a Range request (compressed); a larger one, the whole layer is read instead. */
export const MAX_ESTARGZ_TOC_BYTES = 16 * 1024 * 1024;
/** ... and uncompressed: about 150,000 entries. */
export const MAX_ESTARGZ_TOC_JSON_BYTES = 48 * 1024 * 1024;

/** What a table of contents takes in memory, roughly: its paths and link targets, and a little per entry. */
export function tocBytes(toc: readonly TocEntry[]): number {
  let bytes = 0;
  for (const e of toc) bytes += 160 + (e.blob ? 48 : 0) + e.path.length * 2 + (e.link?.length ?? 0) * 2 + (e.uname?.length ?? 0) + (e.gname?.length ?? 0);
  return bytes;
}

/** Errors that say the layer itself is broken, the same for whoever reads it. */
const brokenLayers = new WeakSet<object>();

function brokenLayer(c: Connection, message: string) {
  const e = badResponse(c.host, message);
  brokenLayers.add(e);
  return e;
}

/** A layer whose bytes are no tar (plain, gzip or zstd) Berth can read: what is wrong, and what it means. */
function unreadableLayer(c: Connection, repository: string, digest: string, e: Error) {
  return brokenLayer(
    c,
    `The layer ${digest} of ${repository} is not an archive Berth can read: ${e.message} Its files cannot be listed: the layer may be damaged, or not a filesystem at all; the image's other views still work.`,
  );
}

/**
 * The key of a layer's table of contents: its digest, and the eStargz table's where the manifest
 * names one. A table read from the blob's end is another list than the tar's own (the author
 * chose it), so each is kept for the manifests that lead to it, never served for the other's.
 */
export function tocKey(c: Connection, repository: string, digest: string, tocDigest?: string): string {
  const key = contentKey(c, repository, digest);
  return tocDigest === undefined ? key : `${key}|estargz ${tocDigest}`;
}

/** The key of a scan: shared by everyone the registry lets read the repository, else the connection's own. */
function scanKey(c: Connection, key: string, shared: boolean): string {
  return shared ? `toc|${key}` : `toc|${c.auth.connectionKey}|${key}`;
}

/** What an image manifest says of a layer, which makes reading it cheaper. */
export interface LayerFacts {
  /** The blob's size, for the progress of a first read. */
  size?: number;
  /** The digest of the layer's eStargz table of contents (its manifest's annotation): the table is read from the blob's end. */
  tocDigest?: string;
}

/** What the image manifest's descriptor of a layer says of it. */
export function layerFacts(layer: Descriptor): LayerFacts {
  const tocDigest = layer.annotations?.[TOC_DIGEST_ANNOTATION];
  return { size: layer.size, ...(tocDigest ? { tocDigest } : {}) };
}

/** The files of layer `digest` of `repository`, as its tar lists them. */
export async function getLayerToc(c: Connection, repository: string, digest: string, options: LayerFacts = {}): Promise<TocEntry[]> {
  validateRepository(repository);
  validateDigest(digest);
  const key = tocKey(c, repository, digest, options.tocDigest);
  const url = registryUrl(c, `/v2/${repository}/blobs/${digest}`);
  const scopes = [repositoryScope(repository)];
  if (c.context.layerTocs.get(key) !== undefined && !confirmed(c, repository)) {
    // Known, but not to this person yet: the registry says whether they may read it.
    const head = await c.auth.send({ method: 'HEAD', url, scopes, maxBytes: MAX_SMALL_BODY });
    if (head.status !== 200) throw failure(c, head, { repository, reference: digest });
    confirm(c, repository, head);
  }
  const known = c.context.layerTocs.get(key);
  if (known !== undefined) return known;
  // Whoever reads it reads it for everyone waiting, and stops when all of them have gone; a
  // person who has not been let read the repository reads it themselves (the GET asks the registry).
  const shared = confirmed(c, repository);
  return c.context.layerScans.join(
    scanKey(c, key, shared),
    (signal, progress) =>
      c.context.layerReads.run(
        c.baseUrl.origin,
        async () => {
          const read = { url, scopes, signal, progress };
          const estargz = options.tocDigest !== undefined;
          const toc = (await readEstargzToc(c, repository, digest, read, options)) ?? (await readLayer(c, repository, digest, read, estargz));
          c.context.layerTocs.set(key, toc, CONTENT_TTL_MS, tocBytes(toc));
          return toc;
        },
        { client: c.client ?? '', signal, host: c.host, deadline: Date.now() + c.context.timeoutMs },
      ),
    { signal: c.signal, total: options.size, shared: (e) => typeof e === 'object' && e !== null && brokenLayers.has(e) },
  );
}

/**
 * How far the first read of the table under `key` (tocKey) has got, while one runs for this person
 * or for everyone (`found`: the entries read so far; only for a connection the registry lets read
 * the repository).
 */
export function layerProgress(c: Connection, key: string): Progress<TocEntry> | undefined {
  return c.context.layerScans.progress(scanKey(c, key, false)) ?? c.context.layerScans.progress(scanKey(c, key, true));
}

interface LayerRead {
  url: URL;
  scopes: string[];
  signal: AbortSignal;
  progress: Progress<TocEntry>;
}

/**
 * Whether a 206's Content-Range is exactly bytes [start, end) (of `size` bytes in all, where the
 * caller knows the blob's size): anything else is other bytes than those asked for.
 */
function isRange(contentRange: string | undefined, start: number, end: number, size?: number): boolean {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange ?? '');
  return match !== null && Number(match[1]) === start && Number(match[2]) === end - 1 && (size === undefined || Number(match[3]) === size);
}

/**
 * Bytes [start, end) of a blob with a Range request, or `undefined` where the registry answers
 * with the whole blob instead (it is not read on), with other bytes than those asked for, or that
 * it has no such bytes.
 */
async function readRange(
  c: Connection,
  repository: string,
  digest: string,
  { url, scopes, signal }: LayerRead,
  { start, end, size }: { start: number; end: number; size: number },
): Promise<Buffer | undefined> {
  const res = await c.auth.send({
    url,
    scopes,
    signal,
    range: `bytes=${start}-${end - 1}`,
    maxBytes: MAX_LAYER_BYTES,
    idleTimeoutMs: LAYER_IDLE_MS,
    consume: async (body, answer) => {
      if (answer.status !== 206 || !isRange(answer.headers.get('content-range'), start, end, size)) return undefined;
      const chunks: Uint8Array[] = [];
      let length = 0;
      for await (const chunk of paced(body, c.host)) {
        length += chunk.length;
        // More than the range it said it sends: not read on (it could be the whole blob).
        if (length > end - start) return undefined;
        chunks.push(chunk);
      }
      return length === end - start ? Buffer.concat(chunks) : undefined;
    },
  });
  // 416: the blob has no such bytes (its manifest gave another size); reading it whole says what it holds.
  if (res.status === 416) return undefined;
  if (res.status !== 200 && res.status !== 206) throw failure(c, res, { repository, reference: digest });
  confirm(c, repository, res);
  return res.consumed as Buffer | undefined;
}

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

/**
 * An eStargz layer's table of contents, read from the blob's end with two Range requests: its
 * footer, then the table. `undefined` (the whole layer is read instead) where the manifest names
 * no table, the registry does not answer ranges, or what it sends is not the table the manifest
 * names.
 */
async function readEstargzToc(
  c: Connection,
  repository: string,
  digest: string,
  read: LayerRead,
  { size, tocDigest }: LayerFacts,
): Promise<TocEntry[] | undefined> {
  if (tocDigest === undefined || !/^sha256:[0-9a-f]{64}$/.test(tocDigest) || size === undefined || size <= FOOTER_BYTES) return undefined;
  const footer = await readRange(c, repository, digest, read, { start: size - FOOTER_BYTES, end: size, size });
  const tocOffset = footer && tocOffsetOf(footer);
  if (tocOffset === undefined || tocOffset >= size - FOOTER_BYTES || size - FOOTER_BYTES - tocOffset > MAX_ESTARGZ_TOC_BYTES) return undefined;
  const compressed = await readRange(c, repository, digest, read, { start: tocOffset, end: size - FOOTER_BYTES, size });
  if (compressed === undefined) return undefined;
  try {
    const tar: Buffer[] = [];
    for await (const chunk of decompressed(once(compressed), { maxBytes: MAX_ESTARGZ_TOC_JSON_BYTES, kind: 'gzip' })) tar.push(Buffer.from(chunk));
    const json = tocJsonOf(Buffer.concat(tar));
    if (json === undefined || `sha256:${createHash('sha256').update(json).digest('hex')}` !== tocDigest) return undefined;
    const entries = entriesOf(json, tocOffset, DEFAULT_TAR_LIMITS);
    read.progress.found = entries;
    return entries;
  } catch (e) {
    // A table Berth cannot take: the layer's own tar says what it holds.
    if (e instanceof DecompressError || e instanceof TarError) return undefined;
    throw e;
  }
}

/** A layer's table of contents from its whole tar; less eStargz's own entries where the manifest says it is eStargz. */
async function readLayer(
  c: Connection,
  repository: string,
  digest: string,
  { url, scopes, signal, progress }: LayerRead,
  estargz: boolean,
): Promise<TocEntry[]> {
  const hash = createHash(digest.startsWith('sha512:') ? 'sha512' : 'sha256');
  let compression: Compression | undefined;
  const res = await c.auth.send({
    url,
    scopes,
    signal,
    maxBytes: MAX_LAYER_BYTES,
    idleTimeoutMs: LAYER_IDLE_MS,
    consume: async (body) => {
      async function* hashed() {
        for await (const chunk of paced(body, c.host)) {
          hash.update(chunk);
          progress.done += chunk.length;
          yield chunk;
        }
      }
      try {
        const found: TocEntry[] = [];
        progress.found = found;
        const seen = (kind: Compression) => (compression = kind);
        return await readTarToc(decompressed(hashed(), { maxBytes: MAX_LAYER_UNCOMPRESSED_BYTES, seen }), DEFAULT_TAR_LIMITS, found);
      } catch (e) {
        if (e instanceof TarError || e instanceof DecompressError) {
          throw unreadableLayer(c, repository, digest, e);
        }
        throw e;
      }
    },
  });
  if (res.status !== 200) throw failure(c, res, { repository, reference: digest });
  confirm(c, repository, res);
  const actual = `${digest.slice(0, digest.indexOf(':'))}:${hash.digest('hex')}`;
  if (actual !== digest) {
    throw brokenLayer(c, `${c.host} sent a layer whose content does not match its digest ${digest}; Berth does not list its files.`);
  }
  const toc = estargz ? withoutEstargzEntries(res.consumed as TocEntry[]) : (res.consumed as TocEntry[]);
  // An uncompressed layer's files lie in the blob as they are: a Range request reads one alone.
  if (compression === 'none') {
    for (const e of toc) if (e.offset !== undefined && e.size > 0) e.blob = { start: e.offset, end: e.offset + e.size, gzip: false };
  }
  return toc;
}

/** `length` bytes from `offset` of a stream, then nothing more is read; fewer is an error. */
async function* slice(chunks: AsyncIterable<Uint8Array>, offset: number, length: number, short: () => Error): AsyncGenerator<Uint8Array> {
  if (length === 0) return;
  let at = 0;
  let left = length;
  for await (const chunk of chunks) {
    const end = at + chunk.length;
    if (end > offset) {
      const from = Math.max(0, offset - at);
      const part = chunk.subarray(from, Math.min(chunk.length, from + left));
      left -= part.length;
      yield part;
      if (left === 0) return;
    }
    at = end;
  }
  throw short();
}

/** Where a file's content lies in its layer: as its table of contents says. */
export type ContentPlace = Pick<TocEntry, 'offset' | 'blob'>;

/**
 * Content of layer `digest` of `repository`: the first `length` bytes of a file's content, handed
 * to `take` as they pass. Where the file can be read alone (`blob`), a Range request asks for its
 * bytes only; otherwise, or where the registry answers with the whole blob, the blob is read from
 * its start and no further than the file's end. Either way with this person's credentials: the
 * registry decides.
 */
export async function readLayerContent<T>(
  c: Connection,
  repository: string,
  digest: string,
  place: ContentPlace,
  length: number,
  take: (bytes: AsyncIterable<Uint8Array>) => Promise<T>,
): Promise<T> {
  validateRepository(repository);
  validateDigest(digest);
  const url = registryUrl(c, `/v2/${repository}/blobs/${digest}`);
  const scopes = [repositoryScope(repository)];
  const short = () => brokenLayer(c, `The layer ${digest} of ${repository} ended before the file Berth was reading; the registry's copy may be damaged.`);
  const otherRange = () => badResponse(c.host, `${c.host} answered with other bytes of the layer ${digest} than Berth asked for.`);
  const unreadable = (e: unknown) => (e instanceof DecompressError ? unreadableLayer(c, repository, digest, e) : e);
  const { blob, offset } = place;
  // Nothing to read (no range asks for no bytes).
  if (length === 0) return take((async function* () {})());
  // An uncompressed layer's file: only the bytes wanted; eStargz members: all of the file's (a prefix of them inflates to a prefix of it).
  const wanted = blob && (blob.gzip ? blob : { ...blob, end: Math.min(blob.end, blob.start + length) });
  return c.context.layerReads.run(
    c.baseUrl.origin,
    async () => {
      const res = await c.auth.send({
        url,
        scopes,
        maxBytes: MAX_LAYER_BYTES,
        idleTimeoutMs: LAYER_IDLE_MS,
        ...(wanted ? { range: `bytes=${wanted.start}-${wanted.end - 1}` } : {}),
        consume: async (arriving, answer) => {
          const body = paced(arriving, c.host);
          if (answer.status === 206 && !(wanted && isRange(answer.headers.get('content-range'), wanted.start, wanted.end))) throw otherRange();
          // The whole layer, uncompressed, read from the file's offset; or the file's own bytes (the
          // range as answered, or cut from the whole blob), inflated where they are gzip members.
          let bytes: AsyncIterable<Uint8Array> = body;
          if (wanted && answer.status !== 206) bytes = slice(body, wanted.start, wanted.end - wanted.start, short);
          if (!wanted || wanted.gzip) bytes = decompressed(bytes, { maxBytes: MAX_LAYER_UNCOMPRESSED_BYTES, ...(wanted ? { kind: 'gzip' as const } : {}) });
          const from = wanted ? 0 : (offset ?? 0);
          try {
            return { taken: await take(slice(bytes, from, length, short)) };
          } catch (e) {
            throw unreadable(e);
          }
        },
      });
      if (res.status !== 200 && res.status !== 206) throw failure(c, res, { repository, reference: digest });
      confirm(c, repository, res);
      return (res.consumed as { taken: T }).taken;
    },
    { client: c.client ?? '', signal: c.signal, host: c.host, deadline: Date.now() + c.context.timeoutMs },
  );
}
