import { randomBytes } from 'node:crypto';
import { sealData } from 'iron-session';
import { test, expect, password } from './support';

// A session cookie that Berth cannot unseal is no session at all: every route answers as for a
// visitor who never signed in (200, no registries), never with a 5xx, and signing in again works.

const COOKIE = 'berth_session';

/** Replaces the character at `at` (negative: from the end) with another of the same alphabet. */
function flip(value: string, at: number): string {
  const i = at < 0 ? value.length + at : at;
  const ch = value[i] ?? 'A';
  return `${value.slice(0, i)}${ch === 'A' ? 'B' : 'A'}${value.slice(i + 1)}`;
}

/** The n-th `*`-separated part of an iron seal (Fe26.2*id*salt*iv*ciphertext*expiry*hmacSalt*hmac~2). */
function part(value: string, n: number, replace: (p: string) => string): string {
  const parts = value.split('*');
  parts[n] = replace(parts[n] ?? '');
  return parts.join('*');
}

test('a tampered, truncated or foreign session cookie reads as no session, never a 5xx', async ({ page, context, signIn, token, baseURL }) => {
  test.setTimeout(90_000);
  await signIn.as(token.host, 'alice', password(token, 'alice'));
  const good = (await context.cookies()).find((c) => c.name === COOKIE)?.value ?? '';
  expect(good, 'signing in set the cookie').toMatch(/^Fe26\.2\*/);
  const session = () => ({ registries: [{ host: token.host, url: token.url, username: 'alice', password: password(token, 'alice') }] });
  const otherSecret = randomBytes(32).toString('hex');

  const variants: [string, string][] = [
    ['truncated to half', good.slice(0, Math.floor(good.length / 2))],
    ['last character cut', good.slice(0, -1)],
    ['version suffix cut', good.replace(/~2$/, '')],
    ['a byte of the ciphertext flipped', part(good, 4, (p) => flip(p, Math.floor(p.length / 2)))],
    ['a byte of the HMAC flipped', part(good, 7, (p) => flip(p, 3))],
    ['a byte of the salt flipped', part(good, 2, (p) => flip(p, 0))],
    ['a byte of the IV flipped', part(good, 3, (p) => flip(p, 0))],
    ['the last byte flipped', flip(good, -3)],
    ['another password id', part(good, 1, () => '9')],
    ['an expiry that is not a number', part(good, 5, () => 'soon')],
    ['another seal prefix', good.replace(/^Fe26\.2/, 'Fe26.1')],
    ['one part too many', `${good.replace(/~2$/, '')}*x~2`],
    ['one part missing', part(good, 6, () => '').replace('**', '*')],
    ['sealed with another secret', await sealData(session(), { password: otherSecret })],
    ['sealed with another secret as password id 2', await sealData(session(), { password: { 2: otherSecret } })],
    ['not a seal at all', 'hello'],
    ['base64 junk', randomBytes(600).toString('base64url')],
    ['empty', ''],
  ];

  for (const [name, value] of variants) {
    await context.clearCookies();
    await context.addCookies([{ name: COOKIE, value, url: baseURL ?? '' }]);
    const res = await page.request.get('/api/session');
    expect(res.status(), `GET /api/session, cookie ${name}`).toBe(200);
    expect(await res.json(), `GET /api/session, cookie ${name}`).toEqual({ registries: [] });
    for (const path of ['/', `/${token.host}`, `/${token.host}/team/app:v2`, `/login?registry=${token.host}`]) {
      const page_ = await page.request.get(path);
      expect(page_.status(), `GET ${path}, cookie ${name}`).toBeLessThan(500);
    }
    const browse = await page.request.get(`/api/registries/${encodeURIComponent(token.host)}/tags?repository=team/app`);
    expect(browse.status(), `browse, cookie ${name}`).toBe(401);
    expect(((await browse.json()) as { error: { code: string } }).error.code).toBe('SIGN_IN_REQUIRED');
    const signOut = await page.request.delete(`/api/session/registries/${encodeURIComponent(token.host)}`, { headers: { origin: baseURL ?? '' } });
    expect(signOut.status(), `sign-out, cookie ${name}`).toBe(200);
  }

  // Signing in over a broken cookie replaces it.
  await context.clearCookies();
  await context.addCookies([{ name: COOKIE, value: flip(good, -3), url: baseURL ?? '' }]);
  await signIn.as(token.host, 'alice', password(token, 'alice'));
  const after = await page.request.get('/api/session');
  expect(((await after.json()) as { registries: { host: string }[] }).registries.map((r) => r.host)).toEqual([token.host]);
});
