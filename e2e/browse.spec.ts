import { startAppServer, type AppServer } from './fixtures/app-server';
import { loadBed } from './fixtures/bed-state';
import { startRegistryProxy, type RegistryProxy } from './fixtures/registry-proxy';
import { alertOf, test, expect, password, issuedTokens } from './support';

const SIZE = /\d+(\.\d)? (B|kB|MB|GB)/;

test.describe('browsing', () => {
  test.beforeEach(async ({ signIn, token }) => {
    await signIn.as(token.host, 'alice', password(token, 'alice'));
  });

  test('the catalog past several pages, with a Filter that reaches every page', async ({ page, list, token, bed }) => {
    await page.goto(`/${token.host}`);
    const lastRepo = bed.content.manyRepos.last;
    await list.filterBy(lastRepo);
    await expect(list.row(lastRepo)).toBeVisible({ timeout: 20_000 });
    await list.expectComplete(`1 of ${bed.content.repositoryCount} repositories match`);
    await list.row(lastRepo).click();
    await expect(page).toHaveURL(`/${token.host}/${lastRepo}`);
  });

  test('scrolling the catalog loads the following pages', async ({ page, list, token, bed }) => {
    await page.goto(`/${token.host}`);
    await expect(list.status()).toContainText('Loaded 100 of many repositories');
    const scroller = list.rows().first().locator('xpath=ancestor::div[contains(@class,"overflow-auto")][1]');
    await expect(async () => {
      await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await expect(list.status()).toHaveText(`${bed.content.repositoryCount} repositories`, { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect(list.row(bed.content.manyRepos.last)).toBeVisible();
  });

  test(`a repository with over 1,500 tags: count, scroll and filter`, async ({ page, list, token, bed }) => {
    const many = bed.content.manyTags;
    await page.goto(`/${token.host}/${many.repo}`);
    await list.expectComplete(`${many.count.toLocaleString('en-US')} tags`);
    // Virtualised: the rows that fill the list's height (and a few more), far fewer than the tags.
    await expect(list.rows().first()).toBeVisible();
    const rendered = await list.rows().count();
    expect(rendered).toBeGreaterThanOrEqual(10);
    expect(rendered).toBeLessThan(200);
    const junk = many.junkTags[0] ?? '';
    await list.filterBy(junk.slice(0, 20));
    // Signature and attestation tags are hidden until asked for.
    await expect(list.row(junk)).toHaveCount(0);
    await page.getByLabel('Show signature and attestation tags').check();
    await expect(list.row(junk)).toBeVisible();
  });

  test('arrow keys move between rows of a long list, past what is rendered', async ({ page, list, token, bed }) => {
    await page.goto(`/${token.host}/${bed.content.manyTags.repo}`);
    await list.expectComplete(`${bed.content.manyTags.count.toLocaleString('en-US')} tags`);
    await list.filter().focus();
    await page.keyboard.press('ArrowDown');
    const focused = page.locator('[data-row-index]:focus');
    await expect(focused).toHaveAttribute('data-row-index', '0');
    for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowDown');
    await expect(focused).toHaveAttribute('data-row-index', '40');
    await expect(focused).toBeInViewport();
    await page.keyboard.press('ArrowUp');
    await expect(focused).toHaveAttribute('data-row-index', '39');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/${bed.content.manyTags.repo}:`));
  });

  test('a multi-platform index lists its platforms, with attestations under their image', async ({ page, token, bed }) => {
    const multi = bed.content.multi;
    await page.goto(`/${token.host}/${multi.repo}:${multi.tags[0]}`);
    for (const label of ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7']) {
      await expect(page.getByRole('cell', { name: label, exact: true })).toBeVisible();
    }
    await expect(page.getByText('attestation-manifest')).toHaveCount(multi.attestations.length);
    await expect(page.getByText(multi.indexDigest).first()).toBeVisible();
    // Each platform links to its manifest by digest.
    const arm = multi.platforms.find((p) => p.architecture === 'arm64');
    await page
      .getByRole('link', { name: new RegExp(arm?.digest.slice(0, 19) ?? 'x') })
      .first()
      .click();
    await expect(page).toHaveURL(`/${token.host}/${multi.repo}@${arm?.digest}`);
    await expect(page.getByText('linux/arm64/v8').first()).toBeVisible();
  });

  test('a tag view and a tag list arrive with their data: already in the HTML, not asked again', async ({ page, list, token, bed }) => {
    const multi = bed.content.multi;
    const path = `/${token.host}/${multi.repo}:${multi.tags[0]}`;
    // The server answers with the manifest rendered (the request shares the page's session cookie).
    const html = await (await page.request.get(path)).text();
    expect(html).toContain(multi.indexDigest);
    const asked: string[] = [];
    page.on('request', (request) => {
      if (/\/api\/registries\/[^/]+\/(manifest|config|tags|repositories|details)\b/.test(request.url())) asked.push(request.url());
    });
    await page.goto(path);
    await expect(page.getByRole('cell', { name: 'linux/arm/v7', exact: true })).toBeVisible();
    await page.goto(`/${token.host}/${bed.content.oci.repo}:${bed.content.oci.tag}`);
    await expect(page.getByText('Entrypoint', { exact: true })).toBeVisible();
    await page.goto(`/${token.host}/${multi.repo}`);
    await expect(list.row(multi.tags[0] ?? '')).toBeVisible();
    await page.waitForLoadState('networkidle');
    expect(asked).toEqual([]);
  });

  test('image details: size, created, entrypoint, env, ports, labels, layers', async ({ page, token, bed }) => {
    const oci = bed.content.oci;
    await page.goto(`/${token.host}/${oci.repo}:${oci.tag}`);
    await expect(page.getByRole('heading', { name: 'Environment' })).toBeVisible();
    await expect(page.getByText('8080/tcp', { exact: true })).toBeVisible();
    await expect(page.getByText('["/app/server"]', { exact: true })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Labels' })).toBeVisible();
    for (const layer of oci.layerDigests) await expect(page.getByText(layer.slice(0, 19))).toBeVisible();
    await expect(page.getByText(`docker pull ${token.host}/${oci.repo}:${oci.tag}`)).toBeVisible();
    await expect(page.getByText(`docker pull ${token.host}/${oci.repo}@${oci.digest}`)).toBeVisible();
  });

  test('the digest link opens the same manifest, and an artifact shows its subject', async ({ page, token, bed }) => {
    const signed = bed.content.signed;
    await page.goto(`/${token.host}/${signed.repo}:${signed.tag}`);
    await expect(page.getByText(signed.artifactDigest.slice(0, 19)).first()).toBeVisible();
    await page.goto(`/${token.host}/${signed.repo}@${signed.artifactDigest}`);
    await expect(page.getByText(signed.artifactType).first()).toBeVisible();
    await expect(page.getByRole('link', { name: new RegExp(signed.subjectDigest.slice(7, 19)) }).first()).toBeVisible();
  });

  test('reloading a view fetches no new token', async ({ page, token, bed }) => {
    const oci = bed.content.oci;
    await page.goto(`/${token.host}/${oci.repo}:${oci.tag}`);
    await expect(page.getByRole('heading', { name: 'Layers' })).toBeVisible();
    const before = await issuedTokens(bed);
    for (let i = 0; i < 3; i++) {
      await page.reload();
      await expect(page.getByRole('heading', { name: 'Layers' })).toBeVisible();
    }
    await page.goto(`/${token.host}/${oci.repo}`);
    await expect(page.getByRole('link', { name: oci.tag, exact: true })).toBeVisible();
    expect(await issuedTokens(bed)).toBe(before);
  });

  test('unknown tag and unknown repository say so, with a retry', async ({ page, token }) => {
    await page.goto(`/${token.host}/team/app:no-such-tag`);
    await expect(alertOf(page)).toContainText('MANIFEST_UNKNOWN');
    await expect(page.getByRole('button', { name: /Retry|Try again/ })).toBeVisible();
    await page.goto(`/${token.host}/no/such-repo`);
    await expect(alertOf(page)).toContainText('NAME_UNKNOWN');
  });
});

test('a pull-only user is denied a repository outside its rights', async ({ page, signIn, token, bed }) => {
  await signIn.as(token.host, 'bob', password(token, 'bob'));
  await page.goto(`/${token.host}/${bed.content.secret.repo}:${bed.content.secret.tag}`);
  const alert = alertOf(page);
  await expect(alert).toContainText('DENIED');
  await expect(alert).toContainText('bob may not read');
});

test("a registry's Warning header is shown on the manifest", async ({ page, bed }) => {
  await page.goto(`/${bed.fake.host}/warned/app:latest`);
  await expect(page.getByRole('note')).toContainText('warned/app is deprecated; use ok/app');
});

test('a registry that rate-limits shows when to try again', async ({ page, bed }) => {
  await page.goto(`/${bed.fake.host}/ratelimited/app`);
  const alert = alertOf(page);
  await expect(alert).toContainText('TOOMANYREQUESTS');
  await expect(alert).toContainText('7 s');
});

test.describe('views stream in what a registry has not answered by the first paint', () => {
  // The bed's open registry behind a proxy that holds every read of a manifest by digest (the
  // platform images and attestations) until the test lets them through: the index itself, read
  // by tag, passes at once.
  let proxy: RegistryProxy;
  let server: AppServer;
  test.beforeAll(async () => {
    proxy = await startRegistryProxy(loadBed().registries.anonymous.url, { hold: (method, path) => /\/manifests\/sha256:/.test(path) });
    server = await startAppServer({ env: { ALLOWED_REGISTRIES: proxy.url } });
  });
  test.afterAll(async () => {
    await server?.stop();
    await proxy?.close();
  });

  test('the platform rows paint before any platform image is read; sizes stream into the same page, which asks for none', async ({ page, bed }) => {
    const multi = bed.content.multi;
    const asked: string[] = [];
    page.on('request', (request) => {
      if (/\/api\/registries\/[^/]+\/details\b/.test(request.url())) asked.push(request.url());
    });
    // Not waiting for the page's load: the page is still arriving (the sizes stream in at its end).
    await page.goto(`${server.site}/${proxy.host}/${multi.repo}:${multi.tags[0]}`, { waitUntil: 'commit' });
    const arm = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'linux/arm64/v8', exact: true }) });
    await expect(arm).toBeVisible();
    expect(proxy.held()).toBeGreaterThan(0); // Berth is reading the platform images: none has answered
    await expect(arm).not.toContainText(SIZE);
    proxy.release();
    for (const label of ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7']) {
      await expect(page.getByRole('row').filter({ has: page.getByRole('cell', { name: label, exact: true }) })).toContainText(SIZE);
    }
    await page.waitForLoadState('networkidle');
    expect(asked, 'the sizes came with the page, not from asking the server again').toEqual([]);
  });

  test('a tag list whose rows’ details miss the first paint gets them streamed into the same page, which asks for none', async ({ page, bed }) => {
    const app = bed.content.oci;
    proxy.holdAgain();
    const asked: string[] = [];
    page.on('request', (request) => {
      if (/\/api\/registries\/[^/]+\/details\b/.test(request.url())) asked.push(request.url());
    });
    await page.goto(`${server.site}/${proxy.host}/${app.repo}`, { waitUntil: 'commit' });
    const row = page.getByRole('row').filter({ hasText: app.tag });
    await expect(row).toBeVisible();
    expect(proxy.held()).toBeGreaterThan(0); // the rows' images are being read: none has answered
    proxy.release();
    await expect(row).toContainText(SIZE);
    await page.waitForLoadState('networkidle');
    expect(asked, 'the details came with the page, not from asking the server again').toEqual([]);
  });
});
