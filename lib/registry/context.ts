// Process-wide state shared by every registry client of one server: the address policy, the
// caches and the counters. What each cache may share between people is explained in
// docs/architecture.md ("Caches").
import { BoundedCache } from './cache';
import { RegistryError } from './errors';
import { UpstreamLimiter, type LimiterOptions } from './limiter';
import type { AddressPolicy } from './policy';
import { createResolver, type ResolveName } from './resolve';
import type { ParsedManifest } from './manifest';
import type { PullLimit } from './pull-limit';
import type { GrantedAccess } from './scope';
import type { ManifestSummary } from './summary';
import type { TocEntry } from './layers/tar';
import type { ImageFilesystem } from './client/files';
import { SharedWork } from './shared-work';

const MiB = 1024 * 1024;

/**
 * Who a request is for: `client` names the person (their session, or their address when
 * anonymous; never their credentials) whose budget of requests in flight it uses, and `signal`
 * ends the work when they have gone (closed the page, cancelled).
 */
export interface RequestScope {
  client: string;
  signal?: AbortSignal;
}

export interface Credentials {
  username: string;
  password: string;
}

/** How a registry wants to be spoken to, learnt from `GET /v2/`. */
export type PingResult = { scheme: 'none' } | { scheme: 'basic' } | { scheme: 'bearer'; realm: string; service?: string };

/** 'tag': the registry deletes a tag alone (OCI distribution-spec 1.1); 'digest': a DELETE removes the manifest and every tag on it. */
export type DeletionKind = 'tag' | 'digest';

export interface CachedToken {
  token: string;
  access?: GrantedAccess[];
}

/** The response headers that say what a document is, as the registry sent them with its bytes. */
export interface DocumentHeaders {
  contentType?: string;
  dockerContentDigest?: string;
  contentLength?: string;
}

export interface CachedContent {
  bytes: Buffer;
  mediaType: string;
  headers: DocumentHeaders;
}

/** Make one per server. */
export class RegistryContext {
  readonly policy: AddressPolicy;
  readonly timeoutMs: number;
  /** Registry tokens keyed by connection (origin + credentials), realm, service and scopes, and Hub API tokens by connection: never shared between people. */
  readonly tokens = new BoundedCache<CachedToken>({ maxEntries: 2000, maxBytes: 16 * MiB });
  /** Keyed by origin: how a registry authenticates is the same for everyone. */
  readonly pings = new BoundedCache<PingResult>({ maxEntries: 500, maxBytes: 1 * MiB });
  /** Digest-addressed bytes; served only after the registry confirms the requester's access. */
  readonly content = new BoundedCache<CachedContent>({ maxEntries: 5000, maxBytes: 64 * MiB });
  /**
   * Manifests of `content` as parsed and validated the first time they were served from it, each
   * with the entry it was read from (used only with that same entry): a cached manifest is not
   * parsed again at each request. Shared like `content`, so frozen. Sized at five times the
   * manifest's bytes: the entry it keeps, and the parsed form, which takes a few times its JSON.
   */
  readonly parsedManifests = new BoundedCache<{ from: CachedContent; parsed: ParsedManifest }>({ maxEntries: 5000, maxBytes: 32 * MiB });
  /** Summaries of digest-addressed manifests (size, created, platforms), shared like `content`. */
  readonly summaries = new BoundedCache<ManifestSummary>({ maxEntries: 50_000, maxBytes: 16 * MiB });
  /**
   * Repositories the registry recently let a connection read (keyed by connection and
   * repository): digest-addressed content of those repositories may be served to that connection
   * from `content` without asking the registry again. Kept no longer than a token is reused.
   */
  readonly confirmedAccess = new BoundedCache<true>({ maxEntries: 20_000, maxBytes: 8 * MiB });
  /**
   * Keyed by origin: whether a registry deletes a tag alone or only a manifest with every tag on it
   * (client.ts `deletionKind`). How a registry behaves is the same for everyone; who may delete is not
   * kept.
   */
  readonly deletionKinds = new BoundedCache<DeletionKind>({ maxEntries: 500, maxBytes: 256 * 1024 });
  /**
   * Keyed by origin: registries found to have no referrers API (a 404 that is no registry's
   * error, or a 405), whose referrers are read from the referrers tag at once for a while.
   */
  readonly withoutReferrersApi = new BoundedCache<true>({ maxEntries: 500, maxBytes: 256 * 1024 });
  /**
   * The digest a tag pointed at a few seconds ago, per connection, repository and tag: the rows of
   * a tag list asked for again (the page's own prefetch, then the browser; a revisit) cost no HEAD.
   * Views of a tag itself always ask the registry.
   */
  readonly tagDigests = new BoundedCache<string>({ maxEntries: 50_000, maxBytes: 16 * MiB });
  /**
   * The pull limit each connection last saw on a manifest answer (Docker Hub's ratelimit headers).
   * Keyed by connection like tokens: the anonymous connection's is the whole server's, shared.
   */
  readonly pullLimits = new BoundedCache<PullLimit>({ maxEntries: 5000, maxBytes: 2 * MiB });
  /**
   * Until when (ms since the epoch) a connection was asked to wait by a 429 that named a time:
   * asking sooner would only be refused again (wait.ts). Docker Hub's API connections wait with
   * every request; registry connections with the manifest GETs a pull limit holds back. Keyed by
   * connection.
   */
  readonly waits = new BoundedCache<number>({ maxEntries: 5000, maxBytes: 1 * MiB });
  /** Blobs a connection asked to see as documents that are none (a layer): why, keyed by connection, repository and digest. */
  readonly notDocuments = new BoundedCache<string>({ maxEntries: 5000, maxBytes: 2 * MiB });
  /**
   * Tables of contents of layers (their files), by origin, repository and layer digest: shared like
   * `content`, served only to a connection the registry recently let read the repository. Sized by
   * an estimate of what each table holds.
   */
  readonly layerTocs = new BoundedCache<TocEntry[]>({ maxEntries: 500, maxBytes: 128 * MiB });
  /**
   * Images' filesystems merged from their layers' tables of contents, by origin, repository and
   * image manifest digest: served only after every layer's table was (which checks access).
   */
  readonly mergedImages = new BoundedCache<ImageFilesystem>({ maxEntries: 50, maxBytes: 64 * MiB });
  /** Layers being read right now: two at once in all, one per person, a few waiting. */
  readonly layerReads = new UpstreamLimiter({ perOrigin: 2, total: 2, perClient: 1, queuedPerClient: 4, queuedTotal: 32 });
  /** Scans of layers for their tables of contents: one per layer however many wait, with how far each has got. */
  readonly layerScans = new SharedWork<TocEntry[], TocEntry>();
  /** How many requests may be in flight to one registry, and in all. */
  readonly limiter: UpstreamLimiter;
  /** Resolves registry names to addresses (lib/registry/resolve.ts). */
  readonly resolve: ResolveName;
  private readonly inflight = new Map<string, Promise<unknown>>();
  readonly stats = { tokenFetches: 0, requests: 0, pings: 0, contentHits: 0 };

  constructor(options: {
    policy: AddressPolicy;
    timeoutMs?: number;
    concurrency?: Partial<LimiterOptions>;
    /** DNS servers to ask instead of the system's (tests). */
    dnsServers?: string[];
  }) {
    this.policy = options.policy;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.limiter = new UpstreamLimiter(options.concurrency);
    // A name is given up in time for the request to say so (half its deadline, five seconds at most).
    this.resolve = createResolver({ servers: options.dnsServers, timeoutMs: Math.min(this.timeoutMs / 2, 5000) });
  }

  /**
   * Shares one fetch between concurrent requests that need the same thing (a token, a summary).
   * `key` must say whose it is where the result is not for everyone. Only a success is shared
   * with the others waiting: after a failure (which may name the person who asked first, or be
   * theirs alone, such as their leaving) each of them fetches on their own, unless `shareFailures`
   * says the key is one person's anyway. Whoever has gone (`signal`) stops waiting.
   */
  once<T>(key: string, fetcher: () => Promise<T>, options: { signal?: AbortSignal; shareFailures?: boolean } = {}): Promise<T> {
    const running = this.inflight.get(key) as Promise<T> | undefined;
    if (running) {
      return running.catch((e: unknown) => {
        if (options.signal?.aborted) throw new RegistryError({ code: 'CANCELLED', message: 'The request was cancelled.' });
        if (options.shareFailures && !(e instanceof RegistryError && e.code === 'CANCELLED')) throw e;
        return fetcher();
      });
    }
    const p = fetcher().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }
}
