// Blobs: a config (or any small blob) by digest, verified and kept in the content cache like a
// manifest, with the headers it came with; and a blob shown as a document (the raw view of a
// config), read only up to a megabyte and only when it is UTF-8 JSON, so that asking for a layer
// costs Berth little, and asking for it again, nothing.
import { RegistryError, badResponse } from '../errors';
import { digestWithAlgorithmOf } from '../manifest';
import { validateDigest, validateRepository } from '../reference';
import { repositoryScope } from '../scope';
import type { DocumentHeaders } from '../context';
import { ALTERED_CONTENT, CONTENT_TTL_MS, MAX_SMALL_BODY, type Connection } from './connection';
import { accessKey, confirm, confirmed, contentKey, documentHeaders, registryUrl } from './connection';
import { failure } from './pull-limit';

export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
/** The most of a blob the raw-document view reads: configs are far smaller, layers are not documents. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
/** How long a connection is told at once that a blob is no document. */
const NOT_A_DOCUMENT_TTL_MS = 10 * 60_000;

export interface FetchedBlob {
  bytes: Buffer;
  headers: DocumentHeaders;
}

/** A blob's verified bytes with the headers they came with. */
export async function getBlobDocument(c: Connection, repository: string, digest: string, maxBytes = MAX_CONFIG_BYTES): Promise<FetchedBlob> {
  validateRepository(repository);
  validateDigest(digest);
  const key = contentKey(c, repository, digest);
  const cached = c.context.content.get(key);
  const url = registryUrl(c, `/v2/${repository}/blobs/${digest}`);
  const scopes = [repositoryScope(repository)];
  if (cached && cached.bytes.length > maxBytes) {
    throw new RegistryError({
      code: 'BAD_RESPONSE',
      host: c.host,
      detail: { tooLarge: true },
      message: `The blob ${digest} is larger than Berth reads here.`,
    });
  }
  if (cached && confirmed(c, repository)) {
    c.context.stats.contentHits++;
    return cached;
  }
  if (cached) {
    const head = await c.auth.send({ method: 'HEAD', url, scopes, maxBytes: MAX_SMALL_BODY });
    confirm(c, repository, head);
    if (head.status === 200) {
      c.context.stats.contentHits++;
      return cached;
    }
    if (head.status !== 405) throw failure(c, head, { repository, reference: digest });
  }
  const res = await c.auth.send({ url, scopes, maxBytes });
  if (res.status !== 200) throw failure(c, res, { repository, reference: digest });
  confirm(c, repository, res);
  const actual = digestWithAlgorithmOf(digest, res.body);
  if (actual !== undefined && actual !== digest) {
    throw badResponse(c.host, `${c.host} returned a blob whose content does not match its digest ${digest}; Berth does not show it. ${ALTERED_CONTENT}`);
  }
  const headers = documentHeaders(res);
  c.context.content.set(
    key,
    { bytes: res.body, mediaType: 'application/octet-stream', headers },
    CONTENT_TTL_MS,
    res.body.length + JSON.stringify(headers).length,
  );
  return { bytes: res.body, headers };
}

/** Fetches a (small) blob by digest, verifying its content. Redirects go out without Authorization. */
export async function getBlob(c: Connection, repository: string, digest: string, maxBytes = MAX_CONFIG_BYTES): Promise<Buffer> {
  return (await getBlobDocument(c, repository, digest, maxBytes)).bytes;
}

/**
 * A blob shown as a document (the raw view of a config): read only up to MAX_DOCUMENT_BYTES,
 * and only if it is UTF-8 JSON. A layer, or anything larger, is refused with NOT_A_DOCUMENT
 * before it is turned into text, so asking for a large layer costs Berth a megabyte at most.
 */
export async function getJsonDocument(c: Connection, repository: string, digest: string): Promise<FetchedBlob> {
  validateRepository(repository);
  validateDigest(digest);
  // What this connection already learnt is not a document is not read again (an attacker asking
  // for the same layer over and over costs one read).
  const refusedKey = `${accessKey(c, repository)}|${digest}`;
  const notADocument = (why: string) => {
    c.context.notDocuments.set(refusedKey, why, NOT_A_DOCUMENT_TTL_MS, why.length);
    return new RegistryError({
      code: 'NOT_A_DOCUMENT',
      host: c.host,
      message: `The blob ${digest} of ${repository} ${why}, so Berth does not show it as a document: only image configs and other JSON documents up to ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB are shown. Layers are archives; pull the image to look inside one.`,
    });
  };
  const refused = c.context.notDocuments.get(refusedKey);
  if (refused !== undefined) throw notADocument(refused);
  const tooLarge = `is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`;
  if (c.context.content.get(contentKey(c, repository, digest)) === undefined) {
    // A layer says its size when asked with a HEAD: no byte of it need be read to refuse it.
    const head = await c.auth.send({
      method: 'HEAD',
      url: registryUrl(c, `/v2/${repository}/blobs/${digest}`),
      scopes: [repositoryScope(repository)],
      maxBytes: MAX_SMALL_BODY,
    });
    if (head.status === 200 && Number(head.headers.get('content-length')) > MAX_DOCUMENT_BYTES) throw notADocument(tooLarge);
  }
  let blob: FetchedBlob;
  try {
    blob = await getBlobDocument(c, repository, digest, MAX_DOCUMENT_BYTES);
  } catch (e) {
    if (e instanceof RegistryError && e.code === 'BAD_RESPONSE' && (e.detail as { tooLarge?: boolean } | undefined)?.tooLarge) throw notADocument(tooLarge);
    throw e;
  }
  if (blob.bytes.length > MAX_DOCUMENT_BYTES) throw notADocument(tooLarge);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(blob.bytes);
    JSON.parse(text);
  } catch {
    throw notADocument('is not JSON text');
  }
  return blob;
}
