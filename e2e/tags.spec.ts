// Tag lists that know their images: details per row, sorting, the signature checkbox, loading
// every tag's details, index rows with image sizes, and a first paint that carries the data.
import type { Request } from '@playwright/test';
import { alertOf, test, expect, password } from './support';

/** "12.3 MB", "977 B": a number and a unit (a range "2.7 kB – 2.8 kB" for an index). */
const SIZE = /\d+(\.\d)? (B|kB|MB|GB)/;

/** Decimal kilobytes as Berth prints them: 124012 → "124.0 kB". */
const kB = (bytes: number) => `${(bytes / 1000).toFixed(bytes >= 100_000 ? 0 : 1)} kB`;

test.describe('tag rows', () => {
  test.beforeEach(async ({ signIn, token }) => {
    await signIn.as(token.host, 'alice', password(token, 'alice'));
  });

  test('each row shows digest, compressed size, created date and platforms', async ({ page, list, token, bed }) => {
    const multi = bed.content.multi;
    await page.goto(`/${token.host}/${multi.repo}`);
    const row = list.tagRow(multi.tags[0] ?? '1.0');
    await expect(row).toContainText(multi.indexDigest.slice(0, 19));
    await expect(row).toContainText(SIZE);
    await expect(row.getByRole('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/);
    for (const p of multi.platforms) await expect(row).toContainText([p.os, p.architecture, p.variant].filter(Boolean).join('/'));
    await expect(row).toContainText('attested'); // BuildKit attestations in the index
  });

  test('signature and attestation tags are hidden until asked for; the signed tag is marked', async ({ page, list, token, bed }) => {
    const signed = bed.content.signed;
    await page.goto(`/${token.host}/${signed.repo}`);
    await expect(list.tagRow(signed.tag)).toContainText('signed');
    await expect(list.row(signed.referrersTag)).toHaveCount(0);
    await expect(list.status()).toContainText('1 signature or attestation tag hidden');
    await page.getByLabel('Show signature and attestation tags').check();
    await expect(list.row(signed.referrersTag)).toBeVisible();
  });

  test('Filter takes /regex/, and says so when one is broken', async ({ page, list, token, bed }) => {
    await page.goto(`/${token.host}/${bed.content.manyTags.repo}`);
    await list.expectComplete(`${bed.content.manyTags.count.toLocaleString('en-US')} tags`);
    await list.filterBy('/^1\\.0\\.(1|2)$/');
    await expect(list.status()).toHaveText(/^2 of /);
    await expect(list.row('1.0.1')).toBeVisible();
    await expect(list.row('1.0.2')).toBeVisible();
    await list.filterBy('/(/');
    await expect(alertOf(page)).toContainText('regular expression');
  });

  test('Sort writes ?sort= into the link, and a link with it opens sorted', async ({ page, token, bed }) => {
    await page.goto(`/${token.host}/${bed.content.oci.repo}`);
    await page.getByLabel('Sort').selectOption('size');
    await expect(page).toHaveURL(/\?sort=size$/);
    await page.getByLabel('Sort').selectOption('newest');
    await expect(page).toHaveURL(/\?sort=newest$/);
    await page.reload();
    await expect(page.getByLabel('Sort')).toHaveValue('newest');
    await page.getByLabel('Sort').selectOption('name');
    await expect(page).toHaveURL(new RegExp(`/${bed.content.oci.repo}$`));
  });

  test('newest first on 1,500 tags: Berth says how many are known and loads the rest with progress', async ({ page, list, token, bed }) => {
    const many = bed.content.manyTags;
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/details?')) asked.push(r.url());
    });
    await page.goto(`/${token.host}/${many.repo}?sort=newest`);
    await list.expectComplete(`${many.count.toLocaleString('en-US')} tags`);
    const notice = page.getByText(/whose details are loaded/);
    await expect(notice).toBeVisible();
    // How many it still needs, each a request to the registry.
    await expect(notice).toContainText(/needs the details of 1,[45]\d\d more tags, a registry request each/);
    // "Load all details" keeps a couple of full batches in flight, never more.
    let inFlight = 0;
    let mostInFlight = 0;
    const fullBatch = (u: string) => u.includes('/details?') && new URL(u).searchParams.getAll('ref').length === 50;
    page.on('request', (r) => {
      if (fullBatch(r.url())) mostInFlight = Math.max(mostInFlight, ++inFlight);
    });
    const settled = (r: Request) => {
      if (fullBatch(r.url())) inFlight--;
    };
    page.on('requestfinished', settled);
    page.on('requestfailed', settled);
    await page.getByRole('button', { name: 'Load all details' }).click();
    const progress = page.getByRole('progressbar', { name: 'Tag details loaded' });
    await expect(progress).toBeVisible();
    expect(Number(await progress.getAttribute('aria-valuemax'))).toBeGreaterThan(1000);
    await expect(progress).toBeHidden({ timeout: 60_000 });
    await expect(notice).toBeHidden();
    // The rows themselves, each with its details: the counts above hold with no row rendered at all.
    await expect(list.rows().first()).toBeVisible();
    const first = (await list.rows().first().textContent())?.trim() ?? '';
    await expect(list.tagRow(first)).toContainText(SIZE);
    // Batches of at most 50, not one request per tag.
    const perRequest = asked.map((u) => new URL(u).searchParams.getAll('ref').length);
    expect(Math.max(...perRequest)).toBeLessThanOrEqual(50);
    expect(asked.length).toBeLessThan(many.count / 20);
    expect(mostInFlight).toBe(2);
  });

  test('a long list opens with its first rows in name order, and is in name order to its end', async ({ page, list, token, bed }) => {
    const many = bed.content.manyTags;
    await page.goto(`/${token.host}/${many.repo}`);
    await list.expectComplete(`${many.count.toLocaleString('en-US')} tags`);
    const shown = async () => (await list.rows().allTextContents()).map((t) => t.trim());
    await expect.poll(async () => (await shown()).slice(0, 3)).toEqual(['1.0.0', '1.0.1', '1.0.2']);
    // The end of the list: the rows past the first screen are in order too, not as the registry listed them.
    await page.locator('[data-tag-rows]').evaluate((box) => box.scrollTo(0, box.scrollHeight));
    await expect.poll(async () => (await shown()).slice(-3)).toEqual(['v1497', 'v1498', 'v1499']);
    await page.locator('[data-tag-rows]').evaluate((box) => box.scrollTo(0, box.scrollHeight / 2));
    await expect
      .poll(async () => {
        const middle = await shown();
        return middle.length > 10 && middle.every((tag, i) => i === 0 || tag.localeCompare(middle[i - 1] ?? '', 'en', { numeric: true }) > 0);
      })
      .toBe(true);
  });

  test('sorted by name, newest first and size; tags on one digest side by side', async ({ page, list, token, bed }) => {
    const dated = bed.content.dated;
    const order = async () => (await list.rows().allTextContents()).map((t) => t.trim());
    await page.goto(`/${token.host}/${dated.repo}`);
    await expect.poll(order).toEqual(['mid', 'new', 'old', 'stable', 'v3']);
    await page.getByLabel('Sort').selectOption('newest');
    await expect.poll(order).toEqual(['new', 'stable', 'v3', 'mid', 'old']);
    await page.getByLabel('Sort').selectOption('size');
    await expect.poll(order).toEqual(['mid', 'new', 'stable', 'v3', 'old']);
    // Each row's size and date are the image's own, as the registry holds them.
    for (const image of dated.images) {
      for (const tag of image.tags) {
        const row = list.tagRow(tag);
        await expect(row).toContainText(kB(image.size));
        await expect(row.getByRole('time')).toHaveAttribute('datetime', image.created);
        await expect(row).toContainText(image.digest.slice(0, 19));
      }
    }
  });

  test('Cancel stops loading details', async ({ page, token, bed }) => {
    await page.goto(`/${token.host}/${bed.content.manyTags.repo}?sort=size`);
    await page.getByRole('button', { name: 'Load all details' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('progressbar')).toBeHidden();
    await expect(page.getByRole('button', { name: 'Load all details' })).toBeVisible();
  });
});

test.describe('index rows', () => {
  test('each platform shows its image’s compressed size and date, and opens its image view', async ({ page, signIn, token, bed }) => {
    await signIn.as(token.host, 'alice', password(token, 'alice'));
    const multi = bed.content.multi;
    await page.goto(`/${token.host}/${multi.repo}:${multi.tags[0]}`);
    const arm = multi.platforms.find((p) => p.variant === 'v7');
    const row = page.getByRole('row').filter({ hasText: 'linux/arm/v7' });
    await expect(row).toContainText(SIZE, { timeout: 20_000 });
    await expect(row.getByRole('time')).toHaveCount(1);
    // Not the size of the manifest document (a few hundred bytes): the image's layers.
    await expect(page.getByRole('columnheader', { name: 'Manifest size' })).toHaveCount(0);
    await row.getByRole('link', { name: 'linux/arm/v7' }).click();
    await expect(page).toHaveURL(`/${token.host}/${multi.repo}@${arm?.digest}`);
    await expect(page.getByText('Total size')).toBeVisible();
  });
});

test.describe('the first paint carries the data', () => {
  test.use({ javaScriptEnabled: false });

  // A registry that answers quickly: its content already in Berth's caches, as after a first visit.
  test('without JavaScript, the tag list shows its rows with their details', async ({ page, bed }) => {
    // Anonymous pull of public/* on the token registry: no sign-in (which needs JavaScript).
    const pub = bed.content.public;
    const path = `/${bed.registries.token.host}/${pub.repo}`;
    await page.request.get(path);
    await page.goto(path);
    const row = page.getByRole('row').filter({ hasText: pub.tag });
    await expect(row).toContainText(SIZE);
    await expect(row).toContainText('linux/');
    await expect(page.getByText('Loading')).toHaveCount(0);
  });

  test('without JavaScript, an index view shows each platform’s size', async ({ page, bed }) => {
    // The open registry: no sign-in needed.
    const path = `/${bed.registries.anonymous.host}/${bed.content.multi.repo}:${bed.content.multi.tags[0]}`;
    await page.request.get(path);
    await page.goto(path);
    await expect(page.getByRole('row').filter({ hasText: 'linux/arm64/v8' })).toContainText(SIZE);
  });
});
