// The one stub registry of the unit tests of the authoriser (auth/), the registry client
// (client/), the Docker Hub API client (hub/) and the diagnosis (diagnose/): a transport that
// answers as each test scripts it and keeps every request it is sent. For tests only: no
// production code imports it.
//
// A test scripts its registry with a route, a function of the request (and of how many times
// that path has been asked, this time included) that returns an answer, or nothing for a request
// the test did not expect (which then fails loudly). A handshake, when given, answers GET /v2/
// and the token service as a registry of that kind does, so that the route scripts only the rest.
import { RegistryContext } from './context';
import { ResponseHeaders, type HttpResponse, type TlsFacts } from './net/http';
import type { Transport, TransportRequest } from './net/transport';
import { AddressPolicy } from './policy';

/** Where the stub registry is, and its token service. */
export const REGISTRY = 'https://r.example';
export const REALM = 'https://auth.example/token';

/** An answer as a test writes it: 200 with no body unless it says otherwise. */
export interface Answer {
  status?: number;
  /** A header whose value is undefined is not sent. */
  headers?: Record<string, string | undefined>;
  /** A Buffer or a string as it is; anything else as JSON. */
  body?: unknown;
  /** Where redirects led: another URL than the request's. */
  url?: string | URL;
  tls?: TlsFacts;
}

export type Route = (req: TransportRequest, n: number) => Answer | HttpResponse | undefined | Promise<Answer | HttpResponse | undefined>;

/**
 * How GET /v2/ (on any origin) and the token service (at REALM) answer before the route is asked:
 * open; Basic (401 until a request carries credentials, which `accepts` may refuse); or Bearer
 * (401 with `challenge`, and `token` answering at REALM; by default, a token for every scope asked).
 */
export type Handshake =
  | { scheme: 'none' }
  | { scheme: 'basic'; accepts?: (authorization: string) => boolean }
  | { scheme: 'bearer'; challenge?: string; token?: (req: TransportRequest) => Answer | HttpResponse };

/** The challenge of the stub registry's /v2/: a token from REALM, for service r.example. */
export const BEARER_CHALLENGE = `Bearer realm="${REALM}",service="r.example"`;

/** The HttpResponse an answer stands for, at the URL of `to` unless the answer names another. */
export function respond(to: URL | { url: URL }, answer: Answer = {}): HttpResponse {
  const url = answer.url === undefined ? (to instanceof URL ? to : to.url) : new URL(answer.url);
  const { body } = answer;
  const bytes = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return {
    status: answer.status ?? 200,
    url,
    headers: new ResponseHeaders(Object.entries(answer.headers ?? {}).flatMap(([name, value]) => (value === undefined ? [] : [name, value]))),
    body: bytes,
    ...(answer.tls ? { tls: answer.tls } : {}),
  };
}

const API_VERSION = { 'docker-distribution-api-version': 'registry/2.0' };

function handshakeAnswer(handshake: Handshake, req: TransportRequest): Answer | HttpResponse | undefined {
  if (handshake.scheme === 'bearer' && req.url.href.startsWith(REALM)) return (handshake.token ?? tokenAnswer)(req);
  if (req.url.pathname !== '/v2/') return undefined;
  if (handshake.scheme === 'none') return { headers: API_VERSION };
  if (handshake.scheme === 'bearer') return { status: 401, headers: { ...API_VERSION, 'www-authenticate': handshake.challenge ?? BEARER_CHALLENGE } };
  const authorization = req.headers.authorization;
  const accepted = authorization !== undefined && (handshake.accepts?.(authorization) ?? true);
  return accepted ? { headers: API_VERSION } : { status: 401, headers: { ...API_VERSION, 'www-authenticate': 'Basic realm="Registry Realm"' } };
}

/** A stub registry: its transport, every request it was sent (`seen`, in order), and views of them. */
export function testRegistry(route: Route = () => undefined, options: { handshake?: Handshake } = {}) {
  const seen: TransportRequest[] = [];
  const counts = new Map<string, number>();
  const transport: Transport = async (req) => {
    seen.push(req);
    const n = (counts.get(req.url.pathname) ?? 0) + 1;
    counts.set(req.url.pathname, n);
    const answer = (options.handshake && handshakeAnswer(options.handshake, req)) ?? (await route(req, n));
    if (!answer) throw new Error(`test registry: nothing scripted for ${req.method} ${req.url.href}`);
    const res = answer.headers instanceof ResponseHeaders ? (answer as HttpResponse) : respond(req, answer as Answer);
    const streamed = res.status === 200 || (res.status === 206 && req.headers.range !== undefined);
    if (!req.consume || !streamed || req.method === 'HEAD') return res;
    // Read as it arrives: the body reaches the consumer in 16 KiB chunks, as a network would cut it.
    const body = res.body;
    async function* chunks() {
      for (let at = 0; at < body.length; at += 16 * 1024) yield body.subarray(at, at + 16 * 1024);
    }
    return { ...res, body: Buffer.alloc(0), consumed: await req.consume(chunks(), { status: res.status, headers: res.headers }) };
  };
  return {
    transport,
    seen,
    /** The requests to `path` (on any origin). */
    to: (path: string) => seen.filter((r) => r.url.pathname === path),
    /** The requests to the token service at REALM. */
    tokenRequests: () => seen.filter((r) => r.url.href.startsWith(REALM)),
  };
}

export type TestRegistry = ReturnType<typeof testRegistry>;

/** What a request asked, as tests compare it: its method, path and query, authorization and JSON body. */
export function asked(req: TransportRequest): { method: string; path: string; auth?: string; body?: unknown } {
  const body: unknown = req.body ? JSON.parse(Buffer.from(req.body).toString()) : undefined;
  return {
    method: req.method,
    path: `${req.url.pathname}${req.url.search}`,
    ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
    ...(body ? { body } : {}),
  };
}

/** A JWT of `claims` (its signature is not checked by anyone). */
export function jwt(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): string {
  const part = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  return `${part(header)}.${part(claims)}.c2lnbmF0dXJl`;
}

/**
 * A token service's answer, as distribution's issuer gives it: a JWT granting of each scope asked
 * the actions `allowed` lists ("type:name:action"; everything asked when absent), never an error.
 */
export function tokenAnswer(
  req: TransportRequest,
  allowed?: readonly string[],
  claims: Record<string, unknown> = {},
  fields: Record<string, unknown> = {},
): Answer {
  const access = req.url.searchParams.getAll('scope').map((scope) => {
    const type = scope.slice(0, scope.indexOf(':'));
    const rest = scope.slice(scope.indexOf(':') + 1);
    const name = rest.slice(0, rest.lastIndexOf(':'));
    const actions = rest
      .slice(rest.lastIndexOf(':') + 1)
      .split(',')
      .filter((a) => allowed === undefined || allowed.includes(`${type}:${name}:${a}`));
    return { type, name, actions };
  });
  return { headers: { 'content-type': 'application/json' }, body: { token: jwt({ ...claims, access }), expires_in: 300, ...fields } };
}

/** The username of a request's Basic credentials. */
export function basicUser(req: TransportRequest): string | undefined {
  const authorization = req.headers.authorization;
  return authorization?.startsWith('Basic ') ? Buffer.from(authorization.slice(6), 'base64').toString().split(':')[0] : undefined;
}

/** A context whose policy lets Berth talk to any public registry (and to `dockerHubApiUrl` as Docker Hub's API). */
export function testContext(options: { dockerHubApiUrl?: string } = {}): RegistryContext {
  return new RegistryContext({ policy: new AddressPolicy({ allowed: null, dockerHubRegistryUrl: 'https://registry-1.docker.io', ...options }) });
}
