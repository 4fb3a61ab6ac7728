// Manifests: a HEAD for what a reference points at, a GET verified against its digest, and the
// content cache, whose digest-addressed bytes are served only to a connection the registry let
// read the repository (a HEAD with its own credentials, or a read a moment ago). Where every
// manifest GET is a pull (Docker Hub), a tag is resolved with a HEAD first and served from the
// cache when its digest is there; a GET waits out the pull limit's wait.
import type { CachedContent, DocumentHeaders } from '../context';
import { badResponse } from '../errors';
import { MANIFEST_ACCEPT, digestWithAlgorithmOf, parseManifest, sha256Digest, type ParsedManifest } from '../manifest';
import type { HttpResponse } from '../net/http';
import type { PullLimit } from '../pull-limit';
import { isDigest, isValidDigest } from '../reference';
import { repositoryScope } from '../scope';
import { ALTERED_CONTENT, CONTENT_TTL_MS, MAX_SMALL_BODY, type Connection } from './connection';
import { checkReference, confirm, confirmed, contentKey, documentHeaders, registryUrl } from './connection';
import { failure, notePullLimit, pullLimit, waitForPulls } from './pull-limit';

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export interface FetchedManifest extends ManifestHead {
  /** The bytes as the registry sent them: those whose digest was verified. */
  bytes: Buffer;
  parsed: ParsedManifest;
  warnings: string[];
  /** The headers that came with `bytes`. */
  headers: DocumentHeaders;
}

/** A manifest HEAD, noting what it says of the person's access and of the pull limit. */
export async function headRequest(c: Connection, repository: string, reference: string): Promise<HttpResponse> {
  const url = registryUrl(c, `/v2/${repository}/manifests/${reference}`);
  const res = await c.auth.send({ method: 'HEAD', url, scopes: [repositoryScope(repository)], accept: MANIFEST_ACCEPT, maxBytes: MAX_SMALL_BODY });
  confirm(c, repository, res);
  notePullLimit(c, res);
  return res;
}

export async function headManifest(c: Connection, repository: string, reference: string): Promise<ManifestHead> {
  checkReference(repository, reference);
  const res = await headRequest(c, repository, reference);
  if (res.status === 405 || (res.status === 200 && !res.headers.get('docker-content-digest') && !isDigest(reference))) {
    // Some registries refuse HEAD or leave the digest out: a GET tells (never the cached path).
    const m = await fetchManifest(c, repository, reference);
    return { digest: m.digest, mediaType: m.mediaType, size: m.size };
  }
  if (res.status !== 200) throw failure(c, res, { repository, reference });
  const headerDigest = res.headers.get('docker-content-digest');
  if (headerDigest !== undefined && !isValidDigest(headerDigest))
    throw badResponse(c.host, `${c.host} sent a Docker-Content-Digest that is not a digest; Berth does not use it.`);
  return {
    digest: headerDigest ?? reference,
    mediaType: (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '',
    size: Number(res.headers.get('content-length') ?? 0),
  };
}

/**
 * A manifest by tag or digest. Digest-addressed bytes are shared from the server's cache, but
 * only after a HEAD with this requester's own credentials succeeds. Where reads are pulls, a tag
 * is resolved with a HEAD first too: a HEAD does not count against the pull limit, a GET does.
 */
export async function getManifest(c: Connection, repository: string, reference: string): Promise<FetchedManifest> {
  checkReference(repository, reference);
  if (isDigest(reference) && confirmed(c, repository)) {
    const cached = c.context.content.get(contentKey(c, repository, reference));
    if (cached) {
      c.context.stats.contentHits++;
      return describeManifest(c, contentKey(c, repository, reference), cached, reference, []);
    }
  }
  const headFirst = isDigest(reference) ? c.context.content.get(contentKey(c, repository, reference)) !== undefined : c.traits.readsArePulls;
  if (headFirst) {
    const head = await headRequest(c, repository, reference);
    if (head.status === 200) {
      const named = head.headers.get('docker-content-digest');
      const digest = isDigest(reference) ? reference : named !== undefined && isValidDigest(named) ? named : undefined;
      const cached = digest ? c.context.content.get(contentKey(c, repository, digest)) : undefined;
      if (digest && cached) {
        c.context.stats.contentHits++;
        return describeManifest(c, contentKey(c, repository, digest), cached, digest, head.headers.getAll('warning'));
      }
    } else if (head.status !== 405) {
      throw failure(c, head, { repository, reference });
    }
  }
  return fetchManifest(c, repository, reference);
}

/** GET, verify and cache a manifest. */
async function fetchManifest(c: Connection, repository: string, reference: string): Promise<FetchedManifest> {
  const byDigest = isDigest(reference);
  waitForPulls(c);
  const url = registryUrl(c, `/v2/${repository}/manifests/${reference}`);
  const res = await c.auth.send({ url, scopes: [repositoryScope(repository)], accept: MANIFEST_ACCEPT, maxBytes: MAX_MANIFEST_BYTES });
  notePullLimit(c, res);
  if (res.status !== 200) throw failure(c, res, { repository, reference });
  confirm(c, repository, res);
  const contentType = res.headers.get('content-type');
  const headerDigest = res.headers.get('docker-content-digest');
  const parsed = parseManifest(res.body, contentType ?? undefined, c.host);
  let digest: string;
  if (byDigest) {
    const actual = digestWithAlgorithmOf(reference, res.body);
    if (actual !== undefined && actual !== reference && parsed.kind !== 'legacy') {
      throw badResponse(
        c.host,
        `${c.host} returned a manifest whose content does not match the digest asked for (${reference}); Berth does not show it. ${ALTERED_CONTENT}`,
      );
    }
    digest = reference;
  } else if (headerDigest && !isValidDigest(headerDigest)) {
    // By tag, the header is the digest the tag resolves to: one that is not a digest (another
    // algorithm, endless) cannot be checked, and is not shown or kept beside the bytes.
    throw badResponse(c.host, `${c.host} sent a Docker-Content-Digest that is not a digest; Berth does not use it.`);
  } else if (parsed.kind === 'legacy' && headerDigest) {
    // Signed schema1: the digest covers the payload without signatures, so it cannot be checked
    // here; it goes into links and pull lines, so it must at least be a digest (checked above).
    digest = headerDigest;
  } else {
    const actual = headerDigest ? digestWithAlgorithmOf(headerDigest, res.body) : undefined;
    if (actual !== undefined && actual !== headerDigest) {
      // What `docker pull` by tag would resolve and then refuse: say so rather than show either digest.
      throw badResponse(
        c.host,
        `${c.host} sent ${repository}:${reference} with a Docker-Content-Digest (${headerDigest}) that is not the digest of its content (${actual}); Berth does not show it. ${ALTERED_CONTENT}`,
      );
    }
    digest = actual ?? sha256Digest(res.body);
  }
  const warnings = res.headers.getAll('warning');
  const headers = documentHeaders(res);
  if (parsed.kind !== 'legacy') {
    c.context.content.set(
      contentKey(c, repository, digest),
      { bytes: res.body, mediaType: parsed.mediaType, headers },
      CONTENT_TTL_MS,
      res.body.length + JSON.stringify(headers).length,
    );
  }
  return { digest, mediaType: parsed.mediaType, size: res.body.length, bytes: res.body, parsed, warnings, headers };
}

function describeManifest(c: Connection, key: string, cached: CachedContent, digest: string, warnings: string[]): FetchedManifest {
  const parsed = parsedOf(c, key, cached);
  return { digest, mediaType: parsed.mediaType, size: cached.bytes.length, bytes: cached.bytes, parsed, warnings, headers: cached.headers };
}

/** How many times a manifest's bytes its parsed form is counted as, with the entry it keeps. */
const PARSED_SIZE_FACTOR = 5;

/** A cached manifest parsed: once per entry of the content cache, then shared (frozen) by everyone served that entry. */
function parsedOf(c: Connection, key: string, cached: CachedContent): ParsedManifest {
  const known = c.context.parsedManifests.get(key);
  if (known?.from === cached) return known.parsed;
  const parsed = frozen(parseManifest(cached.bytes, cached.mediaType, c.host));
  c.context.parsedManifests.set(key, { from: cached, parsed }, CONTENT_TTL_MS, PARSED_SIZE_FACTOR * cached.bytes.length);
  return parsed;
}

/** `value` and everything in it frozen: what several requests share cannot be changed by one of them. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) frozen(v);
  }
  return value;
}

/**
 * The pull limit as of now, read from a manifest HEAD (which Docker Hub does not count as a pull).
 * `reference` must exist: the registry reports the limit only on answers that succeed.
 */
export async function checkPullLimit(c: Connection, repository: string, reference: string): Promise<PullLimit | undefined> {
  checkReference(repository, reference);
  const res = await headRequest(c, repository, reference);
  if (res.status !== 200 && res.status !== 429) throw failure(c, res, { repository, reference });
  return pullLimit(c);
}
