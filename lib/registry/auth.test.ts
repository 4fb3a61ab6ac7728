// The authoriser's rules, each against a stub transport: no network, no registry.
import { describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { Authorizer, MAX_TOKEN_BYTES } from './auth';
import { RegistryContext, type Credentials } from './context';
import { RegistryError } from './errors';
import { ResponseHeaders, type HttpResponse } from './http';
import { AddressPolicy } from './policy';
import type { Transport, TransportRequest } from './transport';

const ORIGIN = 'https://r.example';
const REALM = 'https://auth.example/token';
const bearer = (params: string) => `Bearer realm="${REALM}",service="r.example"${params}`;

function reply(status: number, url: URL, headers: Record<string, string> = {}, body: unknown = ''): HttpResponse {
  const raw = Object.entries(headers).flat();
  const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
  return { status, url, headers: new ResponseHeaders(raw), body: bytes };
}

/** A scripted registry: `routes` answers by path; every request is recorded. */
function stub(routes: (req: TransportRequest, n: number) => HttpResponse | undefined) {
  const seen: TransportRequest[] = [];
  const counts = new Map<string, number>();
  const transport: Transport = async (req) => {
    seen.push(req);
    const key = req.url.pathname;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    const res = routes(req, n);
    if (!res) throw new Error(`stub: nothing scripted for ${req.method} ${req.url.href}`);
    return res;
  };
  const tokenRequests = () => seen.filter((r) => r.url.href.startsWith(REALM));
  const to = (path: string) => seen.filter((r) => r.url.pathname === path);
  return { transport, seen, tokenRequests, to };
}

function authorizer(transport: Transport, credentials?: Credentials, context = newContext()): Authorizer {
  return new Authorizer({ host: 'r.example', baseUrl: new URL(ORIGIN), credentials, context, transport });
}

const newContext = () => new RegistryContext({ policy: new AddressPolicy({ allowed: null, dockerHubRegistryUrl: 'https://registry-1.docker.io' }) });
const alice: Credentials = { username: 'alice', password: 's3cret' };
const resource = (path = '/v2/team/app/tags/list') => new URL(path, ORIGIN);
const pull = (repo = 'team/app') => `repository:${repo}:pull`;

/** A token whose body is the JSON of `access`, so tests can see which scopes a token carried. */
function jwt(access: unknown[]): string {
  const part = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ access })}.sig`;
}
function scopesOf(req: TransportRequest): string[] {
  return req.url.searchParams.getAll('scope').sort();
}
/** Token service: a token naming the scopes asked for. */
function tokenFor(req: TransportRequest, extra: Record<string, unknown> = {}): HttpResponse {
  const access = scopesOf(req).map((s) => ({ scope: s }));
  return reply(200, req.url, { 'content-type': 'application/json' }, { token: jwt(access), expires_in: 300, ...extra });
}
const presented = (req: TransportRequest) => req.headers.authorization ?? '';
const carries = (req: TransportRequest, scope: string) => {
  const token = presented(req).replace(/^Bearer /, '');
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { access: { scope: string }[] };
  return claims.access.some((a) => a.scope === scope);
};

describe('ping', () => {
  test('is asked once per origin and shared by every connection', async () => {
    const s = stub((req) => (req.url.pathname === '/v2/' ? reply(200, req.url) : reply(200, req.url, {}, '{}')));
    const context = newContext();
    await authorizer(s.transport, alice, context).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    await authorizer(s.transport, undefined, context).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(s.to('/v2/').length, 1);
  });

  for (const [status, code] of [[404, 'NOT_A_REGISTRY'], [500, 'UNAVAILABLE'], [429, 'TOOMANYREQUESTS']] as const) {
    test(`a /v2/ answering ${status} is ${code}`, async () => {
      const s = stub((req) => reply(status, req.url));
      await assert.rejects(authorizer(s.transport).ping(), (e: unknown) => e instanceof RegistryError && e.code === code);
    });
  }

  test('a relative realm is resolved against the URL that sent the challenge', async () => {
    const s = stub((req) => (req.url.pathname === '/v2/' ? reply(401, req.url, { 'www-authenticate': 'Bearer realm="/auth/token",service="x"' }) : undefined));
    assert.deepEqual(await authorizer(s.transport).ping(), { scheme: 'bearer', realm: `${ORIGIN}/auth/token`, service: 'x' });
  });
});

describe('bearer tokens', () => {
  const registry = (check: (req: TransportRequest, n: number) => HttpResponse | undefined) =>
    stub((req, n) => {
      if (req.url.pathname === '/v2/') return reply(401, req.url, { 'www-authenticate': bearer('') });
      if (req.url.href.startsWith(REALM)) return tokenFor(req);
      return check(req, n);
    });

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
    const context = newContext();
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
  const withToken = (answer: (req: TransportRequest) => HttpResponse) =>
    stub((req) => {
      if (req.url.pathname === '/v2/') return reply(401, req.url, { 'www-authenticate': bearer('') });
      if (req.url.href.startsWith(REALM)) return answer(req);
      return reply(200, req.url, {}, '{}');
    });
  const send = (s: ReturnType<typeof stub>, credentials?: Credentials) => authorizer(s.transport, credentials).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
  const rejectsWith = (code: string, check: (e: RegistryError) => void = () => {}) => (e: unknown) => {
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
    await assert.rejects(send(s, alice), rejectsWith('UNAUTHORIZED', (e) => assert.ok(!e.message.includes('s3cret'))));
  });

  test('a rate-limited token service says when to retry', async () => {
    const s = withToken((req) => reply(429, req.url, { 'retry-after': '9' }, 'slow down'));
    await assert.rejects(send(s), rejectsWith('TOOMANYREQUESTS', (e) => assert.equal(e.retryAfter, 9)));
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
        throw new RegistryError({ code, host: req.url.host, message: `${req.url.host} is down`, cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
      });
      await assert.rejects(
        send(down, alice),
        rejectsWith(code, (e) => {
          assert.equal(e.host, 'r.example');
          assert.match(e.message, /^The token service for r\.example \(auth\.example\) (could not be reached: the connection was refused|did not answer within 15 s)\. /);
          assert.match(e.message, /tell the registry's owner that its token service is down/);
        }),
      );
    });
  }
});

describe('registries that are open or use Basic', () => {
  test('Basic: the credentials go with every request; no token service is asked', async () => {
    const s = stub((req) => (req.url.pathname === '/v2/' ? reply(401, req.url, { 'www-authenticate': 'Basic realm="r"' }) : reply(200, req.url, {}, '{}')));
    await authorizer(s.transport, alice).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.match(presented(s.to('/v2/team/app/tags/list')[0]!), /^Basic /);
  });

  test('an open /v2/ with a resource wanting Basic: the credentials are sent once', async () => {
    const s = stub((req, n) => {
      if (req.url.pathname === '/v2/') return reply(200, req.url);
      return n === 1 ? reply(401, req.url, { 'www-authenticate': 'Basic realm="r"' }) : reply(200, req.url, {}, '{}');
    });
    const res = await authorizer(s.transport, alice).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(res.status, 200);
    assert.deepEqual(s.to('/v2/team/app/tags/list').map((r) => presented(r).split(' ')[0]), ['', 'Basic']);
  });

  test('an open /v2/ with a resource wanting a token: the challenge is adopted with its scope', async () => {
    const s = stub((req) => {
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
    const s = stub((req) => (req.url.pathname === '/v2/' ? reply(401, req.url, { 'www-authenticate': bearer('') }) : tokenFor(req)));
    assert.deepEqual(await authorizer(s.transport, alice).verify(), { scheme: 'bearer', credentialsChecked: true });
    assert.deepEqual(scopesOf(s.tokenRequests()[0]!), []);
  });

  test('Basic: anonymous is refused, wrong credentials are UNAUTHORIZED', async () => {
    const s = stub((req) => reply(401, req.url, { 'www-authenticate': 'Basic realm="r"' }));
    await assert.rejects(authorizer(s.transport).verify(), (e: unknown) => e instanceof RegistryError && e.code === 'UNAUTHORIZED');
    await assert.rejects(authorizer(s.transport, alice).verify(), (e: unknown) => e instanceof RegistryError && e.code === 'UNAUTHORIZED');
  });

  test('an open registry cannot check credentials and says so', async () => {
    const s = stub((req) => reply(200, req.url));
    assert.deepEqual(await authorizer(s.transport, alice).verify(), { scheme: 'none', credentialsChecked: false });
    assert.deepEqual(await authorizer(s.transport).verify(), { scheme: 'none', credentialsChecked: false });
  });
});

test('grantedAccess decodes what the token service granted', async () => {
  const access = [{ type: 'repository', name: 'team/app', actions: ['pull'] }];
  const s = stub((req) => (req.url.pathname === '/v2/' ? reply(401, req.url, { 'www-authenticate': bearer('') }) : reply(200, req.url, {}, { token: jwt(access) })));
  assert.deepEqual(await authorizer(s.transport, alice).grantedAccess([`repository:team/app:pull,push`]), access);
});

describe('a hostile token service cannot fill the server', () => {
  const hostile = (answer: (req: TransportRequest) => HttpResponse) =>
    stub((req) => {
      if (req.url.pathname === '/v2/') return reply(401, req.url, { 'www-authenticate': bearer('') });
      if (req.url.href.startsWith(REALM)) return answer(req);
      return reply(200, req.url, {}, '{}');
    });

  test('token answers are read up to 64 KiB, and a token over 16 KiB is refused', async () => {
    const s = hostile((req) => reply(200, req.url, {}, { token: 'x'.repeat(MAX_TOKEN_BYTES + 1), expires_in: 300 }));
    await assert.rejects(authorizer(s.transport).send({ url: resource(), scopes: [pull()], maxBytes: 1000 }), (e: unknown) => e instanceof RegistryError && e.code === 'BAD_RESPONSE');
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
    const context = newContext();
    const auth = authorizer(s.transport, undefined, context);
    for (let i = 0; i < 1500; i++) await auth.send({ url: resource(), scopes: [pull(`r/${i}`)], maxBytes: 1000 });
    assert.ok(context.tokens.totalBytes <= 16 * 1024 * 1024, `${context.tokens.totalBytes} bytes held`);
    assert.ok(context.tokens.size < 1500);
  });
});

describe('challenges only from the registry itself', () => {
  const EVIL = 'https://evil.example';
  test('a 401 challenge from a redirect target is not adopted: no token request to its realm', async () => {
    const s = stub((req) => {
      if (req.url.pathname === '/v2/') return reply(200, req.url);
      if (req.url.origin === EVIL) return reply(200, req.url, {}, { token: 'stolen' });
      // The registry redirected; the target (another origin) answers with its own challenge.
      return reply(401, new URL('/content', EVIL), { 'www-authenticate': `Bearer realm="${EVIL}/token",service="x"` });
    });
    const res = await authorizer(s.transport, alice).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.equal(res.status, 401);
    assert.deepEqual(s.seen.filter((r) => r.url.origin === EVIL), []);
  });

  test('a Basic challenge from a redirect target is not answered with the credentials', async () => {
    const s = stub((req) => (req.url.pathname === '/v2/' ? reply(200, req.url) : reply(401, new URL('/x', EVIL), { 'www-authenticate': 'Basic realm="x"' })));
    await authorizer(s.transport, alice).send({ url: resource(), scopes: [pull()], maxBytes: 1000 });
    assert.ok(s.seen.every((r) => r.headers.authorization === undefined), 'no request carried credentials');
  });

  test('a /v2/ redirected to another address that asks for credentials is refused', async () => {
    const s = stub((req) => (req.url.origin === EVIL ? reply(200, req.url, {}, { token: 't' }) : reply(401, new URL('/v2/', EVIL), { 'www-authenticate': `Bearer realm="${EVIL}/token"` })));
    await assert.rejects(authorizer(s.transport, alice).send({ url: resource(), scopes: [pull()], maxBytes: 1000 }), (e: unknown) => e instanceof RegistryError && e.code === 'BAD_RESPONSE');
    assert.deepEqual(s.seen.filter((r) => r.url.origin === EVIL), []);
  });
});
