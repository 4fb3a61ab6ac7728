// Layers: what files a layer holds, read from its blob as it streams through Berth (decompressed
// and parsed as it passes, never kept whole: ../layers/), verified against its digest when the
// last byte is in. The table of contents is digest-addressed, so it is kept for everyone, but
// served only to a connection the registry lets read the repository (a HEAD of the blob asks it).
// Reading layers is long work: two at once in all, one per person, a few waiting, then BUSY.
import { createHash } from 'node:crypto';
import { badResponse } from '../errors';
import { DecompressError, decompressed } from '../layers/decompress';
import { DEFAULT_TAR_LIMITS, TarError, readTarToc, type TocEntry } from '../layers/tar';
import { validateDigest, validateRepository } from '../reference';
import { repositoryScope } from '../scope';
import { CONTENT_TTL_MS, MAX_SMALL_BODY, confirm, confirmed, contentKey, registryUrl, type Connection } from './connection';
import { failure } from './pull-limit';
import type { Progress } from '../shared-work';

/** The largest layer blob Berth reads (compressed). */
export const MAX_LAYER_BYTES = 4 * 1024 * 1024 * 1024;
/** The most a layer may hold uncompressed. */
export const MAX_LAYER_UNCOMPRESSED_BYTES = 16 * 1024 * 1024 * 1024;
/** How long a layer's blob may stay silent while it is read. */
const LAYER_IDLE_MS = 30_000;

/** What a table of contents takes in memory, roughly: its paths and link targets, and a little per entry. */
export function tocBytes(toc: readonly TocEntry[]): number {
  let bytes = 0;
  for (const e of toc) bytes += 160 + e.path.length * 2 + (e.link?.length ?? 0) * 2 + (e.uname?.length ?? 0) + (e.gname?.length ?? 0);
  return bytes;
}

/** Errors that say the layer itself is broken, the same for whoever reads it. */
const brokenLayers = new WeakSet<object>();

function brokenLayer(c: Connection, message: string) {
  const e = badResponse(c.host, message);
  brokenLayers.add(e);
  return e;
}

/** The key of a scan: shared by everyone the registry lets read the repository, else the connection's own. */
function scanKey(c: Connection, repository: string, digest: string, shared: boolean): string {
  const key = contentKey(c, repository, digest);
  return shared ? `toc|${key}` : `toc|${c.auth.connectionKey}|${key}`;
}

/**
 * The files of layer `digest` of `repository`, as its tar lists them. `size`: the blob's size
 * as its manifest says, for the progress of a first read.
 */
export async function getLayerToc(c: Connection, repository: string, digest: string, options: { size?: number } = {}): Promise<TocEntry[]> {
  validateRepository(repository);
  validateDigest(digest);
  const key = contentKey(c, repository, digest);
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
    scanKey(c, repository, digest, shared),
    (signal, progress) =>
      c.context.layerReads.run(
        c.baseUrl.origin,
        async () => {
          const toc = await readLayer(c, repository, digest, { url, scopes, signal, progress });
          c.context.layerTocs.set(key, toc, CONTENT_TTL_MS, tocBytes(toc));
          return toc;
        },
        { client: c.client ?? '', signal, host: c.host, deadline: Date.now() + c.context.timeoutMs },
      ),
    { signal: c.signal, total: options.size, shared: (e) => typeof e === 'object' && e !== null && brokenLayers.has(e) },
  );
}

/**
 * How far the first read of layer `digest` has got, while one runs for this person or for everyone
 * (`found`: the entries read so far; only for a connection the registry lets read the repository).
 */
export function layerProgress(c: Connection, repository: string, digest: string): Progress<TocEntry> | undefined {
  return c.context.layerScans.progress(scanKey(c, repository, digest, false)) ?? c.context.layerScans.progress(scanKey(c, repository, digest, true));
}

interface LayerRead {
  url: URL;
  scopes: string[];
  signal: AbortSignal;
  progress: Progress<TocEntry>;
}

async function readLayer(c: Connection, repository: string, digest: string, { url, scopes, signal, progress }: LayerRead): Promise<TocEntry[]> {
  const hash = createHash(digest.startsWith('sha512:') ? 'sha512' : 'sha256');
  const res = await c.auth.send({
    url,
    scopes,
    signal,
    maxBytes: MAX_LAYER_BYTES,
    idleTimeoutMs: LAYER_IDLE_MS,
    consume: async (body) => {
      async function* hashed() {
        for await (const chunk of body) {
          hash.update(chunk);
          progress.done += chunk.length;
          yield chunk;
        }
      }
      try {
        const found: TocEntry[] = [];
        progress.found = found;
        return await readTarToc(decompressed(hashed(), { maxBytes: MAX_LAYER_UNCOMPRESSED_BYTES }), DEFAULT_TAR_LIMITS, found);
      } catch (e) {
        if (e instanceof TarError || e instanceof DecompressError) {
          throw brokenLayer(c, `The layer ${digest} of ${repository} is not an archive Berth can read: ${e.message}`);
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
  return res.consumed as TocEntry[];
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

/**
 * Content of layer `digest` of `repository`: `length` bytes from `offset` of its uncompressed tar
 * (a file's, as its table of contents says), handed to `take` as they pass. The blob is read
 * again from its start (with this person's credentials: the registry decides) and no further
 * than the file's end.
 */
export async function readLayerContent<T>(
  c: Connection,
  repository: string,
  digest: string,
  at: { offset: number; length: number },
  take: (bytes: AsyncIterable<Uint8Array>) => Promise<T>,
): Promise<T> {
  validateRepository(repository);
  validateDigest(digest);
  const url = registryUrl(c, `/v2/${repository}/blobs/${digest}`);
  const scopes = [repositoryScope(repository)];
  const short = () => brokenLayer(c, `The layer ${digest} of ${repository} ended before the file Berth was reading; the registry's copy may be damaged.`);
  return c.context.layerReads.run(
    c.baseUrl.origin,
    async () => {
      const res = await c.auth.send({
        url,
        scopes,
        maxBytes: MAX_LAYER_BYTES,
        idleTimeoutMs: LAYER_IDLE_MS,
        consume: async (body) => {
          try {
            return { taken: await take(slice(decompressed(body, { maxBytes: MAX_LAYER_UNCOMPRESSED_BYTES }), at.offset, at.length, short)) };
          } catch (e) {
            if (e instanceof DecompressError) throw brokenLayer(c, `The layer ${digest} of ${repository} is not an archive Berth can read: ${e.message}`);
            throw e;
          }
        },
      });
      if (res.status !== 200) throw failure(c, res, { repository, reference: digest });
      confirm(c, repository, res);
      return (res.consumed as { taken: T }).taken;
    },
    { client: c.client ?? '', signal: c.signal, host: c.host, deadline: Date.now() + c.context.timeoutMs },
  );
}
