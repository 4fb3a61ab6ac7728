// Docker Hub's API (hub.docker.com): what Docker Hub's registry does not serve — the repositories
// of a namespace, and each tag's digest, size, date and platforms in one list — behind a sign-in
// of its own. The facts this relies on are in docs/protocol.md ("Docker Hub").
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MAX_TOKEN_BYTES } from './auth/handshake';
import { MAX_TOKEN_TTL_SECONDS } from './auth/token-cache';
import type { Credentials, RegistryContext, RequestScope } from './context';
import { MAX_RETRY_AFTER_SECONDS, RegistryError, badResponse, parseRetryAfter } from './errors';
import type { HttpResponse } from './net/http';
import { INDEX_TYPES, platformLabel } from './manifest';
import { DOCKER_HUB, InvalidReferenceError, isValidDigest, isValidRepository, isValidTag, validateRepository, validateTag } from './reference';
import type { ManifestSummary, PlatformSummary } from './summary';
import { followingTransport, type Transport } from './net/transport';

/** The most the Hub API gives in one page (it silently caps larger sizes). */
export const HUB_PAGE_SIZE = 100;
const MAX_HUB_BODY = 8 * 1024 * 1024;
const MAX_LOGIN_BODY = 64 * 1024;
/** Hub's access tokens live about ten minutes; used when a token does not say. */
const DEFAULT_TOKEN_TTL_SECONDS = 600;

/** How a namespace's repositories can be ordered; the Hub API sorts, so each order is its own list. */
export const HUB_ORDERINGS = ['last_updated', 'name', 'pull_count'] as const;
export type HubOrdering = (typeof HUB_ORDERINGS)[number];
/** Newest and most pulled first, names A to Z. */
const ORDERING_PARAM: Record<HubOrdering, string> = { last_updated: '-last_updated', name: 'name', pull_count: '-pull_count' };

export interface HubClientOptions {
  /** The Hub API's base URL ("https://hub.docker.com"). */
  apiUrl: URL;
  credentials?: Credentials;
  context: RegistryContext;
  /** Defaults to the network, following redirects; tests pass a stub. */
  transport?: Transport;
  /** Whose requests these are (see RequestScope). */
  scope?: RequestScope;
}

export interface HubRepository {
  namespace: string;
  name: string;
  description: string;
  isPrivate: boolean;
  pullCount: number;
  starCount: number;
  lastUpdated?: string;
}

export interface HubTag {
  name: string;
  /** What the tag points at, from the Hub's own data; absent when Hub sent too little (no digest). */
  summary?: ManifestSummary;
  /** An index's entries (attestations included), each summarised by its digest (getTag only). */
  images?: ManifestSummary[];
}

export interface HubPage<T> {
  items: T[];
  /** Opaque cursor for the next page (pass back as `cursor`), null at the end. */
  next: string | null;
  /** How many the Hub says the whole list holds. */
  count?: number;
  /** Entries left out because their names are not valid (they would make broken links). */
  invalid: number;
}

const nullableString = z.string().nullish();
const nullableNumber = z.number().nullish();

const pageSchema = z.object({ count: nullableNumber, next: nullableString, results: z.array(z.unknown()).nullish() });

const repositorySchema = z.object({
  name: z.string(),
  namespace: nullableString,
  description: nullableString,
  is_private: z.boolean().nullish(),
  star_count: nullableNumber,
  pull_count: nullableNumber,
  last_updated: nullableString,
});

const imageSchema = z.object({
  architecture: nullableString,
  os: nullableString,
  variant: nullableString,
  os_version: nullableString,
  digest: nullableString,
  size: nullableNumber,
  last_pushed: nullableString,
});

const tagSchema = z.object({
  name: z.string(),
  digest: nullableString,
  media_type: nullableString,
  full_size: nullableNumber,
  last_updated: nullableString,
  tag_last_pushed: nullableString,
  images: z.array(imageSchema).nullish(),
});

const loginSchema = z.object({ access_token: nullableString, token: nullableString, login_2fa_token: nullableString });

type RawTag = z.infer<typeof tagSchema>;

const count = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined);
const date = (s: string | null | undefined) => (s && !Number.isNaN(Date.parse(s)) ? s : undefined);
const digestOf = (s: string | null | undefined) => (s && isValidDigest(s) ? s : undefined);

/** Personal and organisation access tokens: never subject to a second factor. */
const isAccessToken = (secret: string) => /^dckr_(pat|oat)_/.test(secret);

/** A Docker Hub namespace: a user or organisation name, or `library`. */
function validateNamespace(namespace: string): string {
  if (namespace.includes('/'))
    throw new InvalidReferenceError('repository', namespace, `The namespace "${namespace}" is invalid: a namespace is one name, without '/'.`);
  validateRepository(namespace);
  return namespace;
}

/** NAMESPACE/NAME: Docker Hub's repositories have exactly two components. */
function splitRepository(repository: string): { namespace: string; name: string } {
  validateRepository(repository);
  const [namespace = '', name, ...rest] = repository.split('/');
  if (name === undefined || rest.length > 0) {
    throw new RegistryError({
      code: 'NAME_UNKNOWN',
      host: DOCKER_HUB,
      message: `The repository ${repository} does not exist on Docker Hub: its repositories are named NAMESPACE/NAME.`,
    });
  }
  return { namespace, name };
}

/**
 * A tag as the Hub describes it, in the shape of a registry summary: its digest, compressed size
 * (an image: its own; an index: each platform's), date and platforms. The date is when the tag was
 * pushed (Hub keeps no image config dates). BuildKit attestations are the `unknown/unknown` images.
 */
function summariseHubTag(tag: RawTag): ManifestSummary | undefined {
  const images = tag.images ?? [];
  const isAttestation = (i: (typeof images)[number]) => i.os === 'unknown' && i.architecture === 'unknown';
  const runnable = images.filter((i) => !isAttestation(i));
  const mediaType = tag.media_type ?? '';
  const index = INDEX_TYPES.has(mediaType) || images.length > 1;
  const digest = digestOf(tag.digest) ?? (!index ? digestOf(images[0]?.digest) : undefined);
  if (!digest) return undefined;
  const created = date(tag.tag_last_pushed) ?? date(tag.last_updated);
  const platforms = runnable.map((i): PlatformSummary => {
    const platform: PlatformSummary = {
      platform:
        i.os && i.architecture
          ? platformLabel({ os: i.os, architecture: i.architecture, variant: i.variant ?? undefined, 'os.version': i.os_version ?? undefined })
          : 'unknown',
      digest: index ? (digestOf(i.digest) ?? digest) : digest,
    };
    const size = count(i.size);
    const pushed = date(i.last_pushed);
    if (size !== undefined) platform.size = size;
    if (pushed) platform.created = pushed;
    return platform;
  });
  const summary: ManifestSummary = { digest, mediaType, kind: index ? 'index' : 'image', platforms, attestations: images.length - runnable.length };
  if (!index) {
    const size = count(runnable[0]?.size) ?? count(tag.full_size);
    if (size !== undefined) summary.size = size;
  }
  if (created) summary.created = created;
  return summary;
}

/**
 * Each entry of an index as the Hub describes it, by its own digest: a platform image (its size,
 * push date and platform) or a BuildKit attestation (an artifact). The index view's rows read
 * these instead of fetching every child manifest, which on Docker Hub would count as pulls.
 */
function summariseHubImages(tag: RawTag): ManifestSummary[] {
  const out: ManifestSummary[] = [];
  for (const image of tag.images ?? []) {
    const digest = digestOf(image.digest);
    if (!digest) continue;
    const attestation = image.os === 'unknown' && image.architecture === 'unknown';
    const size = count(image.size);
    const pushed = date(image.last_pushed);
    const platform: PlatformSummary = {
      platform:
        image.os && image.architecture ? platformLabel({ os: image.os, architecture: image.architecture, variant: image.variant ?? undefined }) : 'unknown',
      digest,
    };
    if (size !== undefined) platform.size = size;
    if (pushed) platform.created = pushed;
    out.push({
      digest,
      mediaType: '',
      kind: attestation ? 'artifact' : 'image',
      ...(size !== undefined ? { size } : {}),
      ...(pushed ? { created: pushed } : {}),
      platforms: attestation ? [] : [platform],
      attestations: 0,
    });
  }
  return out;
}

/** Seconds a JWT says it lives (its `exp`), if it says. */
function secondsLeft(token: string, now: number): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? Math.floor(claims.exp - now / 1000) : undefined;
  } catch {
    return undefined;
  }
}

export class HubClient {
  readonly apiUrl: URL;
  private readonly credentials?: Credentials;
  private readonly context: RegistryContext;
  private readonly transport: Transport;
  /** Identifies the connection (API and credentials) in cache keys without holding the secret. */
  private readonly tokenKey: string;
  private readonly signal?: AbortSignal;

  constructor(options: HubClientOptions) {
    // A trailing slash, so that paths resolve under a base path (https://proxy.example/hub/).
    this.apiUrl = new URL(options.apiUrl.href.endsWith('/') ? options.apiUrl.href : `${options.apiUrl.href}/`);
    this.credentials = options.credentials?.username ? options.credentials : undefined;
    this.context = options.context;
    this.transport = options.transport ?? followingTransport(options.context, DOCKER_HUB, options.scope);
    this.signal = options.scope?.signal;
    const who = this.credentials
      ? createHash('sha256').update(`${this.apiUrl.href}\0${this.credentials.username}\0${this.credentials.password}`).digest('hex')
      : 'anonymous';
    this.tokenKey = `hub|${this.apiUrl.href}|${who}`;
  }

  get anonymous(): boolean {
    return this.credentials === undefined;
  }

  /** The signed-in Docker ID (or organisation), whose namespace is "mine". */
  get username(): string | undefined {
    return this.credentials?.username;
  }

  private url(path: string, query: Record<string, string> = {}): URL {
    const url = new URL(path.replace(/^\//, ''), this.apiUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  }

  // ---- sign-in ---------------------------------------------------------------------------------

  /** Sign-in check: the credentials at the Hub API (nothing to check anonymously). */
  async verify(): Promise<void> {
    if (this.credentials) await this.token();
  }

  /** The Hub API token of this connection: cached like registry tokens, renewed when it runs out. */
  private async token(): Promise<string> {
    const cached = this.context.tokens.get(this.tokenKey);
    if (cached) return cached.token;
    return this.context.once(`token|${this.tokenKey}`, () => this.login(), { signal: this.signal, shareFailures: true });
  }

  private async post(path: string, body: unknown): Promise<HttpResponse> {
    const bytes = Buffer.from(JSON.stringify(body));
    const headers = { accept: 'application/json', 'content-type': 'application/json' };
    return this.transport({ url: this.url(path), method: 'POST', headers, body: bytes, maxBytes: MAX_LOGIN_BODY });
  }

  private async login(): Promise<string> {
    const c = this.credentials;
    if (!c) throw new Error('HubClient.login without credentials');
    this.context.stats.tokenFetches++;
    // POST /v2/auth/token takes a password, a personal access token or an organisation token.
    const res = await this.post('/v2/auth/token', { identifier: c.username, secret: c.password });
    if (res.status === 200) return this.keep(res);
    // An API without the current route (an older mirror): the deprecated one.
    if (res.status === 404 || res.status === 405) return this.legacyLogin(c);
    if (res.status === 401 || res.status === 403) {
      // A refused password may be right but need a second factor: only the deprecated route says
      // so (login_2fa_token). Access tokens never need one.
      if (!isAccessToken(c.password)) return this.legacyLogin(c);
      throw this.wrongCredentials(res.status);
    }
    throw this.failure(res, {});
  }

  private async legacyLogin(c: Credentials): Promise<string> {
    const res = await this.post('/v2/users/login', { username: c.username, password: c.password });
    if (res.status === 200) return this.keep(res);
    if (res.status === 401 || res.status === 403) {
      if (this.loginBody(res).login_2fa_token) {
        throw new RegistryError({
          code: 'ACCESS_TOKEN_REQUIRED',
          upstreamStatus: res.status,
          host: DOCKER_HUB,
          message: `${c.username} has two-factor authentication on, so Docker Hub does not take its password here. Create a personal access token (Docker Hub: Account settings → Personal access tokens) and sign in with it as the password.`,
        });
      }
      throw this.wrongCredentials(res.status);
    }
    // Neither route exists: no list's page is missing, whatever failure() would say of a 404.
    if (res.status === 404 || res.status === 405) {
      throw new RegistryError({
        code: 'BAD_RESPONSE',
        upstreamStatus: res.status,
        host: DOCKER_HUB,
        message: `Docker Hub's API has no sign-in route Berth knows (HTTP ${res.status}), so Berth cannot sign in to it.`,
      });
    }
    throw this.failure(res, {});
  }

  private wrongCredentials(status: number): RegistryError {
    return new RegistryError({
      code: 'UNAUTHORIZED',
      upstreamStatus: status,
      host: DOCKER_HUB,
      message: 'Docker Hub rejected the username or password (or token). Check them and sign in again.',
    });
  }

  private loginBody(res: HttpResponse): z.infer<typeof loginSchema> {
    try {
      return loginSchema.parse(JSON.parse(res.body.toString('utf8')));
    } catch {
      return {};
    }
  }

  /** Reads the token of a successful sign-in and caches it until shortly before it runs out. */
  private keep(res: HttpResponse): string {
    const body = this.loginBody(res);
    const token = body.access_token || body.token;
    if (!token) throw badResponse(DOCKER_HUB, 'Docker Hub signed you in but sent no token Berth can use.');
    if (token.length > MAX_TOKEN_BYTES)
      throw badResponse(DOCKER_HUB, `Docker Hub sent a token longer than ${MAX_TOKEN_BYTES / 1024} KiB; Berth does not use it.`);
    const now = Date.now();
    const lifetime = Math.min(Math.max(secondsLeft(token, now) ?? DEFAULT_TOKEN_TTL_SECONDS, 0), MAX_TOKEN_TTL_SECONDS) * 1000;
    // Reuse until shortly before expiry (10%, at least 5 s, at most 60 s), as with registry tokens.
    const margin = Math.min(Math.max(lifetime * 0.1, 5_000), 60_000);
    if (lifetime - margin > 0) this.context.tokens.set(this.tokenKey, { token }, lifetime - margin, token.length);
    return token;
  }

  // ---- requests ------------------------------------------------------------------------------

  /**
   * A GET with this connection's token; a token the Hub no longer takes is renewed once. After a
   * 429 with a time to come back, nothing is asked before that time.
   */
  private async get(url: URL): Promise<HttpResponse> {
    const until = this.context.waits.get(this.tokenKey);
    if (until !== undefined && until > Date.now()) throw this.rateLimited(Math.ceil((until - Date.now()) / 1000));
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json' };
      const token = this.credentials ? await this.token() : undefined;
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await this.transport({ url, method: 'GET', headers, maxBytes: MAX_HUB_BODY });
      if (res.status === 429) {
        const retryAfter = this.retryAfterOf(res);
        if (retryAfter !== undefined) this.context.waits.set(this.tokenKey, Date.now() + retryAfter * 1000, retryAfter * 1000);
      }
      if (res.status !== 401 || !token || attempt > 0) return res;
      this.context.tokens.delete(this.tokenKey); // expired or revoked: sign in again
    }
  }

  /** Seconds a 429 asks to wait: Retry-After, else the X-RateLimit-Reset time; capped at a day, as Retry-After is. */
  private retryAfterOf(res: HttpResponse): number | undefined {
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    return (
      parseRetryAfter(res.headers.get('retry-after')) ??
      (Number.isFinite(reset) && reset > 0 ? Math.min(Math.max(1, Math.ceil(reset - Date.now() / 1000)), MAX_RETRY_AFTER_SECONDS) : undefined)
    );
  }

  private rateLimited(retryAfter: number | undefined, upstreamStatus?: number): RegistryError {
    return new RegistryError({
      code: 'TOOMANYREQUESTS',
      host: DOCKER_HUB,
      ...(upstreamStatus !== undefined ? { upstreamStatus } : {}),
      ...(retryAfter !== undefined ? { retryAfter } : {}),
      message: `Docker Hub's API is limiting Berth's requests.${retryAfter !== undefined ? ` Try again in ${retryAfter} s.` : ' Wait a minute and try again.'}${this.credentials ? '' : ' Everyone using this Berth without signing in shares one limit; signing in gives you your own.'}`,
    });
  }

  private failure(res: HttpResponse, what: { repository?: string; namespace?: string; tag?: string }): RegistryError {
    const base = { upstreamStatus: res.status, host: DOCKER_HUB };
    const status = res.status;
    if (status === 401) {
      return new RegistryError({
        ...base,
        code: 'UNAUTHORIZED',
        message: this.credentials
          ? 'Docker Hub no longer accepts the credentials saved for it. Sign in again.'
          : 'Docker Hub needs you to sign in to see this.',
      });
    }
    if (status === 403) {
      return new RegistryError({
        ...base,
        code: 'DENIED',
        message: `Docker Hub denied access to ${what.repository ?? what.namespace ?? 'this'}. ${this.credentials ? 'Ask its owner for access, or sign in as an account that has it.' : 'Sign in to Docker Hub as an account that may see it.'}`,
      });
    }
    if (status === 404) {
      if (what.tag)
        return new RegistryError({ ...base, code: 'MANIFEST_UNKNOWN', message: `${what.repository}:${what.tag} was not found on Docker Hub. Check the tag.` });
      return new RegistryError({
        ...base,
        code: 'NAME_UNKNOWN',
        message: what.repository
          ? `The repository ${what.repository} does not exist on Docker Hub, or you cannot see it${this.credentials ? '' : ' without signing in'}. Check the name.`
          : `Docker Hub has no such page of the list of ${what.namespace ?? 'this namespace'}'s repositories; the list may have changed. Reload it.`,
      });
    }
    if (status === 429) return this.rateLimited(this.retryAfterOf(res), status);
    if (status >= 500) {
      return new RegistryError({ ...base, code: 'UNAVAILABLE', message: `Docker Hub's API answered with an error (HTTP ${status}). Try again in a moment.` });
    }
    return new RegistryError({
      ...base,
      code: 'BAD_RESPONSE',
      message: `Docker Hub's API refused Berth's request (HTTP ${status}). Try again; if it keeps refusing, open the repository by name instead.`,
    });
  }

  /**
   * One page of a Hub list. `cursor` is what the previous page returned as `next`: the path and
   * query of the Hub's own absolute `next` link, after checking that it points back at the same
   * list on the same API.
   */
  private async page(path: string, query: Record<string, string>, cursor: string | undefined, what: { repository?: string; namespace?: string }) {
    let url: URL;
    if (cursor) {
      const listPath = this.url(path).pathname;
      if (!cursor.startsWith(`${listPath}?`))
        throw new RegistryError({ code: 'INVALID_REQUEST', message: 'That page cursor is not one of this Docker Hub list; reload the list.' });
      url = new URL(cursor, this.apiUrl);
      const size = Number(url.searchParams.get('page_size'));
      if (!(size >= 1 && size <= HUB_PAGE_SIZE)) url.searchParams.set('page_size', String(HUB_PAGE_SIZE));
    } else {
      url = this.url(path, { page_size: String(HUB_PAGE_SIZE), ...query });
    }
    const res = await this.get(url);
    if (res.status !== 200) throw this.failure(res, what);
    let parsed;
    try {
      parsed = pageSchema.parse(JSON.parse(res.body.toString('utf8')));
    } catch {
      throw badResponse(DOCKER_HUB, "Docker Hub's API sent a list Berth cannot read.");
    }
    let next: string | null = null;
    if (parsed.next) {
      let link: URL;
      try {
        link = new URL(parsed.next);
      } catch {
        throw badResponse(DOCKER_HUB, "Docker Hub's API sent a next-page link that is not a URL; the list may be incomplete.");
      }
      // The link is absolute: it must lead to the same list on the same API, nowhere else.
      if (link.origin !== this.apiUrl.origin || link.pathname !== url.pathname) {
        throw badResponse(DOCKER_HUB, `Docker Hub's API sent a next-page link to another address (${link.host}${link.pathname}); Berth does not follow it.`);
      }
      next = `${link.pathname}${link.search}`;
      if (next === `${url.pathname}${url.search}`) next = null; // the same page again would loop forever
    }
    return { results: parsed.results ?? [], next, count: count(parsed.count) };
  }

  /** A namespace's repositories, private ones included for their owners, 100 a page. */
  async listRepositories(namespace: string, opts: { ordering?: HubOrdering; cursor?: string } = {}): Promise<HubPage<HubRepository>> {
    validateNamespace(namespace);
    const ordering = ORDERING_PARAM[opts.ordering ?? 'last_updated'];
    const page = await this.page(`/v2/namespaces/${namespace}/repositories`, { ordering }, opts.cursor, { namespace });
    const items: HubRepository[] = [];
    let invalid = 0;
    for (const entry of page.results) {
      const r = repositorySchema.safeParse(entry);
      const repoNamespace = r.success ? (r.data.namespace ?? namespace) : '';
      if (!r.success || repoNamespace !== namespace || r.data.name.includes('/') || !isValidRepository(`${repoNamespace}/${r.data.name}`)) {
        invalid++;
        continue;
      }
      const repository: HubRepository = {
        namespace,
        name: r.data.name,
        description: (r.data.description ?? '').slice(0, 500),
        isPrivate: r.data.is_private === true,
        pullCount: count(r.data.pull_count) ?? 0,
        starCount: count(r.data.star_count) ?? 0,
      };
      const updated = date(r.data.last_updated);
      if (updated) repository.lastUpdated = updated;
      items.push(repository);
    }
    return { items, next: page.next, ...(page.count !== undefined ? { count: page.count } : {}), invalid };
  }

  /** A repository's tags, newest first, each with what it points at: one request per 100 tags. */
  async listTags(repository: string, opts: { cursor?: string } = {}): Promise<HubPage<HubTag>> {
    const { namespace, name } = splitRepository(repository);
    const page = await this.page(`/v2/namespaces/${namespace}/repositories/${name}/tags`, {}, opts.cursor, { repository });
    const items: HubTag[] = [];
    let invalid = 0;
    for (const entry of page.results) {
      const t = tagSchema.safeParse(entry);
      if (!t.success || !isValidTag(t.data.name)) {
        invalid++;
        continue;
      }
      const summary = summariseHubTag(t.data);
      items.push(summary ? { name: t.data.name, summary } : { name: t.data.name });
    }
    return { items, next: page.next, ...(page.count !== undefined ? { count: page.count } : {}), invalid };
  }

  /** One tag, as the tag list describes it (for a row whose tag arrived without details). */
  async getTag(repository: string, tag: string): Promise<HubTag> {
    const { namespace, name } = splitRepository(repository);
    validateTag(tag);
    const res = await this.get(this.url(`/v2/namespaces/${namespace}/repositories/${name}/tags/${tag}`));
    if (res.status !== 200) throw this.failure(res, { repository, tag });
    let parsed;
    try {
      parsed = tagSchema.parse(JSON.parse(res.body.toString('utf8')));
    } catch {
      throw badResponse(DOCKER_HUB, `Docker Hub's API sent a description of ${repository}:${tag} Berth cannot read.`);
    }
    const summary = summariseHubTag(parsed);
    const images = summary?.kind === 'index' ? summariseHubImages(parsed) : [];
    return { name: tag, ...(summary ? { summary } : {}), ...(images.length ? { images } : {}) };
  }
}
