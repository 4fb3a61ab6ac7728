import { randomBytes } from 'node:crypto';
import { startAppServer } from './fixtures/app-server';
import { test, expect, password } from './support';

// SESSION_SECRET rotation (README "Point Berth at your registries"): a server with a new secret still reads
// cookies sealed with SESSION_SECRET_PREVIOUS, re-seals them on the next change, and that works
// again at the rotation after. Cookies are per host, not per port, so one browser context shares
// its session cookie across the servers started here.
async function startBerth(secret: string, previous: string | undefined): Promise<{ url: string; stop: () => void }> {
  const server = await startAppServer({ env: { SESSION_SECRET: secret, ...(previous ? { SESSION_SECRET_PREVIOUS: previous } : {}) } });
  return { url: server.url, stop: () => void server.stop() };
}

test('sessions survive two rotations of SESSION_SECRET', async ({ page, token, bed }) => {
  test.setTimeout(120_000);
  const a = process.env.BERTH_E2E_SECRET ?? '';
  const b = randomBytes(32).toString('hex');
  const c = randomBytes(32).toString('hex');
  const ht = bed.registries.htpasswd;
  // Signed in on the usual server (secret A).
  await page.goto(`/login?registry=${token.host}`);
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password or token').fill(password(token, 'alice'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`/${token.host}`);

  const second = await startBerth(b, a);
  const third = await startBerth(c, b);
  try {
    const registries = async (url: string) => (await page.request.get(`${url}/api/session`)).json() as Promise<{ registries: { host: string }[] }>;
    expect((await registries(second.url)).registries.map((r) => r.host)).toEqual([token.host]);
    // A change on the second server re-seals the cookie with B …
    await page.goto(`${second.url}/login?registry=${ht.host}`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password or token').fill(password(ht, 'admin'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(`${second.url}/${ht.host}`);
    // … which the third server (C, previous B) still reads.
    expect((await registries(third.url)).registries.map((r) => r.host).sort()).toEqual([token.host, ht.host].sort());
  } finally {
    second.stop();
    third.stop();
  }
});

test('a server with unrelated secrets reads nothing from the cookie, and answers 200', async ({ page, signIn, token }) => {
  test.setTimeout(90_000);
  await signIn.as(token.host, 'alice', password(token, 'alice'));
  const session = async (url: string) => (await page.request.get(`${url}/api/session`)).json() as Promise<{ registries: { host: string }[] }>;
  expect((await session('')).registries.map((r) => r.host)).toEqual([token.host]);
  // Neither its secret nor its previous one sealed this cookie.
  const other = await startBerth(randomBytes(32).toString('hex'), randomBytes(32).toString('hex'));
  try {
    const res = await page.request.get(`${other.url}/api/session`);
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ registries: [] });
    const view = await page.request.get(`${other.url}/${token.host}/team/app:v2`);
    expect(view.status()).toBeLessThan(500);
    const browse = await page.request.get(`${other.url}/api/registries/${encodeURIComponent(token.host)}/tags?repository=team/app`);
    expect(((await browse.json()) as { error: { code: string } }).error.code).toBe('SIGN_IN_REQUIRED');
  } finally {
    other.stop();
  }
  // The cookie is untouched for the server that sealed it.
  expect((await session('')).registries.map((r) => r.host)).toEqual([token.host]);
});
