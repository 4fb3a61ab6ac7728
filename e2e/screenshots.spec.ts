import { copyFileSync, mkdirSync } from 'node:fs';
import { alertOf, test, expect, password } from './support';
import { COMPARE_REPO, pushCompareContent } from './compare-content';
import { nonce, pushImage } from './scratch';

// Screenshots of every view at desktop and phone width, for people to look at. They go to
// test-results/screenshots/ only, so a test run leaves the working tree as it found it. The
// README's picture (docs/tag-view.png) is refreshed on request: `npm run docs:picture`
// (BERTH_UPDATE_DOCS_PICTURE=1).
const widths = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

const DIR = 'test-results/screenshots';

for (const size of widths) {
  test(`screenshots at ${size.name} width`, async ({ page, signIn, list, token, bed }) => {
    test.setTimeout(180_000);
    mkdirSync(DIR, { recursive: true });
    await page.setViewportSize({ width: size.width, height: size.height });
    /** Shoots the page once it is what `ready` says it is (each shot shows a view, not a spinner). */
    const shot = async (name: string, ready: () => Promise<void>, fullPage = true) => {
      await ready();
      await page.waitForLoadState('networkidle');
      await ready();
      await page.screenshot({ path: `${DIR}/${name}-${size.name}.png`, fullPage });
    };
    const c = bed.content;
    await signIn.open(token.host);
    await shot('sign-in', () => expect(signIn.submit()).toBeEnabled());
    await signIn.fill(null, 'alice', 'wrong-password');
    await shot('sign-in-error', () => expect(signIn.alert()).toContainText('rejected the username or password'));
    await signIn.fill(null, 'alice', password(token, 'alice'));
    await expect(page).toHaveURL(`/${token.host}`);
    await shot('registry', () => expect(list.row(c.repositories[0] ?? '')).toBeVisible());
    await page.goto(`/${token.host}/${c.manyTags.repo}`);
    await shot('tags', () => list.expectComplete(`${c.manyTags.count.toLocaleString('en-US')} tags`));
    await page.goto(`/${token.host}/${c.multi.repo}:${c.multi.tags[0]}`);
    await shot('index', () => expect(page.getByRole('cell', { name: 'linux/arm/v7', exact: true })).toBeVisible());
    if (size.name === 'desktop') {
      // The README's picture: the viewport of the tag view, not the full page.
      const path = `${DIR}/tag-view.png`;
      await page.screenshot({ path });
      if (process.env.BERTH_UPDATE_DOCS_PICTURE === '1') {
        mkdirSync('docs', { recursive: true });
        copyFileSync(path, 'docs/tag-view.png');
      }
    }
    await page.goto(`/${token.host}/${c.oci.repo}:${c.oci.tag}`);
    await shot('image', () => expect(page.getByRole('heading', { name: 'Layers' })).toBeVisible());
    await page.getByText('Show the manifest JSON and response headers').click();
    const raw = page.getByRole('region', { name: 'Show the manifest JSON and response headers' });
    await shot(
      'raw-document',
      async () => {
        await expect(raw).toContainText(`Docker-Content-Digest${c.oci.digest}`);
        await raw.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      },
      false,
    ); // the document in view, not the whole page above it
    await page.goto(`/${token.host}/${c.signed.repo}@${c.signed.artifactDigest}`);
    await shot('artifact', async () => {
      await expect(page.getByText(c.signed.artifactType).first()).toBeVisible();
      await expect(page.getByRole('link', { name: new RegExp(c.signed.subjectDigest.slice(7, 19)) }).first()).toBeVisible();
    });
    await page.goto(`/${token.host}/team/app:no-such-tag`);
    await shot('not-found', () => expect(alertOf(page)).toContainText('MANIFEST_UNKNOWN'));
    await page.goto(`/${bed.fake.host}/warned/app:latest`);
    await shot('registry-warning', () => expect(page.getByRole('note')).toContainText('deprecated'));
    await page.goto(`/${bed.fake.host}/ratelimited/app`);
    await shot('rate-limited', () => expect(alertOf(page)).toContainText('TOOMANYREQUESTS'));
    await page.goto(`/${token.host}/team/App`);
    await shot('invalid-reference', () => expect(alertOf(page)).toContainText('repository'));
    // Purpose-made images in the scratch registry: two compared, and the delete dialog (opened and
    // cancelled) on an image under three tags.
    const scratch = bed.scratch;
    await pushCompareContent(scratch);
    const repo = 'e2e-screenshots/app';
    await pushImage(scratch, repo, ['v1', 'v1.0', 'stable'], { name: `screenshots-${nonce()}` });
    await signIn.as(scratch.host, 'alice', password(scratch, 'alice'));
    await page.goto(`/${scratch.host}/${COMPARE_REPO}/-/compare?a=v1&b=v2`);
    await shot('compare', () => expect(page.getByRole('table', { name: 'Configuration differences' })).toBeVisible());
    await page.goto(`/${scratch.host}/${repo}:v1`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await shot('delete-dialog', () => expect(dialog.getByRole('list', { name: 'Tags that will disappear' }).getByRole('listitem')).toHaveCount(3), false); // a modal: what the person sees
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.goto('/');
    await shot('home', () => expect(page.getByRole('link', { name: token.host, exact: true })).toBeVisible());
  });
}
