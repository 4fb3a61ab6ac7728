import { mkdirSync } from 'node:fs';
import { alertOf, test, expect, password } from './support';

// Screenshots of every view at desktop and phone width, for people to look at
// (test-results/screenshots/), and the README's picture of the tag view (docs/).
const widths = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

for (const size of widths) {
  test(`screenshots at ${size.name} width`, async ({ page, signIn, token, bed }) => {
    test.setTimeout(90_000);
    mkdirSync('test-results/screenshots', { recursive: true });
    await page.setViewportSize({ width: size.width, height: size.height });
    const shot = async (name: string) => {
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: `test-results/screenshots/${name}-${size.name}.png`, fullPage: true });
    };
    await signIn.open(token.host);
    await shot('sign-in');
    await signIn.fill(null, 'alice', 'wrong-password');
    await expect(signIn.alert()).toBeVisible();
    await shot('sign-in-error');
    await signIn.fill(null, 'alice', password(token, 'alice'));
    await expect(page).toHaveURL(`/${token.host}`);
    await expect(page.getByText(/repositories/).first()).toBeVisible();
    await shot('registry');
    await page.goto(`/${token.host}/${bed.content.manyTags.repo}`);
    await expect(page.getByText(/tags$/).first()).toBeVisible();
    await shot('tags');
    const multi = bed.content.multi;
    await page.goto(`/${token.host}/${multi.repo}:${multi.tags[0]}`);
    await expect(page.getByRole('cell', { name: 'linux/arm/v7', exact: true })).toBeVisible();
    await shot('index');
    if (size.name === 'desktop') {
      mkdirSync('docs', { recursive: true });
      await page.screenshot({ path: 'docs/tag-view.png' });
    }
    await page.goto(`/${token.host}/${bed.content.oci.repo}:${bed.content.oci.tag}`);
    await expect(page.getByRole('heading', { name: 'Layers' })).toBeVisible();
    await shot('image');
    await page.goto(`/${token.host}/${bed.content.signed.repo}@${bed.content.signed.artifactDigest}`);
    await shot('artifact');
    await page.goto(`/${token.host}/team/app:no-such-tag`);
    await expect(alertOf(page)).toBeVisible();
    await shot('not-found');
    await page.goto(`/${bed.fake.host}/warned/app:latest`);
    await expect(page.getByRole('note')).toBeVisible();
    await shot('registry-warning');
    await page.goto(`/${bed.fake.host}/ratelimited/app`);
    await expect(alertOf(page)).toBeVisible();
    await shot('rate-limited');
    await page.goto(`/${token.host}/team/App`);
    await shot('invalid-reference');
    await page.goto('/');
    await shot('home');
  });
}
