// The authoriser: how Berth gets a request through a registry's authentication, as mature clients
// do (go-containerregistry's bearer transport, regclient, containerd's authorizer). It runs the
// handshake (handshake.ts) with caches: the ping once per origin, tokens per (connection, realm,
// service, scopes) in the token cache (token-cache.ts); then a retry loop: merge scopes on
// insufficient_scope, drop the token on invalid_token, retry once, never loop. The rules are
// written out in docs/protocol.md ("Authentication").
import type { CachedToken, Credentials, PingResult, RegistryContext, RequestScope } from '../context';
import { findChallenge, parseChallenges } from '../challenge';
import { RegistryError } from '../errors';
import type { HttpResponse } from '../net/http';
import { followingTransport, type Transport, type TransportRequest } from '../net/transport';
import type { Requester } from '../response-error';
import { mergeScopes, type GrantedAccess } from '../scope';
import {
  basicAuthorization,
  basicCheckRequest,
  connectionKey,
  pingFromChallenges,
  pingRequest,
  readBasicCheck,
  readPing,
  readTokenAnswer,
  requesterOf,
  tokenRefusalError,
  tokenRequest,
  tokenServiceDown,
  tokenServiceName,
  type Peer,
} from './handshake';
import { cachedToken, dropToken, keepToken } from './token-cache';

const PING_TTL_MS = 10 * 60_000;

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
  /** Reads a 200 (or ranged 206) answer's body as it arrives (see HttpRequest.consume). */
  consume?: TransportRequest['consume'];
  /** Asks for part of the resource only: `bytes=FIRST-LAST` (sent on through redirects; the registry may answer the whole). */
  range?: string;
  idleTimeoutMs?: number;
  /** Ends this request instead of the person's signal (TransportRequest.signal). */
  signal?: AbortSignal;
}

export interface Verification {
  scheme: PingResult['scheme'];
  /** False where the registry is open and would answer 200 to any credentials. */
  credentialsChecked: boolean;
}

export class Authorizer {
  readonly host: string;
  readonly baseUrl: URL;
  private readonly credentials?: Credentials;
  private readonly context: RegistryContext;
  private readonly transport: Transport;
  private readonly peer: Peer;
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
    this.peer = { host: this.host, baseUrl: this.baseUrl, ...(this.credentials ? { credentials: this.credentials } : {}) };
    this.connectionKey = connectionKey(this.baseUrl.origin, this.credentials);
  }

  get anonymous(): boolean {
    return this.credentials === undefined;
  }

  /** The registry and user, for error messages. */
  get requester(): Requester {
    return requesterOf(this.peer);
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
    const result = readPing(await this.transport(pingRequest(this.baseUrl)), this.peer);
    this.context.pings.set(key, result, PING_TTL_MS, JSON.stringify(result).length);
    return result;
  }

  private tokenKey(ping: { realm: string; service?: string }, scopes: readonly string[]): string {
    return `${this.connectionKey}|${ping.realm}|${ping.service ?? ''}|${[...scopes].sort().join(' ')}`;
  }

  private token(ping: { realm: string; service?: string }, scopes: readonly string[]): Promise<CachedToken> {
    const key = this.tokenKey(ping, scopes);
    return cachedToken(this.context, key, () => this.fetchToken(ping, scopes, key), this.signal);
  }

  private async fetchToken(ping: { realm: string; service?: string }, scopes: readonly string[], key: string): Promise<CachedToken> {
    const request = tokenRequest(ping, scopes, this.peer);
    const service = tokenServiceName(this.peer, request);
    this.context.stats.tokenFetches++;
    let res: HttpResponse;
    try {
      res = await this.transport(request);
    } catch (e) {
      throw tokenServiceDown(e, this.peer, service, this.context.timeoutMs);
    }
    const answer = readTokenAnswer(res);
    if ('refusal' in answer) throw tokenRefusalError(answer.refusal, res, this.peer, service);
    const entry: CachedToken = { token: answer.token.token, access: answer.token.access };
    keepToken(this.context, key, entry, answer.token.lifetimeMs);
    return entry;
  }

  private async authorization(ping: PingResult, scopes: readonly string[]): Promise<string | undefined> {
    if (ping.scheme === 'basic') return this.credentials ? basicAuthorization(this.credentials) : undefined;
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
      if (spec.range) headers.range = spec.range;
      const auth = await this.authorization(ping, scopes);
      if (auth) headers.authorization = auth;
      const res = await this.transport({
        url: spec.url,
        method,
        headers,
        maxBytes: spec.maxBytes,
        consume: spec.consume,
        idleTimeoutMs: spec.idleTimeoutMs,
        signal: spec.signal,
      });
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
        dropToken(this.context, this.tokenKey(ping, scopes));
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
    const res = await this.transport(basicCheckRequest(this.baseUrl, this.credentials));
    if (readBasicCheck(res, this.peer) === 'refused') {
      throw new RegistryError({
        code: 'UNAUTHORIZED',
        upstreamStatus: res.status,
        host: this.host,
        message: `${this.host} rejected the username or password (or token). Check them and try again.`,
      });
    }
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
