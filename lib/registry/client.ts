// A registry client that does what mature clients do (go-containerregistry's bearer transport,
// regclient, containerd's authorizer): ping once, read the challenge, fetch and cache tokens per
// (connection, realm, service, scopes), merge scopes on insufficient_scope, drop tokens on
// invalid_token, retry once, never loop. One instance per (registry, credentials); cheap to make.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BoundedCache } from './cache';
import { findChallenge, parseChallenges, type Challenge } from './challenge';
import { RegistryError, parseErrorBody, parseRetryAfter, type UpstreamError } from './errors';
import { send, type HttpResponse } from './http';
import { parseNextLink } from './link';
import {
  MANIFEST_ACCEPT,
  MediaType,
  digestWithAlgorithmOf,
  parseManifest,
  sha256Digest,
  type Descriptor,
  type ParsedManifest,
} from './manifest';
import type { AddressPolicy } from './policy';
import { DOCKER_HUB, isDigest, validateDigest, validateRepository, validateTag } from './reference';
import { CATALOG_SCOPE, decodeGrantedAccess, mergeScopes, repositoryScope, type GrantedAccess } from './scope';

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
const MAX_SMALL_BODY = 1024 * 1024;
const MAX_PAGE_SIZE = 1000;
const MAX_REDIRECTS = 5;

export interface Credentials {
  username: string;
  password: string;
}

type PingResult =
  | { scheme: 'none' }
  | { scheme: 'basic' }
  | { scheme: 'bearer'; realm: string; service?: string };

interface CachedToken {
  token: string;
  access?: GrantedAccess[];
}

interface CachedContent {
  bytes: Buffer;
  mediaType: string;
}

/** Process-wide state shared by clients: policy, caches, counters. Make one per server. */
export class RegistryContext {
  readonly policy: AddressPolicy;
  readonly timeoutMs: number;
  readonly tokens = new BoundedCache<CachedToken>({ maxEntries: 2000 });
  readonly pings = new BoundedCache<PingResult>({ maxEntries: 500 });
  /** Digest-addressed bytes; served only after the registry confirms the requester's access. */
  readonly content = new BoundedCache<CachedContent>({ maxEntries: 5000, maxSize: 64 * 1024 * 1024 });
  private readonly inflightTokens = new Map<string, Promise<CachedToken>>();
  readonly stats = { tokenFetches: 0, requests: 0, pings: 0, contentHits: 0 };

  constructor(options: { policy: AddressPolicy; timeoutMs?: number }) {
    this.policy = options.policy;
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** Shares one token fetch between concurrent requests that need the same token. */
  dedupeToken(key: string, fetcher: () => Promise<CachedToken>): Promise<CachedToken> {
    const running = this.inflightTokens.get(key);
    if (running) return running;
    const p = fetcher().finally(() => this.inflightTokens.delete(key));
    this.inflightTokens.set(key, p);
    return p;
  }
}

export interface ClientOptions {
  /** Canonical host ("docker.io", "127.0.0.1:5000"). */
  host: string;
  /** Origin Berth talks to ("https://registry-1.docker.io"). */
  baseUrl: string;
  credentials?: Credentials;
  context: RegistryContext;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export interface FetchedManifest extends ManifestHead {
  bytes: Buffer;
  parsed: ParsedManifest;
  warnings: string[];
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page (pass back as `cursor`), null at the end. */
  next: string | null;
}

export interface Referrers {
  referrers: Descriptor[];
  source: 'api' | 'tag' | 'none';
}

interface RequestSpec {
  method?: 'GET' | 'HEAD';
  url: URL;
  scopes: string[];
  accept?: string;
  maxBytes: number;
}

const tokenResponseSchema = z.object({
  token: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
  issued_at: z.string().optional(),
});

const catalogSchema = z.object({ repositories: z.array(z.unknown()).nullable().optional() });
const tagsSchema = z.object({ name: z.string().optional(), tags: z.array(z.unknown()).nullable().optional() });

const isRedirect = (status: number) => status === 301 || status === 302 || status === 303 || status === 307 || status === 308;

export class RegistryClient {
  readonly host: string;
  readonly baseUrl: URL;
  private readonly credentials?: Credentials;
  private readonly context: RegistryContext;
  /** Identifies the connection in cache keys without holding the secret itself. */
  private readonly connectionKey: string;

  constructor(options: ClientOptions) {
    this.host = options.host;
    this.baseUrl = new URL(options.baseUrl);
    this.credentials = options.credentials?.username ? options.credentials : undefined;
    this.context = options.context;
    this.connectionKey = this.credentials
      ? createHash('sha256').update(`${this.baseUrl.origin}\0${this.credentials.username}\0${this.credentials.password}`).digest('hex')
      : `anonymous@${this.baseUrl.origin}`;
  }

  get anonymous(): boolean {
    return this.credentials === undefined;
  }

  private url(path: string, query?: Record<string, string | undefined>): URL {
    const u = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, v);
    return u;
  }

  // ---- transport -------------------------------------------------------------------------

  /** Sends, following redirects; Authorization goes only to the origin it was meant for. */
  private async sendFollowing(url: URL, method: 'GET' | 'HEAD', headers: Record<string, string>, maxBytes: number): Promise<HttpResponse> {
    let current = url;
    let currentHeaders = headers;
    for (let hop = 0; ; hop++) {
      this.context.stats.requests++;
      const res = await send(this.context.policy, { url: current, method, headers: currentHeaders, maxBytes, timeoutMs: this.context.timeoutMs });
      const location = res.headers.get('location');
      if (!isRedirect(res.status) || !location) return res;
      if (hop >= MAX_REDIRECTS) {
        throw new RegistryError({ code: 'BAD_RESPONSE', status: 502, host: this.host, message: `${this.host} redirected more than ${MAX_REDIRECTS} times; Berth stopped following.` });
      }
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new RegistryError({ code: 'BAD_RESPONSE', status: 502, host: this.host, message: `${this.host} redirected to an address that is not a valid URL; Berth cannot follow it.` });
      }
      if (next.origin !== current.origin) {
        const { authorization: _dropped, ...rest } = currentHeaders;
        currentHeaders = rest;
      }
      current = next;
    }
  }

  // ---- auth --------------------------------------------------------------------------------

  async ping(): Promise<PingResult> {
    const key = `${this.baseUrl.origin}`;
    const cached = this.context.pings.get(key);
    if (cached) return cached;
    this.context.stats.pings++;
    const url = this.url('/v2/');
    const res = await this.sendFollowing(url, 'GET', {}, MAX_SMALL_BODY);
    let result: PingResult;
    if (res.status >= 200 && res.status < 300) {
      result = { scheme: 'none' };
    } else if (res.status === 401) {
      result = pingFromChallenges(parseChallenges(res.headers.getAll('www-authenticate')), res.url);
    } else if (res.status === 429 || res.status >= 500) {
      throw this.errorFrom(res, {});
    } else {
      throw new RegistryError({
        code: 'NOT_A_REGISTRY',
        status: 502,
        upstreamStatus: res.status,
        host: this.host,
        message: `${this.host} answered /v2/ with HTTP ${res.status}: it does not look like a container registry. Check the address.`,
      });
    }
    this.context.pings.set(key, result, 10 * 60_000);
    return result;
  }

  private tokenKey(ping: { realm: string; service?: string }, scopes: readonly string[]): string {
    return `${this.connectionKey}|${ping.realm}|${ping.service ?? ''}|${[...scopes].sort().join(' ')}`;
  }

  private async token(ping: { realm: string; service?: string }, scopes: readonly string[]): Promise<CachedToken> {
    const key = this.tokenKey(ping, scopes);
    const cached = this.context.tokens.get(key);
    if (cached) return cached;
    return this.context.dedupeToken(key, () => this.fetchToken(ping, scopes, key));
  }

  private async fetchToken(ping: { realm: string; service?: string }, scopes: readonly string[], key: string): Promise<CachedToken> {
    const realm = new URL(ping.realm, this.baseUrl);
    if (ping.service) realm.searchParams.set('service', ping.service);
    for (const s of scopes) realm.searchParams.append('scope', s);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.credentials) {
      realm.searchParams.set('account', this.credentials.username);
      headers.authorization = basicAuth(this.credentials);
    }
    this.context.stats.tokenFetches++;
    const res = await this.sendFollowing(realm, 'GET', headers, MAX_SMALL_BODY);
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError({
        code: 'UNAUTHORIZED',
        status: 401,
        upstreamStatus: res.status,
        host: this.host,
        registryMessage: parseErrorBody(res.body)[0]?.message,
        message: this.credentials
          ? `${this.host} rejected the username or password (or token). Check them and sign in again.`
          : `${this.host} does not allow anonymous access. Sign in to continue.`,
      });
    }
    if (res.status !== 200) {
      const err = this.errorFrom(res, {});
      throw new RegistryError({
        code: err.code === 'UNKNOWN' ? 'BAD_RESPONSE' : err.code,
        status: 502,
        upstreamStatus: res.status,
        retryAfter: err.retryAfter,
        host: this.host,
        message: `The token service for ${this.host} (${realm.host}) answered HTTP ${res.status}. ${err.retryAfter ? `Try again in ${err.retryAfter} s.` : 'Try again in a moment.'}`,
      });
    }
    let body: z.infer<typeof tokenResponseSchema>;
    try {
      body = tokenResponseSchema.parse(JSON.parse(res.body.toString('utf8')));
    } catch {
      throw new RegistryError({ code: 'BAD_RESPONSE', status: 502, host: this.host, message: `The token service for ${this.host} (${realm.host}) sent a response Berth cannot read.` });
    }
    const token = body.token || body.access_token;
    if (!token) {
      throw new RegistryError({ code: 'BAD_RESPONSE', status: 502, host: this.host, message: `The token service for ${this.host} (${realm.host}) sent no token.` });
    }
    // expires_in defaults to 60 and is never taken as less (distribution token spec).
    const expiresIn = Math.max(body.expires_in ?? 60, 60);
    const issued = body.issued_at ? Date.parse(body.issued_at) : NaN;
    const now = Date.now();
    const issuedAt = Number.isFinite(issued) && issued <= now + 60_000 && issued > now - expiresIn * 1000 ? Math.min(issued, now) : now;
    const lifetime = issuedAt + expiresIn * 1000 - now;
    // Reuse until shortly before expiry: keep a margin of 10% (at least 5 s, at most 60 s).
    const margin = Math.min(Math.max(lifetime * 0.1, 5_000), 60_000);
    const entry: CachedToken = { token, access: decodeGrantedAccess(token) };
    if (lifetime - margin > 0) this.context.tokens.set(key, entry, lifetime - margin);
    return entry;
  }

  private async authorization(ping: PingResult, scopes: readonly string[]): Promise<string | undefined> {
    if (ping.scheme === 'basic') return this.credentials ? basicAuth(this.credentials) : undefined;
    if (ping.scheme === 'bearer') return `Bearer ${(await this.token(ping, scopes)).token}`;
    return undefined;
  }

  /** One authenticated request with at most one retry on an actionable challenge. */
  private async request(spec: RequestSpec): Promise<HttpResponse> {
    let ping = await this.ping();
    let scopes = mergeScopes(spec.scopes);
    const method = spec.method ?? 'GET';
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {};
      if (spec.accept) headers.accept = spec.accept;
      const auth = await this.authorization(ping, scopes);
      if (auth) headers.authorization = auth;
      const res = await this.sendFollowing(spec.url, method, headers, spec.maxBytes);
      if (res.status !== 401 || attempt > 0) return res;
      const challenges = parseChallenges(res.headers.getAll('www-authenticate'));
      const bearer = findChallenge(challenges, 'bearer');
      if (!bearer) {
        // /v2/ was open but this resource wants Basic: send the credentials once.
        if (ping.scheme === 'none' && this.credentials && findChallenge(challenges, 'basic')) {
          ping = { scheme: 'basic' };
          continue;
        }
        return res; // e.g. GCR: 401 with no challenge; keep the ping's and give up.
      }
      if (ping.scheme !== 'bearer') {
        // /v2/ was open (or Basic) but this resource wants a token: adopt the challenge.
        const adopted = pingFromChallenges([bearer], res.url);
        if (adopted.scheme !== 'bearer') return res;
        ping = adopted;
        if (bearer.params.scope) scopes = mergeScopes(scopes, [bearer.params.scope]);
        continue;
      }
      const error = bearer.params.error;
      if (error === 'insufficient_scope' && bearer.params.scope) {
        const merged = mergeScopes(scopes, [bearer.params.scope]);
        if (merged.join(' ') === scopes.join(' ')) return res; // asked for it already: not granted
        scopes = merged;
        continue;
      }
      if (error === 'invalid_token') {
        this.context.tokens.delete(this.tokenKey(ping, scopes));
        continue;
      }
      return res;
    }
  }

  // ---- errors ------------------------------------------------------------------------------

  /** Maps a failed registry response to a RegistryError with a sentence a person can act on. */
  private errorFrom(res: HttpResponse, what: { repository?: string; reference?: string; catalog?: boolean }): RegistryError {
    const upstream: UpstreamError | undefined = parseErrorBody(res.body)[0];
    const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
    const host = this.host;
    const target = what.repository ? `${what.repository}${what.reference ? (isDigest(what.reference) ? `@${what.reference}` : `:${what.reference}`) : ''}` : 'this resource';
    const base = { upstreamStatus: res.status, host, registryMessage: upstream?.message, detail: upstream?.detail, retryAfter };
    const status = res.status;
    if (status === 401) {
      const challenges = parseChallenges(res.headers.getAll('www-authenticate'));
      const challenge = findChallenge(challenges, 'bearer');
      if (this.credentials && !challenge && findChallenge(challenges, 'basic')) {
        // Basic credentials were sent and refused: they are wrong, not merely short of rights.
        return new RegistryError({ ...base, code: 'UNAUTHORIZED', status: 401, message: `${host} rejected the username or password (or token) for ${target}. Sign in again.` });
      }
      if (this.credentials) {
        return new RegistryError({
          ...base,
          code: 'DENIED',
          status: 403,
          message: `${this.credentials.username} may not read ${target} on ${host}${challenge?.params.error === 'insufficient_scope' ? ' (the token service did not grant that access)' : ''}. Ask the registry's owner for access, or sign in as another user.`,
        });
      }
      return new RegistryError({ ...base, code: 'UNAUTHORIZED', status: 401, message: `${host} needs you to sign in to read ${target}.` });
    }
    if (status === 403) {
      return new RegistryError({ ...base, code: 'DENIED', status: 403, message: `${host} denied access to ${target}. Ask the registry's owner for access, or sign in as another user.` });
    }
    if (status === 404) {
      const code = upstream?.code && upstream.code !== 'UNKNOWN' ? upstream.code : what.reference ? 'MANIFEST_UNKNOWN' : 'NAME_UNKNOWN';
      const message =
        code === 'NAME_UNKNOWN'
          ? `The repository ${what.repository ?? ''} does not exist on ${host}, or you cannot see it. Check the name.`
          : code === 'BLOB_UNKNOWN'
            ? `${host} does not have the blob ${what.reference ?? ''} in ${what.repository ?? 'this repository'}.`
            : `${target} was not found on ${host}. Check the tag or digest.`;
      return new RegistryError({ ...base, code, status: 404, message });
    }
    if (status === 429) {
      return new RegistryError({
        ...base,
        code: 'TOOMANYREQUESTS',
        status: 429,
        message: `${host} is rate-limiting requests.${retryAfter !== undefined ? ` Try again in ${retryAfter} s.` : ' Wait a minute and try again.'}${this.anonymous ? ' Signing in usually raises the limit.' : ''}`,
      });
    }
    if (status === 405 || upstream?.code === 'UNSUPPORTED') {
      return new RegistryError({ ...base, code: 'UNSUPPORTED', status: 405, message: `${host} does not support this operation.` });
    }
    if (status >= 500) {
      return new RegistryError({
        ...base,
        code: upstream?.code && upstream.code !== 'UNKNOWN' ? upstream.code : 'UNAVAILABLE',
        status: status === 503 ? 503 : 502,
        message: `${host} answered with an error (HTTP ${status}). ${retryAfter !== undefined ? `Try again in ${retryAfter} s.` : 'Try again in a moment; if it persists, the registry may be down.'}`,
      });
    }
    return new RegistryError({
      ...base,
      code: upstream?.code ?? 'UNKNOWN',
      status: 502,
      message: `${host} refused the request (HTTP ${status}${upstream?.code ? `, ${upstream.code}` : ''})${upstream?.message ? `: ${upstream.message}` : ''}.`,
    });
  }

  // ---- sign-in -----------------------------------------------------------------------------

  /**
   * Checks the address and credentials at once: ping, then a token for no particular scope
   * (Bearer) or an authenticated /v2/ (Basic). Returns how the registry authenticates.
   */
  async verify(): Promise<{ scheme: PingResult['scheme']; credentialsChecked: boolean }> {
    const ping = await this.ping();
    if (ping.scheme === 'bearer') {
      await this.token(ping, []);
      return { scheme: ping.scheme, credentialsChecked: this.credentials !== undefined };
    }
    if (ping.scheme === 'basic' && !this.credentials) {
      throw new RegistryError({ code: 'UNAUTHORIZED', status: 401, host: this.host, message: `${this.host} does not allow anonymous access. Enter a username and password.` });
    }
    if (!this.credentials) return { scheme: ping.scheme, credentialsChecked: false };
    // Basic, or an open /v2/ that may still check credentials it is sent: send them once.
    const res = await this.sendFollowing(this.url('/v2/'), 'GET', { authorization: basicAuth(this.credentials) }, MAX_SMALL_BODY);
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError({ code: 'UNAUTHORIZED', status: 401, upstreamStatus: res.status, host: this.host, message: `${this.host} rejected the username or password (or token). Check them and try again.` });
    }
    if (res.status >= 300) throw this.errorFrom(res, {});
    // An open /v2/ answers 200 whatever it is sent: the credentials are only checked later.
    return { scheme: ping.scheme, credentialsChecked: ping.scheme === 'basic' };
  }

  /** What the token service granted for these scopes (decoded JWT `access` claim), if known. */
  async grantedAccess(scopes: string[]): Promise<GrantedAccess[] | undefined> {
    const ping = await this.ping();
    if (ping.scheme !== 'bearer') return undefined;
    return (await this.token(ping, mergeScopes(scopes))).access;
  }

  // ---- listing -----------------------------------------------------------------------------

  /**
   * One page of a list. `cursor` is what the previous page returned as `next`: the path and query
   * of the registry's own Link (so cursors under any parameter name work, e.g. Quay's), or, for
   * callers that start mid-list, a plain `last` value.
   */
  private async page(
    path: string,
    scopes: string[],
    opts: { n?: number; cursor?: string },
    what: { repository?: string; catalog?: boolean },
  ): Promise<{ res: HttpResponse; body: unknown; next: string | null }> {
    const n = Math.min(Math.max(Math.trunc(opts.n ?? 100), 1), MAX_PAGE_SIZE);
    const fromLink = opts.cursor?.startsWith(`${path}?`) ? opts.cursor : undefined;
    const build = (size: number) =>
      fromLink ? new URL(fromLink, this.baseUrl) : this.url(path, { n: String(size), last: opts.cursor || undefined });
    let url = build(n);
    let res = await this.request({ url, scopes, maxBytes: 16 * 1024 * 1024, accept: 'application/json' });
    if (res.status === 400 && parseErrorBody(res.body)[0]?.code === 'PAGINATION_NUMBER_INVALID' && n > 100 && !fromLink) {
      // Some registries cap page sizes lower than 1000: fall back to their default size.
      url = build(100);
      res = await this.request({ url, scopes, maxBytes: 16 * 1024 * 1024, accept: 'application/json' });
    }
    if (res.status !== 200) throw this.errorFrom(res, what);
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new RegistryError({ code: 'BAD_RESPONSE', status: 502, host: this.host, message: `${this.host} sent a list that is not JSON.` });
    }
    const link = parseNextLink(res.headers.get('link'), res.url);
    let next: string | null = null;
    if (link) {
      if (link.origin !== res.url.origin) {
        throw new RegistryError({ code: 'BAD_RESPONSE', status: 502, host: this.host, message: `${this.host} sent a pagination link to another host (${link.host}); Berth does not follow it.` });
      }
      if (link.pathname !== path || !link.search) {
        throw new RegistryError({ code: 'BAD_RESPONSE', status: 502, host: this.host, message: `${this.host} sent a pagination link Berth cannot follow (${link.pathname}); the list may be incomplete.` });
      }
      next = `${link.pathname}${link.search}`;
    }
    // A registry that hands back the cursor it was given would page forever.
    return { res, body, next: next !== null && next !== opts.cursor && next !== url.pathname + url.search ? next : null };
  }

  async listRepositories(opts: { n?: number; cursor?: string } = {}): Promise<Page<string>> {
    if (this.host === DOCKER_HUB) {
      throw new RegistryError({ code: 'CATALOG_UNSUPPORTED', status: 404, host: this.host, message: 'Docker Hub does not list repositories; open one by name (for example library/alpine).' });
    }
    let result;
    try {
      result = await this.page('/v2/_catalog', [CATALOG_SCOPE], opts, { catalog: true });
    } catch (e) {
      if (e instanceof RegistryError && ['DENIED', 'UNAUTHORIZED', 'NAME_UNKNOWN', 'UNSUPPORTED', 'MANIFEST_UNKNOWN'].includes(e.code)) {
        if (e.code === 'UNAUTHORIZED' && this.anonymous) throw e; // signing in may help
        throw new RegistryError({
          code: 'CATALOG_UNSUPPORTED',
          status: 404,
          upstreamStatus: e.upstreamStatus,
          registryMessage: e.registryMessage,
          host: this.host,
          message: `${this.host} does not list its repositories${this.credentials ? ` for ${this.credentials.username}` : ''}; open one by name.`,
        });
      }
      throw e;
    }
    const parsed = catalogSchema.safeParse(result.body);
    if (!parsed.success) throw new RegistryError({ code: 'BAD_RESPONSE', status: 502, host: this.host, message: `${this.host} sent a repository list Berth cannot read.` });
    const items = (parsed.data.repositories ?? []).filter((r): r is string => typeof r === 'string');
    return { items, next: result.next };
  }

  async listTags(repository: string, opts: { n?: number; cursor?: string } = {}): Promise<Page<string>> {
    validateRepository(repository);
    const result = await this.page(`/v2/${repository}/tags/list`, [repositoryScope(repository)], opts, { repository });
    const parsed = tagsSchema.safeParse(result.body);
    if (!parsed.success) throw new RegistryError({ code: 'BAD_RESPONSE', status: 502, host: this.host, message: `${this.host} sent a tag list Berth cannot read.` });
    const items = (parsed.data.tags ?? []).filter((t): t is string => typeof t === 'string');
    return { items, next: result.next };
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

  private headRequest(repository: string, reference: string): Promise<HttpResponse> {
    const url = this.url(`/v2/${repository}/manifests/${reference}`);
    return this.request({ method: 'HEAD', url, scopes: [repositoryScope(repository)], accept: MANIFEST_ACCEPT, maxBytes: MAX_SMALL_BODY });
  }

  async headManifest(repository: string, reference: string): Promise<ManifestHead> {
    this.checkReference(repository, reference);
    const res = await this.headRequest(repository, reference);
    if (res.status === 405 || (res.status === 200 && !res.headers.get('docker-content-digest') && !isDigest(reference))) {
      // Some registries refuse HEAD or leave the digest out: a GET tells (never the cached path).
      const m = await this.fetchManifest(repository, reference);
      return { digest: m.digest, mediaType: m.mediaType, size: m.size };
    }
    if (res.status !== 200) throw this.errorFrom(res, { repository, reference });
    return {
      digest: res.headers.get('docker-content-digest') ?? reference,
      mediaType: (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '',
      size: Number(res.headers.get('content-length') ?? 0),
    };
  }

  /**
   * A manifest by tag or digest. Digest-addressed bytes are shared from the server's cache, but
   * only after a HEAD with this requester's own credentials succeeds. On Docker Hub a tag is
   * resolved with a HEAD first too: HEAD is not counted as a pull, GET is (PROTOCOL.md).
   */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    this.checkReference(repository, reference);
    const headFirst = isDigest(reference) ? this.context.content.get(this.contentKey(repository, reference)) !== undefined : this.host === DOCKER_HUB;
    if (headFirst) {
      const head = await this.headRequest(repository, reference);
      if (head.status === 200) {
        const digest = isDigest(reference) ? reference : head.headers.get('docker-content-digest');
        const cached = digest ? this.context.content.get(this.contentKey(repository, digest)) : undefined;
        if (digest && cached) {
          this.context.stats.contentHits++;
          return this.describeManifest(cached.bytes, cached.mediaType, digest, head.headers.getAll('warning'));
        }
      } else if (head.status !== 405) {
        throw this.errorFrom(head, { repository, reference });
      }
    }
    return this.fetchManifest(repository, reference);
  }

  /** GET, verify and cache a manifest. */
  private async fetchManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const byDigest = isDigest(reference);
    const url = this.url(`/v2/${repository}/manifests/${reference}`);
    const res = await this.request({ url, scopes: [repositoryScope(repository)], accept: MANIFEST_ACCEPT, maxBytes: MAX_MANIFEST_BYTES });
    if (res.status !== 200) throw this.errorFrom(res, { repository, reference });
    const contentType = res.headers.get('content-type');
    const headerDigest = res.headers.get('docker-content-digest');
    const parsed = parseManifest(res.body, contentType ?? undefined, this.host);
    let digest: string;
    if (byDigest) {
      const actual = digestWithAlgorithmOf(reference, res.body);
      if (actual !== undefined && actual !== reference && parsed.kind !== 'legacy') {
        throw new RegistryError({
          code: 'BAD_RESPONSE',
          status: 502,
          host: this.host,
          message: `${this.host} returned a manifest whose content does not match the digest asked for (${reference}); Berth does not show it.`,
        });
      }
      digest = reference;
    } else if (parsed.kind === 'legacy' && headerDigest) {
      digest = headerDigest; // signed schema1: the digest covers the payload without signatures
    } else {
      digest = headerDigest && digestWithAlgorithmOf(headerDigest, res.body) === headerDigest ? headerDigest : sha256Digest(res.body);
    }
    const warnings = res.headers.getAll('warning');
    if (parsed.kind !== 'legacy') {
      this.context.content.set(this.contentKey(repository, digest), { bytes: res.body, mediaType: parsed.mediaType }, 24 * 3600_000, res.body.length);
    }
    return { digest, mediaType: parsed.mediaType, size: res.body.length, bytes: res.body, parsed, warnings };
  }

  private describeManifest(bytes: Buffer, mediaType: string, digest: string, warnings: string[]): FetchedManifest {
    const parsed = parseManifest(bytes, mediaType, this.host);
    return { digest, mediaType: parsed.mediaType, size: bytes.length, bytes, parsed, warnings };
  }

  /** Fetches a (small) blob by digest, verifying its content. Redirects go out without Authorization. */
  async getBlob(repository: string, digest: string, maxBytes = MAX_CONFIG_BYTES): Promise<Buffer> {
    validateRepository(repository);
    validateDigest(digest);
    const key = this.contentKey(repository, digest);
    const cached = this.context.content.get(key);
    const url = this.url(`/v2/${repository}/blobs/${digest}`);
    if (cached) {
      const head = await this.request({ method: 'HEAD', url, scopes: [repositoryScope(repository)], maxBytes: MAX_SMALL_BODY });
      if (head.status === 200) {
        this.context.stats.contentHits++;
        return cached.bytes;
      }
      if (head.status !== 405) throw this.errorFrom(head, { repository, reference: digest });
    }
    const res = await this.request({ url, scopes: [repositoryScope(repository)], maxBytes });
    if (res.status !== 200) throw this.errorFrom(res, { repository, reference: digest });
    const actual = digestWithAlgorithmOf(digest, res.body);
    if (actual !== undefined && actual !== digest) {
      throw new RegistryError({ code: 'BAD_RESPONSE', status: 502, host: this.host, message: `${this.host} returned a blob whose content does not match its digest ${digest}; Berth does not show it.` });
    }
    this.context.content.set(key, { bytes: res.body, mediaType: 'application/octet-stream' }, 24 * 3600_000, res.body.length);
    return res.body;
  }

  /** OCI referrers API, falling back to the `sha256-<hex>` tag schema (distribution-spec "Referrers"). */
  async getReferrers(repository: string, digest: string, artifactType?: string): Promise<Referrers> {
    validateRepository(repository);
    validateDigest(digest);
    const filter = (list: Descriptor[]) => (artifactType ? list.filter((d) => d.artifactType === artifactType) : list);
    const url = this.url(`/v2/${repository}/referrers/${digest}`, { artifactType });
    const res = await this.request({ url, scopes: [repositoryScope(repository)], accept: MediaType.OciIndex, maxBytes: MAX_MANIFEST_BYTES });
    const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim();
    if (res.status === 200 && type === MediaType.OciIndex) {
      const parsed = parseManifest(res.body, type, this.host);
      if (parsed.kind === 'index') return { referrers: filter(parsed.manifest.manifests), source: 'api' };
    }
    if (res.status !== 200 && res.status !== 404 && res.status !== 400 && res.status !== 405) throw this.errorFrom(res, { repository, reference: digest });
    // OCI distribution-spec "Referrers Tag Schema": <alg>-<ref>, alg ≤ 32 and ref ≤ 64 characters.
    const [alg = '', encoded = ''] = digest.split(':');
    const fallbackTag = `${alg.slice(0, 32)}-${encoded.slice(0, 64)}`;
    try {
      const m = await this.getManifest(repository, fallbackTag);
      if (m.parsed.kind === 'index') {
        return { referrers: filter(m.parsed.manifest.manifests), source: 'tag' };
      }
      return { referrers: [], source: 'none' };
    } catch (e) {
      if (e instanceof RegistryError && (e.code === 'MANIFEST_UNKNOWN' || e.code === 'NAME_UNKNOWN' || e.upstreamStatus === 404)) {
        return { referrers: [], source: 'none' };
      }
      throw e;
    }
  }
}

function basicAuth(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

function pingFromChallenges(challenges: Challenge[], from: URL): PingResult {
  const bearer = findChallenge(challenges, 'bearer');
  if (bearer?.params.realm) {
    // A relative realm is relative to the URL that sent the challenge.
    let realm: string;
    try {
      realm = new URL(bearer.params.realm, from).href;
    } catch {
      throw new RegistryError({ code: 'BAD_RESPONSE', status: 502, host: from.host, message: `${from.host} named a token service address that is not a valid URL; it cannot be signed in to.` });
    }
    return bearer.params.service ? { scheme: 'bearer', realm, service: bearer.params.service } : { scheme: 'bearer', realm };
  }
  // Basic, or a 401 with no usable challenge (some registries): send Basic if we have credentials.
  return { scheme: 'basic' };
}
