// Registry operations — listing, manifests, blobs, referrers — on top of the authoriser
// (auth.ts), which gets each request through the registry's authentication. One client per
// (registry, credentials); cheap to make: everything worth keeping lives in the RegistryContext.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Authorizer, type Verification } from './auth/authorizer';
import type { Credentials, DeletionKind, DocumentHeaders, RegistryContext, RequestScope } from './context';
import { RegistryError, badResponse, parseErrorBody, parseRetryAfter } from './errors';
import type { HttpResponse } from './net/http';
import { HubClient } from './hub';
import { parseNextLink } from './link';
import {
  INDEX_TYPES,
  MANIFEST_ACCEPT,
  MediaType,
  attestationTarget,
  digestWithAlgorithmOf,
  parseManifest,
  parseImageConfig,
  sha256Digest,
  type Descriptor,
  type ImageConfig,
  type ParsedManifest,
} from './manifest';
import { describeWait, readPullLimit, readsArePulls, type PullLimit } from './pull-limit';
import { DOCKER_HUB, isDigest, isValidDigest, isValidRepository, isValidTag, validateDigest, validateRepository, validateTag } from './reference';
import { MAX_LISTED_PLATFORMS, artifactTypeOf, summariseImage, summariseIndex, summariseLegacy, type ManifestSummary } from './summary';
import { deletionErrorFromResponse, errorFromResponse, type Target } from './response-error';
import { CATALOG_SCOPE, repositoryScope, type GrantedAccess } from './scope';
import type { Transport } from './net/transport';
import { secondsToWait, stopWaiting, waitUntil } from './wait';

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
const MAX_SMALL_BODY = 1024 * 1024;
/** The most of a blob the raw-document view reads: configs are far smaller, layers are not documents. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
/** How long a connection is told at once that a blob is no document. */
const NOT_A_DOCUMENT_TTL_MS = 10 * 60_000;
/** An index's platform images read for its summary (the ones it lists): the rest are counted as not read. */
export const MAX_SUMMARISED_CHILDREN = MAX_LISTED_PLATFORMS;
const MAX_LIST_BYTES = 16 * 1024 * 1024;
const MAX_PAGE_SIZE = 1000;
const CONTENT_TTL_MS = 24 * 3600_000;
/** How long a successful read of a repository stands for the connection's right to read it. */
const CONFIRMED_ACCESS_TTL_MS = 60_000;
/** How long Berth trusts what it learnt about how a registry deletes (forgotten at once when a delete fails). */
const DELETION_KIND_TTL_MS = 10 * 60_000;
/** A digest no content can have: deleting it tells whether deletion is on without deleting anything. */
const NO_SUCH_DIGEST = `sha256:${'0'.repeat(64)}`;
/** How long a tag list row trusts what its tag pointed at: a tag moved since shows its old details that long. */
const TAG_DIGEST_TTL_MS = 30_000;
/** How long a pull limit Berth read stays worth showing when the registry names no window. */
const PULL_LIMIT_TTL_MS = 6 * 3600_000;

export interface ClientOptions {
  /** Canonical host ("docker.io", "127.0.0.1:5000"). */
  host: string;
  /** Origin Berth talks to ("https://registry-1.docker.io"). */
  baseUrl: string;
  credentials?: Credentials;
  context: RegistryContext;
  /** Defaults to the network; tests pass a stub. */
  transport?: Transport;
  /** Whose requests these are: their budget of requests in flight, and the signal that they have gone. */
  scope?: RequestScope;
}

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

export interface FetchedBlob {
  bytes: Buffer;
  headers: DocumentHeaders;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page (pass back as `cursor`), null at the end. */
  next: string | null;
  /** Entries of this page left out because they are not valid names (they would make broken links). */
  invalid: number;
}

/** What deleting a tag alone did. */
export interface DeletedTag {
  /** The manifest the tag pointed at. */
  digest: string;
  /** False when the registry removed the manifest (and so every tag on it) with the tag. */
  manifestKept: boolean;
}

export interface Referrers {
  referrers: Descriptor[];
  source: 'api' | 'tag' | 'none';
}

const catalogSchema = z.object({ repositories: z.array(z.unknown()).nullable().optional() });
const tagsSchema = z.object({ name: z.string().optional(), tags: z.array(z.unknown()).nullable().optional() });

/** The next step when a registry's content does not hash to the digest it is known by. */
const ALTERED_CONTENT = "The registry's storage may be damaged, or something between it and Berth alters its answers: tell the registry's owner.";

/** A list answered with something else: most often a web page or a sign-in proxy at the registry's address. */
function unreadableList(host: string, what: Target, why: string): RegistryError {
  return badResponse(
    host,
    `${host} answered the list of ${what.repository ? `tags of ${what.repository}` : 'repositories'} with something that ${why}. Check that ${host} is the registry itself, not a web page or a sign-in proxy in front of it.`,
  );
}

/** A cursor comes from the registry, or from whoever calls Berth: its page size stays within bounds. */
function capped(url: URL): URL {
  const n = url.searchParams.get('n');
  if (n !== null && !(Number(n) >= 1 && Number(n) <= MAX_PAGE_SIZE)) url.searchParams.set('n', String(MAX_PAGE_SIZE));
  return url;
}

/** The headers that say what a document is, as the registry sent them (capped in length). */
function documentHeaders(res: HttpResponse): DocumentHeaders {
  const headers: DocumentHeaders = {};
  const contentType = res.headers.get('content-type');
  const digest = res.headers.get('docker-content-digest');
  const length = res.headers.get('content-length');
  if (contentType !== undefined) headers.contentType = contentType.slice(0, 300);
  if (digest !== undefined) headers.dockerContentDigest = digest.slice(0, 300);
  if (length !== undefined) headers.contentLength = length.slice(0, 30);
  return headers;
}

const succeeded = (res: HttpResponse) => res.status >= 200 && res.status < 300;

/** The strings of a registry's list that are valid names; the rest are counted, not shown. */
function validNames(list: readonly unknown[] | null | undefined, valid: (name: string) => boolean): { items: string[]; invalid: number } {
  const items: string[] = [];
  let invalid = 0;
  for (const entry of list ?? []) {
    if (typeof entry === 'string' && valid(entry)) items.push(entry);
    else if (entry !== null) invalid++;
  }
  return { items, invalid };
}

export class RegistryClient {
  readonly host: string;
  readonly baseUrl: URL;
  /** Docker Hub's API, beside its registry (docker.io only), with the same credentials. */
  readonly hub?: HubClient;
  private readonly auth: Authorizer;
  private readonly context: RegistryContext;
  private readonly signal?: AbortSignal;

  constructor(options: ClientOptions) {
    this.host = options.host;
    this.baseUrl = new URL(options.baseUrl);
    this.context = options.context;
    this.signal = options.scope?.signal;
    this.auth = new Authorizer({
      host: options.host,
      baseUrl: this.baseUrl,
      credentials: options.credentials,
      context: options.context,
      transport: options.transport,
      scope: options.scope,
    });
    if (options.host === DOCKER_HUB) {
      this.hub = new HubClient({
        apiUrl: options.context.policy.dockerHubApiUrl,
        credentials: options.credentials,
        context: options.context,
        transport: options.transport,
        scope: options.scope,
      });
    }
  }

  /** Whether reading a manifest here counts against a pull limit (Docker Hub): then only read when the person asks. */
  get readsArePulls(): boolean {
    return readsArePulls(this.host);
  }

  get anonymous(): boolean {
    return this.auth.anonymous;
  }

  /** Checks the address and credentials at once (sign-in); on Docker Hub, at its API too. */
  async verify(): Promise<Verification> {
    if (this.hub) {
      try {
        await this.hub.verify();
      } catch (e) {
        // Credentials Docker Hub refuses end the sign-in. An API that cannot be reached right now
        // does not: the registry decides, and the views that need the API say what is wrong.
        if (!(e instanceof RegistryError) || e.code === 'UNAUTHORIZED' || e.code === 'ACCESS_TOKEN_REQUIRED') throw e;
      }
    }
    return this.auth.verify();
  }

  /** What the token service granted for these scopes (decoded JWT `access` claim), if known. */
  grantedAccess(scopes: string[]): Promise<GrantedAccess[] | undefined> {
    return this.auth.grantedAccess(scopes);
  }

  private url(path: string, query?: Record<string, string | undefined>): URL {
    const u = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, v);
    return u;
  }

  private failure(res: HttpResponse, what: Target = {}): RegistryError {
    if (res.status === 429 && this.pullLimit()) return this.pullLimitReached(parseRetryAfter(res.headers.get('retry-after')), res.status);
    return errorFromResponse(res, this.auth.requester, what);
  }

  // ---- pull limits -------------------------------------------------------------------------

  /** The pull limit this connection last saw on a manifest answer (Docker Hub reports one). */
  pullLimit(): PullLimit | undefined {
    return this.context.pullLimits.get(this.auth.connectionKey);
  }

  /** Reads the limit a manifest answer reports, for this connection (anonymous: the whole server's). */
  private notePullLimit(res: HttpResponse): void {
    const key = this.auth.connectionKey;
    const limit = readPullLimit(res.status, res.headers, this.context.pullLimits.get(key));
    if (!limit) return;
    const ttl = limit.windowSeconds ? limit.windowSeconds * 1000 : PULL_LIMIT_TTL_MS;
    this.context.pullLimits.set(key, limit, ttl);
    // The time a 429 named holds this connection's manifest GETs back, as long as the limit it came with is known.
    if (limit.retryAt) waitUntil(this.context, key, Math.min(Date.parse(limit.retryAt), Date.now() + ttl));
    else stopWaiting(this.context, key);
  }

  private pullLimitReached(retryAfter: number | undefined, upstreamStatus?: number): RegistryError {
    const limit = this.pullLimit();
    const quota = limit ? ` (${limit.limit}${limit.windowSeconds ? ` per ${describeWait(limit.windowSeconds)}` : ''})` : '';
    const shared = this.anonymous ? ' Everyone using this Berth without signing in shares one limit: sign in to use your own.' : '';
    return new RegistryError({
      code: 'TOOMANYREQUESTS',
      host: this.host,
      ...(upstreamStatus !== undefined ? { upstreamStatus } : {}),
      ...(retryAfter !== undefined ? { retryAfter } : {}),
      message: `${this.host}'s pull limit is used up${quota}. ${retryAfter !== undefined ? `Pulls work again in ${describeWait(retryAfter)}.` : 'Wait a while and try again.'}${shared}`,
    });
  }

  /**
   * The pull limit as of now, read from a manifest HEAD (which Docker Hub does not count as a pull).
   * `reference` must exist: the registry reports the limit only on answers that succeed.
   */
  async checkPullLimit(repository: string, reference: string): Promise<PullLimit | undefined> {
    this.checkReference(repository, reference);
    const res = await this.headRequest(repository, reference);
    if (res.status !== 200 && res.status !== 429) throw this.failure(res, { repository, reference });
    return this.pullLimit();
  }

  // ---- listing -----------------------------------------------------------------------------

  /**
   * One page of a list. `cursor` is what the previous page returned as `next`: the path and query
   * of the registry's own Link (so cursors under any parameter name work, e.g. Quay's), or, for
   * callers that start mid-list, a plain `last` value.
   */
  private async page(path: string, scopes: string[], opts: { n?: number; cursor?: string }, what: Target): Promise<{ body: unknown; next: string | null }> {
    const n = Math.min(Math.max(Math.trunc(opts.n ?? 100), 1), MAX_PAGE_SIZE);
    const fromLink = opts.cursor?.startsWith(`${path}?`) ? opts.cursor : undefined;
    const build = (size: number) => (fromLink ? capped(new URL(fromLink, this.baseUrl)) : this.url(path, { n: String(size), last: opts.cursor || undefined }));
    let url = build(n);
    let res = await this.auth.send({ url, scopes, maxBytes: MAX_LIST_BYTES, accept: 'application/json' });
    if (res.status === 400 && parseErrorBody(res.body)[0]?.code === 'PAGINATION_NUMBER_INVALID' && n > 100 && !fromLink) {
      // Some registries cap page sizes lower than 1000: fall back to their default size.
      url = build(100);
      res = await this.auth.send({ url, scopes, maxBytes: MAX_LIST_BYTES, accept: 'application/json' });
    }
    if (res.status !== 200) throw this.failure(res, what);
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      const page = /^\s*</.test(res.body.subarray(0, 256).toString('utf8')) ? ' (a web page)' : '';
      throw unreadableList(this.host, what, `is not JSON${page}`);
    }
    const link = parseNextLink(res.headers.get('link'), res.url);
    let next: string | null = null;
    if (link) {
      if (link.origin !== res.url.origin) {
        throw badResponse(this.host, `${this.host} sent a pagination link to another host (${link.host}); Berth does not follow it.`);
      }
      if (link.pathname !== path || !link.search) {
        throw badResponse(this.host, `${this.host} sent a pagination link Berth cannot follow (${link.pathname}); the list may be incomplete.`);
      }
      next = `${link.pathname}${link.search}`;
    }
    // A registry that hands back the cursor it was given would page forever.
    return { body, next: next !== null && next !== opts.cursor && next !== url.pathname + url.search ? next : null };
  }

  async listRepositories(opts: { n?: number; cursor?: string } = {}): Promise<Page<string>> {
    if (this.host === DOCKER_HUB) {
      throw new RegistryError({
        code: 'CATALOG_UNSUPPORTED',
        host: this.host,
        message: 'Docker Hub does not list repositories; open one by name (for example library/alpine).',
      });
    }
    let result;
    try {
      result = await this.page('/v2/_catalog', [CATALOG_SCOPE], opts, {});
    } catch (e) {
      if (e instanceof RegistryError && ['DENIED', 'UNAUTHORIZED', 'NAME_UNKNOWN', 'UNSUPPORTED', 'MANIFEST_UNKNOWN'].includes(e.code)) {
        if (e.code === 'UNAUTHORIZED' && this.anonymous) throw e; // signing in may help
        const username = this.auth.requester.username;
        throw new RegistryError({
          code: 'CATALOG_UNSUPPORTED',
          upstreamStatus: e.upstreamStatus,
          registryMessage: e.registryMessage,
          host: this.host,
          message: `${this.host} does not list its repositories${username !== undefined ? ` for ${username}` : ''}; open one by name.`,
        });
      }
      throw e;
    }
    const parsed = catalogSchema.safeParse(result.body);
    if (!parsed.success) throw unreadableList(this.host, {}, 'is not a list of repositories');
    return { ...validNames(parsed.data.repositories, isValidRepository), next: result.next };
  }

  async listTags(repository: string, opts: { n?: number; cursor?: string } = {}): Promise<Page<string>> {
    validateRepository(repository);
    const result = await this.page(`/v2/${repository}/tags/list`, [repositoryScope(repository)], opts, { repository });
    const parsed = tagsSchema.safeParse(result.body);
    if (!parsed.success) throw unreadableList(this.host, { repository }, 'is not a list of tags');
    return { ...validNames(parsed.data.tags, isValidTag), next: result.next };
  }

  // ---- manifests and blobs -------------------------------------------------------------------

  private checkReference(repository: string, reference: string): void {
    validateRepository(repository);
    if (isDigest(reference)) validateDigest(reference);
    else validateTag(reference);
  }

  private contentKey(repository: string, digest: string): string {
    return `${this.baseUrl.origin}|${repository}|${digest}`;
  }

  private accessKey(repository: string): string {
    return `${this.auth.connectionKey}|${repository}`;
  }

  /** The registry just let this connection read `repository`: its cached content may be served to it. */
  private confirm(repository: string, res: HttpResponse): void {
    if (res.status === 200) this.context.confirmedAccess.set(this.accessKey(repository), true, CONFIRMED_ACCESS_TTL_MS);
  }

  private confirmed(repository: string): boolean {
    return this.context.confirmedAccess.get(this.accessKey(repository)) === true;
  }

  private async headRequest(repository: string, reference: string): Promise<HttpResponse> {
    const url = this.url(`/v2/${repository}/manifests/${reference}`);
    const res = await this.auth.send({ method: 'HEAD', url, scopes: [repositoryScope(repository)], accept: MANIFEST_ACCEPT, maxBytes: MAX_SMALL_BODY });
    this.confirm(repository, res);
    this.notePullLimit(res);
    return res;
  }

  async headManifest(repository: string, reference: string): Promise<ManifestHead> {
    this.checkReference(repository, reference);
    const res = await this.headRequest(repository, reference);
    if (res.status === 405 || (res.status === 200 && !res.headers.get('docker-content-digest') && !isDigest(reference))) {
      // Some registries refuse HEAD or leave the digest out: a GET tells (never the cached path).
      const m = await this.fetchManifest(repository, reference);
      return { digest: m.digest, mediaType: m.mediaType, size: m.size };
    }
    if (res.status !== 200) throw this.failure(res, { repository, reference });
    const headerDigest = res.headers.get('docker-content-digest');
    if (headerDigest !== undefined && !isValidDigest(headerDigest))
      throw badResponse(this.host, `${this.host} sent a Docker-Content-Digest that is not a digest; Berth does not use it.`);
    return {
      digest: headerDigest ?? reference,
      mediaType: (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '',
      size: Number(res.headers.get('content-length') ?? 0),
    };
  }

  /**
   * A manifest by tag or digest. Digest-addressed bytes are shared from the server's cache, but
   * only after a HEAD with this requester's own credentials succeeds. On Docker Hub a tag is
   * resolved with a HEAD first too: a HEAD does not count against the pull limit, a GET does.
   */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    this.checkReference(repository, reference);
    if (isDigest(reference) && this.confirmed(repository)) {
      const cached = this.context.content.get(this.contentKey(repository, reference));
      if (cached) {
        this.context.stats.contentHits++;
        return this.describeManifest(cached, reference, []);
      }
    }
    const headFirst = isDigest(reference) ? this.context.content.get(this.contentKey(repository, reference)) !== undefined : this.host === DOCKER_HUB;
    if (headFirst) {
      const head = await this.headRequest(repository, reference);
      if (head.status === 200) {
        const named = head.headers.get('docker-content-digest');
        const digest = isDigest(reference) ? reference : named !== undefined && isValidDigest(named) ? named : undefined;
        const cached = digest ? this.context.content.get(this.contentKey(repository, digest)) : undefined;
        if (digest && cached) {
          this.context.stats.contentHits++;
          return this.describeManifest(cached, digest, head.headers.getAll('warning'));
        }
      } else if (head.status !== 405) {
        throw this.failure(head, { repository, reference });
      }
    }
    return this.fetchManifest(repository, reference);
  }

  /** GET, verify and cache a manifest. */
  private async fetchManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const byDigest = isDigest(reference);
    // After a 429 that said when to come back, asking sooner would only be refused again.
    const wait = secondsToWait(this.context, this.auth.connectionKey);
    if (wait !== undefined) throw this.pullLimitReached(wait);
    const url = this.url(`/v2/${repository}/manifests/${reference}`);
    const res = await this.auth.send({ url, scopes: [repositoryScope(repository)], accept: MANIFEST_ACCEPT, maxBytes: MAX_MANIFEST_BYTES });
    this.notePullLimit(res);
    if (res.status !== 200) throw this.failure(res, { repository, reference });
    this.confirm(repository, res);
    const contentType = res.headers.get('content-type');
    const headerDigest = res.headers.get('docker-content-digest');
    const parsed = parseManifest(res.body, contentType ?? undefined, this.host);
    let digest: string;
    if (byDigest) {
      const actual = digestWithAlgorithmOf(reference, res.body);
      if (actual !== undefined && actual !== reference && parsed.kind !== 'legacy') {
        throw badResponse(
          this.host,
          `${this.host} returned a manifest whose content does not match the digest asked for (${reference}); Berth does not show it. ${ALTERED_CONTENT}`,
        );
      }
      digest = reference;
    } else if (headerDigest && !isValidDigest(headerDigest)) {
      // By tag, the header is the digest the tag resolves to: one that is not a digest (another
      // algorithm, endless) cannot be checked, and is not shown or kept beside the bytes.
      throw badResponse(this.host, `${this.host} sent a Docker-Content-Digest that is not a digest; Berth does not use it.`);
    } else if (parsed.kind === 'legacy' && headerDigest) {
      // Signed schema1: the digest covers the payload without signatures, so it cannot be checked
      // here; it goes into links and pull lines, so it must at least be a digest (checked above).
      digest = headerDigest;
    } else {
      const actual = headerDigest ? digestWithAlgorithmOf(headerDigest, res.body) : undefined;
      if (actual !== undefined && actual !== headerDigest) {
        // What `docker pull` by tag would resolve and then refuse: say so rather than show either digest.
        throw badResponse(
          this.host,
          `${this.host} sent ${repository}:${reference} with a Docker-Content-Digest (${headerDigest}) that is not the digest of its content (${actual}); Berth does not show it. ${ALTERED_CONTENT}`,
        );
      }
      digest = actual ?? sha256Digest(res.body);
    }
    const warnings = res.headers.getAll('warning');
    const headers = documentHeaders(res);
    if (parsed.kind !== 'legacy') {
      this.context.content.set(
        this.contentKey(repository, digest),
        { bytes: res.body, mediaType: parsed.mediaType, headers },
        CONTENT_TTL_MS,
        res.body.length + JSON.stringify(headers).length,
      );
    }
    return { digest, mediaType: parsed.mediaType, size: res.body.length, bytes: res.body, parsed, warnings, headers };
  }

  private describeManifest(cached: { bytes: Buffer; mediaType: string; headers: DocumentHeaders }, digest: string, warnings: string[]): FetchedManifest {
    const parsed = parseManifest(cached.bytes, cached.mediaType, this.host);
    return { digest, mediaType: parsed.mediaType, size: cached.bytes.length, bytes: cached.bytes, parsed, warnings, headers: cached.headers };
  }

  /** Fetches a (small) blob by digest, verifying its content. Redirects go out without Authorization. */
  async getBlob(repository: string, digest: string, maxBytes = MAX_CONFIG_BYTES): Promise<Buffer> {
    return (await this.getBlobDocument(repository, digest, maxBytes)).bytes;
  }

  /**
   * A blob shown as a document (the raw view of a config): read only up to MAX_DOCUMENT_BYTES,
   * and only if it is UTF-8 JSON. A layer, or anything larger, is refused with NOT_A_DOCUMENT
   * before it is turned into text, so asking for a large layer costs Berth a megabyte at most.
   */
  async getJsonDocument(repository: string, digest: string): Promise<FetchedBlob> {
    validateRepository(repository);
    validateDigest(digest);
    // What this connection already learnt is not a document is not read again (an attacker asking
    // for the same layer over and over costs one read).
    const refusedKey = `${this.accessKey(repository)}|${digest}`;
    const notADocument = (why: string) => {
      this.context.notDocuments.set(refusedKey, why, NOT_A_DOCUMENT_TTL_MS, why.length);
      return new RegistryError({
        code: 'NOT_A_DOCUMENT',
        host: this.host,
        message: `The blob ${digest} of ${repository} ${why}, so Berth does not show it as a document: only image configs and other JSON documents up to ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB are shown. Layers are archives; pull the image to look inside one.`,
      });
    };
    const refused = this.context.notDocuments.get(refusedKey);
    if (refused !== undefined) throw notADocument(refused);
    const tooLarge = `is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`;
    if (this.context.content.get(this.contentKey(repository, digest)) === undefined) {
      // A layer says its size when asked with a HEAD: no byte of it need be read to refuse it.
      const head = await this.auth.send({
        method: 'HEAD',
        url: this.url(`/v2/${repository}/blobs/${digest}`),
        scopes: [repositoryScope(repository)],
        maxBytes: MAX_SMALL_BODY,
      });
      if (head.status === 200 && Number(head.headers.get('content-length')) > MAX_DOCUMENT_BYTES) throw notADocument(tooLarge);
    }
    let blob: FetchedBlob;
    try {
      blob = await this.getBlobDocument(repository, digest, MAX_DOCUMENT_BYTES);
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

  /** A blob's verified bytes with the headers they came with. */
  async getBlobDocument(repository: string, digest: string, maxBytes = MAX_CONFIG_BYTES): Promise<FetchedBlob> {
    validateRepository(repository);
    validateDigest(digest);
    const key = this.contentKey(repository, digest);
    const cached = this.context.content.get(key);
    const url = this.url(`/v2/${repository}/blobs/${digest}`);
    const scopes = [repositoryScope(repository)];
    if (cached && cached.bytes.length > maxBytes) {
      throw new RegistryError({
        code: 'BAD_RESPONSE',
        host: this.host,
        detail: { tooLarge: true },
        message: `The blob ${digest} is larger than Berth reads here.`,
      });
    }
    if (cached && this.confirmed(repository)) {
      this.context.stats.contentHits++;
      return cached;
    }
    if (cached) {
      const head = await this.auth.send({ method: 'HEAD', url, scopes, maxBytes: MAX_SMALL_BODY });
      this.confirm(repository, head);
      if (head.status === 200) {
        this.context.stats.contentHits++;
        return cached;
      }
      if (head.status !== 405) throw this.failure(head, { repository, reference: digest });
    }
    const res = await this.auth.send({ url, scopes, maxBytes });
    if (res.status !== 200) throw this.failure(res, { repository, reference: digest });
    this.confirm(repository, res);
    const actual = digestWithAlgorithmOf(digest, res.body);
    if (actual !== undefined && actual !== digest) {
      throw badResponse(
        this.host,
        `${this.host} returned a blob whose content does not match its digest ${digest}; Berth does not show it. ${ALTERED_CONTENT}`,
      );
    }
    const headers = documentHeaders(res);
    this.context.content.set(
      key,
      { bytes: res.body, mediaType: 'application/octet-stream', headers },
      CONTENT_TTL_MS,
      res.body.length + JSON.stringify(headers).length,
    );
    return { bytes: res.body, headers };
  }

  // ---- summaries (tag rows, index rows) ----------------------------------------------------------

  /**
   * What a tag points at, summarised: one HEAD for the digest (shared by this connection's
   * concurrent asks, and trusted for TAG_DIGEST_TTL_MS), the rest by digest from the caches.
   * `fresh` asks the registry whatever was known (finding the tags a delete takes with it: a tag
   * moved onto the digest seconds ago must be named), and keeps the answer for the rows.
   */
  async describeTag(repository: string, tag: string, options: { fresh?: boolean; pulls?: boolean } = {}): Promise<ManifestSummary> {
    validateRepository(repository);
    validateTag(tag);
    const key = `${this.accessKey(repository)}|${tag}`;
    const known = options.fresh ? undefined : this.context.tagDigests.get(key);
    if (known !== undefined) return this.describeDigest(repository, known);
    const digest = await this.context.once(
      `tag|${options.fresh ? 'fresh|' : ''}${key}`,
      async () => {
        const head = await this.headManifest(repository, tag);
        this.context.tagDigests.set(key, head.digest, TAG_DIGEST_TTL_MS, head.digest.length);
        return head.digest;
      },
      // The key is this connection's: its failures are its own too.
      { signal: this.signal, shareFailures: true },
    );
    return this.describeDigest(repository, digest, options);
  }

  /**
   * A manifest by digest, summarised (kind, compressed size, created, platforms). Digest-addressed,
   * so cached for everyone, but served only to a connection the registry recently let read the
   * repository.
   */
  async describeDigest(repository: string, digest: string, options: { pulls?: boolean } = {}): Promise<ManifestSummary> {
    validateRepository(repository);
    validateDigest(digest);
    const key = this.contentKey(repository, digest);
    if (this.readsArePulls && !options.pulls && this.context.content.get(key) === undefined) {
      // Reading it would be a pull from the person's limit (or the server's, anonymously).
      throw new RegistryError({
        code: 'COSTS_A_PULL',
        host: this.host,
        message: `Reading ${digest.slice(0, 19)}… from ${this.host} counts as a pull against its pull limit, so Berth reads it only when you ask: open it, or load the details on its page.`,
      });
    }
    const compute = async () => {
      const summary = await this.summarise(repository, await this.getManifest(repository, digest));
      this.context.summaries.set(key, summary, CONTENT_TTL_MS, JSON.stringify(summary).length);
      return summary;
    };
    if (!this.confirmed(repository)) return compute(); // getManifest asks the registry first
    // Confirmed: the cached summary, or the one being computed right now for anyone.
    return this.context.summaries.get(key) ?? this.context.once(`summary|${key}`, compute, { signal: this.signal });
  }

  private async summarise(repository: string, m: FetchedManifest): Promise<ManifestSummary> {
    const parsed = m.parsed;
    if (parsed.kind === 'legacy') return summariseLegacy(m.digest, parsed);
    if (parsed.kind === 'image') {
      const config = artifactTypeOf(parsed) === undefined ? await this.imageConfig(repository, parsed.manifest.config.digest) : undefined;
      return summariseImage(m.digest, parsed, config);
    }
    // An index: each platform image by digest, side by side (the limiter bounds the fan-out), the
    // first MAX_SUMMARISED_CHILDREN of them; none where every read is a pull (the person asks for those).
    const children = new Map<string, ManifestSummary>();
    const images = parsed.manifest.manifests.filter((d) => attestationTarget(d) === undefined && !INDEX_TYPES.has(d.mediaType));
    const read = this.readsArePulls ? [] : images.slice(0, MAX_SUMMARISED_CHILDREN);
    await Promise.all(
      read.map(async (d) => {
        try {
          children.set(d.digest, await this.describeDigest(repository, d.digest));
        } catch (e) {
          if (!(e instanceof RegistryError) || e.code === 'CANCELLED') throw e; // a child that cannot be read leaves its row without size
        }
      }),
    );
    return summariseIndex(m.digest, parsed, children, images.length - read.length);
  }

  /** An image config, or undefined when it cannot be read (the summary then has no date). */
  private async imageConfig(repository: string, digest: string): Promise<ImageConfig | undefined> {
    try {
      return parseImageConfig(await this.getBlob(repository, digest), this.host);
    } catch (e) {
      // A person who left is no reason for a summary without a date: it would be kept for everyone.
      if (e instanceof RegistryError && e.code !== 'CANCELLED') return undefined;
      throw e;
    }
  }

  // ---- deletion ----------------------------------------------------------------------------------
  // The delete right is asked for here only, once the person has chosen to delete (docs/protocol.md
  // "Deleting").

  private sendDelete(repository: string, reference: string): Promise<HttpResponse> {
    const url = this.url(`/v2/${repository}/manifests/${reference}`);
    return this.auth.send({ method: 'DELETE', url, scopes: [repositoryScope(repository, ['pull', 'delete'])], maxBytes: MAX_SMALL_BODY });
  }

  /**
   * Whether this person may delete in `repository`, and whether the registry deletes a tag alone
   * ('tag') or only a manifest with every tag on it ('digest'), learnt without deleting anything:
   * a DELETE of a tag nobody made (a random name). A registry that deletes tags looks it up and
   * answers 404; distribution 2.x answers 400 DIGEST_INVALID (it deletes by digest only); 405 means
   * tag deletion or all deletion is off, and a DELETE of a digest no content can have tells which.
   * A refusal (DENIED, UNSUPPORTED, sign in) is thrown.
   */
  async deletionKind(repository: string): Promise<DeletionKind> {
    validateRepository(repository);
    const what = { repository };
    const res = await this.sendDelete(repository, `berth-probe-${randomBytes(12).toString('hex')}`);
    const code = parseErrorBody(res.body)[0]?.code;
    let kind: DeletionKind;
    if (succeeded(res) || (res.status === 404 && code !== 'NAME_UNKNOWN')) kind = 'tag';
    else if (res.status === 400) kind = 'digest';
    else if (res.status === 405 || code === 'UNSUPPORTED') {
      const byDigest = await this.sendDelete(repository, NO_SUCH_DIGEST);
      if (!succeeded(byDigest) && byDigest.status !== 404) throw deletionErrorFromResponse(byDigest, this.auth.requester, what);
      kind = 'digest';
    } else throw deletionErrorFromResponse(res, this.auth.requester, what);
    this.context.deletionKinds.set(this.baseUrl.origin, kind, DELETION_KIND_TTL_MS);
    return kind;
  }

  /**
   * Deletes a manifest by digest. On most registries every tag on it goes with it: the caller
   * names them to the person first. What the caches held of it is dropped.
   */
  async deleteManifest(repository: string, digest: string): Promise<void> {
    validateRepository(repository);
    validateDigest(digest);
    const res = await this.sendDelete(repository, digest);
    if (!succeeded(res)) throw deletionErrorFromResponse(res, this.auth.requester, { repository, reference: digest });
    const key = this.contentKey(repository, digest);
    this.context.content.delete(key);
    this.context.summaries.delete(key);
  }

  /**
   * Deletes one tag and nothing else, only on a registry known to delete tags alone (learnt by
   * `deletionKind`): elsewhere a DELETE by tag is refused, or worse, so it is never sent. Afterwards
   * the manifest the tag pointed at is looked up again: a registry may have removed it, and every
   * other tag on it, with the tag, and the person must hear so.
   */
  async deleteTag(repository: string, tag: string): Promise<DeletedTag> {
    validateRepository(repository);
    validateTag(tag);
    const origin = this.baseUrl.origin;
    const kind = this.context.deletionKinds.get(origin) ?? (await this.deletionKind(repository));
    const alone = new RegistryError({
      code: 'UNSUPPORTED',
      host: this.host,
      message: `${this.host} cannot delete a tag alone: deleting removes the manifest and every tag on it. Nothing was deleted.`,
    });
    if (kind !== 'tag') throw alone;
    const { digest } = await this.headManifest(repository, tag);
    const res = await this.sendDelete(repository, tag);
    if (res.status === 400) {
      this.context.deletionKinds.set(origin, 'digest', DELETION_KIND_TTL_MS);
      throw alone;
    }
    if (!succeeded(res)) {
      // What was learnt may no longer hold: the next delete asks the registry again.
      this.context.deletionKinds.delete(origin);
      throw deletionErrorFromResponse(res, this.auth.requester, { repository, reference: tag });
    }
    const after = await this.headRequest(repository, digest);
    const manifestKept = after.status === 200;
    if (!manifestKept) {
      const key = this.contentKey(repository, digest);
      this.context.content.delete(key);
      this.context.summaries.delete(key);
    }
    return { digest, manifestKept };
  }

  /** OCI referrers API, falling back to the `sha256-<hex>` tag schema (distribution-spec "Referrers"). */
  async getReferrers(repository: string, digest: string, artifactType?: string): Promise<Referrers> {
    validateRepository(repository);
    validateDigest(digest);
    const filter = (list: Descriptor[]) => (artifactType ? list.filter((d) => d.artifactType === artifactType) : list);
    const url = this.url(`/v2/${repository}/referrers/${digest}`, { artifactType });
    const res = await this.auth.send({ url, scopes: [repositoryScope(repository)], accept: MediaType.OciIndex, maxBytes: MAX_MANIFEST_BYTES });
    const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim();
    if (res.status === 200 && type === MediaType.OciIndex) {
      const parsed = parseManifest(res.body, type, this.host);
      if (parsed.kind === 'index') return { referrers: filter(parsed.manifest.manifests), source: 'api' };
    }
    if (res.status !== 200 && res.status !== 404 && res.status !== 400 && res.status !== 405) throw this.failure(res, { repository, reference: digest });
    // OCI distribution-spec "Referrers Tag Schema": <alg>-<ref>, alg ≤ 32 and ref ≤ 64 characters.
    const [alg = '', encoded = ''] = digest.split(':');
    const fallbackTag = `${alg.slice(0, 32)}-${encoded.slice(0, 64)}`;
    try {
      const m = await this.getManifest(repository, fallbackTag);
      if (m.parsed.kind === 'index') return { referrers: filter(m.parsed.manifest.manifests), source: 'tag' };
      return { referrers: [], source: 'none' };
    } catch (e) {
      if (e instanceof RegistryError && (e.code === 'MANIFEST_UNKNOWN' || e.code === 'NAME_UNKNOWN' || e.upstreamStatus === 404)) {
        return { referrers: [], source: 'none' };
      }
      throw e;
    }
  }
}
