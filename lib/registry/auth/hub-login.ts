// Docker Hub's API sign-in: one more way of signing in, beside the registry handshake. POST
// /v2/auth/token takes a password, a personal or an organisation access token; the legacy POST
// /v2/users/login is tried where that route is missing, or refuses a password (only it says that an
// account needs a second factor). The token goes into the one token cache (token-cache.ts) for the
// life its JWT names. `send` is the API's counterpart of the authoriser's: the token, renewed once
// when the API stops taking it, and nothing asked of a connection told to wait (../wait.ts).
// The facts are in docs/protocol.md ("Docker Hub").
import { z } from 'zod';
import type { Credentials, RegistryContext, RequestScope } from '../context';
import { RegistryError, badResponse } from '../errors';
import type { HttpResponse } from '../net/http';
import { followingTransport, type Transport } from '../net/transport';
import { DOCKER_HUB } from '../reference';
import { hubApiError, hubRateLimited, hubRetryAfter } from '../response-error';
import { secondsToWait, waitUntil } from '../wait';
import { MAX_TOKEN_BYTES, connectionKey } from './handshake';
import { cachedToken, dropToken, keepToken } from './token-cache';

const MAX_LOGIN_BODY = 64 * 1024;
/** Hub's access tokens live about ten minutes; used when a token does not say. */
const DEFAULT_TOKEN_TTL_SECONDS = 600;

export interface HubLoginOptions {
  /** The Hub API's base URL ("https://hub.docker.com"). */
  apiUrl: URL;
  credentials?: Credentials;
  context: RegistryContext;
  /** Defaults to the network, following redirects; tests pass a stub. */
  transport?: Transport;
  /** Whose requests these are (see RequestScope). */
  scope?: RequestScope;
}

const loginSchema = z.object({ access_token: z.string().nullish(), token: z.string().nullish(), login_2fa_token: z.string().nullish() });

/** Personal and organisation access tokens: never subject to a second factor. */
const isAccessToken = (secret: string) => /^dckr_(pat|oat)_/.test(secret);

/** Seconds a JWT says it lives (its `exp`), if it says. */
function secondsLeft(token: string, now: number): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? Math.floor(claims.exp - now / 1000) : undefined;
  } catch {
    return undefined;
  }
}

function loginBody(res: HttpResponse): z.infer<typeof loginSchema> {
  try {
    return loginSchema.parse(JSON.parse(res.body.toString('utf8')));
  } catch {
    return {};
  }
}

function wrongCredentials(status: number): RegistryError {
  return new RegistryError({
    code: 'UNAUTHORIZED',
    upstreamStatus: status,
    host: DOCKER_HUB,
    message: 'Docker Hub rejected the username or password (or token). Check them and sign in again.',
  });
}

export class HubLogin {
  /** With a trailing slash, so that paths resolve under a base path (https://proxy.example/hub/). */
  readonly apiUrl: URL;
  private readonly credentials?: Credentials;
  private readonly context: RegistryContext;
  private readonly transport: Transport;
  /** The connection (API and credentials): its token and its wait are kept under this key. */
  readonly connectionKey: string;
  private readonly signal?: AbortSignal;

  constructor(options: HubLoginOptions) {
    this.apiUrl = new URL(options.apiUrl.href.endsWith('/') ? options.apiUrl.href : `${options.apiUrl.href}/`);
    this.credentials = options.credentials?.username ? options.credentials : undefined;
    this.context = options.context;
    this.transport = options.transport ?? followingTransport(options.context, DOCKER_HUB, options.scope);
    this.signal = options.scope?.signal;
    this.connectionKey = connectionKey(this.apiUrl.href, this.credentials);
  }

  get anonymous(): boolean {
    return this.credentials === undefined;
  }

  /** The signed-in Docker ID (or organisation), whose namespace is "mine". */
  get username(): string | undefined {
    return this.credentials?.username;
  }

  /** A URL of the API, with `query`. */
  url(path: string, query: Record<string, string> = {}): URL {
    const url = new URL(path.replace(/^\//, ''), this.apiUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  }

  /** Sign-in check: the credentials at the Hub API (nothing to check anonymously). */
  async verify(): Promise<void> {
    if (this.credentials) await this.token();
  }

  /**
   * A GET with this connection's token; a token the Hub no longer takes is renewed once. After a
   * 429 with a time to come back, nothing is asked before that time.
   */
  async send(url: URL, maxBytes: number): Promise<HttpResponse> {
    const wait = secondsToWait(this.context, this.connectionKey);
    if (wait !== undefined) throw hubRateLimited(wait, !this.anonymous);
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json' };
      const token = this.credentials ? await this.token() : undefined;
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await this.transport({ url, method: 'GET', headers, maxBytes });
      if (res.status === 429) {
        const retryAfter = hubRetryAfter(res);
        if (retryAfter !== undefined) waitUntil(this.context, this.connectionKey, Date.now() + retryAfter * 1000);
      }
      if (res.status !== 401 || !token || attempt > 0) return res;
      dropToken(this.context, this.connectionKey); // expired or revoked: sign in again
    }
  }

  /** The Hub API token of this connection, from the token cache. */
  private async token(): Promise<string> {
    return (await cachedToken(this.context, this.connectionKey, () => this.login(), this.signal)).token;
  }

  private post(path: string, body: unknown): Promise<HttpResponse> {
    const bytes = Buffer.from(JSON.stringify(body));
    const headers = { accept: 'application/json', 'content-type': 'application/json' };
    return this.transport({ url: this.url(path), method: 'POST', headers, body: bytes, maxBytes: MAX_LOGIN_BODY });
  }

  private async login(): Promise<{ token: string }> {
    const c = this.credentials;
    if (!c) throw new Error('HubLogin.login without credentials');
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
      throw wrongCredentials(res.status);
    }
    throw hubApiError(res, true);
  }

  private async legacyLogin(c: Credentials): Promise<{ token: string }> {
    const res = await this.post('/v2/users/login', { username: c.username, password: c.password });
    if (res.status === 200) return this.keep(res);
    if (res.status === 401 || res.status === 403) {
      if (loginBody(res).login_2fa_token) {
        throw new RegistryError({
          code: 'ACCESS_TOKEN_REQUIRED',
          upstreamStatus: res.status,
          host: DOCKER_HUB,
          message: `${c.username} has two-factor authentication on, so Docker Hub does not take its password here. Create a personal access token (Docker Hub: Account settings → Personal access tokens) and sign in with it as the password.`,
        });
      }
      throw wrongCredentials(res.status);
    }
    // Neither route exists: no list's page is missing, whatever hubApiError would say of a 404.
    if (res.status === 404 || res.status === 405) {
      throw new RegistryError({
        code: 'BAD_RESPONSE',
        upstreamStatus: res.status,
        host: DOCKER_HUB,
        message: `Docker Hub's API has no sign-in route Berth knows (HTTP ${res.status}), so Berth cannot sign in to it.`,
      });
    }
    throw hubApiError(res, true);
  }

  /** Reads the token of a successful sign-in and keeps it for the life its JWT names (ten minutes when it names none). */
  private keep(res: HttpResponse): { token: string } {
    const body = loginBody(res);
    const token = body.access_token || body.token;
    if (!token) throw badResponse(DOCKER_HUB, 'Docker Hub signed you in but sent no token Berth can use.');
    if (token.length > MAX_TOKEN_BYTES)
      throw badResponse(DOCKER_HUB, `Docker Hub sent a token longer than ${MAX_TOKEN_BYTES / 1024} KiB; Berth does not use it.`);
    const entry = { token };
    keepToken(this.context, this.connectionKey, entry, (secondsLeft(token, Date.now()) ?? DEFAULT_TOKEN_TTL_SECONDS) * 1000);
    return entry;
  }
}
