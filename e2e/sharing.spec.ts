import { alertOf, test, expect, password } from './support';

test.describe('shared links', () => {
  test('a teammate without a session signs in and lands back on the link', async ({ page, signIn, token, bed }) => {
    const multi = bed.content.multi;
    const link = `/${token.host}/${multi.repo}@${multi.indexDigest}`;
    await page.goto(link);
    await expect(page).toHaveURL(/\/login\?/);
    await expect(signIn.registry()).toHaveValue(token.host);
    await signIn.fill(null, 'bob', password(token, 'bob'));
    await expect(page).toHaveURL(link);
    await expect(page.getByRole('cell', { name: 'linux/arm/v7', exact: true })).toBeVisible();
  });

  test('an anonymously pullable image opens with no sign-in at all', async ({ page, token, bed }) => {
    const pub = bed.content.public;
    await page.goto(`/${token.host}/${pub.repo}:${pub.tag}`);
    await expect(page).not.toHaveURL(/\/login/);
    await expect(page.getByText(pub.digest).first()).toBeVisible();
  });

  test('an anonymous registry opens directly', async ({ page, bed, list }) => {
    const anon = bed.registries.anonymous;
    await page.goto(`/${anon.host}`);
    await list.expectFirstPage(bed.content.repositories[0] ?? '', 'repositories');
  });

  test('Docker Hub: short names redirect, public images open anonymously, private ones after signing in', async ({ page, signIn, bed }) => {
    test.setTimeout(90_000); // six views and a sign-in
    // docker.io is the bed's Docker Hub stand-in here (appEnv in e2e/fixtures/app-server.ts).
    const hub = bed.hub;
    const hello = hub.content.repositories.find((r) => r.repo === 'library/hello');
    await page.goto('/docker.io/hello');
    await expect(page).toHaveURL('/docker.io/library/hello');
    await expect(page.getByRole('link', { name: 'latest', exact: true })).toBeVisible();
    await page.goto('/docker.io/library/hello:latest');
    await expect(page.getByText(hello?.tags.latest ?? 'no digest').first()).toBeVisible();
    await expect(page.getByText('docker pull docker.io/library/hello:latest')).toBeVisible();
    await page.goto('/docker.io');
    await page.getByLabel('Repository name').fill('library/hello');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect(page).toHaveURL('/docker.io/library/hello');
    // A private repository's link lands on the sign-in form, then back on the image.
    const priv = hub.content.private;
    await page.goto(`/docker.io/${priv.repo}:${priv.tag}`);
    await expect(page).toHaveURL(/\/login\?/, { timeout: 20_000 });
    await expect(signIn.registry()).toHaveValue('docker.io');
    await signIn.fill(null, hub.accounts.user.username, hub.accounts.user.password ?? '');
    await expect(page).toHaveURL(`/docker.io/${priv.repo}:${priv.tag}`);
    await expect(page.getByText(priv.digest).first()).toBeVisible();
  });

  test('links answer with real HTTP: 308 to the canonical form, 400 for an invalid reference', async ({ request, token }) => {
    const short = await request.get('/alpine:3.20', { maxRedirects: 0 });
    expect(short.status()).toBe(308);
    expect(new URL(short.headers().location ?? '', 'http://berth.invalid').pathname).toBe('/docker.io/library/alpine:3.20');
    const invalid = await request.get(`/${token.host}/team/App:v1`, { maxRedirects: 0 });
    expect(invalid.status()).toBe(400);
    expect(await invalid.text()).toContain('Invalid image reference');
    expect((await request.get(`/${token.host}/team/app:v1`, { maxRedirects: 0 })).status()).toBe(200);
  });

  test('an invalid reference names the part that is wrong', async ({ page, token }) => {
    await page.goto(`/${token.host}/team/App:v1`);
    await expect(alertOf(page)).toContainText('repository');
    await page.goto(`/${token.host}/team/app:-bad`);
    await expect(alertOf(page)).toContainText('tag');
    await page.goto(`/${token.host}/team/app@sha256:1234`);
    await expect(alertOf(page)).toContainText('digest');
  });

  test('the copy buttons copy the link and both pull commands', async ({ page, context, token, bed }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const pub = bed.content.public;
    await page.goto(`/${token.host}/${pub.repo}:${pub.tag}`);
    await page.getByRole('button', { name: 'Copy docker pull by digest' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`docker pull ${token.host}/${pub.repo}@${pub.digest}`);
    await page.getByRole('button', { name: 'Copy docker pull by tag' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`docker pull ${token.host}/${pub.repo}:${pub.tag}`);
    await page.getByRole('button', { name: 'Copy link' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());
  });
});

test('the home page opens anything docker pull takes', async ({ page, token, bed }) => {
  const oci = bed.content.oci;
  await page.goto('/');
  await page.getByLabel('Image reference').fill(`${token.host}/${oci.repo}@${oci.digest}`);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page).toHaveURL(`/${token.host}/${oci.repo}@${oci.digest}`);
  await page.goto('/');
  await page.getByLabel('Image reference').fill('docker pull hello:latest');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page).toHaveURL('/docker.io/library/hello:latest');
  await expect(page.getByText(bed.hub.content.repositories.find((r) => r.repo === 'library/hello')?.tags.latest ?? 'no digest').first()).toBeVisible();
});
