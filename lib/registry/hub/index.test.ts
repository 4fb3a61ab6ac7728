// The Hub API client against a stub API: sign-in, token reuse and renewal, paging, tag details.
import { describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TOKEN_BYTES } from '../auth/handshake';
import { RegistryClient } from '../client';
import type { Credentials } from '../context';
import { RegistryError } from '../errors';
import type { HttpResponse } from '../net/http';
import { HubClient, type HubPage } from './index';
import { MediaType } from '../manifest';
import { InvalidReferenceError } from '../reference';
import type { ManifestSummary } from '../summary';
import { d } from '../test-fixtures';
import type { Transport, TransportRequest } from '../net/transport';
import { asked, respond, testContext, testRegistry, type Answer } from '../test-registry';

const API = 'https://hub.example';

const reply = (req: TransportRequest, status: number, body: unknown = {}, headers: Record<string, string> = {}) => respond(req, { status, body, headers });

/** A token that says it lives `seconds` more. */
function jwt(name: string, seconds = 600): string {
  const part = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part({ sub: name, exp: Math.floor(Date.now() / 1000) + seconds })}.sig`;
}

/**
 * A scripted Hub API on the test registry; every request is kept (`requests`), and shown in `seen`
 * as what it asked (with its JSON body); `issued`: the answers of sign-ins that succeeded.
 */
function stub(answer: (req: TransportRequest, body: Record<string, string> | undefined) => HttpResponse | undefined) {
  const issued: string[] = [];
  const registry = testRegistry((req) => {
    const res = answer(req, asked(req).body as Record<string, string> | undefined);
    if (res && req.method === 'POST' && res.status === 200) issued.push(res.body.toString());
    return res;
  });
  return {
    transport: registry.transport,
    requests: registry.seen,
    get seen() {
      return registry.seen.map(asked);
    },
    logins: () => registry.seen.filter((r) => r.method === 'POST').map(asked),
    issued,
  };
}

const newContext = () => testContext({ dockerHubApiUrl: API });
const hub = (transport: Transport, credentials?: Credentials, context = newContext(), apiUrl = API) =>
  new HubClient({ apiUrl: new URL(apiUrl), credentials, context, transport });
const user: Credentials = { username: 'someone', password: 'pass-word' };
const pat: Credentials = { username: 'someone', password: 'dckr_pat_abc' };
const emptyPage = { count: 0, next: null, previous: null, results: [] };
const isCode = (code: string) => (e: unknown) => e instanceof RegistryError && e.code === code;

const PUSHED = '2025-01-08T20:15:00.000000Z';
/** An image as Docker Hub's tag answers list them. */
const hubImage = (architecture: string, digest: string, size: number, extra: Record<string, unknown> = {}) => ({
  architecture,
  os: 'linux',
  variant: null,
  digest,
  size,
  last_pushed: PUSHED,
  ...extra,
});
/** What getTag makes of an index tag (3.21) whose Hub answer lists these images. */
async function indexTagImages(images: unknown[]) {
  const s = stub((req) => reply(req, 200, { name: '3.21', digest: d('1'), media_type: MediaType.OciIndex, images }));
  return (await hub(s.transport).getTag('library/alpine', '3.21')).images;
}

describe('sign-in', () => {
  test('POST /v2/auth/token with identifier and secret; the token is reused, not asked for again', async () => {
    const s = stub((req, body) => {
      if (req.url.pathname === '/v2/auth/token')
        return body?.identifier === 'someone' && body.secret === 'dckr_pat_abc' ? reply(req, 200, { access_token: jwt('a') }) : reply(req, 401);
      return reply(req, 200, emptyPage);
    });
    const context = newContext();
    await hub(s.transport, pat, context).listRepositories('someone');
    await hub(s.transport, pat, context).listRepositories('someone');
    assert.equal(s.logins().length, 1);
    assert.equal(context.stats.tokenFetches, 1, "the server's count of token fetches");
    assert.deepEqual(s.seen[0]?.body, { identifier: 'someone', secret: 'dckr_pat_abc' });
    const issued = JSON.parse(s.issued[0] ?? '{}') as { access_token?: string };
    assert.deepEqual(
      s.seen.filter((r) => r.method === 'GET').map((r) => r.auth),
      [`Bearer ${issued.access_token}`, `Bearer ${issued.access_token}`],
    );
    // Another person (other credentials) never gets that token.
    await hub(s.transport, user, context)
      .listRepositories('someone')
      .catch(() => undefined);
    assert.equal(s.logins().length, 3); // auth/token refused, then the legacy route for a password
  });

  test('a password refused because of two-factor authentication says to use an access token', async () => {
    const s = stub((req) => {
      if (req.url.pathname === '/v2/auth/token') return reply(req, 401, { message: 'nope', errinfo: {} });
      if (req.url.pathname === '/v2/users/login')
        return reply(req, 401, { detail: 'Require secondary authentication on MFA enabled account', login_2fa_token: 'x.y.z' });
      return undefined;
    });
    await assert.rejects(
      hub(s.transport, user).verify(),
      (e: unknown) => isCode('ACCESS_TOKEN_REQUIRED')(e) && /personal access token/.test((e as Error).message) && !(e as Error).message.includes('pass-word'),
    );
    assert.deepEqual(s.seen[1]?.body, { username: 'someone', password: 'pass-word' });
  });

  test('a wrong password is UNAUTHORIZED; a wrong access token is not tried on the legacy route', async () => {
    const s = stub((req) => (req.method === 'POST' ? reply(req, 401, { detail: 'Incorrect authentication credentials' }) : undefined));
    await assert.rejects(hub(s.transport, user).verify(), isCode('UNAUTHORIZED'));
    assert.deepEqual(
      s.seen.map((r) => r.path),
      ['/v2/auth/token', '/v2/users/login'],
    );
    s.requests.length = 0;
    await assert.rejects(hub(s.transport, pat).verify(), isCode('UNAUTHORIZED'));
    assert.deepEqual(
      s.seen.map((r) => r.path),
      ['/v2/auth/token'],
    );
  });

  test('an API without /v2/auth/token is signed in to on the legacy route', async () => {
    const s = stub((req) => {
      if (req.url.pathname === '/v2/auth/token') return reply(req, 404, { message: '404: Page Not Found' });
      if (req.url.pathname === '/v2/users/login') return reply(req, 200, { token: jwt('legacy') });
      return reply(req, 200, emptyPage);
    });
    await hub(s.transport, user).listRepositories('someone');
    assert.equal(s.seen.at(-1)?.auth, `Bearer ${(JSON.parse(s.issued[0] ?? '{}') as { token?: string }).token}`);
    assert.deepEqual(
      s.seen.map((r) => `${r.method} ${r.path.split('?')[0]}`),
      ['POST /v2/auth/token', 'POST /v2/users/login', 'GET /v2/namespaces/someone/repositories'],
    );
  });

  test('a token the API stops taking is renewed once, silently; a second refusal is final', async () => {
    let tokens = 0;
    let refuse = 1;
    const s = stub((req) => {
      if (req.method === 'POST') return reply(req, 200, { access_token: jwt(`t${++tokens}`) });
      if (refuse > 0) {
        refuse--;
        return reply(req, 401, { detail: 'Signature has expired.' });
      }
      return reply(req, 200, emptyPage);
    });
    const context = newContext();
    await hub(s.transport, pat, context).listRepositories('someone');
    assert.deepEqual(
      s.seen.map((r) => r.method),
      ['POST', 'GET', 'POST', 'GET'],
    );
    refuse = 5;
    s.requests.length = 0;
    await assert.rejects(hub(s.transport, pat, context).listRepositories('someone'), isCode('UNAUTHORIZED'));
    assert.deepEqual(
      s.seen.map((r) => r.method),
      ['GET', 'POST', 'GET'],
    );
  });

  test('a token that has run out is not kept; its lifetime comes from its exp', async () => {
    const s = stub((req) => (req.method === 'POST' ? reply(req, 200, { access_token: jwt('short', 0) }) : reply(req, 200, emptyPage)));
    const context = newContext();
    await hub(s.transport, pat, context).listRepositories('someone');
    await hub(s.transport, pat, context).listRepositories('someone');
    assert.equal(s.logins().length, 2);
  });

  test('anonymous requests carry no Authorization and never sign in', async () => {
    const s = stub((req) => reply(req, 200, emptyPage));
    await hub(s.transport).listRepositories('library');
    assert.deepEqual(s.seen, [{ method: 'GET', path: '/v2/namespaces/library/repositories?page_size=100&ordering=-last_updated' }]);
  });

  /** A JWT that lives ten minutes, padded in its signature to exactly `length` characters. */
  const jwtOfLength = (length: number) => {
    const unsigned = jwt('big').replace(/sig$/, '');
    return unsigned + 's'.repeat(length - unsigned.length);
  };

  for (const [route, field] of [
    ['/v2/auth/token', 'access_token'],
    ['/v2/users/login', 'token'],
  ] as const) {
    test(`a token over 16 KiB from ${route} is refused with a sentence, never sent and never kept`, async () => {
      const s = stub((req) => {
        if (req.url.pathname === route) return reply(req, 200, { [field]: jwtOfLength(MAX_TOKEN_BYTES + 1) });
        if (req.method === 'POST') return reply(req, 404);
        return reply(req, 200, emptyPage);
      });
      const context = newContext();
      const tooLong = (e: unknown) =>
        isCode('BAD_RESPONSE')(e) && /^Docker Hub sent a token longer than 16 KiB; Berth does not use it\.$/.test((e as Error).message);
      await assert.rejects(hub(s.transport, user, context).listRepositories('someone'), tooLong);
      assert.equal(context.tokens.size, 0);
      assert.equal(context.tokens.totalBytes, 0);
      await assert.rejects(hub(s.transport, user, context).listRepositories('someone'), tooLong);
      assert.deepEqual(
        s.seen.filter((r) => r.method === 'GET'),
        [],
        'no request carried it',
      );
    });
  }

  test('a token of exactly 16 KiB is used, kept once, and its size counted in the token cache', async () => {
    const token = jwtOfLength(MAX_TOKEN_BYTES);
    const s = stub((req) => (req.method === 'POST' ? reply(req, 200, { access_token: token }) : reply(req, 200, emptyPage)));
    const context = newContext();
    await hub(s.transport, pat, context).listRepositories('someone');
    await hub(s.transport, pat, context).listRepositories('someone');
    assert.equal(s.logins().length, 1);
    assert.equal(s.seen.at(-1)?.auth, `Bearer ${token}`);
    assert.equal(context.tokens.size, 1);
    // The key (a hash, not the secret) and the entry's overhead come on top of the token's own bytes.
    const held = context.tokens.totalBytes;
    assert.ok(held >= MAX_TOKEN_BYTES && held < MAX_TOKEN_BYTES + 512, `the cache counts ${held} bytes for a ${MAX_TOKEN_BYTES}-byte token`);
  });
});

describe('lists', () => {
  const repo = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    namespace: 'someone',
    description: `about ${name}`,
    is_private: false,
    star_count: 3,
    pull_count: 1200,
    last_updated: '2025-01-02T03:04:05.123456Z',
    ...extra,
  });

  test('repositories: 100 a page in the order asked for; the absolute next link becomes the cursor', async () => {
    const s = stub((req) => {
      const page = req.url.searchParams.get('page');
      if (!page)
        return reply(req, 200, {
          count: 3,
          next: `${API}/v2/namespaces/someone/repositories?page=2&page_size=100&ordering=name`,
          results: [repo('a'), repo('b', { is_private: true, description: null })],
        });
      return reply(req, 200, { count: 3, next: null, results: [repo('c')] });
    });
    const client = hub(s.transport);
    const first = await client.listRepositories('someone', { ordering: 'name' });
    assert.equal(first.next, '/v2/namespaces/someone/repositories?page=2&page_size=100&ordering=name');
    assert.equal(first.count, 3);
    assert.deepEqual(first.items[1], {
      namespace: 'someone',
      name: 'b',
      description: '',
      isPrivate: true,
      pullCount: 1200,
      starCount: 3,
      lastUpdated: '2025-01-02T03:04:05.123456Z',
    });
    const second = await client.listRepositories('someone', { ordering: 'name', cursor: first.next ?? '' });
    assert.deepEqual(
      second.items.map((r) => r.name),
      ['c'],
    );
    assert.equal(second.next, null);
    assert.deepEqual(
      s.seen.map((r) => r.path),
      ['/v2/namespaces/someone/repositories?page_size=100&ordering=name', '/v2/namespaces/someone/repositories?page=2&page_size=100&ordering=name'],
    );
  });

  test('orderings: newest, most pulled first, names A to Z', async () => {
    const s = stub((req) => reply(req, 200, emptyPage));
    for (const ordering of ['last_updated', 'pull_count', 'name'] as const) await hub(s.transport).listRepositories('x1', { ordering });
    assert.deepEqual(
      s.seen.map((r) => new URLSearchParams(r.path.split('?')[1]).get('ordering')),
      ['-last_updated', '-pull_count', 'name'],
    );
  });

  for (const [what, next, message] of [
    [
      'another host',
      'https://evil.example/v2/namespaces/someone/repositories?page=2',
      "Docker Hub's API sent a next-page link to another address (evil.example/v2/namespaces/someone/repositories); Berth does not follow it.",
    ],
    [
      'another path on the API',
      `${API}/v2/namespaces/other/repositories?page=2`,
      "Docker Hub's API sent a next-page link to another address (hub.example/v2/namespaces/other/repositories); Berth does not follow it.",
    ],
    ['not a URL', 'page 2', "Docker Hub's API sent a next-page link that is not a URL; the list may be incomplete."],
  ] as const) {
    test(`a next link to ${what} is refused, and the list said to be cut short`, async () => {
      const s = stub((req) => reply(req, 200, { count: 200, next, results: [repo('a')] }));
      await assert.rejects(hub(s.transport).listRepositories('someone'), (e: unknown) => isCode('BAD_RESPONSE')(e) && (e as Error).message === message);
    });
  }

  test('a cursor must be a page of the same list, and cannot ask for more than 100', async () => {
    const s = stub((req) => reply(req, 200, emptyPage));
    await assert.rejects(
      hub(s.transport).listRepositories('someone', { cursor: '/v2/namespaces/other/repositories?page=2' }),
      (e: unknown) => isCode('INVALID_REQUEST')(e) && (e as Error).message === 'That page cursor is not one of this Docker Hub list; reload the list.',
    );
    await assert.rejects(
      hub(s.transport).listRepositories('someone', { cursor: 'https://evil.example/v2/namespaces/someone/repositories?page=2' }),
      isCode('INVALID_REQUEST'),
    );
    await hub(s.transport).listRepositories('someone', { cursor: '/v2/namespaces/someone/repositories?page=2&page_size=100000' });
    assert.deepEqual(
      s.seen.map((r) => r.path),
      ['/v2/namespaces/someone/repositories?page=2&page_size=100'],
    );
  });

  test('a next link equal to the page just read ends the list instead of looping', async () => {
    const s = stub((req) => reply(req, 200, { count: 5, next: `${API}${req.url.pathname}${req.url.search}`, results: [] }));
    assert.equal((await hub(s.transport).listRepositories('someone')).next, null);
  });

  test('names that are not valid, or of another namespace, are left out and counted', async () => {
    const s = stub((req) =>
      reply(req, 200, { count: 4, next: null, results: [repo('ok'), repo('../../x'), repo('Upper'), repo('theirs', { namespace: 'other' }), { nope: 1 }] }),
    );
    const page = await hub(s.transport).listRepositories('someone');
    assert.deepEqual(
      page.items.map((r) => r.name),
      ['ok'],
    );
    assert.equal(page.invalid, 4);
  });

  test('namespaces and repositories are checked before any request', async () => {
    const s = stub(() => undefined);
    await assert.rejects(hub(s.transport).listRepositories('a/b'), isCode('INVALID_REFERENCE'));
    await assert.rejects(hub(s.transport).listRepositories('../x'), isCode('INVALID_REFERENCE'));
    await assert.rejects(hub(s.transport).listTags('a/b/c'), isCode('NAME_UNKNOWN'));
    assert.equal(s.seen.length, 0);
  });

  test('the API under a base path keeps its path', async () => {
    const s = stub((req) => reply(req, 200, { count: 1, next: `https://proxy.example/hub/v2/namespaces/library/repositories?page=2`, results: [] }));
    const page = await hub(s.transport, undefined, newContext(), 'https://proxy.example/hub').listRepositories('library');
    assert.equal(s.seen[0]?.path.split('?')[0], '/hub/v2/namespaces/library/repositories');
    assert.equal(page.next, '/hub/v2/namespaces/library/repositories?page=2');
  });
});

describe('tags with their details', () => {
  const image = hubImage;

  test('an index, an image, and a tag without a digest, from one request', async () => {
    const s = stub((req) =>
      reply(req, 200, {
        count: 3,
        next: null,
        results: [
          {
            name: '3.21',
            digest: d('1'),
            media_type: MediaType.OciIndex,
            full_size: 3_000_000,
            last_updated: '2025-01-08T20:15:01.000000Z',
            tag_last_pushed: '2025-01-08T20:15:00.000000Z',
            images: [
              image('amd64', d('a'), 3_000_000),
              image('arm64', d('b'), 2_900_000, { variant: 'v8' }),
              { architecture: 'unknown', os: 'unknown', digest: d('f'), size: 900 },
            ],
          },
          {
            name: 'old',
            digest: d('2'),
            media_type: MediaType.DockerManifest,
            full_size: 700,
            tag_last_pushed: '2023-05-04T17:37:03Z',
            images: [image('amd64', d('2'), 700)],
          },
          {
            name: 'ancient',
            full_size: 5,
            images: [
              { architecture: 'amd64', os: 'linux', size: 5 },
              { architecture: 'arm', os: 'linux', size: 5 },
            ],
          },
          { name: '-bad tag-' },
        ],
      }),
    );
    const page = await hub(s.transport).listTags('library/alpine');
    assert.deepEqual(
      s.seen.map((r) => r.path),
      ['/v2/namespaces/library/repositories/alpine/tags?page_size=100'],
    );
    assert.equal(page.invalid, 1);
    assert.deepEqual(page.items[0], {
      name: '3.21',
      summary: {
        digest: d('1'),
        mediaType: MediaType.OciIndex,
        kind: 'index',
        created: '2025-01-08T20:15:00.000000Z',
        attestations: 1,
        platforms: [
          { platform: 'linux/amd64', digest: d('a'), size: 3_000_000, created: '2025-01-08T20:15:00.000000Z' },
          { platform: 'linux/arm64/v8', digest: d('b'), size: 2_900_000, created: '2025-01-08T20:15:00.000000Z' },
        ],
      },
    });
    assert.deepEqual(page.items[1]?.summary, {
      digest: d('2'),
      mediaType: MediaType.DockerManifest,
      kind: 'image',
      size: 700,
      created: '2023-05-04T17:37:03Z',
      attestations: 0,
      platforms: [{ platform: 'linux/amd64', digest: d('2'), size: 700, created: '2025-01-08T20:15:00.000000Z' }],
    });
    assert.deepEqual(page.items[2], { name: 'ancient' });
  });

  test("one index tag: each of its entries by digest, so the index's rows need no manifest GET", async () => {
    assert.deepEqual(
      await indexTagImages([
        image('amd64', d('a'), 3_000_000),
        { architecture: 'unknown', os: 'unknown', digest: d('f'), size: 900, last_pushed: null },
        image('arm', 'not-a-digest', 1),
      ]),
      [
        {
          digest: d('a'),
          mediaType: '',
          kind: 'image',
          size: 3_000_000,
          created: '2025-01-08T20:15:00.000000Z',
          attestations: 0,
          platforms: [{ platform: 'linux/amd64', digest: d('a'), size: 3_000_000, created: '2025-01-08T20:15:00.000000Z' }],
        },
        { digest: d('f'), mediaType: '', kind: 'artifact', size: 900, attestations: 0, platforms: [] },
      ],
    );
  });

  test('one tag on its own; an unknown one is MANIFEST_UNKNOWN', async () => {
    const s = stub((req) =>
      req.url.pathname.endsWith('/latest')
        ? reply(req, 200, { name: 'latest', digest: d('3'), images: [image('amd64', d('3'), 10)] })
        : reply(req, 404, { message: 'httperror 404: object not found' }),
    );
    assert.equal((await hub(s.transport).getTag('library/hello', 'latest')).summary?.size, 10);
    await assert.rejects(hub(s.transport).getTag('library/hello', 'nope'), isCode('MANIFEST_UNKNOWN'));
    await assert.rejects(hub(s.transport).listTags('library/nope'), isCode('NAME_UNKNOWN'));
  });
});

test("the API's rate limit is TOOMANYREQUESTS with the wait it names, never retried", async () => {
  const s = stub((req) =>
    reply(
      req,
      429,
      { detail: 'Rate limit exceeded' },
      req.url.pathname.includes('library') ? { 'retry-after': '42' } : { 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 30) },
    ),
  );
  await assert.rejects(
    hub(s.transport).listRepositories('library'),
    (e: unknown) => isCode('TOOMANYREQUESTS')(e) && (e as RegistryError).retryAfter === 42 && /shares one limit/.test((e as Error).message),
  );
  await assert.rejects(
    hub(s.transport).listRepositories('someone'),
    (e: unknown) => isCode('TOOMANYREQUESTS')(e) && ((e as RegistryError).retryAfter ?? 0) >= 29,
  );
  assert.equal(s.seen.length, 2);
});

test('a reset time far away is capped at a day, like Retry-After: a hostile API cannot shut Berth out for years', async () => {
  const s = stub((req) =>
    reply(req, 429, { detail: 'Rate limit exceeded' }, { 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 10 * 365 * 86_400) }),
  );
  await assert.rejects(
    hub(s.transport).listRepositories('someone'),
    (e: unknown) => isCode('TOOMANYREQUESTS')(e) && (e as RegistryError).retryAfter === 86_400,
  );
});

test('after a 429 that names a time, the same connection asks nothing before it; another connection still asks', async () => {
  const s = stub((req) =>
    req.method === 'POST' ? reply(req, 200, { access_token: jwt('t') }) : reply(req, 429, { detail: 'Rate limit exceeded' }, { 'retry-after': '60' }),
  );
  const context = newContext();
  await assert.rejects(hub(s.transport, undefined, context).listRepositories('library'), isCode('TOOMANYREQUESTS'));
  await assert.rejects(
    hub(s.transport, undefined, context).listTags('library/alpine'),
    (e: unknown) => isCode('TOOMANYREQUESTS')(e) && ((e as RegistryError).retryAfter ?? 0) >= 59,
  );
  assert.equal(s.seen.length, 1);
  await assert.rejects(hub(s.transport, pat, context).listRepositories('library'), isCode('TOOMANYREQUESTS'));
  assert.deepEqual(
    s.seen.map((r) => r.method),
    ['GET', 'POST', 'GET'],
  );
});

describe('refusals and failures say what happened and what to do next', () => {
  const tags = (c: HubClient) => c.listTags('someone/app');
  const repositories = (c: HubClient) => c.listRepositories('someone');
  const oneTag = (c: HubClient) => c.getTag('someone/app', 'nope');
  const cases: Array<[number, 'anonymous' | 'signed in', (c: HubClient) => Promise<unknown>, string]> = [
    [401, 'anonymous', tags, 'UNAUTHORIZED: Docker Hub needs you to sign in to see this.'],
    [401, 'signed in', tags, 'UNAUTHORIZED: Docker Hub no longer accepts the credentials saved for it. Sign in again.'],
    [403, 'anonymous', tags, 'DENIED: Docker Hub denied access to someone/app. Sign in to Docker Hub as an account that may see it.'],
    [403, 'signed in', tags, 'DENIED: Docker Hub denied access to someone/app. Ask its owner for access, or sign in as an account that has it.'],
    [403, 'anonymous', repositories, 'DENIED: Docker Hub denied access to someone. Sign in to Docker Hub as an account that may see it.'],
    [404, 'anonymous', tags, 'NAME_UNKNOWN: The repository someone/app does not exist on Docker Hub, or you cannot see it without signing in. Check the name.'],
    [404, 'signed in', tags, 'NAME_UNKNOWN: The repository someone/app does not exist on Docker Hub, or you cannot see it. Check the name.'],
    [404, 'anonymous', repositories, "NAME_UNKNOWN: Docker Hub has no such page of the list of someone's repositories; the list may have changed. Reload it."],
    [404, 'anonymous', oneTag, 'MANIFEST_UNKNOWN: someone/app:nope was not found on Docker Hub. Check the tag.'],
    [500, 'anonymous', tags, "UNAVAILABLE: Docker Hub's API answered with an error (HTTP 500). Try again in a moment."],
    [503, 'anonymous', tags, "UNAVAILABLE: Docker Hub's API answered with an error (HTTP 503). Try again in a moment."],
    [
      418,
      'anonymous',
      tags,
      "BAD_RESPONSE: Docker Hub's API refused Berth's request (HTTP 418). Try again; if it keeps refusing, open the repository by name instead.",
    ],
  ];
  for (const [status, who, call, want] of cases) {
    test(`HTTP ${status}, ${who}: ${want}`, async () => {
      const s = stub((req) => (req.method === 'POST' ? reply(req, 200, { access_token: jwt('t') }) : reply(req, status, { detail: 'no' })));
      await assert.rejects(call(hub(s.transport, who === 'anonymous' ? undefined : pat)), (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.equal(`${e.code}: ${e.message}`, want);
        assert.deepEqual([e.upstreamStatus, e.host], [status, 'docker.io'], 'what answered, and how');
        return true;
      });
    });
  }
});

describe('Docker Hub through the registry client', () => {
  test('signing in checks the Hub API first: refused credentials stop it, an API that cannot be reached does not', async () => {
    /** Docker Hub: its API answers `hubAnswer`, its registry is open. */
    const script = (hubAnswer: (req: TransportRequest) => HttpResponse | Promise<HttpResponse>) =>
      testRegistry((req) => (req.url.origin === API ? hubAnswer(req) : {}));
    const registryPaths = (s: ReturnType<typeof script>) => s.seen.filter((r) => r.url.origin !== API).map((r) => r.url.pathname);
    const client = (s: ReturnType<typeof script>) =>
      new RegistryClient({ host: 'docker.io', baseUrl: 'https://registry-1.docker.io', credentials: user, context: newContext(), transport: s.transport });
    const refused = script((req) => reply(req, 401, req.url.pathname === '/v2/users/login' ? { login_2fa_token: 't' } : {}));
    await assert.rejects(client(refused).verify(), isCode('ACCESS_TOKEN_REQUIRED'));
    assert.deepEqual(registryPaths(refused), []);
    const unreachable = script(() => Promise.reject(new RegistryError({ code: 'UNREACHABLE', host: 'hub.example', message: 'down' })));
    await client(unreachable).verify();
    assert.deepEqual(registryPaths(unreachable), ['/v2/', '/v2/']);
  });

  test('after a 429 with Retry-After, manifest GETs wait without asking; HEADs, which cost no pull, still go', async () => {
    const limits = { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600' };
    const registry = testRegistry(
      (req): Answer =>
        req.method === 'HEAD'
          ? { headers: { ...limits, 'docker-content-digest': d('c'), 'content-type': MediaType.OciManifest } }
          : {
              status: 429,
              headers: { ...limits, 'retry-after': '3600' },
              body: { errors: [{ code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit.' }] },
            },
      { handshake: { scheme: 'none' } },
    );
    const asked = () => registry.seen.filter((r) => r.url.pathname !== '/v2/').map((r) => `${r.method} ${r.url.pathname}`);
    const client = new RegistryClient({ host: 'docker.io', baseUrl: 'https://registry-1.docker.io', context: newContext(), transport: registry.transport });
    const refused = (e: unknown) =>
      isCode('TOOMANYREQUESTS')(e) &&
      ((e as RegistryError).retryAfter ?? 0) > 3500 &&
      /pull limit is used up \(100 per 6 h\)/.test((e as Error).message) &&
      /shares one limit/.test((e as Error).message);
    await assert.rejects(client.getManifest('library/alpine', 'latest'), refused);
    await assert.rejects(client.getManifest('library/alpine', 'latest'), refused);
    await assert.rejects(client.getManifest('library/alpine', d('c')), refused);
    assert.deepEqual(asked(), [
      'HEAD /v2/library/alpine/manifests/latest',
      'GET /v2/library/alpine/manifests/latest',
      'HEAD /v2/library/alpine/manifests/latest',
    ]);
    assert.equal(client.pullLimit()?.remaining, 0);
    assert.equal((await client.checkPullLimit('library/alpine', 'latest'))?.limit, 100);
  });
});

describe('sign-in: what is sent, and which route decides', () => {
  test('the sign-in is posted as JSON and its answer read up to 64 KiB; lists are asked for as JSON and read up to 8 MiB', async () => {
    const s = stub((req) => (req.method === 'POST' ? reply(req, 200, { access_token: jwt('t') }) : reply(req, 200, emptyPage)));
    await hub(s.transport, pat).listRepositories('someone');
    assert.deepEqual(
      s.requests.map((r) => [r.method, r.headers.accept, r.headers['content-type'], r.maxBytes]),
      [
        ['POST', 'application/json', 'application/json', 64 * 1024],
        ['GET', 'application/json', undefined, 8 * 1024 * 1024],
      ],
    );
  });

  /** A route's answer: its status and JSON body, or a body that is no JSON. */
  type Answer = [status: number, body?: unknown];
  const wrong = 'UNAUTHORIZED: Docker Hub rejected the username or password (or token). Check them and sign in again.';
  const both = ['/v2/auth/token', '/v2/users/login'];
  const routes: Array<[string, string, Answer, Answer | undefined, string[], string]> = [
    // what, the secret, /v2/auth/token's answer, /v2/users/login's answer, the routes asked, the outcome
    ['a password the current route takes', 'pass-word', [200, { access_token: 'current' }], undefined, ['/v2/auth/token'], 'signed in with current'],
    ['a password where the current route is missing (404)', 'pass-word', [404], [200, { token: 'legacy' }], both, 'signed in with legacy'],
    ['a password where the current route takes no POST (405)', 'pass-word', [405], [200, { token: 'legacy' }], both, 'signed in with legacy'],
    ['a password the current route refuses with 403', 'pass-word', [403], [200, { token: 'legacy' }], both, 'signed in with legacy'],
    ['a password both routes refuse with 403', 'pass-word', [403], [403, { detail: 'Forbidden' }], both, wrong],
    ['a password the legacy route refuses with a page that is no JSON', 'pass-word', [401], [401, Buffer.from('<html>Unauthorized</html>')], both, wrong],
    [
      'a password of an account with two-factor authentication, refused with 403',
      'pass-word',
      [403],
      [403, { login_2fa_token: 'x.y.z' }],
      both,
      'ACCESS_TOKEN_REQUIRED: someone has two-factor authentication on, so Docker Hub does not take its password here. Create a personal access token (Docker Hub: Account settings → Personal access tokens) and sign in with it as the password.',
    ],
    ['a personal access token refused with 403', 'dckr_pat_abc', [403], undefined, ['/v2/auth/token'], wrong],
    ['an organisation access token refused', 'dckr_oat_abc', [401], undefined, ['/v2/auth/token'], wrong],
    ['a password that merely contains an access token prefix', 'my-dckr_pat_abc', [401], [401, {}], both, wrong],
    [
      'the current route failing with 500: no other route is tried',
      'pass-word',
      [500],
      undefined,
      ['/v2/auth/token'],
      "UNAVAILABLE: Docker Hub's API answered with an error (HTTP 500). Try again in a moment.",
    ],
    [
      'the legacy route failing with 502',
      'pass-word',
      [401],
      [502],
      both,
      "UNAVAILABLE: Docker Hub's API answered with an error (HTTP 502). Try again in a moment.",
    ],
    [
      'neither route there',
      'pass-word',
      [404],
      [404],
      both,
      "BAD_RESPONSE: Docker Hub's API has no sign-in route Berth knows (HTTP 404), so Berth cannot sign in to it.",
    ],
    [
      'neither route taking a POST',
      'pass-word',
      [405],
      [405],
      both,
      "BAD_RESPONSE: Docker Hub's API has no sign-in route Berth knows (HTTP 405), so Berth cannot sign in to it.",
    ],
  ];
  for (const [what, secret, current, legacy, asked, outcome] of routes) {
    test(`sign-in, ${what}: ${outcome}`, async () => {
      const answer = (req: TransportRequest, [status, body]: Answer) =>
        body instanceof Buffer ? { ...reply(req, status), body } : reply(req, status, body ?? { detail: 'no' });
      const s = stub((req) => {
        if (req.url.pathname === '/v2/auth/token') return answer(req, current);
        if (req.url.pathname === '/v2/users/login' && legacy) return answer(req, legacy);
        return req.method === 'GET' ? reply(req, 200, emptyPage) : undefined;
      });
      const client = hub(s.transport, { username: 'someone', password: secret });
      const got = await client.listRepositories('someone').then(
        () => `signed in with ${s.seen.at(-1)?.auth?.replace(/^Bearer /, '')}`,
        (e: unknown) => `${(e as RegistryError).code}: ${(e as Error).message}`,
      );
      assert.equal(got, outcome);
      assert.deepEqual(
        s.logins().map((r) => r.path),
        asked,
      );
    });
  }

  for (const [what, body] of [
    ['no token', {}],
    ['empty tokens', { access_token: '', token: '' }],
    ['a body that is no JSON', Buffer.from('OK')],
  ] as const) {
    test(`a sign-in answered 200 with ${what} says so, and keeps nothing`, async () => {
      const s = stub((req) => (body instanceof Buffer ? { ...reply(req, 200), body } : reply(req, 200, body)));
      const context = newContext();
      await assert.rejects(
        hub(s.transport, pat, context).verify(),
        (e: unknown) => isCode('BAD_RESPONSE')(e) && (e as Error).message === 'Docker Hub signed you in but sent no token Berth can use.',
      );
      assert.equal(context.tokens.size, 0);
    });
  }

  test('without credentials, or with an empty username, a connection is anonymous: checking it asks nothing', async () => {
    const s = stub(() => undefined);
    for (const credentials of [undefined, { username: '', password: 'dckr_pat_abc' }]) {
      const client = hub(s.transport, credentials);
      assert.equal(client.anonymous, true);
      assert.equal(client.username, undefined);
      await client.verify();
    }
    assert.equal(s.seen.length, 0);
    const signedIn = hub(s.transport, pat);
    assert.equal(signedIn.anonymous, false);
    assert.equal(signedIn.username, 'someone');
  });

  test('two people signing in at the same moment each get their own token', async () => {
    const s = stub((req, body) => (req.method === 'POST' ? reply(req, 200, { access_token: `token-of-${body?.identifier}` }) : reply(req, 200, emptyPage)));
    const context = newContext();
    await Promise.all([
      hub(s.transport, pat, context).listRepositories('someone'),
      hub(s.transport, { username: 'other', password: 'dckr_pat_xyz' }, context).listRepositories('other'),
    ]);
    assert.equal(s.logins().length, 2);
    assert.deepEqual(
      s.seen
        .filter((r) => r.method === 'GET')
        .map((r) => `${r.path.split('?')[0]} ${r.auth}`)
        .sort(),
      ['/v2/namespaces/other/repositories Bearer token-of-other', '/v2/namespaces/someone/repositories Bearer token-of-someone'],
    );
  });

  test("one person's requests at the same moment share one sign-in, and its refusal", async () => {
    const ok = stub((req) => (req.method === 'POST' ? reply(req, 200, { access_token: jwt('t') }) : reply(req, 200, emptyPage)));
    const context = newContext();
    await Promise.all([hub(ok.transport, pat, context).listRepositories('someone'), hub(ok.transport, pat, context).listRepositories('someone')]);
    assert.equal(ok.logins().length, 1);
    const refused = stub((req) => reply(req, 401, { detail: 'Incorrect authentication credentials' }));
    const fresh = newContext();
    const outcomes = await Promise.allSettled([hub(refused.transport, pat, fresh).verify(), hub(refused.transport, pat, fresh).verify()]);
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'rejected' ? (o.reason as RegistryError).code : o.status)),
      ['UNAUTHORIZED', 'UNAUTHORIZED'],
    );
    assert.equal(refused.logins().length, 1);
  });
});

describe('how long a Hub token is used: until shortly before it runs out (10 %, at least 5 s, at most a minute), an hour at most', () => {
  const NOW = Date.parse('2026-01-01T00:00:00Z');
  const part = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  const lifetimes: Array<[string, () => string, number | undefined]> = [
    // what, the token (made at NOW), how long it is used (ms), or undefined: not kept
    ['a token that is no JWT: ten minutes, the Hub default', () => 'opaque-token', 540_000],
    ['an exp that is no number: ten minutes', () => `${part({ alg: 'HS256' })}.${part({ exp: 'later' })}.sig`, 540_000],
    ['ten minutes', () => jwt('t', 600), 540_000],
    ['an hour', () => jwt('t', 3600), 3_540_000],
    ['two hours: an hour at most', () => jwt('t', 7200), 3_540_000],
    ['a hundred seconds', () => jwt('t', 100), 90_000],
    ['thirty seconds', () => jwt('t', 30), 25_000],
    ['five seconds: not kept', () => jwt('t', 5), undefined],
    ['run out a minute ago: not kept', () => jwt('t', -60), undefined],
  ];
  for (const [what, token, usedMs] of lifetimes) {
    test(`${what}${usedMs === undefined ? '' : `: used for ${usedMs / 1000} s`}`, async (t) => {
      t.after(() => mock.timers.reset());
      mock.timers.enable({ apis: ['Date'], now: NOW });
      const s = stub((req) => (req.method === 'POST' ? reply(req, 200, { access_token: token() }) : reply(req, 200, emptyPage)));
      const context = newContext();
      const list = () => hub(s.transport, pat, context).listRepositories('someone');
      await list();
      if (usedMs === undefined) {
        assert.equal(context.tokens.size, 0, 'nothing kept');
        await list();
        assert.equal(s.logins().length, 2);
        return;
      }
      mock.timers.tick(usedMs - 1);
      await list();
      assert.equal(s.logins().length, 1, 'used until then');
      mock.timers.tick(1);
      await list();
      assert.equal(s.logins().length, 2, 'renewed from then on');
    });
  }
});

describe("the API's rate limit: the wait it names, and what Berth asks meanwhile", () => {
  const NOW = Date.parse('2026-01-01T00:00:00Z');
  const shared = ' Everyone using this Berth without signing in shares one limit; signing in gives you your own.';
  const cases: Array<[string, Record<string, string>, number | undefined]> = [
    ['Retry-After in seconds', { 'retry-after': '42' }, 42],
    ['Retry-After as a date', { 'retry-after': new Date(NOW + 120_000).toUTCString() }, 120],
    ['X-RateLimit-Reset in epoch seconds', { 'x-ratelimit-reset': String(NOW / 1000 + 30) }, 30],
    ['both: Retry-After first', { 'retry-after': '5', 'x-ratelimit-reset': String(NOW / 1000 + 30) }, 5],
    ['a reset time already past: a second', { 'x-ratelimit-reset': String(NOW / 1000 - 100) }, 1],
    ['a reset time of 0: none', { 'x-ratelimit-reset': '0' }, undefined],
    ['a reset time that is no number: none', { 'x-ratelimit-reset': 'soon' }, undefined],
    ['no time at all', {}, undefined],
  ];
  for (const [what, headers, wait] of cases) {
    test(`429 with ${what}: ${wait === undefined ? 'no wait named, and the next request is sent' : `wait ${wait} s`}`, async (t) => {
      t.after(() => mock.timers.reset());
      mock.timers.enable({ apis: ['Date'], now: NOW });
      const s = stub((req) => reply(req, 429, { detail: 'Rate limit exceeded' }, headers));
      const context = newContext();
      const limited = (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.deepEqual([e.code, e.upstreamStatus, e.host, e.retryAfter], ['TOOMANYREQUESTS', 429, 'docker.io', wait]);
        const when = wait === undefined ? ' Wait a minute and try again.' : ` Try again in ${wait} s.`;
        assert.equal(e.message, `Docker Hub's API is limiting Berth's requests.${when}${shared}`);
        return true;
      };
      await assert.rejects(hub(s.transport, undefined, context).listRepositories('library'), limited);
      if (wait === undefined) {
        await assert.rejects(hub(s.transport, undefined, context).listRepositories('library'), limited);
        assert.equal(s.seen.length, 2);
        assert.equal(context.waits.size, 0, 'nothing to wait for is kept');
      }
    });
  }

  test('a signed-in person is told the wait alone: the shared limit is for those not signed in', async () => {
    const s = stub((req) => (req.method === 'POST' ? reply(req, 200, { access_token: jwt('t') }) : reply(req, 429, {}, { 'retry-after': '42' })));
    await assert.rejects(
      hub(s.transport, pat).listRepositories('someone'),
      (e: unknown) => (e as Error).message === "Docker Hub's API is limiting Berth's requests. Try again in 42 s.",
    );
  });

  test('after a 429 naming a minute, the connection asks nothing for that minute and is told the time left; then it asks again', async (t) => {
    t.after(() => mock.timers.reset());
    mock.timers.enable({ apis: ['Date'], now: NOW });
    let limited = true;
    const s = stub((req) => (limited ? reply(req, 429, {}, { 'retry-after': '60' }) : reply(req, 200, emptyPage)));
    const context = newContext();
    const list = () => hub(s.transport, undefined, context).listRepositories('library');
    await assert.rejects(list(), isCode('TOOMANYREQUESTS'));
    limited = false;
    for (const [tick, left] of [
      [30_000, 30],
      [29_999, 1],
    ] as const) {
      mock.timers.tick(tick);
      await assert.rejects(list(), (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        // Berth's own refusal: no answer of the API's, so no upstream status.
        assert.deepEqual([e.code, e.retryAfter, e.upstreamStatus], ['TOOMANYREQUESTS', left, undefined]);
        assert.match(e.message, new RegExp(` Try again in ${left} s\\.`));
        return true;
      });
    }
    assert.equal(s.seen.length, 1, 'nothing asked while waiting');
    mock.timers.tick(1);
    await list();
    assert.equal(s.seen.length, 2, 'asked again once the minute is over');
  });

  test('only a 429 makes Berth wait: a 503 with Retry-After is a failure, and the next request is sent', async () => {
    const s = stub((req) => reply(req, 503, {}, { 'retry-after': '60' }));
    const context = newContext();
    for (let i = 0; i < 2; i++) await assert.rejects(hub(s.transport, undefined, context).listRepositories('library'), isCode('UNAVAILABLE'));
    assert.equal(s.seen.length, 2);
  });
});

describe('what Berth asks for and reads of a list', () => {
  test('names that are not a namespace, or not NAMESPACE/NAME, are refused with a sentence before any request', async () => {
    const s = stub(() => undefined);
    await assert.rejects(
      hub(s.transport).listRepositories('a/b'),
      (e: unknown) =>
        e instanceof InvalidReferenceError &&
        e.part === 'repository' &&
        e.input === 'a/b' &&
        e.message === `The namespace "a/b" is invalid: a namespace is one name, without '/'.`,
    );
    for (const [repository, call] of [
      ['alpine', (c: HubClient) => c.listTags('alpine')],
      ['a/b/c', (c: HubClient) => c.listTags('a/b/c')],
      ['alpine', (c: HubClient) => c.getTag('alpine', 'latest')],
    ] as const) {
      await assert.rejects(
        call(hub(s.transport)),
        (e: unknown) =>
          isCode('NAME_UNKNOWN')(e) &&
          (e as Error).message === `The repository ${repository} does not exist on Docker Hub: its repositories are named NAMESPACE/NAME.`,
      );
    }
    assert.equal(s.seen.length, 0);
  });

  test('a cursor keeps its own page size from 1 to 100; any other, or none, is sent as 100', async () => {
    const s = stub((req) => reply(req, 200, emptyPage));
    const sizes: Array<[string | undefined, string]> = [
      ['50', '50'],
      ['1', '1'],
      ['100', '100'],
      ['0', '100'],
      ['-5', '100'],
      ['101', '100'],
      ['many', '100'],
      [undefined, '100'],
    ];
    for (const [given, sent] of sizes) {
      const cursor = `/v2/namespaces/someone/repositories?page=2${given === undefined ? '' : `&page_size=${given}`}`;
      await hub(s.transport).listRepositories('someone', { cursor });
      assert.equal(new URLSearchParams(s.seen.at(-1)?.path.split('?')[1]).get('page_size'), sent, `page_size=${given}`);
    }
  });

  test('repositories as the Hub describes them: a description cut at 500 characters, counts that are none read as 0, dates that are none left out', async () => {
    const s = stub((req) =>
      reply(req, 200, {
        count: 2,
        next: null,
        results: [
          { name: 'a', namespace: 'someone', description: 'x'.repeat(600), is_private: false, pull_count: -1, star_count: null, last_updated: 'yesterday' },
          { name: 'b' },
        ],
      }),
    );
    const page = await hub(s.transport).listRepositories('someone');
    assert.deepEqual(page.items, [
      { namespace: 'someone', name: 'a', description: 'x'.repeat(500), isPrivate: false, pullCount: 0, starCount: 0 },
      { namespace: 'someone', name: 'b', description: '', isPrivate: false, pullCount: 0, starCount: 0 },
    ]);
  });

  test('a page says how many the list holds only when the Hub says; a page without results is empty', async () => {
    const pages: Array<[string, unknown, (c: HubClient) => Promise<HubPage<unknown>>, HubPage<unknown>]> = [
      ['repositories, no count', { next: null, results: [] }, (c) => c.listRepositories('someone'), { items: [], next: null, invalid: 0 }],
      [
        'repositories, none at all',
        { count: 0, next: null, results: [] },
        (c) => c.listRepositories('someone'),
        { items: [], next: null, count: 0, invalid: 0 },
      ],
      ['repositories, no results', { count: 0 }, (c) => c.listRepositories('someone'), { items: [], next: null, count: 0, invalid: 0 }],
      ['tags, no count', { next: null, results: [] }, (c) => c.listTags('someone/app'), { items: [], next: null, invalid: 0 }],
      ['tags, seven', { count: 7, next: null, results: [] }, (c) => c.listTags('someone/app'), { items: [], next: null, count: 7, invalid: 0 }],
      ['tags, no results', { count: 7, next: null, results: null }, (c) => c.listTags('someone/app'), { items: [], next: null, count: 7, invalid: 0 }],
    ];
    for (const [what, body, call, want] of pages) {
      const s = stub((req) => reply(req, 200, body));
      assert.deepEqual(await call(hub(s.transport)), want, what);
    }
  });

  test('answers Berth cannot read are BAD_RESPONSE, saying which', async () => {
    const cases: Array<[unknown, (c: HubClient) => Promise<unknown>, string]> = [
      [Buffer.from('<html>Bad gateway</html>'), (c) => c.listRepositories('someone'), "Docker Hub's API sent a list Berth cannot read."],
      [{ count: 'many', results: [] }, (c) => c.listTags('someone/app'), "Docker Hub's API sent a list Berth cannot read."],
      [Buffer.from('<html></html>'), (c) => c.getTag('someone/app', 'latest'), "Docker Hub's API sent a description of someone/app:latest Berth cannot read."],
      [{ digest: d('1') }, (c) => c.getTag('someone/app', 'latest'), "Docker Hub's API sent a description of someone/app:latest Berth cannot read."],
    ];
    for (const [body, call, message] of cases) {
      const s = stub((req) => (body instanceof Buffer ? { ...reply(req, 200), body } : reply(req, 200, body)));
      await assert.rejects(call(hub(s.transport)), (e: unknown) => isCode('BAD_RESPONSE')(e) && (e as Error).message === message, message);
    }
  });
});

describe('a tag as the Hub describes it, in the shape of a registry summary', () => {
  const P = PUSHED;
  const image = hubImage;
  const summaries: Array<[string, Record<string, unknown>, ManifestSummary | undefined]> = [
    [
      'an image named by its one image alone, without a media type',
      { images: [image('amd64', d('3'), 10)] },
      {
        digest: d('3'),
        mediaType: '',
        kind: 'image',
        size: 10,
        attestations: 0,
        platforms: [{ platform: 'linux/amd64', digest: d('3'), size: 10, created: P }],
      },
    ],
    [
      'a digest without images: its full size, no platforms',
      { digest: d('4'), full_size: 99, images: null },
      { digest: d('4'), mediaType: '', kind: 'image', size: 99, attestations: 0, platforms: [] },
    ],
    ['a digest and nothing else', { digest: d('4'), images: [] }, { digest: d('4'), mediaType: '', kind: 'image', attestations: 0, platforms: [] }],
    ['neither digest nor images: no summary', { full_size: 5 }, undefined],
    [
      'an index by its media type, with one platform',
      { digest: d('1'), media_type: MediaType.OciIndex, images: [image('amd64', d('a'), 10)] },
      {
        digest: d('1'),
        mediaType: MediaType.OciIndex,
        kind: 'index',
        attestations: 0,
        platforms: [{ platform: 'linux/amd64', digest: d('a'), size: 10, created: P }],
      },
    ],
    [
      'an index by its images, when the Hub names no media type',
      { digest: d('1'), images: [image('amd64', d('a'), 10), image('arm64', d('b'), 11)] },
      {
        digest: d('1'),
        mediaType: '',
        kind: 'index',
        attestations: 0,
        platforms: [
          { platform: 'linux/amd64', digest: d('a'), size: 10, created: P },
          { platform: 'linux/arm64', digest: d('b'), size: 11, created: P },
        ],
      },
    ],
    [
      'a Windows image with its OS version',
      { digest: d('5'), images: [image('amd64', d('5'), 10, { os: 'windows', os_version: '10.0.20348.2227' })] },
      {
        digest: d('5'),
        mediaType: '',
        kind: 'image',
        size: 10,
        attestations: 0,
        platforms: [{ platform: 'windows/amd64 10.0.20348.2227', digest: d('5'), size: 10, created: P }],
      },
    ],
    [
      'an image without an OS is of an unknown platform; only unknown/unknown is an attestation',
      {
        digest: d('1'),
        media_type: MediaType.OciIndex,
        images: [{ architecture: 'amd64', digest: d('a') }, image('unknown', d('b'), 1), image('arm64', d('c'), 2, { os: 'unknown' })],
      },
      {
        digest: d('1'),
        mediaType: MediaType.OciIndex,
        kind: 'index',
        attestations: 0,
        platforms: [
          { platform: 'unknown', digest: d('a') },
          { platform: 'linux/unknown', digest: d('b'), size: 1, created: P },
          { platform: 'unknown/arm64', digest: d('c'), size: 2, created: P },
        ],
      },
    ],
    [
      'a size of 0 is a size; a negative one is none',
      { digest: d('6'), full_size: 0, images: [image('amd64', d('6'), -1)] },
      { digest: d('6'), mediaType: '', kind: 'image', size: 0, attestations: 0, platforms: [{ platform: 'linux/amd64', digest: d('6'), created: P }] },
    ],
    [
      'sizes given as null are none',
      { digest: d('6'), full_size: null, images: [image('amd64', d('6'), 0, { size: null })] },
      { digest: d('6'), mediaType: '', kind: 'image', attestations: 0, platforms: [{ platform: 'linux/amd64', digest: d('6'), created: P }] },
    ],
    [
      'the date: when the tag was pushed, else its last update; a date that is none is left out',
      { digest: d('7'), tag_last_pushed: 'yesterday', last_updated: '2025-02-03T04:05:06Z', images: [image('amd64', d('7'), 1, { last_pushed: 'soon' })] },
      {
        digest: d('7'),
        mediaType: '',
        kind: 'image',
        size: 1,
        created: '2025-02-03T04:05:06Z',
        attestations: 0,
        platforms: [{ platform: 'linux/amd64', digest: d('7'), size: 1 }],
      },
    ],
  ];
  for (const [what, raw, summary] of summaries) {
    test(what, async () => {
      const s = stub((req) => reply(req, 200, { count: 1, next: null, results: [{ name: 't', ...raw }] }));
      const page = await hub(s.transport).listTags('library/alpine');
      assert.deepEqual(page.items, [summary ? { name: 't', summary } : { name: 't' }]);
    });
  }

  test('one index tag: its entries with their variants, unknown platforms and what the Hub left out, each by its digest', async () => {
    assert.deepEqual(
      await indexTagImages([
        image('arm64', d('b'), 5, { variant: 'v8' }),
        image('unknown', d('c'), 6),
        image('arm64', d('e'), 7, { os: 'unknown' }),
        { architecture: 'amd64', digest: d('d') },
      ]),
      [
        {
          digest: d('b'),
          mediaType: '',
          kind: 'image',
          size: 5,
          created: P,
          attestations: 0,
          platforms: [{ platform: 'linux/arm64/v8', digest: d('b'), size: 5, created: P }],
        },
        {
          digest: d('c'),
          mediaType: '',
          kind: 'image',
          size: 6,
          created: P,
          attestations: 0,
          platforms: [{ platform: 'linux/unknown', digest: d('c'), size: 6, created: P }],
        },
        {
          digest: d('e'),
          mediaType: '',
          kind: 'image',
          size: 7,
          created: P,
          attestations: 0,
          platforms: [{ platform: 'unknown/arm64', digest: d('e'), size: 7, created: P }],
        },
        { digest: d('d'), mediaType: '', kind: 'image', attestations: 0, platforms: [{ platform: 'unknown', digest: d('d') }] },
      ],
    );
  });

  test('one tag that is an image has no entries; one the Hub describes without a digest has no summary either', async () => {
    const s = stub((req) =>
      req.url.pathname.endsWith('/latest')
        ? reply(req, 200, { name: 'latest', digest: d('3'), media_type: MediaType.DockerManifest, images: [image('amd64', d('3'), 10)] })
        : reply(req, 200, { name: 'old', images: [{ architecture: 'amd64', os: 'linux' }] }),
    );
    const latest = await hub(s.transport).getTag('library/alpine', 'latest');
    assert.deepEqual(Object.keys(latest), ['name', 'summary']);
    assert.deepEqual(await hub(s.transport).getTag('library/alpine', 'old'), { name: 'old' });
  });
});
