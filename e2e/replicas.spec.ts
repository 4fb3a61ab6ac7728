import { startAppServer, type AppServer } from './fixtures/app-server';
import { startRoundRobin, type RoundRobin } from './fixtures/round-robin';
import { test, expect, password } from './support';

// Berth keeps no state but the sealed cookie, so replicas that share SESSION_SECRET serve one
// person interchangeably (docs/deploy.md). Two standalone servers behind a round-robin balancer.
test.describe('two replicas behind a load balancer', () => {
  let replicas: AppServer[] = [];
  let lb: RoundRobin;

  test.beforeAll(async () => {
    replicas = await Promise.all([startAppServer(), startAppServer()]);
    lb = await startRoundRobin(replicas.map((r) => r.url));
  });

  test.afterAll(async () => {
    await lb?.close();
    await Promise.all(replicas.map((r) => r.stop()));
  });

  test('sign in through one, browse through both, sign out through the other', async ({ page, signIn, list, token, bed }) => {
    test.setTimeout(90_000);
    const multi = bed.content.multi;

    lb.only(0);
    await page.goto(`${lb.url}/login?registry=${token.host}`);
    await signIn.fill(null, 'bob', password(token, 'bob'));
    await expect(page).toHaveURL(`${lb.url}/${token.host}`);
    expect(lb.log.filter((e) => e.method === 'POST')).toEqual([{ method: 'POST', path: '/api/session/registries', replica: 0, status: 200 }]);

    // Browse through both: round-robin, as a Service would spread requests …
    lb.roundRobin();
    lb.log.length = 0;
    await page.reload();
    await list.expectFirstPage(bed.content.repositories[0] ?? '', 'repositories');
    await page.goto(`${lb.url}/${token.host}/${multi.repo}`);
    await expect(page.getByRole('link', { name: multi.tags[0] ?? '', exact: true })).toBeVisible();
    await page.goto(`${lb.url}/${token.host}/${multi.repo}@${multi.indexDigest}`);
    await expect(page.getByRole('cell', { name: 'linux/arm/v7', exact: true })).toBeVisible();
    expect(lb.log.filter((e) => e.status >= 400)).toEqual([]);
    await expect(page).not.toHaveURL(/\/login/);
    // … and each replica on its own, pages and API, with the cookie replica 0 sealed.
    for (const replica of [1, 0]) {
      lb.only(replica);
      lb.log.length = 0;
      await page.goto(`${lb.url}/${token.host}/${bed.content.oci.repo}:${bed.content.oci.tag}`);
      await expect(page.getByText(bed.content.oci.digest).first()).toBeVisible();
      const tags = await page.request.get(`${lb.url}/api/registries/${encodeURIComponent(token.host)}/tags?repository=${encodeURIComponent(multi.repo)}`);
      expect(tags.status(), `tags through replica ${replica}`).toBe(200);
      expect(((await tags.json()) as { tags: string[] }).tags).toEqual(expect.arrayContaining(multi.tags));
      expect(new Set(lb.log.map((e) => e.replica))).toEqual(new Set([replica]));
      expect(lb.log.filter((e) => e.status >= 400)).toEqual([]);
    }

    lb.only(1);
    lb.log.length = 0;
    await page.goto(`${lb.url}/`);
    await page.getByRole('button', { name: 'Sign out of all' }).click();
    await expect(page.getByRole('button', { name: 'Sign out of all' })).toHaveCount(0);
    expect(lb.log.filter((e) => e.method === 'DELETE')).toEqual([{ method: 'DELETE', path: '/api/session', replica: 1, status: 200 }]);

    // Signed out everywhere: through either replica the registry asks again.
    lb.roundRobin();
    for (let i = 0; i < 2; i++) {
      const session = await page.request.get(`${lb.url}/api/session`);
      expect(await session.json()).toEqual({ registries: [] });
    }
    await page.goto(`${lb.url}/${token.host}/${multi.repo}`);
    await expect(page).toHaveURL(/\/login\?/);
  });
});
