// The diagnosis, step by step, against a scripted registry: no network, no registry.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryContext, type Credentials } from '../context';
import { diagnose, scrubSecrets, type DiagnoseOptions, type Diagnosis, type DiagnosisStep, type DiagnosisStepId } from './index';
import { RegistryError } from '../errors';
import type { TlsFacts } from '../net/http';
import { AddressPolicy } from '../policy';
import type { TransportRequest } from '../net/transport';
import { REALM, REGISTRY as ORIGIN, testRegistry, tokenAnswer, type Answer, type Route, type TestRegistry } from '../test-registry';

const PUBLIC_ADDRESS = '93.184.216.34';
const alice: Credentials = { username: 'alice', password: 'alice-s3cret' };
const basicOf = (c: Credentials) => Buffer.from(`${c.username}:${c.password}`).toString('base64');

/** A token service that grants `allowed` (scope strings), as distribution's issuer does: the intersection, never an error. */
function tokenFor(req: TransportRequest, allowed: string[], extra: Record<string, unknown> = {}): Answer {
  const answer = tokenAnswer(req, allowed, { iss: 'test', iat: 1_767_225_600, exp: 1_767_225_900 });
  const body = answer.body as { token: string };
  return { ...answer, body: { ...body, access_token: body.token, issued_at: '2026-01-01T00:00:00Z', ...extra } };
}

const bearerChallenge = (realm = REALM) => ({ 'www-authenticate': `Bearer realm="${realm}",service="r.example"` });

/** A token registry: alice gets what `allowed` lists; resources answer 200 to any Bearer. */
function tokenRegistry(allowed: string[], resource: Route = () => undefined) {
  return testRegistry(
    async (req, n) => {
      const answer = await resource(req, n);
      if (answer) return answer;
      if (req.url.pathname === '/v2/_catalog') return { status: 200, body: { repositories: ['team/app', 'public/hello'] } };
      if (req.url.pathname.endsWith('/tags/list')) return { status: 200, body: { name: 'team/app', tags: ['v1', 'v2'] } };
      if (req.url.pathname.includes('/manifests/'))
        return { status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': `sha256:${'a'.repeat(64)}` } };
      return undefined;
    },
    { handshake: { scheme: 'bearer', token: (req) => tokenFor(req, allowed) } },
  );
}

const openPolicy = () => new AddressPolicy({ allowed: null, dockerHubRegistryUrl: 'https://registry-1.docker.io' });
const listing = (...allowed: string[]) => new AddressPolicy({ allowed, dockerHubRegistryUrl: 'https://registry-1.docker.io' });

function run(stub: TestRegistry, options: Partial<DiagnoseOptions> & { policy?: AddressPolicy } = {}): Promise<Diagnosis> {
  const { policy = openPolicy(), ...rest } = options;
  return diagnose({
    host: 'r.example',
    context: new RegistryContext({ policy }),
    transport: stub.transport,
    lookup: async () => [PUBLIC_ADDRESS],
    ...rest,
  });
}

function step(d: Diagnosis, id: DiagnosisStepId): DiagnosisStep {
  const s = d.steps.find((x) => x.id === id);
  assert.ok(s, `no step ${id}`);
  return s;
}
const fact = (s: DiagnosisStep, label: string) => s.facts.find((f) => f.label === label)?.value;
const statuses = (d: Diagnosis) => Object.fromEntries(d.steps.map((s) => [s.id, s.status]));

describe('address and policy', () => {
  test('a registry this deployment does not list: refused, the setting and the exact origin named, nothing sent or resolved', async () => {
    const stub = testRegistry(() => ({ status: 200 }));
    let lookups = 0;
    const d = await run(stub, { host: '10.1.2.3:5000', policy: listing('http://127.0.0.1:5000'), lookup: async () => (lookups++, []) });
    const address = step(d, 'address');
    assert.equal(address.status, 'failed');
    assert.equal(address.error?.code, 'NOT_ALLOWED');
    assert.equal(fact(address, 'Setting'), 'ALLOWED_REGISTRIES');
    assert.equal(fact(address, 'Origin to add'), 'https://10.1.2.3:5000');
    assert.match(address.sentence, /adds https:\/\/10\.1\.2\.3:5000 \(or http:\/\/10\.1\.2\.3:5000 if it serves plain http\) to ALLOWED_REGISTRIES/);
    assert.deepEqual(statuses(d), { address: 'failed', ping: 'skipped', auth: 'skipped', catalog: 'skipped', repository: 'skipped', 'rate-limits': 'skipped' });
    assert.equal(stub.seen.length, 0);
    assert.equal(lookups, 0);
    assert.equal(d.status, 'failed');
    assert.equal(d.summary, address.sentence);
  });

  test('a private address in an open deployment: refused, and listing it is said to restrict everything else', async () => {
    const stub = testRegistry(() => ({ status: 200 }));
    const d = await run(stub, { host: '10.1.2.3:5000', scheme: 'http' });
    const address = step(d, 'address');
    assert.equal(fact(address, 'Origin to add'), 'http://10.1.2.3:5000');
    assert.match(address.sentence, /ALLOWED_REGISTRIES is unset now: once set, Berth talks only to what it lists/);
    assert.doesNotMatch(address.sentence, /or http:/);
    assert.equal(stub.seen.length, 0);
  });

  test('a name that resolves to a private address: refused before connecting', async () => {
    const stub = testRegistry(() => ({ status: 200 }));
    const d = await run(stub, { lookup: async () => [PUBLIC_ADDRESS, '10.0.0.5'] });
    const address = step(d, 'address');
    assert.equal(address.status, 'failed');
    // Neither the facts nor the sentence say where the name leads inside the network.
    assert.equal(fact(address, 'Addresses'), 'not shown: the name resolves to an address Berth may not use');
    assert.match(address.sentence, /resolves to a loopback, private or link-local address/);
    assert.doesNotMatch(JSON.stringify(d), /10\.0\.0\.5/);
    assert.equal(fact(address, 'Origin to add'), ORIGIN);
    assert.equal(stub.seen.length, 0);
  });

  test('allowed: why, for a listed origin and for a public one', async () => {
    const stub = testRegistry(() => ({ status: 200 }));
    const listed = step(await run(stub, { host: '127.0.0.1:5000', policy: listing('http://127.0.0.1:5000') }), 'address');
    assert.equal(listed.status, 'ok');
    assert.equal(fact(listed, 'Base URL'), 'http://127.0.0.1:5000');
    assert.match(listed.sentence, /http:\/\/127\.0\.0\.1:5000 is listed in ALLOWED_REGISTRIES/);
    const open = step(await run(stub), 'address');
    assert.equal(fact(open, 'Addresses'), PUBLIC_ADDRESS);
    assert.match(open.sentence, /ALLOWED_REGISTRIES is unset, so Berth talks to any registry at a public address over https/);
  });

  test('a name that does not resolve: UNREACHABLE, nothing else runs', async () => {
    const stub = testRegistry(() => ({ status: 200 }));
    const d = await run(stub, { lookup: async () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })) });
    assert.equal(step(d, 'address').error?.code, 'UNREACHABLE');
    assert.match(step(d, 'address').sentence, /does not resolve \(ENOTFOUND\)/);
    assert.equal(step(d, 'ping').status, 'skipped');
    assert.equal(stub.seen.length, 0);
  });
});

describe('GET /v2/', () => {
  test('a relative realm is shown as sent and resolved; the token request goes to the resolved address', async () => {
    const stub = testRegistry((req) => {
      if (req.url.pathname === '/v2/') return { status: 401, headers: { 'www-authenticate': 'Bearer realm="/auth/token",service="fake"' } };
      if (req.url.pathname === '/auth/token') return tokenFor(req, []);
      return { status: 200, body: { repositories: [] } };
    });
    const d = await run(stub);
    const ping = step(d, 'ping');
    assert.deepEqual(ping.challenges, [{ scheme: 'bearer', realm: '/auth/token', realmUrl: `${ORIGIN}/auth/token`, service: 'fake' }]);
    assert.match(ping.sentence, /relative realm \/auth\/token, resolved against https:\/\/r\.example\/v2\//);
    assert.equal(fact(ping, 'Docker-Distribution-API-Version'), 'not sent');
    assert.equal(stub.to('/auth/token').length, 1);
  });

  test('several challenges on one header are all listed; Basic alone means a username and password', async () => {
    const stub = testRegistry((req) =>
      req.url.pathname === '/v2/' && !req.headers.authorization
        ? { status: 401, headers: { 'www-authenticate': 'Basic realm="Registry Realm", Newauth realm="x"' } }
        : { status: 200, body: {} },
    );
    const d = await run(stub, { credentials: alice });
    assert.deepEqual(
      step(d, 'ping').challenges?.map((c) => c.scheme),
      ['basic', 'newauth'],
    );
    assert.match(step(d, 'ping').sentence, /asks for a username and password \(Basic\)/);
  });

  for (const [status, code] of [
    [404, 'NOT_A_REGISTRY'],
    [503, 'UNAVAILABLE'],
    [429, 'TOOMANYREQUESTS'],
  ] as const) {
    test(`an answer of ${status} fails as ${code}, and nothing after it runs but the rate limits`, async () => {
      const stub = testRegistry(() => ({ status, headers: { 'retry-after': '9' } }));
      const d = await run(stub);
      assert.equal(step(d, 'ping').error?.code, code);
      assert.deepEqual(statuses(d), {
        address: 'ok',
        ping: 'failed',
        auth: 'skipped',
        catalog: 'skipped',
        repository: 'skipped',
        'rate-limits': status === 429 ? 'failed' : 'ok',
      });
    });
  }

  test('unreachable: the transport error is the step, with its code and sentence', async () => {
    const stub = testRegistry(() => {
      throw new RegistryError({ code: 'UNREACHABLE', host: 'r.example', message: 'Could not connect to r.example: the connection was refused.' });
    });
    const d = await run(stub);
    const ping = step(d, 'ping');
    assert.equal(ping.status, 'failed');
    assert.equal(ping.error?.code, 'UNREACHABLE');
    assert.equal(ping.requests[0]?.status, undefined);
    assert.equal(d.summary, 'Could not connect to r.example: the connection was refused.');
  });

  test('TLS: the certificate is shown; one that ends within two weeks is a warning', async () => {
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString();
    const tls: TlsFacts = {
      subject: 'CN=r.example',
      issuer: "C=US, O=Let's Encrypt, CN=R11",
      validFrom: '2026-01-01T00:00:00.000Z',
      validTo: soon,
      protocol: 'TLSv1.3',
    };
    const stub = testRegistry(() => ({ status: 200, tls, headers: { 'docker-distribution-api-version': 'registry/2.0' } }));
    const ping = step(await run(stub), 'ping');
    assert.deepEqual(ping.tls, tls);
    assert.equal(fact(ping, 'Certificate'), "CN=r.example, issued by C=US, O=Let's Encrypt, CN=R11");
    assert.match(fact(ping, 'Certificate expires') ?? '', /\(4 days\)|\(5 days\)/);
    assert.equal(ping.status, 'warning');
    assert.match(ping.sentence, /ask its owner to renew it/);
  });

  test('a /v2/ redirected to another address that asks for credentials: refused, no token asked', async () => {
    const stub = testRegistry((req) =>
      req.url.pathname === '/v2/' ? { status: 401, url: 'https://evil.example/v2/', headers: bearerChallenge('https://evil.example/token') } : { status: 200 },
    );
    const d = await run(stub, { credentials: alice });
    assert.equal(step(d, 'ping').error?.code, 'BAD_RESPONSE');
    assert.deepEqual(
      stub.seen.map((r) => r.url.href),
      [`${ORIGIN}/v2/`],
    );
  });
});

describe('the token', () => {
  test('the request as sent: service, every scope, account, and Basic shown as user:•••', async () => {
    const stub = tokenRegistry(['registry:catalog:*', 'repository:team/app:pull']);
    const d = await run(stub, { credentials: alice, repository: 'team/app' });
    const [tokenRequest] = stub.seen.filter((r) => r.url.href.startsWith(REALM));
    assert.ok(tokenRequest);
    assert.equal(tokenRequest.url.searchParams.get('service'), 'r.example');
    assert.deepEqual(tokenRequest.url.searchParams.getAll('scope'), ['registry:catalog:*', 'repository:team/app:pull']);
    assert.equal(tokenRequest.url.searchParams.get('account'), 'alice');
    assert.equal(tokenRequest.headers.authorization, `Basic ${basicOf(alice)}`);
    const auth = step(d, 'auth');
    assert.equal(auth.title, 'Token');
    assert.equal(auth.requests[0]?.url, tokenRequest.url.href);
    assert.equal(auth.requests[0]?.authorization, 'Basic alice:•••');
    assert.equal(auth.status, 'ok');
    assert.deepEqual(auth.access, [
      { scope: 'registry:catalog:*', granted: ['*'], covered: true },
      { scope: 'repository:team/app:pull', granted: ['pull'], covered: true },
    ]);
    assert.equal(fact(auth, 'expires_in'), '300 s');
    assert.equal(fact(auth, 'issued_at'), '2026-01-01T00:00:00Z');
    assert.equal(fact(auth, 'Claim iat'), '2026-01-01T00:00:00.000Z');
    assert.equal(fact(auth, 'Claim exp'), '2026-01-01T00:05:00.000Z');
    assert.match(fact(auth, 'Token') ?? '', /^\d+ characters, a JWT/);
    assert.equal(d.status, 'ok');
    assert.match(d.summary, /Every step worked: Berth reaches r\.example and is let in as alice/);
  });

  test('a token that grants nothing for the catalog: the sentence says so, and the catalog refusal points at it', async () => {
    const stub = tokenRegistry([], (req) =>
      req.url.pathname === '/v2/_catalog'
        ? {
            status: 401,
            headers: { 'www-authenticate': `Bearer realm="${REALM}",service="r.example",scope="registry:catalog:*",error="insufficient_scope"` },
            body: { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
          }
        : undefined,
    );
    const d = await run(stub, { credentials: { username: 'carol', password: 'carol-pass' } });
    const auth = step(d, 'auth');
    assert.equal(auth.status, 'warning');
    assert.deepEqual(auth.access, [{ scope: 'registry:catalog:*', granted: [], covered: false }]);
    assert.equal(auth.sentence, 'The token service answered, but granted nothing for `registry:catalog:*`: this account cannot list repositories here.');
    const catalog = step(d, 'catalog');
    assert.equal(catalog.status, 'warning');
    assert.equal(catalog.error?.code, 'CATALOG_UNSUPPORTED');
    assert.equal(
      catalog.sentence,
      'r.example does not list its repositories for carol (HTTP 401). The token carries no `registry:catalog:*` (see Token). Open a repository by name instead.',
    );
    assert.equal(fact(catalog, 'Registry error'), 'UNAUTHORIZED: authentication required');
    assert.equal(catalog.challenges?.[0]?.error, 'insufficient_scope');
  });

  test('anonymous: no credentials, no account; a catalog refused to it says to sign in', async () => {
    const stub = tokenRegistry(['repository:public/hello:pull'], (req) =>
      req.url.pathname === '/v2/_catalog' ? { status: 401, headers: bearerChallenge() } : undefined,
    );
    const d = await run(stub, { repository: 'public/hello' });
    const [tokenRequest] = stub.seen.filter((r) => r.url.href.startsWith(REALM));
    assert.equal(tokenRequest?.headers.authorization, undefined);
    assert.equal(tokenRequest?.url.searchParams.get('account'), null);
    assert.equal(
      step(d, 'auth').sentence,
      'The token service answered, but granted nothing for `registry:catalog:*`: anonymous access cannot list repositories here.',
    );
    assert.equal(step(d, 'catalog').error?.code, 'SIGN_IN_REQUIRED');
    assert.equal(step(d, 'repository').status, 'ok');
    assert.equal(d.username, null);
  });

  test('every scope not granted is named, in one sentence', async () => {
    const none = await run(tokenRegistry([]), { credentials: alice, repository: 'team/app' });
    assert.equal(
      step(none, 'auth').sentence,
      'The token service answered, but granted nothing for `registry:catalog:*`: this account cannot list repositories here; and granted nothing for `repository:team/app:pull`: this account cannot pull team/app here.',
    );
    const stub = tokenRegistry(['registry:catalog:*']);
    const d = await run(stub, { credentials: alice, repository: 'secret/vault' });
    assert.equal(
      step(d, 'auth').sentence,
      'The token service answered, but granted nothing for `repository:secret/vault:pull`: this account cannot pull secret/vault here.',
    );
  });

  test('refused credentials: UNAUTHORIZED, the registry message shown, the rest not run', async () => {
    const stub = testRegistry((req) =>
      req.url.href.startsWith(REALM)
        ? { status: 401, body: { errors: [{ code: 'UNAUTHORIZED', message: 'wrong username or password' }] } }
        : { status: 401, headers: bearerChallenge() },
    );
    const d = await run(stub, { credentials: alice });
    const auth = step(d, 'auth');
    assert.equal(auth.error?.code, 'UNAUTHORIZED');
    assert.equal(fact(auth, 'Token service says'), 'wrong username or password');
    assert.deepEqual([step(d, 'catalog').status, step(d, 'repository').status], ['skipped', 'skipped']);
  });

  test('a token service the policy refuses: the origin to add is named and nothing is sent to it', async () => {
    const stub = testRegistry((req) =>
      req.url.pathname === '/v2/' ? { status: 401, headers: bearerChallenge('http://127.0.0.1:9999/token') } : { status: 200 },
    );
    const d = await run(stub, { host: '127.0.0.1:5000', policy: listing('http://127.0.0.1:5000'), credentials: alice });
    const auth = step(d, 'auth');
    assert.equal(auth.error?.code, 'NOT_ALLOWED');
    assert.equal(fact(auth, 'Origin to add'), 'http://127.0.0.1:9999');
    assert.match(auth.sentence, /adds http:\/\/127\.0\.0\.1:9999 to ALLOWED_REGISTRIES/);
    assert.deepEqual(
      stub.seen.map((r) => r.url.port),
      ['5000'],
    );
  });

  test('an opaque token: its length, no access table, and the sentence says the grants cannot be read', async () => {
    const stub = testRegistry((req) =>
      req.url.href.startsWith(REALM)
        ? { status: 200, body: { token: 'opaque-token-value', expires_in: 10 } }
        : req.url.pathname === '/v2/'
          ? { status: 401, headers: bearerChallenge() }
          : { status: 200, body: { repositories: [] } },
    );
    const auth = step(await run(stub), 'auth');
    assert.equal(auth.access, undefined);
    assert.equal(fact(auth, 'Token'), '18 characters, opaque (not a JWT: what it grants cannot be read)');
    assert.equal(fact(auth, 'expires_in'), '10 s (taken as 60 s)');
    assert.match(auth.sentence, /opaque token/);
  });

  test('a refresh_token that is not a string: the token is used, as browsing uses it, and no refresh_token is shown', async () => {
    const stub = testRegistry((req) => {
      if (req.url.href.startsWith(REALM)) return tokenFor(req, ['registry:catalog:*'], { refresh_token: 42 });
      return req.url.pathname === '/v2/' ? { status: 401, headers: bearerChallenge() } : { status: 200, body: { repositories: [] } };
    });
    const d = await run(stub);
    assert.equal(step(d, 'auth').status, 'ok');
    assert.equal(fact(step(d, 'auth'), 'refresh_token'), undefined);
    assert.equal(step(d, 'catalog').status, 'ok');
  });

  for (const [name, answer, code] of [
    ['rate-limited', { status: 429, headers: { 'retry-after': '30' } }, 'TOOMANYREQUESTS'],
    ['down', { status: 502 }, 'UNAVAILABLE'],
    ['not JSON', { status: 200, body: '<html>' }, 'BAD_RESPONSE'],
    ['tokenless', { status: 200, body: { expires_in: 60 } }, 'BAD_RESPONSE'],
    ['oversized', { status: 200, body: { token: 'x'.repeat(16 * 1024 + 1) } }, 'BAD_RESPONSE'],
  ] as const) {
    test(`a token service that is ${name} fails as ${code}`, async () => {
      const stub = testRegistry((req) => (req.url.href.startsWith(REALM) ? answer : { status: 401, headers: bearerChallenge() }));
      assert.equal(step(await run(stub), 'auth').error?.code, code);
    });
  }
});

describe('Basic and open registries', () => {
  const basic = (password: string) =>
    testRegistry((req) => {
      if (req.headers.authorization === `Basic ${basicOf({ username: 'admin', password })}`) return { status: 200, body: { repositories: ['team/app'] } };
      return { status: 401, headers: { 'www-authenticate': 'Basic realm="Registry Realm"' } };
    });

  test('accepted credentials: one authenticated /v2/, shown as user:•••, and later requests carry them', async () => {
    const stub = basic('admin-pass');
    const d = await run(stub, { credentials: { username: 'admin', password: 'admin-pass' } });
    const auth = step(d, 'auth');
    assert.equal(auth.status, 'ok');
    assert.equal(auth.requests[0]?.authorization, 'Basic admin:•••');
    assert.equal(auth.curl, `curl -sS -i -u "admin:$PASSWORD" '${ORIGIN}/v2/'`);
    assert.equal(step(d, 'catalog').status, 'ok');
    assert.equal(step(d, 'catalog').requests[0]?.authorization, 'Basic admin:•••');
  });

  test('refused credentials fail as UNAUTHORIZED; anonymous is told to sign in without a request', async () => {
    const stub = basic('admin-pass');
    assert.equal(step(await run(stub, { credentials: { username: 'admin', password: 'nope' } }), 'auth').error?.code, 'UNAUTHORIZED');
    const before = stub.seen.length;
    const anonymous = step(await run(stub), 'auth');
    assert.match(anonymous.sentence, /wants a username and password, and this session has none for it: sign in/);
    assert.equal(stub.seen.length - before, 1, 'only the ping');
  });

  test('an open registry: no authentication request, the catalog anonymously', async () => {
    const stub = testRegistry(() => ({ status: 200, body: { repositories: ['a/b'] } }));
    const d = await run(stub, { credentials: alice });
    assert.equal(step(d, 'auth').requests.length, 0);
    assert.match(step(d, 'auth').sentence, /\/v2\/ is open/);
    assert.equal(step(d, 'catalog').requests[0]?.authorization, undefined);
    assert.equal(fact(step(d, 'catalog'), 'Repositories (first 10)'), '1: a/b');
  });
});

describe('a repository', () => {
  test('without one, the step is skipped and says how to name one', async () => {
    const d = await run(tokenRegistry(['registry:catalog:*']), { credentials: alice });
    assert.equal(step(d, 'repository').status, 'skipped');
    assert.match(step(d, 'repository').sentence, /Name a repository/);
  });

  test('its tags and a HEAD of its first tag, with the curl of each', async () => {
    const stub = tokenRegistry(['registry:catalog:*', 'repository:team/app:pull']);
    const repo = step(await run(stub, { credentials: alice, repository: 'team/app' }), 'repository');
    assert.equal(repo.status, 'ok');
    assert.equal(fact(repo, 'Tags (first 10)'), '2: v1, v2');
    assert.deepEqual(
      repo.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`),
      ['GET /v2/team/app/tags/list', 'HEAD /v2/team/app/manifests/v1'],
    );
    assert.equal(repo.curl?.split('\n').length, 2);
    assert.match(
      repo.curl ?? '',
      /^curl -sS -i -H "Authorization: Bearer \$TOKEN" 'https:\/\/r\.example\/v2\/team\/app\/tags\/list\?n=10'\ncurl -sS -I -H "Authorization: Bearer \$TOKEN" -H 'Accept: /,
    );
  });

  test('a 401 without a challenge says the registry does not say what it wants', async () => {
    const stub = tokenRegistry(['repository:nochallenge/app:pull'], (req) =>
      req.url.pathname.startsWith('/v2/nochallenge/')
        ? { status: 401, body: { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] } }
        : undefined,
    );
    const repo = step(await run(stub, { credentials: alice, repository: 'nochallenge/app' }), 'repository');
    assert.equal(repo.status, 'failed');
    assert.equal(repo.error?.code, 'DENIED');
    assert.equal(fact(repo, 'WWW-Authenticate'), 'none');
    assert.match(repo.sentence, /answered 401 for nochallenge\/app without a WWW-Authenticate challenge/);
  });

  test('rate-limited: TOOMANYREQUESTS with the wait, and the rate-limit step lists the headers', async () => {
    const stub = tokenRegistry([], (req) =>
      req.url.pathname.startsWith('/v2/ratelimited/')
        ? {
            status: 429,
            headers: { 'retry-after': '7', 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600', 'content-type': 'text/plain' },
            body: 'slow down',
          }
        : undefined,
    );
    const d = await run(stub, { repository: 'ratelimited/app' });
    assert.equal(step(d, 'repository').error?.code, 'TOOMANYREQUESTS');
    assert.match(step(d, 'repository').sentence, /Try again in 7 s/);
    const limits = step(d, 'rate-limits');
    assert.equal(limits.status, 'failed');
    assert.deepEqual(limits.rateLimits, [
      { header: 'ratelimit-limit', value: '100;w=21600', from: 'GET /v2/ratelimited/app/tags/list' },
      { header: 'ratelimit-remaining', value: '0;w=21600', from: 'GET /v2/ratelimited/app/tags/list' },
      { header: 'retry-after', value: '7', from: 'GET /v2/ratelimited/app/tags/list' },
    ]);
    assert.match(limits.sentence, /rate-limiting these requests \(HTTP 429\): try again in 7 s\. Signing in usually raises the limit/);
    assert.match(limits.curl ?? '', /grep -i -E/);
  });

  test('none of the limit left is a warning; no headers at all is fine', async () => {
    const low = tokenRegistry(['repository:team/app:pull'], (req) =>
      req.url.pathname.includes('/manifests/') ? { status: 200, headers: { 'ratelimit-remaining': '0;w=21600' } } : undefined,
    );
    assert.equal(step(await run(low, { repository: 'team/app' }), 'rate-limits').status, 'warning');
    const none = step(await run(tokenRegistry([])), 'rate-limits');
    assert.equal(none.status, 'ok');
    assert.match(none.sentence, /sent no rate-limit headers/);
  });

  test('an HTML error page is named as such', async () => {
    const stub = tokenRegistry(['repository:html500/app:pull'], (req) =>
      req.url.pathname.startsWith('/v2/html500/')
        ? { status: 500, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><title>500</title>' }
        : undefined,
    );
    const repo = step(await run(stub, { repository: 'html500/app' }), 'repository');
    assert.equal(repo.error?.code, 'UNAVAILABLE');
    assert.equal(fact(repo, 'Body'), '33 bytes of text/html (an HTML page, not a registry error)');
    assert.match(repo.sentence, /The body is an HTML page, not a registry error: a proxy or web server in front of the registry answered/);
  });

  test('a name that is not a repository: the step says why, and the token is not asked for it', async () => {
    const stub = tokenRegistry(['registry:catalog:*']);
    const d = await run(stub, { credentials: alice, repository: 'Team/App' });
    assert.equal(step(d, 'repository').error?.code, 'INVALID_REFERENCE');
    assert.deepEqual(
      stub.seen.filter((r) => r.url.href.startsWith(REALM)).flatMap((r) => r.url.searchParams.getAll('scope')),
      ['registry:catalog:*'],
    );
  });
});

describe('fresh and secret', () => {
  test('the caches are neither read nor filled: every diagnosis pings and fetches a token', async () => {
    const stub = tokenRegistry(['registry:catalog:*']);
    const context = new RegistryContext({ policy: openPolicy() });
    context.pings.set(ORIGIN, { scheme: 'none' }, 60_000);
    for (let i = 0; i < 2; i++)
      await diagnose({ host: 'r.example', context, transport: stub.transport, lookup: async () => [PUBLIC_ADDRESS], credentials: alice });
    assert.equal(stub.to('/v2/').length, 2);
    assert.equal(stub.seen.filter((r) => r.url.href.startsWith(REALM)).length, 2);
    assert.equal(context.tokens.size, 0);
    assert.deepEqual(context.pings.get(ORIGIN), { scheme: 'none' });
  });

  test('no password, Basic string or token anywhere in the result, even when a registry echoes them back', async () => {
    let issued = '';
    const stub = testRegistry((req) => {
      if (req.url.href.startsWith(REALM)) {
        const answer = tokenFor(req, []);
        issued = (answer.body as { token: string }).token;
        return { ...answer, body: { ...(answer.body as object), refresh_token: 'refresh-s3cret-value' } };
      }
      if (req.url.pathname === '/v2/') return { status: 401, headers: bearerChallenge() };
      // A hostile or careless registry that puts what it was sent in its error.
      return { status: 403, body: { errors: [{ code: 'DENIED', message: `denied: ${req.headers.authorization ?? ''} / ${alice.password}` }] } };
    });
    const d = await run(stub, { credentials: alice, repository: 'team/app' });
    const text = JSON.stringify(d);
    assert.ok(issued.length > 20);
    for (const secret of [alice.password, basicOf(alice), issued, 'refresh-s3cret-value']) assert.ok(!text.includes(secret), `leaked ${secret.slice(0, 12)}…`);
    assert.match(fact(step(d, 'repository'), 'Registry error') ?? '', /denied: Bearer ••• \/ •••/);
    assert.match(fact(step(d, 'auth'), 'refresh_token') ?? '', /^sent \(\d+ characters\)$/);
  });

  test('scrubSecrets replaces the longest secret first and leaves short ones alone', () => {
    assert.deepEqual(scrubSecrets({ a: ['xx abcdef abc'], n: 3 }, ['abc', 'abcdef', 'xx']), { a: ['xx ••• •••'], n: 3 });
  });

  test('the curl commands keep secrets in variables and quote what the registry chose', async () => {
    const stub = testRegistry((req) => {
      // A quote in the path stays a quote (in the query it is percent-encoded).
      if (req.url.pathname === '/v2/')
        return { status: 401, headers: { 'www-authenticate': `Bearer realm="https://auth.example/it's/token?x=it's",service="r.example"` } };
      if (req.url.hostname === 'auth.example') return tokenFor(req, ['registry:catalog:*']);
      return { status: 200, body: { repositories: [] } };
    });
    const d = await run(stub, { credentials: { username: 'al"ice$', password: 'p' } });
    const curl = step(d, 'auth').curl ?? '';
    assert.match(curl, /^# \$PASSWORD: the password or access token of al"ice\$ \(Berth never shows it\)\n/);
    assert.match(
      curl,
      /TOKEN="\$\(curl -sS -u "al\\"ice\\\$:\$PASSWORD" 'https:\/\/auth\.example\/it'\\''s\/token\?x=it%27s&service=r\.example&scope=registry%3Acatalog%3A\*&account=al%22ice%24' \| jq -r '\.token \/\/ \.access_token'\)"/,
    );
    assert.match(step(d, 'catalog').curl ?? '', /-H "Authorization: Bearer \$TOKEN"/);
    assert.equal(step(d, 'address').curl, `curl -sS -o /dev/null -w '%{remote_ip} %{http_code}\\n' '${ORIGIN}/v2/'`);
  });

  test('a browser that has gone away stops the requests', async () => {
    const stub = tokenRegistry(['registry:catalog:*']);
    const controller = new AbortController();
    controller.abort();
    await run(stub, { scope: { client: '', signal: controller.signal } });
    assert.equal(stub.seen.length, 0);
  });

  test('every step has a time, and the whole diagnosis its start', async () => {
    const d = await run(tokenRegistry(['registry:catalog:*']), { credentials: alice });
    assert.ok(d.steps.every((s) => Number.isInteger(s.ms) && s.ms >= 0));
    assert.ok(!Number.isNaN(Date.parse(d.startedAt)));
    assert.deepEqual(
      d.steps.map((s) => s.id),
      ['address', 'ping', 'auth', 'catalog', 'repository', 'rate-limits'],
    );
  });
});
