// Layers: what files a layer holds, read from its blob as it streams through Berth (decompressed
// and parsed as it passes, never kept whole: ../layers/), verified against its digest when the
// last byte is in. The table of contents is digest-addressed, so it is kept for everyone, but
// served only to a connection the registry lets read the repository (a HEAD of the blob asks it).
// Reading layers is long work: two at once in all, one per person, a few waiting, then BUSY.
import { createHash } from 'node:crypto';
import { badResponse } from '../errors';
import { DecompressError, decompressed } from '../layers/decompress';
import { TarError, readTarToc, type TocEntry } from '../layers/tar';
import { validateDigest, validateRepository } from '../reference';
import { repositoryScope } from '../scope';
import { CONTENT_TTL_MS, MAX_SMALL_BODY, confirm, confirmed, contentKey, registryUrl, type Connection } from './connection';
import { failure } from './pull-limit';

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

/** The files of layer `digest` of `repository`, as its tar lists them. */
export async function getLayerToc(c: Connection, repository: string, digest: string): Promise<TocEntry[]> {
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
  const read = () =>
    c.context.layerReads.run(
      c.baseUrl.origin,
      async () => {
        const toc = await readLayer(c, repository, digest, url, scopes);
        c.context.layerTocs.set(key, toc, CONTENT_TTL_MS, tocBytes(toc));
        return toc;
      },
      { client: c.client ?? '', signal: c.signal, host: c.host, deadline: Date.now() + c.context.timeoutMs },
    );
  // Whoever reads it reads it for everyone waiting; a person who has not been let read the
  // repository reads it themselves (the GET asks the registry).
  return confirmed(c, repository) ? c.context.once(`toc|${key}`, read, { signal: c.signal }) : read();
}

async function readLayer(c: Connection, repository: string, digest: string, url: URL, scopes: string[]): Promise<TocEntry[]> {
  const hash = createHash(digest.startsWith('sha512:') ? 'sha512' : 'sha256');
  const res = await c.auth.send({
    url,
    scopes,
    maxBytes: MAX_LAYER_BYTES,
    idleTimeoutMs: LAYER_IDLE_MS,
    consume: async (body) => {
      async function* hashed() {
        for await (const chunk of body) {
          hash.update(chunk);
          yield chunk;
        }
      }
      try {
        return await readTarToc(decompressed(hashed(), { maxBytes: MAX_LAYER_UNCOMPRESSED_BYTES }));
      } catch (e) {
        if (e instanceof TarError || e instanceof DecompressError) {
          throw badResponse(c.host, `The layer ${digest} of ${repository} is not an archive Berth can read: ${e.message}`);
        }
        throw e;
      }
    },
  });
  if (res.status !== 200) throw failure(c, res, { repository, reference: digest });
  confirm(c, repository, res);
  const actual = `${digest.slice(0, digest.indexOf(':'))}:${hash.digest('hex')}`;
  if (actual !== digest) {
    throw badResponse(c.host, `${c.host} sent a layer whose content does not match its digest ${digest}; Berth does not list its files.`);
  }
  return res.consumed as TocEntry[];
}
