import type { APIResponse, Page, Response } from '@playwright/test';
import type { BedState } from './fixtures/bed-state';
import { DiagnosePage } from './pages/diagnose-page';
import { ListPage } from './pages/list-page';
import { alertOf, handedOutTokens, test, expect, password } from './support';
import { manifestExists, nonce, pushImage } from './scratch';

/**
 * Everything a browser receives while it browses: every response (HTML documents, RSC payloads,
 * API JSON, scripts, styles, images) with its headers and its body, and every request URL. A body
 * the browser no longer holds (a prefetch the router dropped, a stream cut by a navigation) is
 * asked for again with the same headers and cookie; one that cannot be read even then is a
 * failure, not an empty string: it could have held anything.
 */
class Received {
  readonly items: { what: string; kind: string; text: string }[] = [];
  readonly unreadable: string[] = [];
  private readonly reads: Promise<void>[] = [];
  private lastActivity = Date.now();

  constructor(private readonly page: Page) {
    const active = () => (this.lastActivity = Date.now());
    page.on('request', (req) => {
      active();
      this.items.push({ what: `URL of ${req.method()} ${req.url()}`, kind: 'url', text: req.url() });
    });
    page.on('response', (res) => {
      active();
      this.reads.push(this.read(res));
    });
    page.on('requestfinished', active);
    page.on('requestfailed', active);
  }

  private async read(res: Response): Promise<void> {
    const req = res.request();
    const what = `${req.method()} ${res.url()} → ${res.status()}`;
    let headers: Record<string, string> = {};
    try {
      headers = await res.allHeaders();
      this.items.push({ what: `headers of ${what}`, kind: 'headers', text: JSON.stringify(headers) });
    } catch (e) {
      this.unreadable.push(`headers of ${what}: ${message(e)}`);
    }
    // A redirect has no body in the browser; its Location is among the headers above.
    if (res.status() >= 300 && res.status() < 400) return;
    const type = headers['content-type'] ?? '';
    try {
      this.items.push({ what, kind: kindOf(res.url(), type), text: (await within(10_000, res.body())).toString('utf8') });
      return;
    } catch (e) {
      if (req.method() !== 'GET') {
        this.unreadable.push(`${what}: ${message(e)}`);
        return;
      }
    }
    try {
      const sent = await req.allHeaders();
      const again = await this.page.request.get(res.url(), {
        headers: Object.fromEntries(Object.entries(sent).filter(([k]) => !k.startsWith(':') && k !== 'host')),
        timeout: 15_000,
      });
      const text = (await again.body()).toString('utf8');
      this.items.push({
        what: `${what} (asked again: the browser no longer held the body)`,
        kind: kindOf(res.url(), again.headers()['content-type'] ?? type),
        text,
      });
    } catch (e) {
      this.unreadable.push(`${what}: ${message(e)}`);
    }
  }

  /** Reads a response fetched directly (no browser): the document or RSC payload of a path. */
  async direct(res: APIResponse, label: string): Promise<string> {
    const what = `${label} ${res.url()} → ${res.status()}`;
    this.items.push({ what: `headers of ${what}`, kind: 'headers', text: JSON.stringify(res.headersArray()) });
    try {
      const text = (await res.body()).toString('utf8');
      this.items.push({ what, kind: kindOf(res.url(), res.headers()['content-type'] ?? ''), text });
      return text;
    } catch (e) {
      this.unreadable.push(`${what}: ${message(e)}`);
      return '';
    }
  }

  /** Waits for the network to be quiet for half a second, then for every body read so far. */
  async settle(): Promise<void> {
    while (Date.now() - this.lastActivity < 500) await this.page.waitForTimeout(100);
    for (let n = -1; n !== this.reads.length;) {
      n = this.reads.length;
      await Promise.all(this.reads);
    }
  }

  count(kind: string): number {
    return this.items.filter((i) => i.kind === kind && i.text.length > 0).length;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
}

function within<T>(ms: number, p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no body after ${ms} ms`)), ms))]);
}

function kindOf(url: string, contentType: string): string {
  if (contentType.includes('text/x-component')) return 'rsc';
  if (contentType.includes('text/html')) return 'html';
  if (new URL(url).pathname.startsWith('/api/')) return 'api';
  if (/javascript/.test(contentType) || url.endsWith('.js')) return 'js';
  return 'other';
}

function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}

test.describe('secrets stay secret', () => {
  test('the session cookie is __Host-, Secure, httpOnly and SameSite=Lax, and holds no readable secret', async ({ page, context, signIn, token }) => {
    await signIn.as(token.host, 'alice', password(token, 'alice'));
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === '__Host-berth_session');
    expect(session?.secure).toBe(true);
    expect(session?.path).toBe('/');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');
    expect(session?.value).not.toContain('alice');
    expect(await page.evaluate(() => document.cookie)).not.toContain('berth_session');
  });
});

/** Fails the test if anything received holds a bed password, Basic credentials or a token. */
async function expectNoSecrets(received: Received, bed: BedState, kinds: string[]): Promise<void> {
  expect(received.unreadable, 'every body could be read').toEqual([]);
  // What was searched: each kind of response, or the search proves nothing.
  for (const kind of kinds) expect(received.count(kind), `${kind} responses were searched`).toBeGreaterThan(0);
  const tokens = await handedOutTokens(bed);
  expect(tokens.length, 'the issuer handed out tokens').toBeGreaterThan(0);
  const hubTokens = ((await (await fetch(`${bed.hub.issuer.url}/_tokens`)).json()) as { tokens: string[] }).tokens;
  // Docker Hub's accounts: passwords and access tokens (which are passwords too).
  const hubSecrets = Object.values(bed.hub.accounts).flatMap((a) =>
    [...(a.password ? [a.password] : []), ...a.tokens].map((secret) => ({ username: a.username, password: secret })),
  );
  const secrets: [string, string][] = [
    ...[...bed.registries.token.users, ...bed.registries.htpasswd.users, ...hubSecrets].flatMap((u): [string, string][] => [
      [`${u.username}'s password`, u.password],
      [`${u.username}'s Basic credentials`, base64(`${u.username}:${u.password}`)],
    ]),
    ...tokens.map((t, i): [string, string] => [`token #${i + 1} handed out by the issuer`, t]),
    ...hubTokens.map((t, i): [string, string] => [`token #${i + 1} handed out by Docker Hub's token service`, t]),
  ];
  const leaks: string[] = [];
  for (const item of received.items) {
    for (const [name, secret] of secrets) if (item.text.includes(secret)) leaks.push(`${name} in ${item.what}`);
    if (/eyJ[\w-]{8,}\.eyJ[\w-]{8,}/.test(item.text)) leaks.push(`a JWT in ${item.what}`);
    if (/fake-token-\d+/.test(item.text)) leaks.push(`a fake registry token in ${item.what}`);
  }
  expect(leaks).toEqual([]);
}

/** Every view of a signed-in person, and what shows it has arrived. */
function views(page: Page, bed: BedState): [string, () => Promise<void>][] {
  const c = bed.content;
  const host = bed.registries.token.host;
  const arm = c.multi.platforms.find((p) => p.architecture === 'arm64')?.digest ?? '';
  const amd = c.multi.platforms.find((p) => p.architecture === 'amd64')?.digest ?? '';
  const heading = (name: string) => () => expect(page.getByRole('heading', { name })).toBeVisible();
  const alert = (text: string) => () => expect(alertOf(page)).toContainText(text);
  return [
    ['/', () => expect(page.getByRole('link', { name: host, exact: true })).toBeVisible()],
    [`/${host}`, listed(page, c.repositories[0] ?? '')],
    [`/${host}/${c.oci.repo}`, listed(page, c.oci.tag)],
    [`/${host}/${c.oci.repo}:${c.oci.tag}`, heading('Layers')],
    [`/${host}/${c.oci.repo}@${c.oci.digest}`, heading('Environment')],
    [`/${host}/${c.schema2.repo}:${c.schema2.tag}`, heading('Layers')],
    [`/${host}/${c.multi.repo}:${c.multi.tags[0]}`, () => expect(page.getByRole('cell', { name: 'linux/arm/v7', exact: true })).toBeVisible()],
    [`/${host}/${c.multi.repo}@${arm}`, heading('Layers')],
    [`/${host}/${c.signed.repo}@${c.signed.artifactDigest}`, () => expect(page.getByText(c.signed.artifactType).first()).toBeVisible()],
    [`/${host}/${c.oci.repo}:no-such-tag`, alert('MANIFEST_UNKNOWN')],
    [`/${host}/no/such-repo`, alert('NAME_UNKNOWN')],
    [`/${host}/team/App:v1`, alert('repository')],
    [`/login?registry=${host}`, () => expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()],
    // Berth's own views behind "-" (the connection explained step by step, the token decoded)
    [`/${host}/-/diagnose?repository=${c.oci.repo}`, () => new DiagnosePage(page).finished()],
    [
      // Two different images: an index against its own platform image is the same image, with no layers to list.
      `/${host}/${c.multi.repo}/-/compare?a=${amd}&b=${arm}`,
      () => expect(page.getByRole('heading', { name: 'Layers', exact: true })).toBeVisible(),
    ],
  ];
}

const listed = (page: Page, name: string) => () => expect(new ListPage(page).row(name)).toBeVisible();

async function visit(page: Page, received: Received, path: string, ready: () => Promise<void>): Promise<void> {
  await page.goto(path);
  await ready();
  await received.settle();
}

/** The document and the RSC payload of a path, fetched with the page's cookie. */
async function fetchBoth(page: Page, received: Received, path: string): Promise<void> {
  await received.direct(await page.request.get(path), 'document');
  const rsc = await page.request.get(path, { headers: { RSC: '1' } });
  expect(rsc.headers()['content-type'] ?? '', `RSC payload of ${path}`).toContain('text/x-component');
  await received.direct(rsc, 'RSC');
}

// Views arrive rendered (HTML, RSC), not only as API JSON: every response of every view is searched.
test.describe('no password, Basic credentials or bearer token reaches a browser', () => {
  test.describe.configure({ timeout: 300_000 });

  test('every view as the browser loads it: documents, scripts, RSC payloads, API calls', async ({ page, signIn, token, bed }) => {
    const received = new Received(page);
    await signIn.as(token.host, 'alice', password(token, 'alice'));
    await received.settle();
    for (const [path, ready] of views(page, bed)) await visit(page, received, path, ready);
    // Client-side navigation: the router fetches the next page as an RSC payload.
    const c = bed.content;
    await visit(page, received, `/${token.host}`, listed(page, c.repositories[0] ?? ''));
    await page.getByLabel('Filter').fill(c.oci.repo);
    await new ListPage(page).row(c.oci.repo).click();
    await listed(page, c.oci.tag)();
    await new ListPage(page).row(c.oci.tag).click();
    await expect(page.getByRole('heading', { name: 'Layers' })).toBeVisible();
    await received.settle();
    await expectNoSecrets(received, bed, ['html', 'rsc', 'api', 'js']);
  });

  test('every view fetched as a document and as an RSC payload, and every API route', async ({ page, signIn, token, bed }) => {
    const received = new Received(page);
    await signIn.as(token.host, 'alice', password(token, 'alice'));
    await received.settle();
    const c = bed.content;
    for (const [path] of views(page, bed)) await fetchBoth(page, received, path);
    const tagView = await received.direct(await page.request.get(`/${token.host}/${c.oci.repo}:${c.oci.tag}`), 'document');
    expect(tagView, 'the view data is in the document searched').toContain(c.oci.configDigest);
    const api = (route: string, q: Record<string, string>) => `/api/registries/${encodeURIComponent(token.host)}/${route}?${new URLSearchParams(q)}`;
    for (const path of [
      '/api/session',
      api('repositories', { n: '100' }),
      api('tags', { repository: c.oci.repo }),
      api('details', { repository: c.multi.repo, ref: c.multi.tags[0] ?? '' }),
      api('manifest', { repository: c.oci.repo, reference: c.oci.tag }),
      api('manifest', { repository: c.multi.repo, reference: c.multi.indexDigest }),
      api('config', { repository: c.oci.repo, digest: c.oci.configDigest }),
      api('document', { repository: c.oci.repo, digest: c.oci.digest, kind: 'manifest' }),
      api('document', { repository: c.oci.repo, digest: c.oci.configDigest, kind: 'blob' }),
      api('referrers', { repository: c.signed.repo, digest: c.signed.subjectDigest }),
      api('manifest', { repository: c.oci.repo, reference: 'no-such-tag' }),
      api('tags', { repository: 'no/such-repo' }),
      api('diagnose', { repository: c.oci.repo }),
    ]) {
      await received.direct(await page.request.get(path), 'API');
    }
    await expectNoSecrets(received, bed, ['html', 'rsc', 'api']);
  });

  test('a denied view, and a registry sent Basic credentials on every request', async ({ page, signIn, token, bed }) => {
    const received = new Received(page);
    const c = bed.content;
    await signIn.as(token.host, 'bob', password(token, 'bob'));
    const denied = `/${token.host}/${c.secret.repo}:${c.secret.tag}`;
    await visit(page, received, denied, () => expect(alertOf(page)).toContainText('DENIED'));
    await fetchBoth(page, received, denied);
    await received.direct(
      await page.request.get(`/api/registries/${encodeURIComponent(token.host)}/manifest?repository=${c.secret.repo}&reference=${c.secret.tag}`),
      'API',
    );
    const ht = bed.registries.htpasswd;
    await signIn.as(ht.host, 'admin', password(ht, 'admin'));
    for (const [path, ready] of [
      [`/${ht.host}`, listed(page, c.repositories[0] ?? '')],
      [`/${ht.host}/${c.oci.repo}:${c.oci.tag}`, () => expect(page.getByRole('heading', { name: 'Layers' })).toBeVisible()],
      [`/${ht.host}/-/diagnose?repository=${c.oci.repo}`, () => new DiagnosePage(page).finished()],
    ] as const) {
      await visit(page, received, path, ready);
      await fetchBoth(page, received, path);
    }
    await expectNoSecrets(received, bed, ['html', 'rsc', 'api']);
  });

  test("another registry's token service, and Docker Hub signed in with an access token", async ({ page, signIn, bed }) => {
    const received = new Received(page);
    const hub = bed.hub;
    const hello = hub.content.repositories.find((r) => r.repo === 'library/hello')?.tags.latest ?? 'no digest';
    const priv = hub.content.private;
    const shows = (text: string) => () => expect(page.getByText(text).first()).toBeVisible();
    await visit(page, received, `/docker.io/library/hello:latest`, shows(hello));
    await signIn.as('docker.io', hub.accounts.user.username, hub.accounts.user.tokens[0] ?? '');
    await received.settle();
    for (const [path, ready] of [
      [`/${bed.fake.host}/warned/app:latest`, () => expect(page.getByRole('note')).toBeVisible()],
      ['/docker.io', () => expect(new ListPage(page).status()).toContainText('repositories')],
      [`/docker.io/${priv.repo}`, listed(page, priv.tag)],
      [`/docker.io/${priv.repo}:${priv.tag}`, shows(priv.digest)],
    ] as const) {
      await visit(page, received, path, ready);
      await fetchBoth(page, received, path);
    }
    const api = (route: string, q: Record<string, string>) => `/api/registries/docker.io/${route}?${new URLSearchParams(q)}`;
    for (const path of [
      api('hub-repositories', {}),
      api('tags', { repository: priv.repo }),
      api('details', { repository: priv.repo, ref: priv.tag }),
      api('pull-limit', { repository: priv.repo, reference: priv.tag }),
    ]) {
      await received.direct(await page.request.get(path), 'API');
    }
    await expectNoSecrets(received, bed, ['html', 'rsc', 'api']);
  });
});

test.describe('state changes need a Berth page', () => {
  const refused = async (res: APIResponse, what: string) => {
    expect(res.status(), what).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code, what).toBe('CROSS_ORIGIN');
  };

  test('sign-in, sign-out of one registry and of all refuse other origins, Origin: null and no Origin', async ({ page, signIn, token, baseURL }) => {
    await signIn.as(token.host, 'alice', password(token, 'alice'));
    const registries = async () =>
      ((await (await page.request.get('/api/session')).json()) as { registries: { host: string }[] }).registries.map((r) => r.host);
    const one = `/api/session/registries/${encodeURIComponent(token.host)}`;
    for (const origin of ['https://evil.example', 'null', `${baseURL ?? ''}.evil.example`, undefined]) {
      const headers: Record<string, string> = origin === undefined ? {} : { origin };
      const what = `Origin: ${origin ?? '(none)'}`;
      await refused(
        await page.request.post('/api/session/registries', {
          headers: { ...headers, 'content-type': 'application/json' },
          data: { registry: token.host, username: 'bob', password: password(token, 'bob') },
        }),
        `sign-in, ${what}`,
      );
      await refused(await page.request.delete(one, { headers }), `sign-out of ${token.host}, ${what}`);
      await refused(await page.request.delete('/api/session', { headers }), `sign-out of all, ${what}`);
    }
    // Nothing changed: still signed in, as alice.
    expect(await registries()).toEqual([token.host]);
    await page.goto('/');
    await expect(page.getByText('signed in as alice')).toBeVisible();
    // From Berth's own origin the same request works.
    const own = await page.request.delete(one, { headers: { origin: baseURL ?? '' } });
    expect(own.status()).toBe(200);
    expect(await registries()).toEqual([]);
  });

  test('deleting refuses other origins, Origin: null and no Origin, and nothing is deleted', async ({ page, signIn, bed, baseURL }) => {
    const scratch = bed.scratch;
    const repo = 'e2e-delete/cross-origin';
    const target = await pushImage(scratch, repo, ['v1'], { name: `cross-origin-${nonce()}` });
    // Signed in with the delete right: only the origin check stands between the request and the registry.
    await signIn.as(scratch.host, 'alice', password(scratch, 'alice'));
    const api = `/api/registries/${encodeURIComponent(scratch.host)}`;
    const query = `repository=${encodeURIComponent(repo)}`;
    for (const origin of ['https://evil.example', 'null', `${baseURL ?? ''}.evil.example`, undefined]) {
      const headers: Record<string, string> = origin === undefined ? {} : { origin };
      const what = `Origin: ${origin ?? '(none)'}`;
      await refused(await page.request.delete(`${api}/manifest?${query}&reference=${target.digest}`, { headers }), `delete by digest, ${what}`);
      await refused(await page.request.delete(`${api}/manifest?${query}&reference=v1`, { headers }), `delete by tag, ${what}`);
      await refused(await page.request.post(`${api}/deletion?${query}`, { headers }), `deletion check, ${what}`);
    }
    expect(await manifestExists(scratch, repo, target.digest)).toBe(true);
    // From Berth's own origin the same requests go through: the refusals above were the origin's.
    const own = { headers: { origin: baseURL ?? '' } };
    expect((await page.request.post(`${api}/deletion?${query}`, own)).status()).toBe(200);
    expect((await page.request.delete(`${api}/manifest?${query}&reference=${target.digest}`, own)).status()).toBe(200);
    expect(await manifestExists(scratch, repo, target.digest)).toBe(false);
  });
});

test('credentials too large for a cookie get a clear 413, not a 500', async ({ request, bed, baseURL }) => {
  const anon = bed.registries.anonymous;
  const res = await request.post('/api/session/registries', {
    headers: { origin: baseURL ?? '', 'content-type': 'application/json' },
    data: { registry: anon.host, username: 'someone', password: 'x'.repeat(5000) },
  });
  expect(res.status()).toBe(413);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('SESSION_FULL');
  expect(body.error.message).toContain('Sign out of a registry you do not need');
  expect(body.error.message).not.toContain('xxxx');
});
