// The registry handshake as functions, one for each rule of docs/protocol.md "Authentication": the
// key of a connection, GET /v2/ and what its answer says, the token request and what its answer
// gives, the Basic header and the check of Basic credentials. The authoriser (authorizer.ts) runs
// them with its caches and its retries; the diagnosis (../diagnose/) runs the same functions afresh
// and describes each step. Neither keeps a copy of these rules of its own.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { findChallenge, parseChallenges, type Challenge } from '../challenge';
import type { Credentials, PingResult } from '../context';
import { RegistryError, badResponse, parseErrorBody, parseRetryAfter, type ErrorCode } from '../errors';
import { connectionFailure, type HttpResponse } from '../net/http';
import type { TransportRequest } from '../net/transport';
import { errorFromResponse, type Requester } from '../response-error';
import { decodeGrantedAccess, type GrantedAccess } from '../scope';
import { MAX_TOKEN_TTL_SECONDS } from './token-cache';

/** What Berth reads of /v2/ and of the Basic check: their bodies are not used. */
export const MAX_SMALL_BODY = 1024 * 1024;
/** A token service's answer: a token (Docker Hub's are 1–2 KB) and maybe a refresh token. */
export const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
/** Longer tokens are refused: a hostile registry could fill the cache with them. */
export const MAX_TOKEN_BYTES = 16 * 1024;

/** A registry and who speaks to it: its canonical host (for messages), the origin Berth talks to, the credentials. */
export interface Peer {
  host: string;
  baseUrl: URL;
  /** Absent when anonymous (a username is required: credentials without one are none). */
  credentials?: Credentials;
}

/** The registry and user, for error messages. */
export function requesterOf(peer: Peer): Requester {
  return peer.credentials ? { host: peer.host, username: peer.credentials.username } : { host: peer.host };
}

/** Identifies a connection (where, and with which credentials) in cache keys without holding the secret. */
export function connectionKey(where: string, credentials?: Credentials): string {
  return credentials ? createHash('sha256').update(`${where}\0${credentials.username}\0${credentials.password}`).digest('hex') : `anonymous@${where}`;
}

export function basicAuthorization(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

// ---- GET /v2/ ------------------------------------------------------------------------------------

export function pingRequest(baseUrl: URL): TransportRequest {
  return { url: new URL('/v2/', baseUrl), method: 'GET', headers: {}, maxBytes: MAX_SMALL_BODY };
}

/**
 * How a registry wants to be spoken to, from its answer to `GET /v2/`; a RegistryError when the
 * answer is no registry's, or sends the credentials elsewhere.
 */
export function readPing(res: HttpResponse, peer: Peer): PingResult {
  if (res.status >= 200 && res.status < 300) return { scheme: 'none' };
  if (res.status === 401) {
    if (res.url.origin !== peer.baseUrl.origin) {
      throw badResponse(peer.host, `${peer.host} sent /v2/ to another address (${res.url.host}) that asks for credentials; Berth does not send them there.`);
    }
    return pingFromChallenges(parseChallenges(res.headers.getAll('www-authenticate')), res.url);
  }
  if (res.status === 429 || res.status >= 500) throw errorFromResponse(res, requesterOf(peer));
  throw new RegistryError({
    code: 'NOT_A_REGISTRY',
    upstreamStatus: res.status,
    host: peer.host,
    message: `${peer.host} answered /v2/ with HTTP ${res.status}: it does not look like a container registry. Check the address.`,
  });
}

/** A realm that is not a URL is refused with this detail on the error: the realm as sent. */
export interface InvalidRealm {
  invalidRealm: string;
}

/**
 * What a 401's challenges ask for: a Bearer realm (resolved against the URL that sent it), or
 * else Basic (also for a 401 with no usable challenge, as some registries send).
 */
export function pingFromChallenges(challenges: Challenge[], from: URL): PingResult {
  const bearer = findChallenge(challenges, 'bearer');
  if (bearer?.params.realm) {
    let realm: string;
    try {
      realm = new URL(bearer.params.realm, from).href;
    } catch {
      throw new RegistryError({
        code: 'BAD_RESPONSE',
        host: from.host,
        detail: { invalidRealm: bearer.params.realm } satisfies InvalidRealm,
        message: `${from.host} named a token service address that is not a valid URL; it cannot be signed in to.`,
      });
    }
    return bearer.params.service ? { scheme: 'bearer', realm, service: bearer.params.service } : { scheme: 'bearer', realm };
  }
  return { scheme: 'basic' };
}

// ---- the token -----------------------------------------------------------------------------------

/** A token service's JSON answer (distribution docs/spec/auth/token.md, "Token Response Fields"). */
export const tokenResponseSchema = z.object({
  token: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
  issued_at: z.string().optional(),
  refresh_token: z.unknown().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** `GET <realm>?service=S&scope=A&scope=B`, with `account` and Basic credentials when there are any. */
export function tokenRequest(ping: { realm: string; service?: string }, scopes: readonly string[], peer: Peer): TransportRequest {
  const url = new URL(ping.realm, peer.baseUrl);
  if (ping.service) url.searchParams.set('service', ping.service);
  for (const s of scopes) url.searchParams.append('scope', s);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (peer.credentials) {
    url.searchParams.set('account', peer.credentials.username);
    headers.authorization = basicAuthorization(peer.credentials);
  }
  return { url, method: 'GET', headers, maxBytes: MAX_TOKEN_RESPONSE_BYTES };
}

/** The token service of a registry, named in messages. */
export const tokenServiceName = (peer: Peer, request: TransportRequest) => `The token service for ${peer.host} (${request.url.host})`;

/** A token, what it grants, and how long it may be used. */
export interface Token {
  token: string;
  /** The JWT's `access` claim, read without verifying the signature; undefined for an opaque token. */
  access?: GrantedAccess[];
  /** From now, in ms: expires_in (60 s when absent or less, an hour at most) from issued_at when that is believable. */
  lifetimeMs: number;
}

/** Why a token service's answer gives no token: refused credentials, a status, or a body without a usable token. */
export type TokenRefusal = { why: 'credentials' } | { why: 'status'; code: ErrorCode; retryAfter?: number } | { why: 'unreadable' | 'no-token' | 'too-long' };

/** What a token service answered: its fields as sent (when they could be read), and the token or why there is none. */
export type TokenAnswer = { fields?: TokenResponse } & ({ token: Token } | { refusal: TokenRefusal });

export function readTokenAnswer(res: HttpResponse, now = Date.now()): TokenAnswer {
  if (res.status === 401 || res.status === 403) return { refusal: { why: 'credentials' } };
  if (res.status !== 200) {
    const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
    const code: ErrorCode = res.status === 429 ? 'TOOMANYREQUESTS' : res.status >= 500 ? 'UNAVAILABLE' : 'BAD_RESPONSE';
    return { refusal: retryAfter !== undefined ? { why: 'status', code, retryAfter } : { why: 'status', code } };
  }
  let fields: TokenResponse;
  try {
    fields = tokenResponseSchema.parse(JSON.parse(res.body.toString('utf8')));
  } catch {
    return { refusal: { why: 'unreadable' } };
  }
  const token = fields.token || fields.access_token;
  if (!token) return { fields, refusal: { why: 'no-token' } };
  if (token.length > MAX_TOKEN_BYTES) return { fields, refusal: { why: 'too-long' } };
  // expires_in defaults to 60 and is never taken as less (distribution token spec), nor as more than an hour.
  const expiresIn = Math.min(Math.max(Number.isFinite(fields.expires_in) ? (fields.expires_in ?? 60) : 60, 60), MAX_TOKEN_TTL_SECONDS);
  const issued = fields.issued_at ? Date.parse(fields.issued_at) : NaN;
  const issuedAt = Number.isFinite(issued) && issued <= now + 60_000 && issued > now - expiresIn * 1000 ? Math.min(issued, now) : now;
  return { fields, token: { token, access: decodeGrantedAccess(token), lifetimeMs: issuedAt + expiresIn * 1000 - now } };
}

/** A refusal in the words browsing uses: what a view shows when the token service gives no token. */
export function tokenRefusalError(refusal: TokenRefusal, res: HttpResponse, peer: Peer, service: string): RegistryError {
  const { host } = peer;
  switch (refusal.why) {
    case 'credentials':
      return new RegistryError({
        code: 'UNAUTHORIZED',
        upstreamStatus: res.status,
        host,
        registryMessage: parseErrorBody(res.body)[0]?.message,
        message: peer.credentials
          ? `${host} rejected the username or password (or token). Check them and sign in again.`
          : `${host} does not allow anonymous access. Sign in to continue.`,
      });
    case 'status':
      return new RegistryError({
        code: refusal.code,
        upstreamStatus: res.status,
        retryAfter: refusal.retryAfter,
        host,
        message: `${service} answered HTTP ${res.status}. ${refusal.retryAfter ? `Try again in ${refusal.retryAfter} s.` : 'Try again in a moment.'}`,
      });
    case 'unreadable':
      return badResponse(host, `${service} sent a response Berth cannot read.`);
    case 'no-token':
      return badResponse(host, `${service} sent no token.`);
    case 'too-long':
      return badResponse(host, `${service} sent a token longer than ${MAX_TOKEN_BYTES / 1024} KiB; Berth does not use it.`);
  }
}

/**
 * The registry may be up while its token service is not: say which of the two is down, and under
 * the registry's name (the page offers its retry and sign-in for the registry).
 */
export function tokenServiceDown(e: unknown, peer: Peer, service: string, timeoutMs: number): unknown {
  if (!(e instanceof RegistryError) || (e.code !== 'UNREACHABLE' && e.code !== 'TIMEOUT')) return e;
  const what = e.code === 'TIMEOUT' ? `did not answer within ${Math.round(timeoutMs / 1000)} s` : `could not be reached: ${connectionFailure(e)}`;
  return new RegistryError({
    code: e.code,
    host: peer.host,
    message: `${service} ${what}. ${peer.host} cannot be read without it: try again in a moment, and if it persists tell the registry's owner that its token service is down.`,
    cause: e,
  });
}

// ---- Basic ---------------------------------------------------------------------------------------

/** `GET /v2/` with the credentials: whether a Basic registry (or an open one that checks) takes them. */
export function basicCheckRequest(baseUrl: URL, credentials: Credentials): TransportRequest {
  return { url: new URL('/v2/', baseUrl), method: 'GET', headers: { authorization: basicAuthorization(credentials) }, maxBytes: MAX_SMALL_BODY };
}

/** 'refused' for 401 and 403; any other failure is a RegistryError in browsing's words. */
export function readBasicCheck(res: HttpResponse, peer: Peer): 'accepted' | 'refused' {
  if (res.status === 401 || res.status === 403) return 'refused';
  if (res.status >= 300) throw errorFromResponse(res, requesterOf(peer));
  return 'accepted';
}
