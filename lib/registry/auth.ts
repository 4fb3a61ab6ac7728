// The authoriser: how Berth gets a request through a registry's authentication, as mature clients
// do (go-containerregistry's bearer transport, regclient, containerd's authorizer). Ping once,
// read the challenge, fetch and cache tokens per (connection, realm, service, scopes), merge
// scopes on insufficient_scope, drop the token on invalid_token, retry once, never loop.
// The rules are written out in docs/protocol.md ("Authentication").
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { findChallenge, parseChallenges, type Challenge } from './challenge';
import type { CachedToken, Credentials, PingResult, RegistryContext, RequestScope } from './context';
import { RegistryError, badResponse, parseErrorBody, parseRetryAfter } from './errors';
import { connectionFailure, type HttpResponse } from './net/http';
import { errorFromResponse, type Requester } from './response-error';
import { decodeGrantedAccess, mergeScopes, type GrantedAccess } from './scope';
import { followingTransport, type Transport } from './net/transport';

const MAX_SMALL_BODY = 1024 * 1024;
const PING_TTL_MS = 10 * 60_000;
/** A token service's answer: a token (Docker Hub's are 1–2 KB) and maybe a refresh token. */
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
/** Longer tokens are refused: a hostile registry could fill the cache with them. */
export const MAX_TOKEN_BYTES = 16 * 1024;
/** However long a token service says a token lives, Berth asks again after an hour. */
export const MAX_TOKEN_TTL_SECONDS = 3600;

export interface AuthorizerOptions {
  /** Canonical host ("docker.io", "127.0.0.1:5000"), for messages. */
  host: string;
  /** Origin Berth talks to ("https://registry-1.docker.io"). */
  baseUrl: URL;
  credentials?: Credentials;
  context: RegistryContext;
  /** Defaults to the network, following redirects; tests pass a stub. */
  transport?: Transport;
  /** Whose requests these are (see RequestScope). */
  scope?: RequestScope;
}

export interface AuthorizedRequest {
  method?: 'GET' | 'HEAD' | 'DELETE';
  url: URL;
  /** What the request needs, e.g. `repository:team/app:pull`; merged with what a challenge asks for. */
  scopes: string[];
  accept?: string;
  maxBytes: number;
}

export interface Verification {
  scheme: PingResult['scheme'];
  /** False where the registry is open and would answer 200 to any credentials. */
  credentialsChecked: boolean;
}

/** A token service's JSON answer (distribution docs/spec/auth/token.md, "Token Response Fields"). */
export const tokenResponseSchema = z.object({
  token: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
  issued_at: z.string().optional(),
});

export class Authorizer {
  readonly host: string;
  readonly baseUrl: URL;
  private readonly credentials?: Credentials;
  private readonly context: RegistryContext;
  private readonly transport: Transport;
  /** Identifies the connection (origin and credentials) in cache keys without holding the secret. */
  readonly connectionKey: string;
  /** Ends this person's work when they have gone. */
  readonly signal?: AbortSignal;

  constructor(options: AuthorizerOptions) {
    this.host = options.host;
    this.baseUrl = options.baseUrl;
    this.credentials = options.credentials?.username ? options.credentials : undefined;
    this.context = options.context;
    this.transport = options.transport ?? followingTransport(options.context, options.host, options.scope);
    this.signal = options.scope?.signal;
    this.connectionKey = this.credentials
      ? createHash('sha256').update(`${this.baseUrl.origin}\0${this.credentials.username}\0${this.credentials.password}`).digest('hex')
      : `anonymous@${this.baseUrl.origin}`;
  }

  get anonymous(): boolean {
    return this.credentials === undefined;
  }

  /** The registry and user, for error messages. */
  get requester(): Requester {
    return this.credentials ? { host: this.host, username: this.credentials.username } : { host: this.host };
  }

  /** `GET /v2/`, cached per origin: how this registry wants to be spoken to. */
  async ping(): Promise<PingResult> {
    const key = this.baseUrl.origin;
    const cached = this.context.pings.get(key);
    if (cached) return cached;
    // Everyone asking at once shares one ping (the answer is the same for all; a failure is not shared).
    return this.context.once(`ping|${key}`, () => this.sendPing(key), { signal: this.signal });
  }

  private async sendPing(key: string): Promise<PingResult> {
    this.context.stats.pings++;
    const res = await this.transport({ url: new URL('/v2/', this.baseUrl), method: 'GET', headers: {}, maxBytes: MAX_SMALL_BODY });
    let result: PingResult;
    if (res.status >= 200 && res.status < 300) {
      result = { scheme: 'none' };
    } else if (res.status === 401) {
      if (res.url.origin !== this.baseUrl.origin) {
        throw badResponse(this.host, `${this.host} sent /v2/ to another address (${res.url.host}) that asks for credentials; Berth does not send them there.`);
      }
      result = pingFromChallenges(parseChallenges(res.headers.getAll('www-authenticate')), res.url);
    } else if (res.status === 429 || res.status >= 500) {
      throw errorFromResponse(res, this.requester);
    } else {
      throw new RegistryError({
        code: 'NOT_A_REGISTRY',
        upstreamStatus: res.status,
        host: this.host,
        message: `${this.host} answered /v2/ with HTTP ${res.status}: it does not look like a container registry. Check the address.`,
      });
    }
    this.context.pings.set(key, result, PING_TTL_MS, JSON.stringify(result).length);
    return result;
  }

  private tokenKey(ping: { realm: string; service?: string }, scopes: readonly string[]): string {
    return `${this.connectionKey}|${ping.realm}|${ping.service ?? ''}|${[...scopes].sort().join(' ')}`;
  }

  private async token(ping: { realm: string; service?: string }, scopes: readonly string[]): Promise<CachedToken> {
    const key = this.tokenKey(ping, scopes);
    const cached = this.context.tokens.get(key);
    if (cached) return cached;
    return this.context.once(`token|${key}`, () => this.fetchToken(ping, scopes, key), { signal: this.signal, shareFailures: true });
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
    const service = `The token service for ${this.host} (${realm.host})`;
    let res: HttpResponse;
    try {
      res = await this.transport({ url: realm, method: 'GET', headers, maxBytes: MAX_TOKEN_RESPONSE_BYTES });
    } catch (e) {
      throw this.tokenServiceDown(e, service);
    }
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError({
        code: 'UNAUTHORIZED',
        upstreamStatus: res.status,
        host: this.host,
        registryMessage: parseErrorBody(res.body)[0]?.message,
        message: this.credentials
          ? `${this.host} rejected the username or password (or token). Check them and sign in again.`
          : `${this.host} does not allow anonymous access. Sign in to continue.`,
      });
    }
    if (res.status !== 200) {
      const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
      throw new RegistryError({
        code: res.status === 429 ? 'TOOMANYREQUESTS' : res.status >= 500 ? 'UNAVAILABLE' : 'BAD_RESPONSE',
        upstreamStatus: res.status,
        retryAfter,
        host: this.host,
        message: `${service} answered HTTP ${res.status}. ${retryAfter ? `Try again in ${retryAfter} s.` : 'Try again in a moment.'}`,
      });
    }
    let body: z.infer<typeof tokenResponseSchema>;
    try {
      body = tokenResponseSchema.parse(JSON.parse(res.body.toString('utf8')));
    } catch {
      throw badResponse(this.host, `${service} sent a response Berth cannot read.`);
    }
    const token = body.token || body.access_token;
    if (!token) throw badResponse(this.host, `${service} sent no token.`);
    if (token.length > MAX_TOKEN_BYTES)
      throw badResponse(this.host, `${service} sent a token longer than ${MAX_TOKEN_BYTES / 1024} KiB; Berth does not use it.`);
    // expires_in defaults to 60 and is never taken as less (distribution token spec), nor as more than an hour.
    const expiresIn = Math.min(Math.max(Number.isFinite(body.expires_in) ? (body.expires_in ?? 60) : 60, 60), MAX_TOKEN_TTL_SECONDS);
    const issued = body.issued_at ? Date.parse(body.issued_at) : NaN;
    const now = Date.now();
    const issuedAt = Number.isFinite(issued) && issued <= now + 60_000 && issued > now - expiresIn * 1000 ? Math.min(issued, now) : now;
    const lifetime = issuedAt + expiresIn * 1000 - now;
    // Reuse until shortly before expiry: keep a margin of 10% (at least 5 s, at most 60 s).
    const margin = Math.min(Math.max(lifetime * 0.1, 5_000), 60_000);
    const entry: CachedToken = { token, access: decodeGrantedAccess(token) };
    if (lifetime - margin > 0) this.context.tokens.set(key, entry, lifetime - margin, token.length + JSON.stringify(entry.access ?? []).length);
    return entry;
  }

  /**
   * The registry may be up while its token service is not: say which of the two is down, and
   * under the registry's name (the page offers its retry and sign-in for the registry).
   */
  private tokenServiceDown(e: unknown, service: string): unknown {
    if (!(e instanceof RegistryError) || (e.code !== 'UNREACHABLE' && e.code !== 'TIMEOUT')) return e;
    const what =
      e.code === 'TIMEOUT' ? `did not answer within ${Math.round(this.context.timeoutMs / 1000)} s` : `could not be reached: ${connectionFailure(e)}`;
    return new RegistryError({
      code: e.code,
      host: this.host,
      message: `${service} ${what}. ${this.host} cannot be read without it: try again in a moment, and if it persists tell the registry's owner that its token service is down.`,
      cause: e,
    });
  }

  private async authorization(ping: PingResult, scopes: readonly string[]): Promise<string | undefined> {
    if (ping.scheme === 'basic') return this.credentials ? basicAuth(this.credentials) : undefined;
    if (ping.scheme === 'bearer') return `Bearer ${(await this.token(ping, scopes)).token}`;
    return undefined;
  }

  /**
   * One authenticated request with at most one retry on an actionable challenge. Answers the
   * registry's response, whatever its status: the caller decides what a failure means.
   */
  async send(spec: AuthorizedRequest): Promise<HttpResponse> {
    let ping = await this.ping();
    let scopes = mergeScopes(spec.scopes);
    const method = spec.method ?? 'GET';
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {};
      if (spec.accept) headers.accept = spec.accept;
      const auth = await this.authorization(ping, scopes);
      if (auth) headers.authorization = auth;
      const res = await this.transport({ url: spec.url, method, headers, maxBytes: spec.maxBytes });
      // A challenge counts only from the registry itself: a redirect target (a CDN, or an address a
      // hostile registry chose) must not be able to name a realm that receives the credentials.
      if (res.status !== 401 || attempt > 0 || res.url.origin !== this.baseUrl.origin) return res;
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

  /**
   * Sign-in check: the address and credentials at once. Ping, then a token for no particular
   * scope (Bearer) or an authenticated `/v2/` (Basic).
   */
  async verify(): Promise<Verification> {
    const ping = await this.ping();
    if (ping.scheme === 'bearer') {
      await this.token(ping, []);
      return { scheme: ping.scheme, credentialsChecked: this.credentials !== undefined };
    }
    if (ping.scheme === 'basic' && !this.credentials) {
      throw new RegistryError({
        code: 'UNAUTHORIZED',
        host: this.host,
        message: `${this.host} does not allow anonymous access. Enter a username and password.`,
      });
    }
    if (!this.credentials) return { scheme: ping.scheme, credentialsChecked: false };
    // Basic, or an open /v2/ that may still check credentials it is sent: send them once.
    const headers = { authorization: basicAuth(this.credentials) };
    const res = await this.transport({ url: new URL('/v2/', this.baseUrl), method: 'GET', headers, maxBytes: MAX_SMALL_BODY });
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError({
        code: 'UNAUTHORIZED',
        upstreamStatus: res.status,
        host: this.host,
        message: `${this.host} rejected the username or password (or token). Check them and try again.`,
      });
    }
    if (res.status >= 300) throw errorFromResponse(res, this.requester);
    // An open /v2/ answers 200 whatever it is sent: the credentials are only checked later.
    return { scheme: ping.scheme, credentialsChecked: ping.scheme === 'basic' };
  }

  /** What the token service granted for these scopes (decoded JWT `access` claim), if known. */
  async grantedAccess(scopes: string[]): Promise<GrantedAccess[] | undefined> {
    const ping = await this.ping();
    if (ping.scheme !== 'bearer') return undefined;
    return (await this.token(ping, mergeScopes(scopes))).access;
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
      throw badResponse(from.host, `${from.host} named a token service address that is not a valid URL; it cannot be signed in to.`);
    }
    return bearer.params.service ? { scheme: 'bearer', realm, service: bearer.params.service } : { scheme: 'bearer', realm };
  }
  // Basic, or a 401 with no usable challenge (some registries): send Basic if we have credentials.
  return { scheme: 'basic' };
}
