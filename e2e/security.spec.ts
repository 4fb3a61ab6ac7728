import { test, expect, password } from './support';
import { manifestExists, nonce, pushImage } from './scratch';

test.describe('secrets stay secret', () => {
  test('the session cookie is httpOnly and SameSite=Lax, and holds no readable secret', async ({ page, context, signIn, token }) => {
    await signIn.as(token.host, 'alice', password(token, 'alice'));
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'berth_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');
    expect(session?.value).not.toContain('alice');
    expect(await page.evaluate(() => document.cookie)).not.toContain('berth_session');
  });

  test('no password or token in API responses', async ({ page, signIn, token, bed }) => {
    const bodies: string[] = [];
    page.on('response', async (res) => {
      if (res.url().includes('/api/')) bodies.push(await res.text().catch(() => ''));
    });
    await signIn.as(token.host, 'alice', password(token, 'alice'));
    await page.goto(`/${token.host}/${bed.content.oci.repo}:${bed.content.oci.tag}`);
    await expect(page.getByRole('heading', { name: 'Layers' })).toBeVisible();
    const all = bodies.join('\n');
    expect(all).not.toContain(password(token, 'alice'));
    expect(all).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT
    expect(all).not.toContain('Bearer');
  });

  test('state changes from another origin are refused', async ({ request, token }) => {
    const res = await request.post('/api/session/registries', {
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      data: { registry: token.host, username: 'alice', password: password(token, 'alice') },
    });
    expect(res.status()).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('CROSS_ORIGIN');
    const del = await request.delete('/api/session', { headers: { origin: 'https://evil.example' } });
    expect(del.status()).toBe(403);
  });
});

test('a delete from another origin, or with no origin, is refused, and nothing is deleted', async ({ page, signIn, bed, baseURL }) => {
  const scratch = bed.scratch;
  const repo = 'e2e-delete/cross-origin';
  const target = await pushImage(scratch, repo, ['v1'], { name: `cross-origin-${nonce()}` });
  // Signed in with the delete right: only the origin check stands between the request and the registry.
  await signIn.as(scratch.host, 'alice', password(scratch, 'alice'));
  const api = `/api/registries/${encodeURIComponent(scratch.host)}`;
  const query = `repository=${encodeURIComponent(repo)}`;
  for (const headers of [{ origin: 'https://evil.example' }, {}] as Record<string, string>[]) {
    for (const res of [
      await page.request.delete(`${api}/manifest?${query}&reference=${target.digest}`, { headers }),
      await page.request.delete(`${api}/manifest?${query}&reference=v1`, { headers }),
      await page.request.post(`${api}/deletion?${query}`, { headers }),
    ]) {
      expect(res.status()).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('CROSS_ORIGIN');
    }
  }
  expect(await manifestExists(scratch, repo, target.digest)).toBe(true);
  // The same request from Berth's own origin goes through: the refusal above was the origin's.
  const same = await page.request.post(`${api}/deletion?${query}`, { headers: { origin: baseURL ?? '' } });
  expect(same.status()).toBe(200);
});

test('credentials too large for a cookie get a clear 413, not a 500', async ({ request, bed, baseURL }) => {
  const anon = bed.registries.anonymous;
  const res = await request.post('/api/session/registries', {
    headers: { origin: baseURL ?? '', 'content-type': 'application/json' },
    data: { registry: anon.host, username: 'someone', password: 'x'.repeat(5000) },
  });
  expect(res.status()).toBe(413);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('SESSION_FULL');
  expect(body.error.message).toContain('Sign out of a registry you do not need');
  expect(body.error.message).not.toContain('xxxx');
});
