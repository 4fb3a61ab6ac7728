// For the unit tests of route handlers and of the glue in lib/server: a handler runs as Next.js
// runs it (inside the request's context, which cookies() and headers() from next/headers read,
// with the cookies it sets added to its response), against a registry stub on 127.0.0.1, with
// Berth's configuration read afresh from the environment.
//
// Import this module before any module that imports next/headers: Next.js picks its request
// storage when it is first loaded, and it must find AsyncLocalStorage then, as it does in the
// server (which loads the same environment file first).
import 'next/dist/server/node-environment-baseline';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { workAsyncStorage } from 'next/dist/server/app-render/work-async-storage.external';
import { workUnitAsyncStorage } from 'next/dist/server/app-render/work-unit-async-storage.external';
import { createRequestStoreForAPI } from 'next/dist/server/async-storage/request-store';
import { createWorkStore, type WorkStoreContext } from 'next/dist/server/async-storage/work-store';
import { getImplicitTags } from 'next/dist/server/lib/implicit-tags';
import { appendMutableCookies } from 'next/dist/server/web/spec-extension/adapters/request-cookies';
import { NextRequest } from 'next/server';
import { answerBudget, config, diagnosisLimit, registryContext, signInAttempts } from './config';

if (!(workUnitAsyncStorage instanceof AsyncLocalStorage) || !(workAsyncStorage instanceof AsyncLocalStorage)) {
  throw new Error('lib/server/test-fixtures must be imported before any module that imports next/headers (a route, lib/server/api, lib/server/session).');
}

// ---- a request, as Next.js serves it ------------------------------------------------------------

/**
 * Runs a route handler the way Next.js does (its app-route module): in a request store made for
 * route handlers, where cookies() can be set, and with the cookies set added to the response as
 * Set-Cookie headers.
 */
export async function serve(request: Request, handler: (request: NextRequest) => Promise<Response>): Promise<Response> {
  const req = new NextRequest(request);
  const pathname = req.nextUrl.pathname;
  const implicitTags = await getImplicitTags(pathname, pathname, null);
  const requestStore = createRequestStoreForAPI(req, req.nextUrl, implicitTags, undefined, undefined, undefined);
  const workStore = createWorkStore({
    page: pathname,
    // Next's defaults, which Berth's configuration leaves alone. Berth's routes cache nothing
    // ('use cache'), so no cache-life profile is ever read and none is given.
    renderOpts: {
      experimental: { authInterrupts: false, useCacheTimeout: 54, durableUseCacheEntries: false },
      cacheComponents: false,
      validationLevel: 'warning',
      cacheLifeProfiles: {} as WorkStoreContext['renderOpts']['cacheLifeProfiles'],
      staticPageGenerationTimeout: 60,
      waitUntil: undefined,
      onClose: () => {},
      onAfterTaskError: undefined,
    },
    buildId: 'test',
    deploymentId: 'test',
    previouslyRevalidatedTags: [],
  });
  const response = await workUnitAsyncStorage.run(requestStore, () => workAsyncStorage.run(workStore, () => handler(req)));
  const headers = new Headers(response.headers);
  if (!appendMutableCookies(headers, requestStore.mutableCookies)) return response;
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** Where the tests send Berth's requests: the host a browser would use. */
export const BERTH = 'http://berth.example';

/** A request to Berth at `path`, from a browser on Berth's own page (Origin, Host) unless `headers` say otherwise. */
export function requestTo(path: string, init: { method?: string; headers?: Record<string, string>; body?: BodyInit; duplex?: 'half' } = {}): Request {
  const headers = { host: new URL(BERTH).host, origin: BERTH, ...init.headers };
  // A header given as '' is left out (a request without Origin, say).
  for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name as keyof typeof headers];
  return new Request(new URL(path, BERTH), { ...init, headers } as RequestInit);
}

/** The route context of a /api/registries/[host]/… handler, as Next.js passes it. */
export const hostParams = (host: string) => ({ params: Promise.resolve({ host: encodeURIComponent(host) }) });

/** `name=value` of every cookie a response sets (for the next request's Cookie header), without attributes. */
export function cookiesSet(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

// ---- the configuration ----------------------------------------------------------------------------

const BERTH_GLOBALS = ['__berthConfig', '__berthRegistryContext', '__berthSignInLimits', '__berthAnswerBudget', '__berthDiagnoses'];

/**
 * Sets these environment variables (undefined unsets one) and starts Berth's per-process state
 * afresh: the configuration is read again on the next request, and the registry context, the
 * sign-in and diagnosis counters and the answer budget are new.
 */
export function configure(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const before = [config(), registryContext(), signInAttempts(), answerBudget(), diagnosisLimit()];
  const g = globalThis as Record<string, unknown>;
  for (const name of BERTH_GLOBALS) delete g[name];
  const after = [config(), registryContext(), signInAttempts(), answerBudget(), diagnosisLimit()];
  // If lib/server/config.ts keeps them elsewhere now, say so rather than test with stale state.
  if (after.some((x, i) => x === before[i])) throw new Error(`configure(): lib/server/config.ts no longer keeps its state in ${BERTH_GLOBALS.join(', ')}`);
}

// ---- a registry -----------------------------------------------------------------------------------

export interface StubAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface StubRequest {
  method: string;
  path: string;
  authorization?: string;
}

export interface StubRegistry {
  /** host:port, as Berth names the registry. */
  host: string;
  /** Every request that reached the stub, in order. */
  requests: StubRequest[];
  close(): Promise<void>;
}

/** The image the stub serves as team/app:v1: an OCI manifest and its config, with their digests. */
export const IMAGE = (() => {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] } }));
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [],
    }),
  );
  return { repository: 'team/app', tag: 'v1', manifest, digest: `sha256:${createHash('sha256').update(manifest).digest('hex')}`, config, configDigest };
})();

/** The answer of an open registry holding IMAGE, for the requests browsing makes. */
export function imageAnswer(method: string, path: string): StubAnswer | undefined {
  const base = `/v2/${IMAGE.repository}`;
  const manifest: StubAnswer = {
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': IMAGE.digest },
    body: IMAGE.manifest,
  };
  if (path.startsWith('/v2/_catalog')) return { body: { repositories: [IMAGE.repository] } };
  if (path.startsWith(`${base}/tags/list`)) return { body: { name: IMAGE.repository, tags: [IMAGE.tag] } };
  if (method !== 'DELETE' && (path === `${base}/manifests/${IMAGE.tag}` || path === `${base}/manifests/${IMAGE.digest}`)) return manifest;
  if (path === `${base}/blobs/${IMAGE.configDigest}`) return { headers: { 'content-type': 'application/octet-stream' }, body: IMAGE.config };
  if (path.startsWith(`${base}/referrers/`)) {
    return {
      headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
      body: { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] },
    };
  }
  if (method === 'DELETE' && path.startsWith(`${base}/manifests/`)) return { status: 202 };
  return undefined;
}

/**
 * A registry on 127.0.0.1 that answers `answer` (404 NAME_UNKNOWN where it gives none). With
 * `users`, it wants Basic credentials for everything, /v2/ included; otherwise it is open.
 */
export async function startStubRegistry(
  options: { users?: Record<string, string>; answer?: (method: string, path: string) => StubAnswer | undefined } = {},
): Promise<StubRegistry> {
  const requests: StubRequest[] = [];
  const allowed = (req: IncomingMessage) => {
    if (!options.users) return true;
    const match = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const [username = '', ...rest] = Buffer.from(match?.[1] ?? '', 'base64')
      .toString()
      .split(':');
    return match !== null && options.users[username] !== undefined && options.users[username] === rest.join(':');
  };
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', path, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    let answer: StubAnswer;
    if (!allowed(req)) {
      answer = {
        status: 401,
        headers: { 'www-authenticate': 'Basic realm="stub"' },
        body: { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
      };
    } else if (path === '/v2/') answer = { body: {} };
    else
      answer = options.answer?.(req.method ?? 'GET', path) ?? {
        status: 404,
        body: { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known' }] },
      };
    const body = answer.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(JSON.stringify(answer.body));
    res.writeHead(answer.status ?? 200, {
      'content-type': 'application/json',
      'docker-distribution-api-version': 'registry/2.0',
      'content-length': String(body.length),
      ...answer.headers,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  // Berth keeps idle connections for 30 s; a stub that closed them sooner (Node's default is 5 s)
  // could do so just as one is reused, and a test would see a reset connection.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
