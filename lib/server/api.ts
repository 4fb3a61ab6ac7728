import 'server-only';
import type { ApiErrorBody } from '@/lib/api-types';
import { RegistryClient, RegistryError, parseHost } from '@/lib/registry';
import { config, registryContext } from './config';
import { storedRegistry } from './session';

// Route handlers are thin: validate → session → lib/registry → Response.json. This module is
// the "→" between them: one error envelope, the Origin check, and the client for a host.

/**
 * True for a RegistryError from any copy of the class. config() and the registry context live on
 * globalThis, shared by route handlers and pages, which Next bundles as separate module instances:
 * a NOT_ALLOWED thrown by a policy the page created is not `instanceof` the route's class.
 */
export function isRegistryError(err: unknown): err is RegistryError {
  if (err instanceof RegistryError) return true;
  return (
    err instanceof Error &&
    err.name === 'RegistryError' &&
    typeof (err as { code?: unknown }).code === 'string' &&
    typeof (err as { status?: unknown }).status === 'number'
  );
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
  if (!isRegistryError(err)) {
    // Never echo unknown errors: they may carry request details. Log the message only.
    console.error('Berth: unexpected error in an API route:', err instanceof Error ? err.message : String(err));
    err = new RegistryError({ code: 'INTERNAL', status: 500, message: 'Berth hit an unexpected error. Try again; if it persists, check the server log.' });
  }
  const e = err as RegistryError;
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (e.retryAfter !== undefined) headers['retry-after'] = String(e.retryAfter);
  return Response.json(errorBody(e, registry), { status: e.status, headers });
}

export function json(data: unknown, init?: { immutable?: boolean }): Response {
  return Response.json(data, {
    headers: { 'cache-control': init?.immutable ? 'private, max-age=31536000, immutable' : 'private, no-store' },
  });
}

export function badRequest(message: string): RegistryError {
  return new RegistryError({ code: 'INVALID_REQUEST', status: 400, message });
}

/** State-changing routes accept only same-origin requests (DESIGN.md "Security policy"). */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get('origin');
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  let ok = false;
  if (origin && host) {
    try {
      ok = new URL(origin).host === host;
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new RegistryError({ code: 'CROSS_ORIGIN', status: 403, message: 'This request did not come from a Berth page. Reload Berth and try again.' });
  }
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
 * otherwise anonymous (tried first, as DESIGN.md asks), if the address policy allows the host.
 */
export async function clientFor(host: string): Promise<RegistryClient> {
  const stored = await storedRegistry(host);
  const context = registryContext();
  if (stored) {
    const credentials = stored.username ? { username: stored.username, password: stored.password ?? '' } : undefined;
    return new RegistryClient({ host, baseUrl: stored.url, credentials, context });
  }
  const resolved = config().policy.resolveRegistry({ host });
  return new RegistryClient({ host, baseUrl: resolved.baseUrl, context });
}

/**
 * Runs a browse route: a 401 from the registry means "sign in" to the page, which then sends
 * the person to /login for that registry and back.
 */
export async function browse(host: string, fn: (client: RegistryClient) => Promise<Response>): Promise<Response> {
  try {
    const client = await clientFor(host);
    try {
      return await fn(client);
    } catch (e) {
      if (isRegistryError(e) && e.code === 'UNAUTHORIZED') {
        throw new RegistryError({
          code: 'SIGN_IN_REQUIRED',
          status: 401,
          host,
          message: client.anonymous
            ? `${host} needs you to sign in to see this.`
            : `${host} no longer accepts the credentials saved for it. Sign in again.`,
        });
      }
      throw e;
    }
  } catch (e) {
    return errorResponse(e, host);
  }
}

export function intParam(value: string | null, fallback: number, max: number): number {
  if (value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw badRequest('n must be a positive whole number.');
  return Math.min(n, max);
}
