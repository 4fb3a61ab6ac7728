// Docker Hub against the bed's stand-in (e2e/fixtures/README.md "Docker Hub stand-in"): its Hub API
// for namespaces and tag details, and registry-1 behind a pull-limit proxy for manifests.
import type { Page } from '@playwright/test';
import type { BedHub } from './fixtures/bed-state';
import { alertOf, expect, password, test } from './support';

interface HubApiStats {
  login: number;
  repositories: number;
  tags: number;
  other: number;
  rateLimited: number;
}
interface ProxyStats {
  requests: number;
  manifestGet: number;
  manifestHead: number;
  pulls: number;
  rateLimited: number;
}

// Most tests sign in, open several views and count what reached the stand-in: more than one view's time.
test.describe.configure({ timeout: 90_000 });

const getJson = async <T>(url: string): Promise<T> => (await fetch(url)).json() as Promise<T>;
const post = (url: string, body?: unknown) =>
  fetch(url, { method: 'POST', ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });

/** What Berth asked of the stand-in (Hub API, registry-1 and its token service) since the last reset. */
async function hubRequests(hub: BedHub) {
  const [api, proxy, issuer] = await Promise.all([
    getJson<HubApiStats>(hub.statsUrl),
    getJson<ProxyStats>(hub.proxy.statsUrl),
    getJson<{ tokenRequests: number }>(hub.issuer.statsUrl),
  ]);
  return { api, proxy, tokens: issuer.tokenRequests };
}
async function resetHubRequests(hub: BedHub): Promise<void> {
  await Promise.all([post(hub.statsResetUrl), post(hub.proxy.statsResetUrl), post(hub.issuer.statsResetUrl)]);
}

/** Runs `run` while the stand-in's limit at `url` (the registry's pull limit or the API's rate limit) is `limit`, counting requests from zero; restores it after. */
async function whileLimited(hub: BedHub, url: string, limit: { remaining: number; retryAfter: number }, run: () => Promise<void>): Promise<void> {
  await post(url, limit);
  try {
    await resetHubRequests(hub);
    await run();
  } finally {
    await post(url, {});
  }
}

/**
 * The view at `path` says TOOMANYREQUESTS and `says`, its Retry waiting for the time named; opened
 * again, it says so again (what it asked of the stand-in meanwhile is for the caller to check).
 */
async function expectRateLimited(page: Page, path: string, says: string[]): Promise<void> {
  await page.goto(path);
  const alert = alertOf(page);
  await expect(alert).toContainText('TOOMANYREQUESTS');
  for (const text of says) await expect(alert).toContainText(text);
  await expect(alert.getByRole('button', { name: /Retry \(\d+ s\)/ })).toBeDisabled();
  await page.reload();
  await expect(alertOf(page)).toContainText('TOOMANYREQUESTS');
  await page.waitForTimeout(2_000);
}

const pat = (bed: { hub: BedHub }, account: 'user' | 'twoFactor' | 'org') => bed.hub.accounts[account].tokens[0] ?? '';
const repositoriesOf = (hub: BedHub, namespace: string, viewer: 'owner' | 'anonymous') =>
  hub.content.repositories.filter((r) => r.namespace === namespace && (viewer === 'owner' || !r.isPrivate));

/** Scrolls a virtualised list or table to its end until `done` holds. */
async function scrollToEnd(page: Page, done: () => Promise<void>): Promise<void> {
  const scroller = page.locator('[data-tag-rows], ul[role="list"]').first().locator('xpath=ancestor-or-self::div[contains(@class,"overflow-auto")][1]');
  await expect(async () => {
    await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await done();
  }).toPass({ timeout: 20_000 });
}

test.describe('signing in to Docker Hub', () => {
  test('with a personal access token: your own namespace, private repositories included, and a Filter past page 1', async ({ page, signIn, list, bed }) => {
    const hub = bed.hub;
    const own = repositoriesOf(hub, 'berthuser', 'owner');
    await signIn.as('docker.io', 'berthuser', pat(bed, 'user'));
    await expect(page).toHaveURL('/docker.io');
    await expect(page.getByLabel('Namespace')).toHaveValue('berthuser');
    await expect(list.status()).toHaveText(`Loaded 100 of ${own.length} repositories…`);
    const privateRow = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'private-app', exact: true }) });
    await expect(privateRow).toContainText('Private');
    await expect(privateRow).toContainText('private-app: a repository of the Berth Docker Hub stand-in');
    // The least recently updated repository is on the second page: the Filter fetches it.
    const oldest = [...own].sort((a, b) => Date.parse(a.lastUpdated) - Date.parse(b.lastUpdated))[0]?.name ?? '';
    await list.filterBy(oldest);
    await expect(list.row(oldest)).toBeVisible();
    await list.expectComplete(`1 of ${own.length} repositories match`);
    await list.row(oldest).click();
    await expect(page).toHaveURL(`/docker.io/berthuser/${oldest}`);
  });

  test('a wrong token is refused on the sign-in page', async ({ page, signIn }) => {
    await signIn.open('docker.io');
    // The form says what Docker Hub takes, where a screen reader reads it too.
    await expect(signIn.password()).toHaveAccessibleDescription(/personal access token \(dckr_pat_…\), which accounts with two-factor authentication need/);
    await signIn.fill(null, 'berthuser', 'dckr_pat_NotTheRightOne000000000000');
    await expect(signIn.alert()).toContainText('UNAUTHORIZED');
    await expect(signIn.alert()).toContainText('rejected the username or password (or token)');
    await expect(page).toHaveURL(/\/login\?/);
  });

  test("a two-factor account's password: use an access token, which then works", async ({ page, signIn, list, bed }) => {
    const mfa = bed.hub.accounts.twoFactor;
    await signIn.open('docker.io');
    await signIn.fill(null, mfa.username, mfa.password ?? '');
    await expect(signIn.alert()).toContainText('ACCESS_TOKEN_REQUIRED');
    await expect(signIn.alert()).toContainText('two-factor authentication');
    await expect(signIn.alert()).toContainText('personal access token');
    await signIn.password().fill(pat(bed, 'twoFactor'));
    await signIn.submit().click();
    await expect(page).toHaveURL('/docker.io');
    await list.expectComplete(`${repositoriesOf(bed.hub, mfa.username, 'owner').length} repositories`);
    await expect(page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'vault', exact: true }) })).toContainText('Private');
  });

  test('anonymously: Docker Hub asks for a namespace, and the pull limit is the one everyone shares', async ({ page, signIn, list, bed }) => {
    await signIn.as('docker.io', '', '');
    await expect(page).toHaveURL('/docker.io');
    await expect(page.getByText('Docker Hub lists one namespace at a time')).toBeVisible();
    await page.getByLabel('Namespace').fill('Library/');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(page).toHaveURL('/docker.io?namespace=library');
    await list.expectComplete(`${repositoriesOf(bed.hub, 'library', 'anonymous').length} repositories`);
    await expect(page.locator('[data-pull-limit]')).toContainText('Shared by everyone using this Berth without signing in');
    await page.goto('/');
    await expect(page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'docker.io', exact: true }) })).toContainText('anonymous');
  });

  test("an organisation's access token lists the organisation", async ({ page, signIn, list, bed }) => {
    const org = bed.hub.accounts.org;
    await signIn.as('docker.io', org.username, pat(bed, 'org'));
    await expect(page).toHaveURL('/docker.io');
    await list.expectComplete(`${repositoriesOf(bed.hub, org.username, 'owner').length} repositories`);
    await expect(list.row('internal')).toBeVisible();
  });
});

test.describe('Docker Hub without signing in', () => {
  test('asks for a namespace, lists a public one without its private repositories, sorts in the link', async ({ page, list, bed }) => {
    const hub = bed.hub;
    await resetHubRequests(hub);
    // Already in the page's HTML, and without asking Docker Hub anything: there is nothing to ask for.
    expect(await (await page.request.get('/docker.io')).text()).toContain('Docker Hub lists one namespace at a time');
    await page.goto('/docker.io');
    await expect(page.getByText('Docker Hub lists one namespace at a time')).toBeVisible();
    expect((await hubRequests(hub)).api.repositories).toBe(0);
    await page.getByRole('link', { name: 'library', exact: true }).click();
    await expect(page).toHaveURL('/docker.io?namespace=library');
    await list.expectComplete(`${repositoriesOf(hub, 'library', 'anonymous').length} repositories`);
    await expect(list.row('alpine')).toBeVisible();

    await page.getByLabel('Namespace').fill('berthuser');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(page).toHaveURL('/docker.io?namespace=berthuser');
    const publicOnes = repositoriesOf(hub, 'berthuser', 'anonymous');
    await expect(list.status()).toHaveText(`Loaded 100 of ${publicOnes.length} repositories…`);
    await expect(page.getByText('Public repositories only.')).toBeVisible();
    await list.filterBy('private-app');
    await expect(page.getByText('No repositories match “private-app”.')).toBeVisible();
    await list.expectComplete(`0 of ${publicOnes.length} repositories match`);
    await expect(page.getByText('Private', { exact: true })).toHaveCount(0);

    await list.filterBy('');
    await page.getByRole('navigation', { name: 'Sort' }).getByRole('link', { name: 'Pulls' }).click();
    await expect(page).toHaveURL('/docker.io?namespace=berthuser&sort=pulls');
    const mostPulled = [...publicOnes].sort((a, b) => b.pullCount - a.pullCount)[0]?.name ?? '';
    await expect(list.rows().first()).toHaveText(mostPulled);
  });

  test('library/ short names: the tags of an official image, then the image, from the Hub API and one pull', async ({ page, list, bed }) => {
    const hub = bed.hub;
    const alpine = hub.content.repositories.find((r) => r.repo === 'library/alpine');
    const digest = alpine?.tags['3.21'] ?? '';
    await page.goto('/docker.io/alpine');
    await expect(page).toHaveURL('/docker.io/library/alpine');
    await list.expectComplete('3 tags');
    const row = list.tagRow('3.21');
    await expect(row).toContainText(digest.slice(0, 19));
    await expect(row).toContainText('linux/amd64, linux/arm64/v8, linux/arm/v7');
    await expect(row).toContainText(/\d(\.\d)? (B|kB|MB)/);

    await resetHubRequests(hub);
    await page.goto('/alpine:3.21');
    await expect(page).toHaveURL('/docker.io/library/alpine:3.21');
    await expect(page.getByText(digest).first()).toBeVisible();
    // Every platform's size and date, from the Hub API rather than a pull per platform.
    const platform = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'linux/arm/v7', exact: true }) });
    await expect(platform).toContainText(/\d(\.\d)? (B|kB|MB)/);
    const { proxy } = await hubRequests(hub);
    expect(proxy.pulls).toBe(1);
  });

  test('an index by digest: its platforms cost no pull until the person asks for their sizes', async ({ page, bed }) => {
    const hub = bed.hub;
    const alpine = hub.content.repositories.find((r) => r.repo === 'library/alpine');
    const digest = alpine?.tags['3.21'] ?? '';
    // Three platform images and their three attestations.
    const entries = hub.content.manifests[digest]?.images.length ?? 0;
    expect(entries).toBe(6);
    await resetHubRequests(hub);
    await page.goto(`/docker.io/library/alpine@${digest}`);
    const platform = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'linux/arm/v7', exact: true }) });
    await expect(platform).toBeVisible();
    // Hovering links to platform images reads nothing either (each read would be a pull).
    for (const name of ['linux/amd64', 'linux/arm/v7']) await page.getByRole('link', { name, exact: true }).hover();
    await expect(page.getByText('Sizes and dates of 6 entries are not loaded: Docker Hub counts reading each one as a pull.')).toBeVisible();
    // Nothing more is asked once the page has settled: the rows have no size, and the registry
    // served at most the index itself (none when Berth still holds it from the tag view).
    await page.waitForLoadState('networkidle');
    await expect(platform).not.toContainText(/\d(\.\d)? (B|kB|MB)/);
    const before = (await hubRequests(hub)).proxy.pulls;
    expect(before).toBeLessThanOrEqual(1);
    await page.getByRole('button', { name: 'Load them (6 pulls)' }).click();
    await expect(platform).toContainText(/\d(\.\d)? (B|kB|MB)/);
    await expect(page.getByRole('button', { name: /^Load them/ })).toHaveCount(0);
    await expect.poll(async () => (await hubRequests(hub)).proxy.pulls).toBe(before + entries);
  });
});

test('the 250-tag Hub repository: every row with its details from 3 Hub API requests, none to the registry', async ({ page, list, bed }) => {
  const hub = bed.hub;
  const many = hub.content.repositories.find((r) => r.repo === hub.content.manyTags.repo);
  if (!many) throw new Error('the bed has no many-tags repository');
  const byAge = Object.entries(many.tags).sort(([a, da], [b, db]) => {
    const d = Date.parse(hub.content.manifests[db]?.created ?? '') - Date.parse(hub.content.manifests[da]?.created ?? '');
    return d || a.localeCompare(b, 'en', { numeric: true });
  });
  const newest = byAge[0]?.[0] ?? '';
  const oldest = byAge.at(-1)?.[0] ?? '';
  await resetHubRequests(hub);
  await page.goto(`/docker.io/${many.repo}`);
  await expect(page.getByLabel('Sort')).toHaveValue('newest');
  await expect(list.rows().first()).toHaveText(newest);
  await expect(list.tagRow(newest)).toContainText('linux/amd64, linux/arm64/v8, linux/arm/v7');
  await expect(list.status()).toHaveText(`Loaded 100 of ${hub.content.manyTags.count} tags…`);
  await scrollToEnd(page, () => expect(list.status()).toHaveText(`${hub.content.manyTags.count} tags`, { timeout: 1_000 }));
  await scrollToEnd(page, () => expect(list.tagRow(oldest)).toBeVisible({ timeout: 1_000 }));
  const last = hub.content.manifests[many.tags[oldest] ?? ''];
  await expect(list.tagRow(oldest)).toContainText((last?.digest ?? '').slice(0, 19));
  await expect(list.tagRow(oldest)).toContainText(last?.images.map((i) => [i.os, i.architecture, i.variant].filter(Boolean).join('/')).join(', ') ?? '');
  // Sorting by size needs every tag's details: they are all there already.
  await page.getByLabel('Sort').selectOption('size');
  await expect(page.getByRole('button', { name: 'Load all details' })).toHaveCount(0);
  await expect(list.rows().first()).toBeVisible();
  const { api, proxy, tokens } = await hubRequests(hub);
  expect({ hubApi: api.tags + api.login + api.repositories + api.other, registry: proxy.requests, tokens }).toEqual({ hubApi: 3, registry: 0, tokens: 0 });
});

test("an image's view: its config through the registry, and what is left of the pull limit", async ({ page, list, bed }) => {
  const hub = bed.hub;
  const hello = hub.content.repositories.find((r) => r.repo === 'library/hello');
  await page.goto(`/docker.io/library/hello:latest`);
  await expect(page.getByText(hello?.tags.latest ?? 'no digest').first()).toBeVisible();
  await expect(page.getByText('linux/amd64').first()).toBeVisible();
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
  const { remaining, limit } = await getJson<{ remaining: number; limit: number }>(hub.proxy.limitUrl);
  const pullLimit = page.locator('[data-pull-limit]');
  await expect(pullLimit).toContainText(`Docker Hub pull limit: ${remaining} of ${limit} pulls left per 6 h`);
  await expect(pullLimit).toContainText('Shared by everyone using this Berth without signing in');
  // Known now on the other Docker Hub views too.
  await page.goto('/docker.io/library/hello');
  await list.expectComplete('1 tag');
  await expect(pullLimit).toContainText(`${remaining} of ${limit} pulls left`);
});

test("an image's files cost no pull: the layers are blobs, and the manifest is read by digest from what the image view read", async ({ page, bed }) => {
  const hub = bed.hub;
  await page.goto(`/docker.io/library/hello:latest`);
  const pullLimit = page.locator('[data-pull-limit]');
  await expect(pullLimit).toContainText('pulls left per 6 h');
  const before = await getJson<ProxyStats>(hub.proxy.statsUrl);
  const { remaining } = await getJson<{ remaining: number }>(hub.proxy.limitUrl);
  await page.getByRole('link', { name: 'Files', exact: true }).click();
  const root = page.getByRole('table', { name: 'Files in /' });
  await expect(root.getByRole('row').nth(1)).toBeVisible();
  await root.getByRole('row').nth(1).getByRole('link').click();
  // The entry's own view, not the root still showing: its link is in the address (and in the history, for the two steps back below).
  await expect(page).toHaveURL(/\/-\/files\?(path|file)=/);
  await expect(
    page
      .getByRole('table')
      .or(page.getByRole('button', { name: 'Download' }))
      .first(),
  ).toBeVisible();
  const after = await getJson<ProxyStats>(hub.proxy.statsUrl);
  expect(after.pulls - before.pulls, 'manifest GETs (pulls) while browsing the files').toBe(0);
  expect(after.requests - before.requests, 'the layer blobs were read').toBeGreaterThan(0);
  expect((await getJson<{ remaining: number }>(hub.proxy.limitUrl)).remaining).toBe(remaining);
  await page.goBack();
  await page.goBack();
  await expect(pullLimit).toContainText(`${remaining} of`);
});

// Berth holds requests after a 429 per connection, and the anonymous connection is the whole
// server's: these tests sign in with accounts no later test uses, so the waits they cause hold up
// nobody else's views.
test('a 429 from the registry says when to try again, and nothing asks again before then', async ({ page, signIn, bed }) => {
  const hub = bed.hub;
  await signIn.as('docker.io', hub.accounts.twoFactor.username, pat(bed, 'twoFactor'));
  await whileLimited(hub, hub.proxy.limitUrl, { remaining: 0, retryAfter: 600 }, async () => {
    await expectRateLimited(page, '/docker.io/library/busybox:latest', ['pull limit is used up', 'Pulls work again in 10 min']);
    await expect(page.locator('[data-pull-limit]')).toContainText('Used up: pulls work again in 10 min');
    const { proxy } = await hubRequests(hub);
    expect({ rateLimited: proxy.rateLimited, manifestGet: proxy.manifestGet }).toEqual({ rateLimited: 1, manifestGet: 1 });
  });
});

test('a 429 from the Hub API says when to try again, and nothing asks again before then', async ({ page, signIn, bed }) => {
  const hub = bed.hub;
  await signIn.as('docker.io', hub.accounts.org.username, pat(bed, 'org'));
  await whileLimited(hub, hub.rateLimitUrl, { remaining: 0, retryAfter: 30 }, async () => {
    await expectRateLimited(page, '/docker.io?namespace=library', ["Docker Hub's API is limiting Berth's requests. Try again in"]);
    const { api } = await hubRequests(hub);
    expect({ rateLimited: api.rateLimited, repositories: api.repositories }).toEqual({ rateLimited: 1, repositories: 1 });
  });
});

test('a registry that does not list its repositories: one sentence, open by name, and the ones opened here before', async ({ page, signIn, token }) => {
  await signIn.as(token.host, 'carol', password(token, 'carol'));
  await page.goto(`/${token.host}`);
  await expect(page.getByText(`${token.host} does not list its repositories for carol; open one by name.`)).toBeVisible();
  await expect(page.getByText('Repositories you open on')).toBeVisible();
  await page.getByLabel('Repository name').fill('team/app');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page).toHaveURL(`/${token.host}/team/app`);
  await expect(alertOf(page)).toContainText('DENIED');
  await page.goto(`/${token.host}`);
  const recent = page.getByRole('list', { name: 'Opened recently in this browser' });
  await recent.getByRole('link', { name: 'team/app' }).click();
  await expect(page).toHaveURL(`/${token.host}/team/app`);
  // Kept in this browser only, and forgotten on signing out.
  expect(await page.evaluate(() => localStorage.getItem('berth.recent-repositories'))).toContain('team/app');
  await page.goto('/');
  await page.getByRole('listitem').filter({ hasText: token.host }).getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect.poll(() => page.evaluate(() => localStorage.getItem('berth.recent-repositories'))).not.toContain('team/app');
});
