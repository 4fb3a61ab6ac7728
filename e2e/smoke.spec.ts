import { startAppServer, type AppServer } from './fixtures/app-server';
import { test, expect, password } from './support';

// The deployment smoke, run twice: on the main build at the root of its host, and on the build
// served under a path behind a reverse proxy (BASE_PATH=/registry, npm run build:e2e-base-path),
// where every link, redirect, API call, copied link and the cookie must carry the prefix.
for (const variant of ['root', 'base path'] as const) {
  test.describe(variant === 'root' ? 'deployed at the root of its host' : 'deployed under /registry', () => {
    // Whole journeys through several pages, the first ones on a freshly started server.
    test.describe.configure({ timeout: 90_000 });
    let server: AppServer | undefined;
    test.beforeAll(async () => {
      if (variant === 'base path') server = await startAppServer({ distDir: '.next-base-path' });
    });
    test.afterAll(async () => {
      await server?.stop();
    });

    /** Where Berth's pages are (origin + base path), from the server of this variant. */
    function siteOf(baseURL: string | undefined): { origin: string; basePath: string; site: string } {
      if (server) return { origin: server.url, basePath: server.basePath, site: server.site };
      return { origin: baseURL ?? '', basePath: '', site: baseURL ?? '' };
    }

    test('the health route answers 200 {"status":"ok"}', async ({ request, baseURL }) => {
      const { origin, basePath, site } = siteOf(baseURL);
      expect(basePath).toBe(variant === 'root' ? '' : '/registry');
      const health = await request.get(`${site}/api/health`);
      expect(health.status()).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      expect(health.headers()['cache-control']).toBe('no-store');
      if (basePath) expect((await request.get(`${origin}/api/health`)).status()).toBe(404);
    });

    test('sign in and browse: repositories, a repository, a tag', async ({ page, context, signIn, list, token, bed, baseURL }) => {
      const { basePath, site } = siteOf(baseURL);
      const multi = bed.content.multi;
      const tag = multi.tags[0] ?? '';
      await page.goto(`${site}/login?registry=${token.host}`);
      await signIn.fill(null, 'alice', password(token, 'alice'));
      await expect(page).toHaveURL(`${site}/${token.host}`);
      await list.expectFirstPage(bed.content.repositories[0] ?? '', 'repositories');
      // Secure by default in production; the __Host- prefix needs Path=/, so not under a base path.
      const cookie = (await context.cookies()).find((c) => c.name === (basePath ? 'berth_session' : '__Host-berth_session'));
      expect(cookie?.path).toBe(basePath || '/');
      expect(cookie?.secure).toBe(true);

      await list.filterBy(multi.repo);
      await list.row(multi.repo).click();
      await expect(page).toHaveURL(`${site}/${token.host}/${multi.repo}`);
      await page.getByRole('link', { name: tag, exact: true }).click();
      await expect(page).toHaveURL(`${site}/${token.host}/${multi.repo}:${tag}`);
      await expect(page.getByRole('cell', { name: 'linux/arm/v7', exact: true })).toBeVisible();
    });

    test('a shared link: a teammate signs in and lands on it; Copy link and the home page box give it back', async ({
      page,
      context,
      signIn,
      token,
      bed,
      baseURL,
    }) => {
      const { basePath, site } = siteOf(baseURL);
      const multi = bed.content.multi;
      const link = `${site}/${token.host}/${multi.repo}@${multi.indexDigest}`;
      await page.goto(link);
      await expect(page).toHaveURL(/\/login\?/);
      expect(new URL(page.url()).pathname).toBe(`${basePath}/login`);
      await signIn.fill(null, 'bob', password(token, 'bob'));
      await expect(page).toHaveURL(link);
      await expect(page.getByRole('cell', { name: 'linux/arm/v7', exact: true })).toBeVisible();

      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await page.getByRole('button', { name: 'Copy link' }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
      await page.goto(`${site}/`);
      await page.getByLabel('Image reference').fill(link);
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await expect(page).toHaveURL(link);
    });

    test('diagnose a registry: the diagnosis runs, and the Repository field stays on the site, with JavaScript or without', async ({
      page,
      browser,
      diagnosis,
      bed,
      baseURL,
    }) => {
      const { site } = siteOf(baseURL);
      const anon = bed.registries.anonymous;
      const checked = `${site}/${anon.host}/-/diagnose?repository=${encodeURIComponent(bed.content.oci.repo)}`;
      await page.goto(`${site}/${anon.host}/-/diagnose`);
      await diagnosis.finished();
      await diagnosis.expectStatuses({ ping: 'ok', catalog: 'ok', repository: 'skipped' });
      await diagnosis.repository().fill(bed.content.oci.repo);
      await page.getByRole('button', { name: 'Check' }).click();
      await expect(page).toHaveURL(checked);
      await diagnosis.finished();
      await diagnosis.expectStatuses({ repository: 'ok' });

      // Before JavaScript has loaded the field is a plain GET form.
      const plain = await browser.newContext({ javaScriptEnabled: false });
      try {
        const noScript = await plain.newPage();
        await noScript.goto(`${site}/${anon.host}/-/diagnose`);
        await noScript.getByLabel('Repository').fill(bed.content.oci.repo);
        await noScript.getByRole('button', { name: 'Check' }).click();
        await expect(noScript).toHaveURL(checked);
      } finally {
        await plain.close();
      }
    });

    test('behind a TLS proxy: Secure cookie, redirects that stay on the proxy', async ({ request, bed, baseURL }) => {
      const { origin, basePath, site } = siteOf(baseURL);
      // Short links answer 308 to the canonical link under the base path, relative to where the
      // browser is (never to this server's own http address).
      const short = await request.get(`${site}/alpine:3.20`, {
        maxRedirects: 0,
        headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'berth.example.com' },
      });
      expect(short.status()).toBe(308);
      const location = short.headers().location ?? '';
      expect(location).not.toMatch(/^http:/);
      expect(new URL(location, 'https://berth.example.com').pathname).toBe(`${basePath}/docker.io/library/alpine:3.20`);

      const anon = bed.registries.anonymous;
      const signInOver = (proto?: 'https') =>
        request.post(`${site}/api/session/registries`, {
          headers: { origin, ...(proto ? { 'x-forwarded-proto': proto } : {}) },
          data: { registry: anon.host, username: '', password: '' },
        });
      const overTls = await signInOver('https');
      expect(overTls.status()).toBe(200);
      const cookie = overTls.headers()['set-cookie'] ?? '';
      expect(cookie).toMatch(basePath ? /^berth_session=/ : /^__Host-berth_session=/);
      expect(cookie).toMatch(/;\s*Secure(;|$)/i);
      expect(cookie).toMatch(new RegExp(`;\\s*Path=${basePath || '/'}(;|$)`, 'i'));
      // Secure by default in production, whatever the proxy says (SESSION_COOKIE_SECURE=0 leaves
      // it to X-Forwarded-Proto, for a deployment on plain http).
      expect((await signInOver()).headers()['set-cookie']).toMatch(/;\s*Secure(;|$)/i);
    });
  });
}
