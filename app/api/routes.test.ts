// The route handlers under app/api, called as Next.js calls them (lib/server/test-fixtures.ts)
// against registry stubs: what each promises a browser that is not Berth's page, a huge body, a
// password guesser and a person browsing.
import {
  BERTH,
  IMAGE,
  configure,
  cookiesSet,
  hostParams,
  imageAnswer,
  requestTo,
  serve,
  startStubRegistry,
  type StubRegistry,
} from '@/lib/server/test-fixtures';
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { webcrypto } from 'node:crypto';
import { signInAttempts } from '@/lib/server/config';
import { GET as config } from './registries/[host]/config/route';
import { POST as deletion } from './registries/[host]/deletion/route';
import { GET as details } from './registries/[host]/details/route';
import { GET as diagnose } from './registries/[host]/diagnose/route';
import { GET as documentOf } from './registries/[host]/document/route';
import { DELETE as deleteManifest, GET as manifest } from './registries/[host]/manifest/route';
import { GET as pullLimit } from './registries/[host]/pull-limit/route';
import { GET as referrers } from './registries/[host]/referrers/route';
import { GET as repositories } from './registries/[host]/repositories/route';
import { GET as tags } from './registries/[host]/tags/route';
import { DELETE as signOutOf } from './session/registries/[host]/route';
import { POST as signIn } from './session/registries/route';
import { DELETE as signOut, GET as session } from './session/route';

interface Envelope {
  error: { code: string; message: string; status: number; retryAfter?: number; registry?: string };
}

/** An open registry holding IMAGE, and one that wants alice's password ("right") for everything. */
let open: StubRegistry;
let guarded: StubRegistry;
/** A port on 127.0.0.1 where nothing listens. */
let closedPort: number;

before(async () => {
  open = await startStubRegistry({
    answer: (method, path) =>
      path.startsWith('/v2/busy/app/')
        ? { status: 429, headers: { 'retry-after': '7' }, body: { errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] } }
        : path.startsWith('/v2/broken/app/')
          ? { status: 500, body: { errors: [{ code: 'UNKNOWN', message: 'open /var/lib/registry/secret-path: input/output error' }] } }
          : imageAnswer(method, path),
  });
  guarded = await startStubRegistry({ users: { alice: 'right' }, answer: imageAnswer });
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});
after(async () => {
  await open.close();
  await guarded.close();
});
beforeEach(() => {
  configure({
    ALLOWED_REGISTRIES: [open.host, guarded.host, `127.0.0.1:${closedPort}`].map((h) => `http://${h}`).join(','),
    PUBLIC_ORIGIN: undefined,
    TRUSTED_PROXIES: undefined,
  });
  open.requests.length = 0;
  guarded.requests.length = 0;
});

const registryRequests = () => open.requests.length + guarded.requests.length;

function signInRequest(fields: { registry?: string; username?: string; password?: string }, headers: Record<string, string> = {}): Request {
  return requestTo('/api/session/registries', { method: 'POST', headers, body: JSON.stringify({ registry: guarded.host, ...fields }) });
}

/**
 * The session cookie of a person signed in to both stubs, from Berth's own page. The cookie is
 * sealed, so one sign-in serves every test (the secret outlives configure()).
 */
let signedInCookie: string | undefined;
async function signedIn(): Promise<string> {
  if (signedInCookie) return signedInCookie;
  const origin = process.env.PUBLIC_ORIGIN ?? BERTH;
  const first = await serve(signInRequest({ username: 'alice', password: 'right' }, { origin }), signIn);
  assert.equal(first.status, 200);
  const second = await serve(signInRequest({ registry: open.host }, { origin, cookie: cookiesSet(first) }), signIn);
  assert.equal(second.status, 200);
  signedInCookie = cookiesSet(second);
  return signedInCookie;
}

// ---- same origin ------------------------------------------------------------------------------

interface StateChange {
  name: string;
  /** Sends the change with these headers; `cookie` is a signed-in session. */
  send(headers: Record<string, string>, cookie: string): Promise<Response>;
  /** Whether the change was made, from its response and the stubs. */
  done(response: Response): boolean | Promise<boolean>;
}

const registered = (method: string) => () => [...open.requests, ...guarded.requests].some((r) => r.method === method);

const stateChanges: StateChange[] = [
  {
    name: 'sign-in (POST /api/session/registries)',
    send: (headers) => serve(signInRequest({ username: 'alice', password: 'right' }, headers), signIn),
    done: (response) => registryRequests() > 0 && cookiesSet(response) !== '',
  },
  {
    name: 'sign-out (DELETE /api/session)',
    send: (headers, cookie) => serve(requestTo('/api/session', { method: 'DELETE', headers: { cookie, ...headers } }), signOut),
    done: (response) => response.headers.getSetCookie().some((c) => /Max-Age=0/i.test(c)),
  },
  {
    name: 'sign-out of one registry (DELETE /api/session/registries/[host])',
    send: (headers, cookie) =>
      serve(requestTo(`/api/session/registries/${encodeURIComponent(open.host)}`, { method: 'DELETE', headers: { cookie, ...headers } }), (r) =>
        signOutOf(r, hostParams(open.host)),
      ),
    done: async (response) => {
      const body = (await response.clone().json()) as { registries: Array<{ host: string }> };
      return cookiesSet(response) !== '' && body.registries.length === 1 && !body.registries.some((r) => r.host === open.host);
    },
  },
  {
    name: 'delete (DELETE /api/registries/[host]/manifest)',
    send: (headers, cookie) =>
      serve(
        requestTo(`/api/registries/${encodeURIComponent(open.host)}/manifest?repository=team/app&reference=${IMAGE.digest}`, {
          method: 'DELETE',
          headers: { cookie, ...headers },
        }),
        (r) => deleteManifest(r, hostParams(open.host)),
      ),
    done: registered('DELETE'),
  },
  {
    name: 'how the registry deletes (POST /api/registries/[host]/deletion)',
    send: (headers, cookie) =>
      serve(
        requestTo(`/api/registries/${encodeURIComponent(open.host)}/deletion?repository=team/app`, { method: 'POST', headers: { cookie, ...headers } }),
        (r) => deletion(r, hostParams(open.host)),
      ),
    done: registered('DELETE'),
  },
];

/** Origins a browser could send to berth.example (Host) that are not Berth's page there. */
const foreignOrigins: Array<[string, string]> = [
  ['no Origin', ''],
  ['Origin: null', 'null'],
  ['another host', 'https://evil.example'],
  ['a suffix look-alike', 'http://evil-berth.example'],
  ['a prefix look-alike', 'http://berth.example.evil.example'],
  ['another port', 'http://berth.example:8080'],
];

async function refused(change: StateChange, origin: string): Promise<void> {
  const cookie = await signedIn();
  open.requests.length = 0;
  guarded.requests.length = 0;
  const response = await change.send({ origin }, cookie);
  assert.equal(response.status, 403);
  const body = (await response.json()) as Envelope;
  assert.equal(body.error.code, 'CROSS_ORIGIN');
  assert.equal(body.error.status, 403);
  assert.equal(registryRequests(), 0, 'nothing is asked of a registry');
  assert.deepEqual(response.headers.getSetCookie(), [], 'the session is left as it was');
}

async function accepted(change: StateChange, origin: string): Promise<void> {
  const cookie = await signedIn();
  open.requests.length = 0;
  guarded.requests.length = 0;
  const response = await change.send({ origin }, cookie);
  assert.equal(response.status, 200, await response.clone().text());
  assert.ok(await change.done(response), 'the change is made');
}

describe('every state-changing route answers only Berth’s own pages', () => {
  for (const change of stateChanges) {
    for (const [what, origin] of foreignOrigins) {
      test(`${change.name}: ${what} → 403 CROSS_ORIGIN, nothing done`, () => refused(change, origin));
    }
    test(`${change.name}: Berth’s own Origin → done`, () => accepted(change, BERTH));
  }
});

describe('with PUBLIC_ORIGIN, only its origins pass', () => {
  for (const change of stateChanges) {
    test(`${change.name}: the Host's own origin is not enough`, async () => {
      configure({ PUBLIC_ORIGIN: 'https://berth.example' });
      await refused(change, BERTH);
      await refused(change, 'https://berth.example:8443');
    });
    test(`${change.name}: the public origin → done`, async () => {
      configure({ PUBLIC_ORIGIN: 'https://berth.example' });
      await accepted(change, 'https://berth.example');
    });
  }
});

// ---- the session cookie -------------------------------------------------------------------------

describe('the session cookie a sign-in sets', () => {
  const attributes = (cookie: string) => cookie.split(';').map((part) => part.trim().toLowerCase());

  test('no script can read it and no other site’s request carries it (HttpOnly, SameSite=Lax)', async () => {
    const [cookie = '', ...others] = (await serve(signInRequest({ username: 'alice', password: 'right' }), signIn)).headers.getSetCookie();
    assert.deepEqual(others, []);
    assert.match(cookie, /^berth_session=Fe26\.2\*/);
    assert.ok(attributes(cookie).includes('httponly'), cookie);
    assert.ok(attributes(cookie).includes('samesite=lax'), cookie);
    assert.ok(attributes(cookie).includes('path=/'), cookie);
    assert.ok(!cookie.includes('right'), 'the password is sealed');
  });

  test('a person’s cookie is opened once: reading it again costs no key derivation', async () => {
    const signedIn = await serve(signInRequest({ username: 'alice', password: 'right' }), signIn);
    const cookie = cookiesSet(signedIn);
    const subtle = webcrypto.subtle;
    const derive = subtle.deriveBits;
    let derivations = 0;
    subtle.deriveBits = ((...args: unknown[]) => {
      derivations++;
      return Reflect.apply(derive, subtle, args) as Promise<ArrayBuffer>;
    }) as SubtleCrypto['deriveBits'];
    try {
      for (let i = 0; i < 5; i++) {
        const body = (await (await serve(requestTo('/api/session', { headers: { cookie } }), session)).json()) as { registries: { username: string }[] };
        assert.deepEqual(
          body.registries.map((r) => r.username),
          ['alice'],
        );
      }
    } finally {
      subtle.deriveBits = derive;
    }
    assert.equal(derivations, 2, 'its encryption and integrity keys, once');
  });

  test('over https it is Secure and bound to this host (__Host-)', async () => {
    const response = await serve(signInRequest({ username: 'alice', password: 'right' }, { 'x-forwarded-proto': 'https' }), signIn);
    const [cookie = ''] = response.headers.getSetCookie();
    assert.match(cookie, /^__Host-berth_session=/);
    assert.ok(attributes(cookie).includes('secure'), cookie);
    assert.ok(!attributes(cookie).some((a) => a.startsWith('domain=')), cookie);
  });
});

// ---- the sign-in body ---------------------------------------------------------------------------

describe('sign-in reads no more than 16 KiB', () => {
  const LIMIT = 16 * 1024;
  /** Valid sign-in JSON padded with whitespace to exactly `bytes`. */
  const body = (bytes: number) => {
    const json = JSON.stringify({ registry: guarded.host, username: 'alice', password: 'right' });
    return json + ' '.repeat(bytes - json.length);
  };
  /** A body streamed in 1 KiB pieces with no Content-Length; counts what was read of it. */
  const streamed = (text: string) => {
    const bytes = Buffer.from(text);
    const pulled = { bytes: 0 };
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const piece = bytes.subarray(pulled.bytes, pulled.bytes + 1024);
        pulled.bytes += piece.length;
        if (piece.length > 0) controller.enqueue(piece);
        if (pulled.bytes >= bytes.length) controller.close();
      },
    });
    return { stream, pulled };
  };
  const post = (init: { body: BodyInit; headers?: Record<string, string> }) =>
    serve(requestTo('/api/session/registries', { method: 'POST', ...init, duplex: 'half' }), signIn);

  test('a Content-Length over the limit → 413 PAYLOAD_TOO_LARGE before the body is read', async () => {
    const response = await post({ body: body(200), headers: { 'content-length': String(LIMIT + 1) } });
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as Envelope).error.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(registryRequests(), 0);
  });

  test('a body streamed without Content-Length is cut off past the limit → 413', async () => {
    const { stream, pulled } = streamed(body(4 * 1024 * 1024));
    const response = await post({ body: stream });
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as Envelope).error.code, 'PAYLOAD_TOO_LARGE');
    assert.ok(pulled.bytes <= LIMIT + 2 * 1024, `read ${pulled.bytes} bytes of 4 MiB`);
    assert.equal(registryRequests(), 0);
  });

  test('a body that is not JSON, or no body at all, is a 400 that says to send the form; the 413 says the limit', async () => {
    for (const init of [{ body: 'registry=a&username=b' }, { body: '' }, { body: '{"registry":' }]) {
      const response = await post(init);
      assert.equal(response.status, 400, JSON.stringify(init));
      assert.deepEqual(((await response.json()) as Envelope).error, { code: 'INVALID_REQUEST', message: 'Send the form as JSON.', status: 400 });
    }
    const large = await post({ body: body(LIMIT + 1) });
    assert.equal(((await large.json()) as Envelope).error.message, "The request is larger than 16 KB; Berth does not read it. Send only the form's fields.");
  });

  test('a body of exactly 16 KiB is read, declared or streamed', async () => {
    assert.equal((await post({ body: body(LIMIT), headers: { 'content-length': String(LIMIT) } })).status, 200);
    assert.equal((await post({ body: streamed(body(LIMIT)).stream })).status, 200);
  });
});

// ---- sign-in limits -----------------------------------------------------------------------------

describe('sign-in limits, through the route', () => {
  const attempt = (fields: { registry?: string; username?: string; password?: string }, client = '198.51.100.1') =>
    serve(signInRequest(fields, { 'x-berth-peer': client }), signIn);

  test('the 11th sign-in to one account in 15 minutes → 429 TOO_MANY_ATTEMPTS with the wait, and the registry is not asked', async () => {
    for (let i = 1; i <= 10; i++) {
      // From ten addresses: the account's count is the account's, whoever guesses.
      const response = await attempt({ username: 'alice', password: `guess-${i}` }, `198.51.100.${i}`);
      assert.equal(response.status, 401, `attempt ${i}`);
      assert.equal(((await response.json()) as Envelope).error.code, 'UNAUTHORIZED');
    }
    const before = registryRequests();
    for (const username of ['alice', ' ALICE ']) {
      const response = await attempt({ username, password: 'right' }, '198.51.100.99');
      assert.equal(response.status, 429, username);
      const wait = Number(response.headers.get('retry-after'));
      assert.ok(wait > 0 && wait <= 15 * 60, `Retry-After: ${wait}`);
      const body = (await response.json()) as Envelope;
      assert.equal(body.error.code, 'TOO_MANY_ATTEMPTS');
      assert.equal(body.error.retryAfter, wait);
      assert.equal(body.error.registry, guarded.host);
    }
    assert.equal(registryRequests(), before, 'a refused attempt never reaches the registry');
    // Other accounts are not held back by alice's.
    assert.equal((await attempt({ username: 'bob', password: 'x' })).status, 401);
  });

  test('a right password clears the account’s count', async () => {
    for (let i = 1; i <= 9; i++) assert.equal((await attempt({ username: 'alice', password: `guess-${i}` })).status, 401);
    assert.equal((await attempt({ username: 'alice', password: 'right' })).status, 200);
    assert.equal((await attempt({ username: 'alice', password: 'guess-10' })).status, 401);
    assert.equal((await attempt({ username: 'alice', password: 'guess-11' })).status, 401);
  });

  test('a registry that cannot be reached costs the account nothing', async () => {
    for (let i = 1; i <= 11; i++) {
      const response = await attempt({ registry: `127.0.0.1:${closedPort}`, username: 'alice', password: 'right' });
      assert.equal(((await response.json()) as Envelope).error.code, 'UNREACHABLE', `attempt ${i}`);
    }
  });

  test('the 61st sign-in from one address in a minute → 429; another address still signs in', async () => {
    for (let i = 1; i <= 60; i++) assert.equal((await attempt({ registry: open.host }, '203.0.113.7')).status, 200, `attempt ${i}`);
    const refusedAttempt = await attempt({ registry: open.host }, '203.0.113.7');
    assert.equal(refusedAttempt.status, 429);
    assert.ok(Number(refusedAttempt.headers.get('retry-after')) > 0);
    assert.equal((await attempt({ registry: open.host }, '203.0.113.8')).status, 200);
  });

  test('past 600 sign-ins a minute in all, everyone waits', async () => {
    // The process-wide count the route keeps, filled by 600 sign-ins from elsewhere.
    for (let i = 0; i < 600; i++) signInAttempts().total.count('all');
    const response = await attempt({ registry: open.host }, '203.0.113.200');
    assert.equal(response.status, 429);
    assert.equal(((await response.json()) as Envelope).error.code, 'TOO_MANY_ATTEMPTS');
    assert.equal(registryRequests(), 0);
  });
});

// ---- diagnosis ------------------------------------------------------------------------------------

describe('diagnosis admission', () => {
  const run = (headers: Record<string, string>) =>
    serve(requestTo(`/api/registries/${encodeURIComponent(open.host)}/diagnose`, { headers }), (r) => diagnose(r, hostParams(open.host)));

  for (const site of ['cross-site', 'same-site']) {
    test(`Sec-Fetch-Site: ${site} → 403 CROSS_ORIGIN, and nothing is sent`, async () => {
      const response = await run({ 'sec-fetch-site': site });
      assert.equal(response.status, 403);
      assert.equal(((await response.json()) as Envelope).error.code, 'CROSS_ORIGIN');
      assert.equal(registryRequests(), 0);
    });
  }

  test('from Berth’s page, a typed URL, or a client that sends no Sec-Fetch-Site: it runs', async () => {
    for (const headers of [{ 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }, {}] as Array<Record<string, string>>) {
      const response = await run(headers);
      assert.equal(response.status, 200, JSON.stringify(headers));
      assert.equal(response.headers.get('cache-control'), 'private, no-store');
    }
    assert.ok(registryRequests() > 0);
  });

  test('the 21st diagnosis from one address in a minute → 429 with the wait; another address still runs one', async () => {
    for (let i = 1; i <= 20; i++) assert.equal((await run({ 'x-berth-peer': '192.0.2.10' })).status, 200, `diagnosis ${i}`);
    const before = registryRequests();
    const response = await run({ 'x-berth-peer': '192.0.2.10' });
    assert.equal(response.status, 429);
    assert.ok(Number(response.headers.get('retry-after')) > 0);
    assert.equal(((await response.json()) as Envelope).error.code, 'TOO_MANY_ATTEMPTS');
    assert.equal(registryRequests(), before);
    assert.equal((await run({ 'x-berth-peer': '192.0.2.11' })).status, 200);
  });
});

// ---- browsing -------------------------------------------------------------------------------------

type BrowseHandler = (request: Request, ctx: ReturnType<typeof hostParams>) => Promise<Response>;

const browseRoutes: Array<[string, BrowseHandler, string]> = [
  ['repositories', repositories, ''],
  ['tags', tags, `?repository=${IMAGE.repository}`],
  ['manifest', manifest, `?repository=${IMAGE.repository}&reference=${IMAGE.tag}`],
  ['config', config, `?repository=${IMAGE.repository}&digest=${IMAGE.configDigest}`],
  ['document', documentOf, `?repository=${IMAGE.repository}&digest=${IMAGE.digest}&kind=manifest`],
  ['details', details, `?repository=${IMAGE.repository}&ref=${IMAGE.tag}`],
  ['referrers', referrers, `?repository=${IMAGE.repository}&digest=${IMAGE.digest}`],
  ['pull-limit', pullLimit, ''],
];

const browse = (registry: StubRegistry, route: string, handler: BrowseHandler, query: string, headers: Record<string, string> = {}) =>
  serve(requestTo(`/api/registries/${encodeURIComponent(registry.host)}/${route}${query}`, { headers }), (r) => handler(r, hostParams(registry.host)));

describe('browse routes', () => {
  for (const [route, handler, query] of browseRoutes) {
    test(`${route}: the body is private and never stored (Cache-Control: private, no-store)`, async () => {
      const response = await browse(open, route, handler, query);
      assert.equal(response.status, 200, await response.clone().text());
      assert.equal(response.headers.get('cache-control'), 'private, no-store');
    });
  }

  for (const [route, handler, query] of browseRoutes.filter(([route]) => route !== 'pull-limit')) {
    test(`${route}: a registry that wants a sign-in → 401 SIGN_IN_REQUIRED for it`, async () => {
      const response = await browse(guarded, route, handler, query);
      assert.equal(response.status, 401);
      const body = (await response.json()) as Envelope;
      assert.equal(body.error.code, 'SIGN_IN_REQUIRED');
      assert.equal(body.error.registry, guarded.host);
    });
  }

  test('signed in, the registry is asked with the session’s credentials', async () => {
    const response = await browse(guarded, 'tags', tags, `?repository=${IMAGE.repository}`, { cookie: await signedIn() });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { name: IMAGE.repository, tags: [IMAGE.tag], next: null });
  });

  test('a registry’s 429 keeps its wait: Retry-After and retryAfter', async () => {
    const response = await browse(open, 'tags', tags, '?repository=busy/app');
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '7');
    const body = (await response.json()) as Envelope;
    assert.equal(body.error.code, 'TOOMANYREQUESTS');
    assert.equal(body.error.retryAfter, 7);
    assert.equal(body.error.registry, open.host);
  });

  test('a registry’s own error message, which may name its internals, is not passed on', async () => {
    const response = await browse(open, 'tags', tags, '?repository=broken/app');
    const text = await response.text();
    assert.equal(response.status, 502);
    assert.ok(!text.includes('secret-path') && !text.includes('/var/lib/registry'), text);
  });

  test('the session route tells only hosts and usernames, never a password', async () => {
    const response = await serve(requestTo('/api/session', { headers: { cookie: await signedIn() } }), () => session());
    const text = await response.text();
    assert.equal(response.headers.get('cache-control'), 'private, no-store');
    assert.ok(text.includes('alice') && !text.includes('right'), text);
  });
});
