import { test, expect, password } from './support';

test.describe('sign-in', () => {
  test('good credentials land on the registry, which lists its repositories', async ({ page, signIn, list, token, bed }) => {
    await signIn.open();
    await signIn.fill(token.host, 'alice', password(token, 'alice'));
    await expect(page).toHaveURL(`/${token.host}`);
    await list.expectFirstPage(bed.content.repositories[0] ?? '', 'repositories');
  });

  test('a wrong password says so in an alert and keeps what was typed', async ({ page, signIn, token }) => {
    await signIn.open(token.host);
    await signIn.fill(null, 'alice', 'not-the-password');
    await expect(signIn.alert()).toContainText('rejected the username or password');
    await expect(page).toHaveURL(/\/login/);
    await expect(signIn.username()).toHaveValue('alice');
    await expect(signIn.registry()).toHaveValue(token.host);
  });

  test('an address this deployment does not allow is refused plainly', async ({ signIn }) => {
    await signIn.open();
    await signIn.fill('http://127.0.0.1:9', 'someone', 'secret');
    await expect(signIn.alert()).toContainText('not allowed to connect to 127.0.0.1:9');
    await signIn.fill('10.1.2.3', 'someone', 'secret');
    await expect(signIn.alert()).toContainText('ALLOWED_REGISTRIES');
  });

  test('a registry that is down, and something that is not a registry', async ({ signIn, bed }) => {
    await signIn.open();
    // The fake's redirect target is an HTTP server that is not a registry.
    await signIn.fill(bed.fake.redirectTarget.url, '', '');
    await expect(signIn.alert()).toContainText(/does not look like a container registry|not a registry/);
  });

  test('htpasswd and anonymous registries sign in too', async ({ page, signIn, bed }) => {
    const ht = bed.registries.htpasswd;
    await signIn.as(ht.host, 'admin', password(ht, 'admin'));
    await expect(page).toHaveURL(`/${ht.host}`);
    const anon = bed.registries.anonymous;
    await signIn.open(anon.host);
    await signIn.fill(null, '', '');
    await expect(page).toHaveURL(`/${anon.host}`);
    await page.goto('/');
    await expect(page.getByText(ht.host, { exact: true })).toBeVisible();
    await expect(page.getByText(anon.host, { exact: true })).toBeVisible();
  });

  test('after sign-in, a next path that normalises to another host is not followed', async ({ page, signIn, token }) => {
    // Each of these is `//evil.example` once a browser resolves it: Berth goes to the registry instead.
    for (const next of ['/.//evil.example', '/%2e%2e//evil.example', '/.\\/evil.example', '/a/..//evil.example']) {
      await signIn.open(token.host, next);
      await signIn.fill(null, 'alice', password(token, 'alice'));
      await expect(page).toHaveURL(`/${token.host}`);
    }
    // A path that is merely written oddly is followed in its normal form, query and hash included.
    await signIn.open(token.host, `/./${token.host}/team/../team/app?sort=name#tags`);
    await signIn.fill(null, 'alice', password(token, 'alice'));
    await expect(page).toHaveURL(`/${token.host}/team/app?sort=name#tags`);
  });

  test('sign out of one registry, then of all', async ({ page, signIn, bed, token }) => {
    const ht = bed.registries.htpasswd;
    await signIn.as(token.host, 'alice', password(token, 'alice'));
    await signIn.as(ht.host, 'admin', password(ht, 'admin'));
    await page.goto('/');
    const tokenRow = page.getByRole('listitem').filter({ hasText: token.host });
    await tokenRow.getByRole('button', { name: /Sign out/ }).click();
    await expect(page.getByRole('listitem').filter({ hasText: token.host })).toHaveCount(0);
    await expect(page.getByRole('listitem').filter({ hasText: ht.host })).toHaveCount(1);
    await page.getByRole('button', { name: 'Sign out of all' }).click();
    await expect(page.getByRole('listitem').filter({ hasText: ht.host })).toHaveCount(0);
    // Signed out means the registry asks again.
    await page.goto(`/${ht.host}/team/app`);
    await expect(page).toHaveURL(/\/login\?/);
  });
});
