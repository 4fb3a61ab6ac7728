import 'server-only';
import { headers } from 'next/headers';
import { readQuery, type BodyOf, type Endpoint, type QueryOf } from '@/lib/api/endpoints';
import type { ApiErrorBody } from '@/lib/api/types';
import { RegistryClient, RegistryError, parseHost, type RequestScope } from '@/lib/registry';
import { budgetedJson } from './answers';
import { clientAddress } from './client-address';
import { answerBudget, config, diagnosisLimit, registryContext } from './config';
import { assertSameOrigin as assertSameOriginFor } from './origin';
import { storedRegistry } from './session';

// Route handlers are thin: validate → session → lib/registry → Response.json. This module is
// the "→" between them: one error envelope, the Origin check (./origin.ts), who is asking (their
// budget of requests to registries and of answers in flight), and the client for a host.

/** State-changing routes: the request must come from one of Berth's own pages (./origin.ts). */
export function assertSameOrigin(request: Request): void {
  assertSameOriginFor(request, config().publicOrigins);
}

/**
 * Who is asking, for Berth's per-client limits: their network address (./client-address.ts), or
 * 'unknown' when nothing trustworthy names one.
 */
export function clientKey(source: { get(name: string): string | null }): string {
  return clientAddress(source, config().trustedProxies) ?? 'unknown';
}

/** The scope of a request: its client's budget, and its signal (aborted when the browser leaves). */
export function requestScope(request: Request): RequestScope {
  return { client: clientKey(request.headers), signal: request.signal };
}

/** The scope of a page being rendered (its prefetch): its client, from the request's headers. */
export async function renderScope(): Promise<RequestScope> {
  return { client: clientKey(await headers()) };
}

export function errorBody(err: RegistryError, registry?: string): ApiErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      status: err.status,
      ...(err.retryAfter !== undefined ? { retryAfter: err.retryAfter } : {}),
      ...((err.host ?? registry) ? { registry: err.host ?? registry } : {}),
    },
  };
}

export function errorResponse(err: unknown, registry?: string): Response {
  if (!(err instanceof RegistryError)) {
    // Never echo unknown errors: they may carry request details. Log the message only.
    console.error('Berth: unexpected error in an API route:', err instanceof Error ? err.message : String(err));
    err = new RegistryError({ code: 'INTERNAL', message: 'Berth hit an unexpected error. Try again; if it persists, check the server log.' });
  }
  const e = err as RegistryError;
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (e.retryAfter !== undefined) headers['retry-after'] = String(e.retryAfter);
  return Response.json(errorBody(e, registry), { status: e.status, headers });
}

/**
 * Every body is private to the signed-in person and never stored by the browser's HTTP cache:
 * after sign-out, another person in the same browser must not be served it. (TanStack Query keeps
 * digest-addressed data in memory for the life of the tab instead.) Large bodies count against
 * the answers-in-flight budget of `client` (./answers.ts).
 */
export function json(data: unknown, client = 'unknown'): Response {
  return budgetedJson(data, { headers: { 'cache-control': 'private, no-store' }, budget: answerBudget(), client });
}

export function badRequest(message: string): RegistryError {
  return new RegistryError({ code: 'INVALID_REQUEST', message });
}

/** Decodes and validates the {host} route segment. */
export function hostParam(raw: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw badRequest('The registry host in the URL is not valid percent-encoding.');
  }
  return parseHost(decoded);
}

/**
 * A client for `host`: with the session's credentials when the person signed in to it,
 * otherwise anonymous (tried first: many registries allow anonymous pulls), if the address policy allows the host.
 */
export async function clientFor(host: string, scope: RequestScope): Promise<RegistryClient> {
  const stored = await storedRegistry(host);
  const context = registryContext();
  // Re-resolved on every request: a registry removed from ALLOWED_REGISTRIES stops working at
  // once, even for sessions that signed in to it before.
  const scheme = stored ? (new URL(stored.url).protocol === 'http:' ? 'http' : 'https') : undefined;
  const resolved = config().policy.resolveRegistry(scheme ? { host, scheme } : { host });
  const credentials = stored?.username ? { username: stored.username, password: stored.password ?? '' } : undefined;
  return new RegistryClient({ host, baseUrl: resolved.baseUrl, credentials, context, scope });
}

/**
 * What a registry endpoint answers (lib/server/endpoints.ts): from the client for its host, the
 * query its row reads (lib/api/endpoints.ts), and the request's signal when there is a request.
 */
export type Answer<E extends Endpoint> = (client: RegistryClient, query: QueryOf<E>, host: string, signal?: AbortSignal) => Promise<BodyOf<E>>;

/**
 * Runs a browse route (GET /api/registries/{host}/…): decodes the host, makes the client for it
 * (with the asker's budget, and the request's signal, so that leaving cancels the work), reads the
 * query as the endpoint's row says, answers what `answer` returns as JSON and maps errors once. A
 * 401 from the registry means "sign in" to the page, which then sends the person to /login for
 * that registry and back.
 */
export function browseRoute<E extends Endpoint>(request: Request, params: Promise<{ host: string }>, endpoint: E, answer: Answer<E>): Promise<Response> {
  return rawRoute(request, params, endpoint, async (client, query, host, scope) => json(await answer(client, query, host, request.signal), scope.client));
}

/** As browseRoute, for a route that answers its own Response (a download) instead of a JSON body. */
export async function rawRoute<E extends Endpoint>(
  request: Request,
  params: Promise<{ host: string }>,
  endpoint: E,
  respond: (client: RegistryClient, query: QueryOf<E>, host: string, scope: RequestScope) => Promise<Response>,
): Promise<Response> {
  let host: string | undefined;
  try {
    host = hostParam((await params).host);
    const scope = requestScope(request);
    const client = await clientFor(host, scope);
    try {
      const query = readQuery(endpoint, new URL(request.url).searchParams);
      return await respond(client, query, host, scope);
    } catch (e) {
      if (e instanceof RegistryError && e.code === 'UNAUTHORIZED') {
        throw new RegistryError({
          code: 'SIGN_IN_REQUIRED',
          host,
          message: client.anonymous ? `${host} needs you to sign in to see this.` : `${host} no longer accepts the credentials saved for it. Sign in again.`,
        });
      }
      throw e;
    }
  } catch (e) {
    return errorResponse(e, host);
  }
}

/**
 * Runs a route that changes something at the registry (a DELETE): same-origin requests only
 * (docs/architecture.md "Security policy"), then as a browse route.
 */
export async function changeRoute<E extends Endpoint>(request: Request, params: Promise<{ host: string }>, endpoint: E, answer: Answer<E>): Promise<Response> {
  try {
    assertSameOrigin(request);
  } catch (e) {
    return errorResponse(e);
  }
  return browseRoute(request, params, endpoint, answer);
}

/**
 * A diagnosis sends fresh requests to a registry and its token service on the person's behalf:
 * it runs only when asked from Berth itself (not from another site's page or link:
 * Sec-Fetch-Site), and a client gets a few a minute (TOO_MANY_ATTEMPTS with the wait).
 */
export function admitDiagnosis(request: Request, scope: RequestScope): void {
  const site = request.headers.get('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') {
    throw new RegistryError({
      code: 'CROSS_ORIGIN',
      message: 'A diagnosis runs only from Berth’s own pages. Open the diagnosis page in Berth and run it there.',
    });
  }
  const wait = diagnosisLimit().take(scope.client);
  if (wait > 0) {
    throw new RegistryError({
      code: 'TOO_MANY_ATTEMPTS',
      retryAfter: wait,
      message: `Too many diagnoses from your address in the last minute. Wait ${wait} s and run it again.`,
    });
  }
}
