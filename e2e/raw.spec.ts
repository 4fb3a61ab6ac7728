// The documents as the registry sent them: manifest, index and config JSON with the headers that
// came with them, shown byte for byte (their sha256 is the digest) or indented, and copyable.
import { createHash } from 'node:crypto';
import type { Page } from '@playwright/test';
import { test, expect, password } from './support';
import { nonce, pushImage, pushRespaced } from './scratch';

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;

/** Opens the "… as sent" section and answers its region. */
async function openAsSent(page: Page, noun: string) {
  await page.getByText(`Show the ${noun.toLowerCase()} JSON and response headers`).click();
  const region = page.getByRole('region', { name: `Show the ${noun.toLowerCase()} JSON and response headers` });
  await expect(region.locator('pre')).toBeVisible();
  return region;
}

test.describe('documents as sent', () => {
  test.beforeEach(async ({ signIn, token }) => {
    await signIn.as(token.host, 'alice', password(token, 'alice'));
  });

  test('an image manifest and its config: exactly as sent, their sha256 is their digest; the headers are shown', async ({ page, context, token, bed }) => {
    const oci = bed.content.oci;
    await page.goto(`/${token.host}/${oci.repo}:${oci.tag}`);
    const manifest = await openAsSent(page, 'Manifest');
    await expect(manifest).toContainText(`Docker-Content-Digest${oci.digest}`);
    await expect(manifest).toContainText(`Content-Type${oci.mediaType}`);
    await expect(manifest).toContainText(`The digest of these`);
    // Indented by default; as sent on request.
    await expect(manifest.locator('pre')).toContainText('\n  "schemaVersion": 2');
    await manifest.getByRole('button', { name: 'Exactly as sent' }).click();
    await expect(manifest.locator('pre')).toHaveAttribute('data-as-sent', 'true');
    const text = (await manifest.locator('pre').textContent()) ?? '';
    expect(sha256(text)).toBe(oci.digest);
    // The copy is the bytes as sent, too.
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await manifest.getByRole('button', { name: 'Copy JSON' }).click();
    expect(sha256(await page.evaluate(() => navigator.clipboard.readText()))).toBe(oci.digest);

    const config = await openAsSent(page, 'Config');
    await config.getByRole('button', { name: 'Exactly as sent' }).click();
    expect(sha256((await config.locator('pre').textContent()) ?? '')).toBe(oci.configDigest);
    await expect(config).toContainText(`Docker-Content-Digest${oci.configDigest}`);
  });

  test('an index, opened by tag: its bytes as sent hash to the index digest', async ({ page, token, bed }) => {
    const multi = bed.content.multi;
    await page.goto(`/${token.host}/${multi.repo}:${multi.tags[0]}`);
    const index = await openAsSent(page, 'Index');
    await expect(index).toContainText(`Content-Type${multi.indexMediaType}`);
    await index.getByRole('button', { name: 'Exactly as sent' }).click();
    expect(sha256((await index.locator('pre').textContent()) ?? '')).toBe(multi.indexDigest);
  });

  test('a manifest written with its own spacing: shown and copied byte for byte, not re-serialised', async ({ page, context, signIn, bed }) => {
    test.setTimeout(90_000); // it pushes an image first
    const scratch = bed.scratch;
    const repo = 'e2e-raw/spaced';
    await pushImage(scratch, repo, ['compact'], { name: `raw-spaced-${nonce()}` });
    const sent = await pushRespaced(scratch, repo, 'compact', 'spaced');
    await signIn.as(scratch.host, 'alice', password(scratch, 'alice'));
    await page.goto(`/${scratch.host}/${repo}:spaced`);
    const manifest = await openAsSent(page, 'Manifest');
    await expect(manifest).toContainText(`Docker-Content-Digest${sent.digest}`);
    // Indented for reading (two spaces), which is not how it was sent (three)…
    await expect(manifest.locator('pre')).toContainText('\n  "schemaVersion": 2');
    // …and exactly as sent on request, to the final newline.
    await manifest.getByRole('button', { name: 'Exactly as sent' }).click();
    expect(await manifest.locator('pre').textContent()).toBe(sent.text);
    expect(sha256(sent.text)).toBe(sent.digest);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await manifest.getByRole('button', { name: 'Copy JSON' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(sent.text);
  });
});
