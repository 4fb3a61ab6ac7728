// The preamble every route handler shares (./api.ts), run as Next.js runs a route: one error
// envelope whose status follows the code, nothing unknown echoed, a registry's 401 turned into
// "sign in", and browse bodies that no HTTP cache keeps.
import { configure, cookiesSet, requestTo, serve, startStubRegistry, type StubRegistry } from './test-fixtures';
import { after, before, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { BERTH_ERROR_CODES, REGISTRY_ERROR_CODES, RegistryError, STATUS_OF } from '@/lib/registry/errors';
import * as z from 'zod/mini';
import { param, type Endpoint } from '@/lib/api/endpoints';
import { admitDiagnosis, browseRoute, changeRoute, clientKey, errorBody, errorResponse, hostParam, renderScope, type Answer } from './api';
import { getSession } from './session';

interface Envelope {
  error: { code: string; message: string; status: number; retryAfter?: number; registry?: string };
}

let registry: StubRegistry;

before(async () => {
  // Wants Basic credentials for everything: alice / right.
  registry = await startStubRegistry({ users: { alice: 'right' }, answer: () => ({ body: { name: 'team/app', tags: ['v1'] } }) });
});
after(() => registry.close());
beforeEach(() => {
  configure({ ALLOWED_REGISTRIES: `http://${registry.host}`, PUBLIC_ORIGIN: undefined, TRUSTED_PROXIES: undefined });
  registry.requests.length = 0;
});

/** A registry endpoint reading an optional `repository` and a page size. */
const probe = {
  method: 'GET',
  path: '/api/registries/{host}/tags',
  query: z.object({ repository: param.text(), n: param.count(1000) }),
} satisfies Endpoint;

/** A browse route at /api/registries/{host}/tags answering with `answer`, as a route handler would. */
function browse(answer: Answer<typeof probe>, init: { host?: string; cookie?: string; search?: string } = {}): Promise<Response> {
  const host = init.host ?? registry.host;
  const request = requestTo(`/api/registries/${encodeURIComponent(host)}/tags${init.search ?? ''}`, { headers: init.cookie ? { cookie: init.cookie } : {} });
  return serve(request, (r) => browseRoute(r, Promise.resolve({ host: encodeURIComponent(host) }), probe, answer));
}

/** The cookie of a session signed in to the stub as alice with `password`, saved by Berth's own session code. */
async function signedInAs(password: string): Promise<string> {
  const response = await serve(requestTo('/api/session/registries', { method: 'POST' }), async () => {
    const session = await getSession();
    session.registries = [{ host: registry.host, url: `http://${registry.host}`, username: 'alice', password }];
    await session.save();
    return new Response(null, { status: 204 });
  });
  return cookiesSet(response);
}

describe('the error envelope', () => {
  for (const code of [...REGISTRY_ERROR_CODES, ...BERTH_ERROR_CODES]) {
    test(`${code} answers ${STATUS_OF[code]} with the same status in its body`, async () => {
      const response = errorResponse(new RegistryError({ code, message: `A sentence about ${code}.` }));
      assert.equal(response.status, STATUS_OF[code]);
      assert.deepEqual(await response.json(), { error: { code, message: `A sentence about ${code}.`, status: STATUS_OF[code] } });
      assert.equal(response.headers.get('retry-after'), null);
    });
  }

  test('a wait travels as Retry-After and as retryAfter; the registry named is the one the error names', async () => {
    const response = errorResponse(new RegistryError({ code: 'TOOMANYREQUESTS', message: 'Slow down.', retryAfter: 42, host: 'r.example' }), 'other.example');
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '42');
    assert.deepEqual(await response.json(), { error: { code: 'TOOMANYREQUESTS', message: 'Slow down.', status: 429, retryAfter: 42, registry: 'r.example' } });
  });

  test('an error that names no registry is answered with the route’s', async () => {
    const body = (await errorResponse(new RegistryError({ code: 'MANIFEST_UNKNOWN', message: 'Gone.' }), 'r.example').json()) as Envelope;
    assert.equal(body.error.registry, 'r.example');
  });

  test('the body of an error without a wait has no retryAfter at all (not even an undefined one)', () => {
    assert.deepEqual(errorBody(new RegistryError({ code: 'DENIED', message: 'No.' })), { error: { code: 'DENIED', message: 'No.', status: STATUS_OF.DENIED } });
  });

  test('errors are never stored by a cache', () => {
    assert.equal(errorResponse(new RegistryError({ code: 'DENIED', message: 'No.' })).headers.get('cache-control'), 'no-store');
  });

  for (const [what, thrown] of [
    ['an Error', new Error('connect ECONNREFUSED https://alice:hunter2@r.example/v2/?token=s3cr3t')],
    ['a string', 'token=s3cr3t'],
    ['an object', { message: 'password hunter2', status: 418 }],
  ] as const) {
    test(`an unknown error (${what}) is a 500 INTERNAL with Berth's own sentence, never its message`, async () => {
      const log = mock.method(console, 'error', () => {});
      try {
        const response = errorResponse(thrown, 'r.example');
        const text = await response.text();
        assert.equal(response.status, 500);
        const body = JSON.parse(text) as Envelope;
        assert.equal(body.error.code, 'INTERNAL');
        assert.equal(body.error.status, 500);
        assert.match(body.error.message, /^Berth hit an unexpected error\./);
        for (const secret of ['hunter2', 's3cr3t', 'ECONNREFUSED', '418']) assert.ok(!text.includes(secret), `the answer repeats ${secret}: ${text}`);
        // The server's log says where it happened (the message of an Error only: ./api.ts).
        assert.equal(log.mock.callCount(), 1);
        assert.equal(log.mock.calls[0]?.arguments[0], 'Berth: unexpected error in an API route:');
      } finally {
        log.mock.restore();
      }
    });
  }
});

describe('browseRoute', () => {
  test('answers what the fetcher returns, for the host in the URL and the query its endpoint reads, as a private body no cache keeps', async () => {
    const response = await browse(async (_client, query, host) => ({ host, ...query }), { search: '?repository=team/app&n=5000&other=x' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'private, no-store');
    assert.deepEqual(await response.json(), { host: registry.host, repository: 'team/app', n: 1000 });
  });

  /** A browse route whose fetcher records whether it was called. */
  async function browseCalling(init: Parameters<typeof browse>[1]): Promise<{ response: Response; called: boolean }> {
    let called = false;
    const response = await browse(async () => {
      called = true;
      return {};
    }, init);
    return { response, called };
  }

  test('a query its endpoint refuses is a 400 that says why, and the fetcher is not called', async () => {
    const { response, called } = await browseCalling({ search: '?n=ten' });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      error: { code: 'INVALID_REQUEST', message: 'n must be a positive whole number.', status: 400, registry: registry.host },
    });
    assert.equal(called, false);
    assert.deepEqual(registry.requests, []);
  });

  test('the fetcher is given the request’s signal: a person who leaves ends the work', async () => {
    let signal: AbortSignal | undefined;
    await browse(async (_client, _query, _host, given) => {
      signal = given;
      return {};
    });
    assert.ok(signal instanceof AbortSignal);
  });

  test('a host that is not one is a 400 before anything is asked of a registry', async () => {
    const { response, called } = await browseCalling({ host: 'not a host' });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as Envelope).error.status, 400);
    assert.equal(called, false);
    assert.deepEqual(registry.requests, []);
  });

  test("a registry's 401 to an anonymous visitor becomes SIGN_IN_REQUIRED for that registry", async () => {
    const response = await browse((client) => client.listTags('team/app'));
    assert.equal(response.status, 401);
    const body = (await response.json()) as Envelope;
    assert.equal(body.error.code, 'SIGN_IN_REQUIRED');
    assert.equal(body.error.registry, registry.host);
    assert.match(body.error.message, /needs you to sign in/);
  });

  test('with the session’s credentials the registry is asked as that person', async () => {
    const response = await browse((client) => client.listTags('team/app'), { cookie: await signedInAs('right') });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'private, no-store');
    assert.ok(registry.requests.some((r) => r.path.startsWith('/v2/team/app/tags/list') && r.authorization === `Basic ${btoa('alice:right')}`));
  });

  test('credentials the registry no longer accepts: SIGN_IN_REQUIRED, saying to sign in again', async () => {
    const response = await browse((client) => client.listTags('team/app'), { cookie: await signedInAs('changed') });
    assert.equal(response.status, 401);
    const body = (await response.json()) as Envelope;
    assert.equal(body.error.code, 'SIGN_IN_REQUIRED');
    assert.match(body.error.message, /no longer accepts the credentials/);
  });

  test('other registry errors keep their code, status, wait and registry', async () => {
    const response = await browse(async () => {
      throw new RegistryError({ code: 'TOOMANYREQUESTS', message: 'Docker Hub says wait.', retryAfter: 7 });
    });
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '7');
    assert.deepEqual(await response.json(), {
      error: { code: 'TOOMANYREQUESTS', message: 'Docker Hub says wait.', status: 429, retryAfter: 7, registry: registry.host },
    });
  });

  test('an unexpected failure in a fetcher is a 500 that repeats nothing of it', async () => {
    const log = mock.method(console, 'error', () => {});
    try {
      const response = await browse(async () => {
        throw new TypeError('Cannot read properties of undefined (reading "password: hunter2")');
      });
      const text = await response.text();
      assert.equal(response.status, 500);
      assert.equal((JSON.parse(text) as Envelope).error.code, 'INTERNAL');
      assert.ok(!text.includes('hunter2') && !text.includes('Cannot read'), text);
    } finally {
      log.mock.restore();
    }
  });
});

describe('changeRoute', () => {
  const change = (headers: Record<string, string>, fn: () => Promise<unknown>) =>
    serve(requestTo(`/api/registries/${registry.host}/manifest`, { method: 'DELETE', headers }), (r) =>
      changeRoute(r, Promise.resolve({ host: registry.host }), probe, fn),
    );

  test('a request from another site is refused with 403 CROSS_ORIGIN, and nothing is done', async () => {
    let called = false;
    const response = await change({ origin: 'https://evil.example' }, async () => {
      called = true;
      return {};
    });
    assert.equal(response.status, 403);
    assert.equal(((await response.json()) as Envelope).error.code, 'CROSS_ORIGIN');
    assert.equal(called, false);
  });

  test('a request from Berth’s own page runs as a browse route', async () => {
    const response = await change({}, async () => ({ deleted: true }));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'private, no-store');
    assert.deepEqual(await response.json(), { deleted: true });
  });

  test('with PUBLIC_ORIGIN, only its origins pass, even when Origin matches the Host', async () => {
    configure({ PUBLIC_ORIGIN: 'https://berth.example' });
    const ok = async () => ({});
    assert.equal((await change({ origin: 'http://berth.example' }, ok)).status, 403);
    assert.equal((await change({ origin: 'https://berth.example' }, ok)).status, 200);
  });
});

describe('what every route reads from its request', () => {
  const invalid = (message: RegExp) => (e: unknown) =>
    e instanceof RegistryError && e.code === 'INVALID_REQUEST' && e.status === 400 && message.test(e.message);

  // The query each route reads is its endpoint's row: lib/api/endpoints.test.ts.

  test('the host in the URL: decoded and made canonical, or a 400 that says what is wrong', () => {
    assert.equal(hostParam('Registry.Example%3A5000'), 'registry.example:5000');
    assert.throws(() => hostParam('%E0%A4%A'), invalid(/^The registry host in the URL is not valid percent-encoding\.$/));
    assert.throws(
      () => hostParam('a%20b'),
      (e: unknown) => e instanceof RegistryError && e.code === 'INVALID_REFERENCE',
    );
  });

  test('who is asking: the connection’s address, or “unknown” when nothing trustworthy names one', () => {
    assert.equal(clientKey(new Headers({ 'x-berth-peer': '198.51.100.7' })), '198.51.100.7');
    assert.equal(clientKey(new Headers()), 'unknown');
  });

  test('a page being rendered knows its asker too (the prefetch’s requests count against them)', async () => {
    let scope: Awaited<ReturnType<typeof renderScope>> | undefined;
    await serve(requestTo('/docker.io/library/alpine', { headers: { 'x-berth-peer': '198.51.100.9' } }), async () => {
      scope = await renderScope();
      return new Response(null, { status: 204 });
    });
    assert.deepEqual(scope, { client: '198.51.100.9' });
  });

  test('a diagnosis from another site’s page, or one too many, is refused in words', () => {
    const diagnose = (headers: Record<string, string>) => new Request('http://berth.example/api/registries/r.example/diagnose', { headers });
    for (const site of ['cross-site', 'same-site']) {
      assert.throws(
        () => admitDiagnosis(diagnose({ 'sec-fetch-site': site }), { client: `site-${site}` }),
        (e: unknown) =>
          e instanceof RegistryError &&
          e.code === 'CROSS_ORIGIN' &&
          e.message === 'A diagnosis runs only from Berth’s own pages. Open the diagnosis page in Berth and run it there.',
      );
    }
    for (let i = 0; i < 20; i++) admitDiagnosis(diagnose({ 'sec-fetch-site': 'same-origin' }), { client: 'many' });
    assert.throws(
      () => admitDiagnosis(diagnose({}), { client: 'many' }),
      (e: unknown) =>
        e instanceof RegistryError &&
        e.code === 'TOO_MANY_ATTEMPTS' &&
        /^Too many diagnoses from your address in the last minute\. Wait \d+ s and run it again\.$/.test(e.message),
    );
  });

  test('a registry signed in over https is spoken to over https, one over http over http', async () => {
    const session = async (url: string) =>
      cookiesSet(
        await serve(requestTo('/api/session/registries', { method: 'POST' }), async () => {
          const s = await getSession();
          s.registries = [{ host: registry.host, url, username: 'alice', password: 'right' }];
          await s.save();
          return new Response(null, { status: 204 });
        }),
      );
    const tags = async () => ({ ok: true });
    assert.equal((await browse(tags, { cookie: await session(`http://${registry.host}`) })).status, 200);
    // Only http://HOST is listed: over https the same host is refused by the address policy, not spoken to over http.
    const https = await browse(tags, { cookie: await session(`https://${registry.host}`) });
    assert.equal(https.status, 403);
    assert.equal(((await https.json()) as Envelope).error.code, 'NOT_ALLOWED');
  });
});
