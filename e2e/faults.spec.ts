// What a failing registry does to Berth: each fault leaves one alert that says what happened and
// what to do next, shows nothing of Berth's or the registry's insides, and leaves the server
// answering (its health check, and another registry browsed right after). Berth runs with
// UPSTREAM_TIMEOUT_MS=5000 (e2e/fixtures/app-server.ts). The faults come from the bed's fake
// registry (e2e/fixtures/fake-registry.ts) and from a real registry and token service this file
// starts and stops. A 429 with Retry-After is in browse.spec.ts ("a registry that rate-limits").
import type { Page } from '@playwright/test';
import { startAppServer, type AppServer } from './fixtures/app-server';
import type { BedState } from './fixtures/bed-state';
import { JSON500_MESSAGE, MISMATCHED_DIGEST, OVERSIZE_MANIFEST_BYTES } from './fixtures/fake-registry';
import { startIssuer, type Issuer } from './fixtures/issuer';
import { buildSingleImage, pushLayoutOverHttp } from './fixtures/oci-layout';
import { startRegistry, type RunningRegistry } from './fixtures/registry';
import { SignInPage } from './pages/sign-in-page';
import { alertOf, expect, test } from './support';

// Pages on a machine shared with other work can take seconds each; the stall has its own bound below.
test.describe.configure({ timeout: 90_000 });

/** What no alert may show: stack frames, file positions, Node's error codes, markup, a storage path. */
const INTERNALS = [
  /\bat \S+ \(/,
  /\.(ts|js|mjs|tsx):\d+/,
  /node:internal/,
  /\bE(CONN[A-Z]+|TIMEDOUT|PIPE|NOTFOUND|AI_AGAIN)\b/,
  /\w*Error:/,
  /undefined|\[object /,
  /<\/?[a-z]+[\s>]/i,
  /\/var\/lib/,
];

interface Expected {
  /** the error code shown in the alert */
  code: string;
  /** what happened */
  says: RegExp;
  /** what to do next */
  next: RegExp;
  /** never shown */
  not?: string[];
  timeout?: number;
}

/** Answers of Berth's API seen by the page (to show that none is a 500 of Berth's own). */
function apiStatuses(page: Page): number[] {
  const statuses: number[] = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.includes('/api/')) statuses.push(r.status());
  });
  return statuses;
}

async function expectAlert(page: Page, e: Expected): Promise<void> {
  const alert = alertOf(page);
  await expect(alert).toContainText(e.code, { timeout: e.timeout ?? 15_000 });
  await expect(alert).toHaveCount(1);
  const text = await alert.innerText();
  expect(text).toMatch(e.says);
  expect(text).toMatch(e.next);
  for (const internal of INTERNALS) expect(text).not.toMatch(internal);
  for (const secret of e.not ?? []) expect(text).not.toContain(secret);
  await expect(alert.getByRole('button', { name: 'Retry' })).toBeVisible();
}

/** The server still answers: its health check, and a view of another registry with its data. */
async function expectHealthy(page: Page, bed: BedState, site = ''): Promise<void> {
  expect((await page.request.get(`${site}/api/health`)).status()).toBe(200);
  const { anonymous } = bed.registries;
  await page.goto(`${site}/${anonymous.host}/${bed.content.oci.repo}:${bed.content.oci.tag}`);
  await expect(page.getByRole('heading', { name: 'Layers' })).toBeVisible();
  await expect(page.getByText(bed.content.oci.digest).first()).toBeVisible();
  await expect(alertOf(page)).toHaveCount(0);
}

test.describe('a fault at the bed’s fake registry', () => {
  test('a 30 s stall: Berth gives up at its 5 s deadline and says so', async ({ page, bed }) => {
    const statuses = apiStatuses(page);
    const tags = page.waitForResponse((r) => r.url().includes('/tags?repository=slow%2F30000'), { timeout: 60_000 });
    await page.goto(`/${bed.fake.host}/slow/30000`);
    const answer = await tags;
    await answer.finished();
    // Timed from the browser's request to Berth's last byte, so a slow page load does not count.
    expect(answer.status()).toBe(504);
    expect(answer.request().timing().responseEnd).toBeLessThan(15_000);
    await expectAlert(page, {
      code: 'TIMEOUT',
      says: new RegExp(`${bed.fake.host} did not answer within 5 s`),
      next: /Try again, or check that the registry is up/,
    });
    expect(statuses).not.toContain(500);
    await expectHealthy(page, bed);
  });

  test('a 500 with a JSON error body: the failure named, the registry’s insides not shown', async ({ page, bed }) => {
    const statuses = apiStatuses(page);
    await page.goto(`/${bed.fake.host}/json500/app`);
    await expectAlert(page, {
      code: 'UNAVAILABLE',
      says: /answered with an error \(HTTP 500\)/,
      next: /Try again in a moment/,
      not: [JSON500_MESSAGE, 'input/output'],
    });
    expect(statuses).not.toContain(500);
    await expectHealthy(page, bed);
  });

  test('a 500 with an HTML page: no markup in the alert', async ({ page, bed }) => {
    const statuses = apiStatuses(page);
    await page.goto(`/${bed.fake.host}/html500/app:latest`);
    await expectAlert(page, {
      code: 'UNAVAILABLE',
      says: /answered with an error \(HTTP 500\)/,
      next: /Try again in a moment/,
      not: ['nginx', 'Internal Server Error'],
    });
    expect(statuses).not.toContain(500);
    await expectHealthy(page, bed);
  });

  test('a body cut short (Content-Length larger than what came, then the connection closed)', async ({ page, bed }) => {
    const statuses = apiStatuses(page);
    const cutShort = { code: 'UNAVAILABLE', says: /closed the connection before its answer was complete/, next: /Try again/ };
    await page.goto(`/${bed.fake.host}/truncated/app`);
    await expectAlert(page, cutShort);
    await page.goto(`/${bed.fake.host}/truncated/app:latest`);
    await expectAlert(page, cutShort);
    expect(statuses).not.toContain(500);
    await expectHealthy(page, bed);
  });

  test('a tag list that is not JSON (a proxy’s sign-in page)', async ({ page, bed }) => {
    const statuses = apiStatuses(page);
    await page.goto(`/${bed.fake.host}/nonjson/app`);
    await expectAlert(page, {
      code: 'BAD_RESPONSE',
      says: /answered the list of tags of nonjson\/app with something that is not JSON \(a web page\)/,
      next: /Check that .* is the registry itself/,
      not: ['Sign in</title>'],
    });
    expect(statuses).not.toContain(500);
    await expectHealthy(page, bed);
  });

  test('a catalog that is not JSON', async ({ page, bed }) => {
    const statuses = apiStatuses(page);
    const config = (catalogBody: string) => page.request.post(`${bed.fake.url}/_fake/config`, { data: { catalogBody } });
    await config('html');
    try {
      await page.goto(`/${bed.fake.host}`);
      await expectAlert(page, {
        code: 'BAD_RESPONSE',
        says: /answered the list of repositories with something that is not JSON/,
        next: /Check that .* is the registry itself/,
      });
    } finally {
      await config('json');
    }
    expect(statuses).not.toContain(500);
    await expectHealthy(page, bed);
  });

  test('a manifest over Berth’s 4 MiB cap is not read past the cap', async ({ page, bed }) => {
    expect(OVERSIZE_MANIFEST_BYTES).toBeGreaterThan(4 * 1024 * 1024);
    const statuses = apiStatuses(page);
    await page.goto(`/${bed.fake.host}/oversize/app:latest`);
    await expectAlert(page, {
      code: 'BAD_RESPONSE',
      says: /sent an answer larger than 4 MiB/,
      next: /A registry client such as skopeo or crane can inspect it/,
    });
    expect(statuses).not.toContain(500);
    await expectHealthy(page, bed);
  });

  test('a manifest fetched by digest whose bytes hash to another digest', async ({ page, bed }) => {
    const statuses = apiStatuses(page);
    const asked = `sha256:${'a'.repeat(64)}`;
    await page.goto(`/${bed.fake.host}/baddigest/app@${asked}`);
    await expectAlert(page, {
      code: 'BAD_RESPONSE',
      says: new RegExp(`returned a manifest whose content does not match the digest asked for \\(${asked}\\)`),
      next: /tell the registry's owner/,
    });
    expect(statuses).not.toContain(500);
    await expectHealthy(page, bed);
  });

  test('a manifest whose Docker-Content-Digest is not the digest of its bytes', async ({ page, bed }) => {
    const statuses = apiStatuses(page);
    await page.goto(`/${bed.fake.host}/baddigest/app:latest`);
    await expectAlert(page, {
      code: 'BAD_RESPONSE',
      says: new RegExp(`with a Docker-Content-Digest \\(${MISMATCHED_DIGEST}\\) that is not the digest of its content`),
      next: /tell the registry's owner/,
    });
    // The digest that does not match is not offered to pull by.
    await expect(page.getByText(`@${MISMATCHED_DIGEST}`)).toHaveCount(0);
    expect(statuses).not.toContain(500);
    await expectHealthy(page, bed);
  });
});

test.describe('a registry and token service that go away', () => {
  // Two token-auth registries, each with its own token service, and a Berth allowed to reach them.
  const alice = { username: 'alice', password: 'alice-pass' };
  const bob = { username: 'bob', password: 'bob-pass' };
  let issuers: Issuer[] = [];
  let registries: RunningRegistry[] = [];
  let server: AppServer;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    issuers = await Promise.all(
      [0, 1].map(() => startIssuer({ users: [alice, bob].map((u) => ({ ...u, access: { repositories: { '*': ['*'] }, catalog: true } })) })),
    );
    registries = await Promise.all(issuers.map((issuer) => startRegistry({ mode: 'token', issuer })));
    for (const registry of registries) {
      for (const tag of ['1.0', '2.0']) {
        const image = buildSingleImage('faults/app', tag, { os: 'linux', architecture: 'amd64' }, { layers: [[{ path: 'tag', content: `${tag}\n` }]] });
        await pushLayoutOverHttp(registry.url, 'faults/app', tag, image.layout, alice);
      }
    }
    const allowed = [...registries.map((r) => r.url), ...issuers.map((i) => i.url), process.env.ALLOWED_REGISTRIES ?? ''];
    server = await startAppServer({ env: { ALLOWED_REGISTRIES: allowed.filter(Boolean).join(',') } });
  });

  test.afterAll(async () => {
    await server?.stop();
    await Promise.all([...registries.map((r) => r.stop()), ...issuers.map((i) => i.stop())]);
  });

  test('the registry killed mid-session: the next view says it cannot be reached', async ({ browser, bed }) => {
    const registry = registries[0] as RunningRegistry;
    const context = await browser.newContext({ baseURL: server.site });
    const page = await context.newPage();
    const statuses = apiStatuses(page);
    await new SignInPage(page).as(registry.host, alice.username, alice.password);
    await page.goto(`/${registry.host}/faults/app`);
    await expect(page.getByRole('link', { name: '2.0', exact: true })).toBeVisible();
    await page.goto(`/${registry.host}/faults/app:1.0`);
    await expect(page.getByRole('heading', { name: 'Layers' })).toBeVisible();

    await registry.stop();
    await page.goto(`/${registry.host}/faults/app:2.0`);
    await expectAlert(page, {
      code: 'UNREACHABLE',
      says: new RegExp(`Could not connect to ${registry.host}: the connection was (refused|reset)`),
      next: /Check the address and that the registry is running/,
    });
    expect(statuses).not.toContain(500);
    await expectHealthy(page, bed, server.site);
    expect(server.output()).not.toMatch(/unexpected error|unhandled/i);
    await context.close();
  });

  test('the token service down, the registry up: browsing and signing in say which is down', async ({ browser, bed }) => {
    const registry = registries[1] as RunningRegistry;
    const issuer = issuers[1] as Issuer;
    const tokenService = new URL(issuer.url).host;
    const down = {
      code: 'UNREACHABLE',
      says: new RegExp(`The token service for ${registry.host} \\(${tokenService}\\) could not be reached: the connection was refused`),
      next: /try again in a moment, and if it persists tell the registry's owner that its token service is down/,
    };
    // Signed in (which asks for no repository's token), then the token service stops: the first
    // view of a repository needs a token that was never fetched.
    const context = await browser.newContext({ baseURL: server.site });
    const page = await context.newPage();
    const statuses = apiStatuses(page);
    await new SignInPage(page).as(registry.host, alice.username, alice.password);
    await issuer.stop();
    await page.goto(`/${registry.host}/faults/app`);
    await expectAlert(page, down);

    // Signing in needs a token too, unless one is cached for the same credentials: another
    // person cannot sign in, and the form says why.
    const fresh = await browser.newContext({ baseURL: server.site });
    const signIn = new SignInPage(await fresh.newPage());
    await signIn.open(registry.host);
    await signIn.fill(null, bob.username, bob.password);
    await expect(signIn.alert()).toContainText(down.says);
    await expect(signIn.alert()).toContainText(down.next);
    await fresh.close();

    expect(statuses).not.toContain(500);
    await expectHealthy(page, bed, server.site);
    await context.close();
  });
});
