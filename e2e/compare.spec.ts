// Comparing two tags or digests: layers shared and not, with sizes and the steps that made them,
// the base image, sizes and dates, and the configuration that changed; two indexes per platform.
// The images are purpose-made and pushed into the scratch registry (same digests on every run).
import { test, expect, password } from './support';
import { loadBed } from './fixtures/bed-state';
import { COMPARE_REPO as REPO, pushCompareContent } from './compare-content';

test.describe('compare', () => {
  // Each test opens several views, each of four registry documents or more: room for a busy machine.
  test.describe.configure({ timeout: 90_000 });
  test.beforeAll(async () => pushCompareContent(loadBed().scratch));
  test.beforeEach(async ({ signIn, bed }) => signIn.as(bed.scratch.host, 'alice', password(bed.scratch, 'alice')));

  test('two tags on a shared base: layers shared and not, sizes and dates, changed env, labels and ports', async ({ page, bed }) => {
    const host = bed.scratch.host;
    await page.goto(`/${host}/${REPO}:v1`);
    await page.getByRole('link', { name: 'Compare with…' }).click();
    await expect(page).toHaveURL(`/${host}/${REPO}/-/compare?a=v1`);
    await page.getByLabel('B (tag or digest)').fill('v2');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await expect(page).toHaveURL(`/${host}/${REPO}/-/compare?a=v1&b=v2`);
    // The repository is a crumb that leads back to its tags; the comparison is the last one.
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
    await expect(crumbs.getByRole('link', { name: REPO, exact: true })).toHaveAttribute('href', `/${host}/${REPO}`);
    await expect(crumbs.locator('[aria-current="page"]')).toHaveText('compare');

    const shared = page.getByRole('table', { name: 'Shared layers' });
    await expect(shared.locator('tbody tr')).toHaveCount(1);
    await expect(shared).toContainText('ADD file:');
    await expect(page.getByRole('table', { name: 'Only in A' }).locator('tbody tr')).toHaveCount(1);
    const onlyB = page.getByRole('table', { name: 'Only in B' });
    await expect(onlyB.locator('tbody tr')).toHaveCount(2);
    await expect(onlyB).toContainText('COPY app/ /app/ # layer 2');
    await expect(onlyB).toContainText(/\d+(\.\d)? (B|kB)/);

    await expect(page.getByRole('note', { name: 'Summary' })).toContainText(
      /B is [\d.]+ k?B larger than A \(\+[\d.]+%\), compressed; B was built 3 days after A/,
    );
    await expect(page.getByRole('region', { name: 'A' })).toContainText('2025-01-01 10:00:00 UTC');
    const base = page.getByRole('heading', { name: 'Base image' }).locator('xpath=../..');
    await expect(base).toContainText('Both are built on example.invalid/base:1');
    await expect(base).toContainText('A and B share their first layer (');

    const changes = page.getByRole('table', { name: 'Configuration differences' });
    await expect(changes.getByRole('row').filter({ hasText: 'APP_MODE' })).toContainText(/Environment changed\s*APP_MODE\s*prod\s*debug/);
    await expect(changes.getByRole('row').filter({ hasText: 'org.opencontainers.image.version' })).toContainText(/1\.0\s*2\.0/);
    await expect(changes.getByRole('row').filter({ hasText: '9090/tcp' })).toContainText('added');
    await expect(changes.getByRole('row').filter({ hasText: 'PATH' })).toHaveCount(0);

    await page.getByRole('link', { name: 'Swap A and B' }).click();
    await expect(page).toHaveURL(`/${host}/${REPO}/-/compare?a=v2&b=v1`);
    await expect(page.getByRole('note', { name: 'Summary' })).toContainText('smaller than A');
  });

  test('two indexes, platform by platform; a platform only one has is said so', async ({ page, bed }) => {
    const host = bed.scratch.host;
    await page.goto(`/${host}/${REPO}/-/compare?a=multi-1&b=multi-2`);
    const platforms = page.getByRole('table', { name: 'Platforms of A and B' });
    await expect(platforms.getByRole('row').filter({ hasText: 'linux/arm/v7' })).toContainText('only in B');
    await expect(platforms.getByRole('row').filter({ hasText: 'linux/amd64' })).toContainText('compared below');
    await expect(page.getByRole('region', { name: 'A' })).toContainText('multi-1 (linux/amd64)');
    await expect(page.getByRole('table', { name: 'Configuration differences' })).toContainText(/1\.0\s*2\.0/);
    await platforms.getByRole('link', { name: 'Compare linux/arm64/v8' }).click();
    await expect(page).toHaveURL(/platform=linux%2Farm64%2Fv8$/);
    await expect(page.getByRole('region', { name: 'B' })).toContainText('multi-2 (linux/arm64/v8)');
    await expect(page.getByRole('region', { name: 'B' })).toContainText('linux/arm64/v8');
  });

  test('a tag and its own digest: the same image, said once instead of a comparison of nothing', async ({ page, bed }) => {
    const host = bed.scratch.host;
    await page.goto(`/${host}/${REPO}:v1`);
    const digest =
      (await page
        .getByText(/^sha256:[0-9a-f]{64}$/)
        .first()
        .textContent()) ?? '';
    await page.goto(`/${host}/${REPO}/-/compare?a=v1&b=${digest}`);
    const summary = page.getByRole('note', { name: 'Summary' });
    await expect(summary).toContainText(`A (v1) and B (${digest}) are the same image`);
    await expect(summary).toContainText('nothing differs');
    await expect(page.getByRole('heading', { name: 'Layers' })).toHaveCount(0);
  });

  test('an index and an image: the index’s image for the same platform', async ({ page, bed }) => {
    await page.goto(`/${bed.scratch.host}/${REPO}/-/compare?a=multi-1&b=v1`);
    await expect(page.getByRole('region', { name: 'A' })).toContainText('multi-1 (linux/amd64)');
    await expect(page.getByRole('region', { name: 'B' })).toContainText('linux/amd64');
    // Both were made with the same configuration; only v1 names its base.
    await expect(page.getByText('The same configuration')).toBeVisible();
    await expect(page.getByText('A is built on a base it does not name, B on example.invalid/base:1')).toBeVisible();
  });
});
