// Deleting from a tag or digest view: the dialog names everything that will disappear (every tag
// on the digest, on registries that delete by digest), refusals are explained in it, and the tag
// list says afterwards what went. Each test deletes only what it pushed itself (e2e/scratch.ts).
import { alertOf, test, expect, password } from './support';
import { manifestExists, moveTag, nonce, pushImage } from './scratch';

test.describe('deleting', () => {
  test('a digest with three tags: the dialog names all three, the name is typed, and the list no longer has them', async ({ page, signIn, bed }) => {
    const scratch = bed.scratch;
    const repo = 'e2e-delete/three-tags';
    const run = nonce();
    const doomed = await pushImage(scratch, repo, ['v1', 'v1.0', 'stable'], { name: `three-${run}` });
    const kept = await pushImage(scratch, repo, ['keep'], { name: `keep-${run}` });
    await signIn.as(scratch.host, 'alice', password(scratch, 'alice'));
    await page.goto(`/${scratch.host}/${repo}:v1`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();

    const dialog = page.getByRole('dialog', { name: `Delete ${repo}:v1?` });
    const going = dialog.getByRole('list', { name: 'Tags that will disappear' });
    await expect(going.getByRole('listitem')).toHaveText(['stable', 'v1 (this tag)', 'v1.0']);
    await expect(dialog).toContainText(doomed.digest);
    await expect(dialog).not.toContainText('keep');
    const confirm = dialog.getByRole('button', { name: 'Delete permanently' });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel(`Type ${repo} to confirm`).fill(repo);
    await confirm.click();

    await expect(page).toHaveURL(`/${scratch.host}/${repo}`);
    const said = page.getByRole('status').filter({ hasText: 'Deleted from' });
    await expect(said).toContainText(doomed.digest);
    await expect(said).toContainText('3 tags stable, v1, v1.0');
    await expect(said).toContainText('garbage collection');
    const rows = page.getByRole('table', { name: `Tags of ${repo}` }).getByRole('row');
    await expect(rows.filter({ hasText: 'keep' })).toHaveCount(1);
    for (const tag of doomed.tags) await expect(rows.filter({ has: page.getByRole('link', { name: tag, exact: true }) })).toHaveCount(0);
    expect(await manifestExists(scratch, repo, doomed.digest)).toBe(false);
    expect(await manifestExists(scratch, repo, kept.digest)).toBe(true);
  });

  test('a tag alone on its digest, from the digest view: only it goes, no name to type', async ({ page, signIn, bed }) => {
    const scratch = bed.scratch;
    const repo = 'e2e-delete/alone';
    const run = nonce();
    const doomed = await pushImage(scratch, repo, ['solo'], { name: `solo-${run}` });
    const kept = await pushImage(scratch, repo, ['other'], { name: `other-${run}` });
    await signIn.as(scratch.host, 'alice', password(scratch, 'alice'));
    await page.goto(`/${scratch.host}/${repo}@${doomed.digest}`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('list', { name: 'Tags that will disappear' }).getByRole('listitem')).toHaveText(['solo']);
    await expect(dialog.getByRole('textbox')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Delete permanently' }).click();
    await expect(page).toHaveURL(`/${scratch.host}/${repo}`);
    await expect(page.getByRole('status').filter({ hasText: 'Deleted from' })).toContainText('1 tag solo');
    await expect(page.getByRole('status').filter({ hasText: 'Deleted from' })).not.toContainText('no tags left');
    await expect(page.getByRole('link', { name: 'other', exact: true })).toBeVisible();
    await expect(page.getByRole('link', { name: 'solo', exact: true })).toHaveCount(0);
    expect(await manifestExists(scratch, repo, doomed.digest)).toBe(false);
    expect(await manifestExists(scratch, repo, kept.digest)).toBe(true);
  });

  test('the last tag of a repository: the list says none is left, and how the storage is freed', async ({ page, signIn, bed }) => {
    const scratch = bed.scratch;
    const repo = `e2e-delete/last-${nonce()}`;
    const doomed = await pushImage(scratch, repo, ['only'], { name: `only-${nonce()}` });
    await signIn.as(scratch.host, 'alice', password(scratch, 'alice'));
    await page.goto(`/${scratch.host}/${repo}@${doomed.digest}`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete permanently' }).click();
    await expect(page).toHaveURL(`/${scratch.host}/${repo}`);
    const said = page.getByRole('status').filter({ hasText: 'Deleted from' });
    await expect(said).toContainText(`${repo} has no tags left.`);
    await expect(said).toContainText('registry garbage-collect --delete-untagged CONFIG');
    expect(await manifestExists(scratch, repo, doomed.digest)).toBe(false);
  });

  test('a tag moved onto the digest moments ago is named too, though the tag list had just seen it elsewhere', async ({ page, signIn, bed }) => {
    const scratch = bed.scratch;
    const repo = 'e2e-delete/moved';
    const run = nonce();
    const doomed = await pushImage(scratch, repo, ['v1'], { name: `moved-${run}` });
    const other = await pushImage(scratch, repo, ['moving'], { name: `elsewhere-${run}` });
    await signIn.as(scratch.host, 'alice', password(scratch, 'alice'));
    // The tag list learns where 'moving' points (and keeps it for its rows for a few seconds)…
    await page.goto(`/${scratch.host}/${repo}`);
    await expect(page.getByRole('row').filter({ has: page.getByRole('link', { name: 'moving', exact: true }) })).toContainText(other.digest.slice(7, 19));
    // …then someone moves it onto the digest about to be deleted.
    await moveTag(scratch, repo, doomed.digest, 'moving');
    await page.goto(`/${scratch.host}/${repo}:v1`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('list', { name: 'Tags that will disappear' }).getByRole('listitem')).toHaveText(['moving', 'v1 (this tag)']);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await manifestExists(scratch, repo, doomed.digest)).toBe(true);
  });

  test('a large repository: a progress bar while every tag is checked', async ({ page, signIn, bed }) => {
    const scratch = bed.scratch;
    const repo = 'e2e-delete/many';
    const tags = Array.from({ length: 240 }, (_, i) => `t${String(i).padStart(3, '0')}`);
    const doomed = await pushImage(scratch, repo, tags, { name: `many-${nonce()}` });
    await signIn.as(scratch.host, 'alice', password(scratch, 'alice'));
    // Slow the checks down a little, so the progress is there to be seen.
    await page.route('**/api/registries/*/details?**', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });
    await page.goto(`/${scratch.host}/${repo}@${doomed.digest}`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog');
    const progress = dialog.getByRole('progressbar', { name: 'Tags checked' });
    await expect(progress).toBeVisible();
    await expect(progress).toHaveAttribute('aria-valuemax', String(tags.length));
    await expect(progress).toBeHidden({ timeout: 20_000 });
    await expect(dialog).toContainText(`all ${tags.length} of its tags`);
    await expect(dialog.getByRole('list', { name: 'Tags that will disappear' }).getByRole('listitem')).toHaveCount(tags.length);
    await dialog.getByLabel(`Type ${repo} to confirm`).fill(repo);
    await dialog.getByRole('button', { name: 'Delete permanently' }).click();
    await expect(page).toHaveURL(`/${scratch.host}/${repo}`);
    await expect(page.getByText('No tags in this repository.')).toBeVisible();
    expect(await manifestExists(scratch, repo, doomed.digest)).toBe(false);
  });

  test('a pull-only user is refused in the dialog, with the reason, and nothing is deleted', async ({ page, signIn, bed }) => {
    const scratch = bed.scratch;
    const repo = 'e2e-delete/refused';
    const target = await pushImage(scratch, repo, ['v1'], { name: `refused-${nonce()}` });
    await signIn.as(scratch.host, 'bob', password(scratch, 'bob'));
    await page.goto(`/${scratch.host}/${repo}:v1`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog');
    const alert = dialog.getByRole('alert');
    await expect(alert).toContainText('DENIED');
    await expect(alert).toContainText(`bob may not delete from ${repo}`);
    await expect(alert).toContainText('Nothing was deleted');
    await expect(dialog.getByRole('button', { name: 'Delete permanently' })).toBeDisabled();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    expect(await manifestExists(scratch, repo, target.digest)).toBe(true);
  });

  test('a registry with deletion turned off: its 405 is explained, and the button goes away', async ({ page, bed }) => {
    const open = bed.registries.anonymous;
    expect(open.deleteEnabled).toBe(false);
    const { repo, tag, digest } = bed.content.schema2;
    await page.goto(`/${open.host}/${repo}:${tag}`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog');
    const alert = dialog.getByRole('alert');
    await expect(alert).toContainText('UNSUPPORTED');
    await expect(alert).toContainText('HTTP 405');
    await expect(alert).toContainText('deletion turned off');
    await expect(dialog.getByRole('button', { name: 'Delete permanently' })).toBeDisabled();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('button', { name: 'Delete', exact: true })).toHaveCount(0);
    await expect(alertOf(page)).toHaveCount(0);
    expect(await manifestExists(open, repo, digest)).toBe(true);
  });
});
