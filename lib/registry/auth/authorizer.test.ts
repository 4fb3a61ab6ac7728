// The authoriser's rules, each against a stub transport: no network, no registry.
import { describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { Authorizer } from './authorizer';
import { MAX_TOKEN_BYTES } from './handshake';
import type { Credentials } from '../context';
import { RegistryError } from '../errors';
import type { HttpResponse } from '../net/http';
import type { Transport, TransportRequest } from '../net/transport';
import { BEARER_CHALLENGE, REALM, REGISTRY as ORIGIN, jwt, respond, testContext, testRegistry, type Route, type TestRegistry } from '../test-registry';

const bearer = (params: string) => `${BEARER_CHALLENGE}${params}`;
const reply = (status: number, url: URL, headers: Record<string, string> = {}, body: unknown = '') => respond(url, { status, headers, body });

function authorizer(transport: Transport, credentials?: Credentials, context = testContext()): Authorizer {
  return new Authorizer({ host: 'r.example', baseUrl: new URL(ORIGIN), credentials, context, transport });
}

const alice: Credentials = { username: 'alice', password: 's3cret' };
const resource = (path = '/v2/team/app/tags/list') => new URL(path, ORIGIN);
const pull = (repo = 'team/app') => `repository:${repo}:pull`;

function scopesOf(req: TransportRequest): string[] {
  return req.url.searchParams.getAll('scope').sort();
}
/** Token service: a token whose claims name the scopes asked for, so tests can see which scopes a token carried. */
function tokenFor(req: TransportRequest, extra: Record<string, unknown> = {}): HttpResponse {
  const access = scopesOf(req).map((s) => ({ scope: s }));
  return reply(200, req.url, { 'content-type': 'application/json' }, { token: jwt({ access }, { alg: 'none' }), expires_in: 300, ...extra });
}
/** A Bearer registry: `/v2/` answers `challenge`, the token service `token`, every other path `resource`. */
const bearerRegistry = (
  token: (req: TransportRequest) => HttpResponse = tokenFor,
  resource: Route = (req) => reply(200, req.url, {}, '{}'),
  challenge = bearer(''),
) => testRegistry(resource, { handshake: { scheme: 'bearer', token, challenge } });
const presented = (req: TransportRequest) => req.headers.authorization ?? '';
const carries = (req: TransportRequest, scope: string) => {
  const token = presented(req).replace(/^Bearer /, '');
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { access: { scope: string }[] };
  return claims.access.some((a) => a.scope === scope);
};

describe('ping', () => {
  test('is asked once per origin and shared by every connection', async () => {
    const s = testRegistry((req) => (req.url.pathname === '/v2/' ? reply(200, req.url) : reply(200, req.url, {}, '{}')));
    const context = testContext();
    await authorizer(s.transport, alice, context).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    await authorizer(s.transport, undefined, context).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(s.to('/v2/').length, 1);
  });

  for (const [status, code] of [
    [404, 'NOT_A_REGISTRY'],
    [500, 'UNAVAILABLE'],
    [429, 'TOOMANYREQUESTS'],
  ] as const) {
    test(`a /v2/ answering ${status} is ${code}`, async () => {
      const s = testRegistry((req) => reply(status, req.url));
      await assert.rejects(authorizer(s.transport).ping(), (e: unknown) => e instanceof RegistryError && e.code === code);
    });
  }

  test('a relative realm is resolved against the URL that sent the challenge', async () => {
    const s = testRegistry((req) =>
      req.url.pathname === '/v2/' ? reply(401, req.url, { 'www-authenticate': 'Bearer realm="/auth/token",service="x"' }) : undefined,
    );
    assert.deepEqual(await authorizer(s.transport).ping(), { scheme: 'bearer', realm: `${ORIGIN}/auth/token`, service: 'x' });
  });
});

describe('bearer tokens', () => {
  const registry = (check: (req: TransportRequest, n: number) => HttpResponse | undefined) => bearerRegistry(tokenFor, check);

  test('the token request carries service, scope, account and Basic credentials; the token is reused', async () => {
    const s = registry((req) => reply(200, req.url, {}, '{}'));
    const auth = authorizer(s.transport, alice);
    await auth.send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    await auth.send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    const [tokenRequest, ...more] = s.tokenRequests();
    assert.equal(more.length, 0, 'one token for both requests');
    assert.ok(tokenRequest);
    assert.equal(tokenRequest.url.searchParams.get('service'), 'r.example');
    assert.equal(tokenRequest.url.searchParams.get('account'), 'alice');
    assert.deepEqual(scopesOf(tokenRequest), [pull()]);
    assert.equal(presented(tokenRequest), `Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    assert.ok(s.to('/v2/team/app/tags/list').every((r) => carries(r, pull())));
  });

  test('anonymous token requests carry no credentials and no account', async () => {
    const s = registry((req) => reply(200, req.url, {}, '{}'));
    await authorizer(s.transport).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    const [tokenRequest] = s.tokenRequests();
    assert.equal(tokenRequest?.url.searchParams.get('account'), null);
    assert.equal(tokenRequest?.headers.authorization, undefined);
  });

  test('tokens are never shared between two people', async () => {
    const s = registry((req) => reply(200, req.url, {}, '{}'));
    const context = testContext();
    await authorizer(s.transport, alice, context).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    await authorizer(s.transport, { username: 'bob', password: 'b' }, context).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    await authorizer(s.transport, { username: 'alice', password: 'other' }, context).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(s.tokenRequests().length, 3);
  });

  test('concurrent requests share one token fetch', async () => {
    const s = registry((req) => reply(200, req.url, {}, '{}'));
    const auth = authorizer(s.transport, alice);
    await Promise.all(Array.from({ length: 5 }, () => auth.send({ url: resource(), scopes: [pull()], maxBytes: 1000 })));
    assert.equal(s.tokenRequests().length, 1);
  });

  test('insufficient_scope naming only the missing scope: merged with the first, one new token, one retry', async () => {
    const base = pull('team/base');
    const s = registry((req) =>
      carries(req, pull()) && carries(req, base)
        ? reply(200, req.url, {}, '{}')
        : reply(401, req.url, { 'www-authenticate': bearer(`,scope="${base}",error="insufficient_scope"`) }),
    );
    const res = await authorizer(s.transport, alice).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(res.status, 200);
    assert.deepEqual(s.tokenRequests().map(scopesOf), [[pull()], [pull('team/app'), base].sort()]);
    assert.equal(s.to('/v2/team/app/tags/list').length, 2);
  });

  test('insufficient_scope for a scope already asked for: no second token, no retry', async () => {
    const s = registry((req) => reply(401, req.url, { 'www-authenticate': bearer(`,scope="${pull()}",error="insufficient_scope"`) }));
    const res = await authorizer(s.transport, alice).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(res.status, 401);
    assert.equal(s.tokenRequests().length, 1);
    assert.equal(s.to('/v2/team/app/tags/list').length, 1);
  });

  test('invalid_token: the token is dropped, a new one fetched, the request retried once', async () => {
    const s = registry((req, n) => (n === 1 ? reply(401, req.url, { 'www-authenticate': bearer(',error="invalid_token"') }) : reply(200, req.url, {}, '{}')));
    const auth = authorizer(s.transport, alice);
    assert.equal((await auth.send({ url: resource(), scopes: [pull()], maxBytes: 1000 })).status, 200);
    assert.equal(s.tokenRequests().length, 2);
    // The replacement is cached: the next request needs no token fetch.
    await auth.send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(s.tokenRequests().length, 2);
  });

  test('a request refused twice is answered after one retry: never a loop', async () => {
    const s = registry((req) => reply(401, req.url, { 'www-authenticate': bearer(',error="invalid_token"') }));
    const res = await authorizer(s.transport, alice).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(res.status, 401);
    assert.equal(s.to('/v2/team/app/tags/list').length, 2);
  });

  test('a 401 without a challenge is answered as is', async () => {
    const s = registry((req) => reply(401, req.url, {}, { errors: [{ code: 'UNAUTHORIZED' }] }));
    const res = await authorizer(s.transport, alice).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(res.status, 401);
    assert.equal(s.to('/v2/team/app/tags/list').length, 1);
  });
});

describe('token service answers', () => {
  const withToken = (answer: (req: TransportRequest) => HttpResponse) => bearerRegistry(answer);
  const send = (s: TestRegistry, credentials?: Credentials) => authorizer(s.transport, credentials).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
  const rejectsWith =
    (code: string, check: (e: RegistryError) => void = () => {}) =>
    (e: unknown) => {
      assert.ok(e instanceof RegistryError, String(e));
      assert.equal(e.code, code, e.message);
      check(e);
      return true;
    };

  test('access_token is read like token', async () => {
    const s = withToken((req) => reply(200, req.url, {}, { access_token: 'opaque', expires_in: 300 }));
    await send(s, alice);
    assert.equal(presented(s.to('/v2/team/app/tags/list')[0]!), 'Bearer opaque');
  });

  test('expires_in under 60 s is taken as 60 s, so the token is still reused', async () => {
    const s = withToken((req) => reply(200, req.url, {}, { token: 'short', expires_in: 1 }));
    const auth = authorizer(s.transport, alice);
    await auth.send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    await auth.send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(s.tokenRequests().length, 1);
  });

  test('wrong credentials are UNAUTHORIZED and the message holds no secret', async () => {
    const s = withToken((req) => reply(401, req.url, {}, { errors: [{ code: 'UNAUTHORIZED', message: 'bad' }] }));
    await assert.rejects(
      send(s, alice),
      rejectsWith('UNAUTHORIZED', (e) => assert.ok(!e.message.includes('s3cret'))),
    );
  });

  test('a rate-limited token service says when to retry', async () => {
    const s = withToken((req) => reply(429, req.url, { 'retry-after': '9' }, 'slow down'));
    await assert.rejects(
      send(s),
      rejectsWith('TOOMANYREQUESTS', (e) => assert.equal(e.retryAfter, 9)),
    );
  });

  for (const [name, answer, code] of [
    ['a 500', (req: TransportRequest) => reply(500, req.url), 'UNAVAILABLE'],
    ['a 404', (req: TransportRequest) => reply(404, req.url), 'BAD_RESPONSE'],
    ['HTML', (req: TransportRequest) => reply(200, req.url, {}, '<html>'), 'BAD_RESPONSE'],
    ['no token', (req: TransportRequest) => reply(200, req.url, {}, { expires_in: 300 }), 'BAD_RESPONSE'],
  ] as const) {
    test(`${name} from the token service is ${code}`, async () => {
      await assert.rejects(send(withToken(answer)), rejectsWith(code));
    });
  }

  for (const code of ['UNREACHABLE', 'TIMEOUT'] as const) {
    test(`a token service that is down (${code}) is named as such, not taken for the registry`, async () => {
      const down = withToken((req) => {
        throw new RegistryError({
          code,
          host: req.url.host,
          message: `${req.url.host} is down`,
          cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
        });
      });
      await assert.rejects(
        send(down, alice),
        rejectsWith(code, (e) => {
          assert.equal(e.host, 'r.example');
          assert.match(
            e.message,
            /^The token service for r\.example \(auth\.example\) (could not be reached: the connection was refused|did not answer within 15 s)\. /,
          );
          assert.match(e.message, /tell the registry's owner that its token service is down/);
        }),
      );
    });
  }
});

describe('registries that are open or use Basic', () => {
  test('Basic: the credentials go with every request; no token service is asked', async () => {
    const s = testRegistry((req) =>
      req.url.pathname === '/v2/' ? reply(401, req.url, { 'www-authenticate': 'Basic realm="r"' }) : reply(200, req.url, {}, '{}'),
    );
    await authorizer(s.transport, alice).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.match(presented(s.to('/v2/team/app/tags/list')[0]!), /^Basic /);
  });

  test('an open /v2/ with a resource wanting Basic: the credentials are sent once', async () => {
    const s = testRegistry((req, n) => {
      if (req.url.pathname === '/v2/') return reply(200, req.url);
      return n === 1 ? reply(401, req.url, { 'www-authenticate': 'Basic realm="r"' }) : reply(200, req.url, {}, '{}');
    });
    const res = await authorizer(s.transport, alice).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(res.status, 200);
    assert.deepEqual(
      s.to('/v2/team/app/tags/list').map((r) => presented(r).split(' ')[0]),
      ['', 'Basic'],
    );
  });

  test('an open /v2/ with a resource wanting a token: the challenge is adopted with its scope', async () => {
    const s = testRegistry((req) => {
      if (req.url.pathname === '/v2/') return reply(200, req.url);
      if (req.url.href.startsWith(REALM)) return tokenFor(req);
      return req.headers.authorization ? reply(200, req.url, {}, '{}') : reply(401, req.url, { 'www-authenticate': bearer(`,scope="${pull('other/x')}"`) });
    });
    assert.equal((await authorizer(s.transport).send({ url: resource(), scopes: [pull()], maxBytes: 1000 })).status, 200);
    assert.deepEqual(s.tokenRequests().map(scopesOf), [[pull('other/x'), pull()].sort()]);
  });
});

describe('verify (sign-in check)', () => {
  test('Bearer: a token for no particular scope proves the credentials', async () => {
    const s = testRegistry((req) => (req.url.pathname === '/v2/' ? reply(401, req.url, { 'www-authenticate': bearer('') }) : tokenFor(req)));
    assert.deepEqual(await authorizer(s.transport, alice).verify(), { scheme: 'bearer', credentialsChecked: true });
    assert.deepEqual(scopesOf(s.tokenRequests()[0]!), []);
  });

  test('Basic: anonymous is refused, wrong credentials are UNAUTHORIZED', async () => {
    const s = testRegistry((req) => reply(401, req.url, { 'www-authenticate': 'Basic realm="r"' }));
    await assert.rejects(authorizer(s.transport).verify(), (e: unknown) => e instanceof RegistryError && e.code === 'UNAUTHORIZED');
    await assert.rejects(authorizer(s.transport, alice).verify(), (e: unknown) => e instanceof RegistryError && e.code === 'UNAUTHORIZED');
  });

  test('an open registry cannot check credentials and says so', async () => {
    const s = testRegistry((req) => reply(200, req.url));
    assert.deepEqual(await authorizer(s.transport, alice).verify(), { scheme: 'none', credentialsChecked: false });
    assert.deepEqual(await authorizer(s.transport).verify(), { scheme: 'none', credentialsChecked: false });
  });
});

test('grantedAccess decodes what the token service granted', async () => {
  const access = [{ type: 'repository', name: 'team/app', actions: ['pull'] }];
  const s = testRegistry((req) =>
    req.url.pathname === '/v2/'
      ? reply(401, req.url, { 'www-authenticate': bearer('') })
      : reply(200, req.url, {}, { token: jwt({ access }, { alg: 'none' }) }),
  );
  assert.deepEqual(await authorizer(s.transport, alice).grantedAccess([`repository:team/app:pull,push`]), access);
});

describe('a hostile token service cannot fill the server', () => {
  const hostile = (answer: (req: TransportRequest) => HttpResponse) => bearerRegistry(answer);

  test('token answers are read up to 64 KiB, and a token over 16 KiB is refused', async () => {
    const s = hostile((req) => reply(200, req.url, {}, { token: 'x'.repeat(MAX_TOKEN_BYTES + 1), expires_in: 300 }));
    await assert.rejects(
      authorizer(s.transport).send({ url: resource(), scopes: [pull()], maxBytes: 1000 }),
      (e: unknown) => e instanceof RegistryError && e.code === 'BAD_RESPONSE',
    );
    assert.ok(s.tokenRequests().every((r) => r.maxBytes <= 64 * 1024));
  });

  test('a token said to live for years is asked for again after an hour', async (t) => {
    t.after(() => mock.timers.reset());
    mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-01-01T00:00:00Z') });
    const s = hostile((req) => reply(200, req.url, {}, { token: 'long', expires_in: 1e8 }));
    const auth = authorizer(s.transport);
    await auth.send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    mock.timers.tick(58 * 60_000);
    await auth.send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(s.tokenRequests().length, 1, 'reused within the hour');
    mock.timers.tick(2 * 60_000);
    await auth.send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(s.tokenRequests().length, 2, 'asked again after it');
  });

  test('the token cache is bounded by bytes, not only by count', async () => {
    const s = hostile((req) => reply(200, req.url, {}, { token: 'y'.repeat(15 * 1024), expires_in: 3600 }));
    const context = testContext();
    const auth = authorizer(s.transport, undefined, context);
    for (let i = 0; i < 1500; i++) await auth.send({ url: resource(), scopes: [pull(`r/${i}`)], maxBytes: 1000 });
    assert.ok(context.tokens.totalBytes <= 16 * 1024 * 1024, `${context.tokens.totalBytes} bytes held`);
    assert.ok(context.tokens.size < 1500);
  });
});

describe('challenges only from the registry itself', () => {
  const EVIL = 'https://evil.example';
  test('a 401 challenge from a redirect target is not adopted: no token request to its realm', async () => {
    const s = testRegistry((req) => {
      if (req.url.pathname === '/v2/') return reply(200, req.url);
      if (req.url.origin === EVIL) return reply(200, req.url, {}, { token: 'stolen' });
      // The registry redirected; the target (another origin) answers with its own challenge.
      return reply(401, new URL('/content', EVIL), { 'www-authenticate': `Bearer realm="${EVIL}/token",service="x"` });
    });
    const res = await authorizer(s.transport, alice).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(res.status, 401);
    assert.deepEqual(
      s.seen.filter((r) => r.url.origin === EVIL),
      [],
    );
  });

  test('a Basic challenge from a redirect target is not answered with the credentials', async () => {
    const s = testRegistry((req) =>
      req.url.pathname === '/v2/' ? reply(200, req.url) : reply(401, new URL('/x', EVIL), { 'www-authenticate': 'Basic realm="x"' }),
    );
    await authorizer(s.transport, alice).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.ok(
      s.seen.every((r) => r.headers.authorization === undefined),
      'no request carried credentials',
    );
  });

  test('a /v2/ redirected to another address that asks for credentials is refused', async () => {
    const s = testRegistry((req) =>
      req.url.origin === EVIL
        ? reply(200, req.url, {}, { token: 't' })
        : reply(401, new URL('/v2/', EVIL), { 'www-authenticate': `Bearer realm="${EVIL}/token"` }),
    );
    await assert.rejects(
      authorizer(s.transport, alice).send({ url: resource(), scopes: [pull()], maxBytes: 1000 }),
      (e: unknown) => e instanceof RegistryError && e.code === 'BAD_RESPONSE',
    );
    assert.deepEqual(
      s.seen.filter((r) => r.url.origin === EVIL),
      [],
    );
  });
});

describe('requests as sent', () => {
  const open = () => testRegistry((req) => reply(200, req.url, {}, '{}'));

  test("GET unless told, the accept header only when given, the caller's byte limit", async () => {
    const s = open();
    const auth = authorizer(s.transport);
    await auth.send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    await auth.send({ url: resource(), scopes: [pull()], maxBytes: 2000, method: 'HEAD', accept: 'application/vnd.oci.image.index.v1+json' });
    const [ping, get, head] = s.seen;
    assert.deepEqual([ping?.method, ping?.maxBytes, ping?.headers], ['GET', 1024 * 1024, {}]);
    assert.deepEqual([get?.method, get?.maxBytes, get?.headers], ['GET', 1000, {}]);
    assert.deepEqual([head?.method, head?.maxBytes, head?.headers], ['HEAD', 2000, { accept: 'application/vnd.oci.image.index.v1+json' }]);
  });

  test('the token request: GET, JSON, at most 64 KiB, no service parameter when the challenge names none', async () => {
    const s = bearerRegistry(tokenFor, undefined, `Bearer realm="${REALM}"`);
    const context = testContext();
    await authorizer(s.transport, undefined, context).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    const [tokenRequest] = s.tokenRequests();
    assert.deepEqual([tokenRequest?.method, tokenRequest?.maxBytes, tokenRequest?.headers], ['GET', 64 * 1024, { accept: 'application/json' }]);
    assert.equal(tokenRequest?.url.searchParams.has('service'), false);
    assert.deepEqual([context.stats.pings, context.stats.tokenFetches], [1, 1]);
  });

  test('concurrent requests for different scopes each get their own token', async () => {
    const s = bearerRegistry();
    const auth = authorizer(s.transport, alice);
    const repos = ['team/a', 'team/b'];
    await Promise.all(repos.map((repo) => auth.send({ url: resource(`/v2/${repo}/tags/list`), scopes: [pull(repo)], maxBytes: 1000 })));
    assert.equal(s.tokenRequests().length, 2);
    for (const repo of repos)
      assert.ok(
        s.to(`/v2/${repo}/tags/list`).every((r) => carries(r, pull(repo))),
        repo,
      );
  });

  test('anonymous tokens are kept per registry, even with the same token service', async () => {
    const s = bearerRegistry();
    const context = testContext();
    for (const origin of [ORIGIN, 'https://mirror.example']) {
      const auth = new Authorizer({ host: new URL(origin).host, baseUrl: new URL(origin), context, transport: s.transport });
      await auth.send({ url: new URL('/v2/team/app/tags/list', origin), scopes: [pull()], maxBytes: 1000 });
    }
    assert.equal(s.tokenRequests().length, 2);
  });

  test('credentials without a user name are no credentials', () => {
    assert.equal(authorizer(open().transport).anonymous, true);
    assert.equal(authorizer(open().transport, { username: '', password: 'x' }).anonymous, true);
    assert.equal(authorizer(open().transport, alice).anonymous, false);
  });
});

describe('how long pings and tokens are kept', () => {
  const NOW = Date.parse('2026-01-01T00:00:00Z');
  const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
  /** A registry whose token service answers `answer`; counts token fetches across requests at given times. */
  async function fetchesAt(answer: Record<string, unknown>, ticks: number[]): Promise<number[]> {
    const s = bearerRegistry((req) => reply(200, req.url, {}, { token: 'tok', ...answer }));
    const auth = authorizer(s.transport);
    const counts: number[] = [];
    for (const tick of ticks) {
      mock.timers.tick(tick);
      await auth.send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
      counts.push(s.tokenRequests().length);
    }
    return counts;
  }

  for (const [name, answer, ticks, want] of [
    // 300 s: reused until 10% (30 s) before it ends
    ['a token for 300 s is reused for 270 s', { expires_in: 300 }, [0, 269_000, 2_000], [1, 1, 2]],
    // issued 250 s ago: 50 s left, less a margin of at least 5 s
    ['a token issued 250 s ago for 300 s is reused for 45 s', { expires_in: 300, issued_at: at(-250_000) }, [0, 44_000, 2_000], [1, 1, 2]],
    // issued 30 s ago: 270 s left, less 10%
    ['a token issued 30 s ago for 300 s is reused for 243 s', { expires_in: 300, issued_at: at(-30_000) }, [0, 242_000, 2_000], [1, 1, 2]],
    // issued 298 s ago: 2 s left, less than the margin: not kept
    ['a token with less life left than the margin is not kept', { expires_in: 300, issued_at: at(-298_000) }, [0, 0], [1, 2]],
    // an issue time as old as the lifetime, or older, is not believed: the token is taken as new
    ['an issue time as old as the lifetime is ignored', { expires_in: 300, issued_at: at(-300_000) }, [0, 269_000], [1, 1]],
    ['an issue time older than the lifetime is ignored', { expires_in: 300, issued_at: at(-400_000) }, [0, 269_000], [1, 1]],
    // a clock a little ahead: taken as now
    ['an issue time 30 s ahead is taken as now', { expires_in: 300, issued_at: at(30_000) }, [0, 271_000], [1, 2]],
  ] as const) {
    test(name, async (t) => {
      t.after(() => mock.timers.reset());
      mock.timers.enable({ apis: ['Date'], now: NOW });
      assert.deepEqual(await fetchesAt(answer, [...ticks]), want);
    });
  }

  test('the ping is kept for 10 minutes', async (t) => {
    t.after(() => mock.timers.reset());
    mock.timers.enable({ apis: ['Date'], now: NOW });
    const s = testRegistry((req) => reply(200, req.url, {}, '{}'));
    const auth = authorizer(s.transport);
    for (const tick of [0, 599_000, 2_000]) {
      mock.timers.tick(tick);
      await auth.ping();
    }
    assert.equal(s.to('/v2/').length, 2);
  });
});

describe('what each refusal says', () => {
  const tokenService = (answer: (req: TransportRequest) => HttpResponse) => bearerRegistry(answer);
  const refused = async (promise: Promise<unknown>, code: string, message: RegExp, registryMessage?: string) =>
    assert.rejects(promise, (e: unknown) => e instanceof RegistryError && e.code === code && message.test(e.message) && e.registryMessage === registryMessage);
  const send = (s: TestRegistry, credentials?: Credentials) => authorizer(s.transport, credentials).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
  const service = 'The token service for r\\.example \\(auth\\.example\\)';

  test('the token service', async () => {
    const denied = (status: number, body: unknown = '') => tokenService((req) => reply(status, req.url, {}, body));
    await refused(
      send(denied(401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad' }] }), alice),
      'UNAUTHORIZED',
      /^r\.example rejected the username or password \(or token\)\. Check them and sign in again\.$/,
      'bad',
    );
    await refused(send(denied(403), alice), 'UNAUTHORIZED', /^r\.example rejected the username or password/);
    await refused(send(denied(401)), 'UNAUTHORIZED', /^r\.example does not allow anonymous access\. Sign in to continue\.$/);
    await refused(send(denied(500)), 'UNAVAILABLE', new RegExp(`^${service} answered HTTP 500\\. Try again in a moment\\.$`));
    await refused(send(tokenService((req) => reply(429, req.url, { 'retry-after': '9' }))), 'TOOMANYREQUESTS', /answered HTTP 429\. Try again in 9 s\.$/);
    await refused(send(denied(200, '<html>')), 'BAD_RESPONSE', new RegExp(`${service} sent a response Berth cannot read\\.$`));
    await refused(send(denied(200, { expires_in: 300 })), 'BAD_RESPONSE', new RegExp(`${service} sent no token\\.$`));
    await refused(send(denied(200, { token: 'x'.repeat(MAX_TOKEN_BYTES + 1) })), 'BAD_RESPONSE', /sent a token longer than 16 KiB; Berth does not use it\.$/);
  });

  test('a token of exactly the largest size is used', async () => {
    const s = tokenService((req) => reply(200, req.url, {}, { token: 'x'.repeat(MAX_TOKEN_BYTES) }));
    assert.equal((await send(s)).status, 200);
  });

  test('the ping', async () => {
    const pinged = (res: (req: TransportRequest) => HttpResponse) => authorizer(testRegistry(res).transport).ping();
    await refused(
      pinged((req) => reply(300, req.url)),
      'NOT_A_REGISTRY',
      /^r\.example answered \/v2\/ with HTTP 300: it does not look like a container registry\. Check the address\.$/,
    );
    await refused(
      pinged((req) => reply(429, req.url)),
      'TOOMANYREQUESTS',
      /^r\.example is rate-limiting requests\..* Signing in usually raises the limit\.$/,
    );
    await assert.rejects(
      authorizer(testRegistry((req) => reply(429, req.url)).transport, alice).ping(),
      (e: unknown) => e instanceof RegistryError && !e.message.includes('Signing in'),
    );
    await refused(
      pinged(() => reply(401, new URL('/v2/', 'https://evil.example'), { 'www-authenticate': 'Basic realm="x"' })),
      'BAD_RESPONSE',
      /^r\.example sent \/v2\/ to another address \(evil\.example\) that asks for credentials; Berth does not send them there\.$/,
    );
    await refused(
      pinged((req) => reply(401, req.url, { 'www-authenticate': 'Bearer realm="http://["' })),
      'BAD_RESPONSE',
      /named a token service address that is not a valid URL/,
    );
  });

  test('a realm without a service', async () => {
    const s = testRegistry((req) => reply(401, req.url, { 'www-authenticate': `Bearer realm="${REALM}"` }));
    assert.deepEqual(await authorizer(s.transport).ping(), { scheme: 'bearer', realm: REALM });
  });
});

describe('when not to retry', () => {
  const challenged = (challenge: string) =>
    testRegistry((req) => {
      if (req.url.pathname === '/v2/') return reply(200, req.url);
      if (req.url.href.startsWith(REALM)) return tokenFor(req);
      return reply(401, req.url, { 'www-authenticate': challenge });
    });
  const send = (s: TestRegistry, credentials?: Credentials) => authorizer(s.transport, credentials).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });

  test('anonymous, asked for Basic: answered at once', async () => {
    const s = challenged('Basic realm="r"');
    assert.equal((await send(s)).status, 401);
    assert.equal(s.to('/v2/team/app/tags/list').length, 1);
  });

  test('Basic credentials refused: not sent again', async () => {
    const s = testRegistry((req) => reply(401, req.url, { 'www-authenticate': 'Basic realm="r"' }));
    assert.equal((await send(s, alice)).status, 401);
    assert.equal(s.to('/v2/team/app/tags/list').length, 1);
  });

  test('a Bearer challenge with no realm: no credentials are sent', async () => {
    const s = challenged('Bearer error="invalid_token"');
    assert.equal((await send(s, alice)).status, 401);
    assert.deepEqual(s.to('/v2/team/app/tags/list').map(presented), ['']);
  });

  test('an adopted challenge with no scope: the token asks for what the request needs', async () => {
    const s = testRegistry((req) => {
      if (req.url.pathname === '/v2/') return reply(200, req.url);
      if (req.url.href.startsWith(REALM)) return tokenFor(req);
      return req.headers.authorization ? reply(200, req.url, {}, '{}') : reply(401, req.url, { 'www-authenticate': bearer('') });
    });
    assert.equal((await send(s)).status, 200);
    assert.deepEqual(s.tokenRequests().map(scopesOf), [[pull()]]);
  });

  for (const [name, extra] of [
    ['a scope named without insufficient_scope', `,scope="${pull('other/x')}"`],
    ['an error other than insufficient_scope or invalid_token', ',error="server_error"'],
  ] as const) {
    test(`${name}: answered at once`, async () => {
      const s = bearerRegistry(tokenFor, (req) => reply(401, req.url, { 'www-authenticate': bearer(extra) }));
      assert.equal((await send(s, alice)).status, 401);
      assert.equal(s.to('/v2/team/app/tags/list').length, 1);
      assert.equal(s.tokenRequests().length, 1);
    });
  }
});

describe('verify and grantedAccess', () => {
  const basic = (check: (req: TransportRequest) => number) =>
    testRegistry((req) => (req.headers.authorization ? reply(check(req), req.url) : reply(401, req.url, { 'www-authenticate': 'Basic realm="r"' })));

  test('Basic: the credentials are sent to /v2/ and checked', async () => {
    const s = basic((req) => (presented(req) === `Basic ${Buffer.from('alice:s3cret').toString('base64')}` ? 200 : 401));
    assert.deepEqual(await authorizer(s.transport, alice).verify(), { scheme: 'basic', credentialsChecked: true });
    const [, check] = s.seen;
    assert.deepEqual([check?.url.href, check?.method, check?.maxBytes], [`${ORIGIN}/v2/`, 'GET', 1024 * 1024]);
  });

  for (const [status, code, message] of [
    [401, 'UNAUTHORIZED', /^r\.example rejected the username or password \(or token\)\. Check them and try again\.$/],
    [403, 'UNAUTHORIZED', /^r\.example rejected the username or password \(or token\)\. Check them and try again\.$/],
    [500, 'UNAVAILABLE', /./],
    [300, 'UNKNOWN', /^r\.example refused the request \(HTTP 300\)\.$/],
  ] as const) {
    test(`Basic: /v2/ answering ${status} to the credentials is ${code}`, async () => {
      await assert.rejects(
        authorizer(basic(() => status).transport, alice).verify(),
        (e: unknown) => e instanceof RegistryError && e.code === code && message.test(e.message),
      );
    });
  }

  test('Basic without credentials says what to enter', async () => {
    await assert.rejects(
      authorizer(basic(() => 200).transport).verify(),
      (e: unknown) =>
        e instanceof RegistryError &&
        e.code === 'UNAUTHORIZED' &&
        /^r\.example does not allow anonymous access\. Enter a username and password\.$/.test(e.message),
    );
  });

  test('Bearer, anonymous: nothing to check', async () => {
    const s = testRegistry((req) => (req.url.pathname === '/v2/' ? reply(401, req.url, { 'www-authenticate': bearer('') }) : tokenFor(req)));
    assert.deepEqual(await authorizer(s.transport).verify(), { scheme: 'bearer', credentialsChecked: false });
  });

  test('an open registry grants nothing it can tell', async () => {
    assert.equal(await authorizer(testRegistry((req) => reply(200, req.url)).transport).grantedAccess([pull()]), undefined);
  });
});
