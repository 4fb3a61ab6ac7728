// Attacks on Berth itself that must fail: oversized bodies, framing, injected scripts, password
// guessing through the sign-in form.
import { request as httpRequest } from 'node:http';
import { test, expect, password } from './support';

interface ErrorEnvelope {
  error: { code: string; message: string; retryAfter?: number };
}

test.describe('the sign-in body is bounded', () => {
  test('a 300 KB body is refused with 413 before it is read', async ({ request, baseURL, token }) => {
    const res = await request.post('/api/session/registries', {
      headers: { origin: baseURL ?? '', 'content-type': 'application/json' },
      data: { registry: token.host, username: 'alice', password: 'x'.repeat(300 * 1024) },
    });
    expect(res.status()).toBe(413);
    const body = (await res.json()) as ErrorEnvelope;
    expect(body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.error.message).not.toContain('xxxx');
  });

  test('a chunked body with no length is cut off at the cap too', async ({ baseURL }) => {
    const url = new URL('/api/session/registries', baseURL);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        url,
        { method: 'POST', headers: { origin: url.origin, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write('{"registry":"x","password":"');
      // 64 KB in 1 KB chunks, never ending the JSON: a server that buffers would wait for more.
      for (let i = 0; i < 64; i++) req.write('y'.repeat(1024));
      req.end('"}');
    });
    expect(status).toBe(413);
    expect((JSON.parse(body) as ErrorEnvelope).error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

test.describe('security headers', () => {
  test('pages and the API are not framable, not sniffable, and pages carry a nonce policy', async ({ request, token }) => {
    for (const path of ['/', '/login', `/${token.host}`, '/api/session']) {
      const res = await request.get(path, { maxRedirects: 0 });
      const h = res.headers();
      expect(h['x-frame-options'], path).toBe('DENY');
      expect(h['x-content-type-options'], path).toBe('nosniff');
      expect(h['referrer-policy'], path).toBe('same-origin');
      expect(h['permissions-policy'], path).toContain('camera=()');
      if (path.startsWith('/api/')) continue;
      const csp = h['content-security-policy'] ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      expect(csp, path).not.toContain('unsafe-eval');
      // Next.js put the nonce on its own scripts: the page works under its policy.
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1] ?? 'none';
      expect(await res.text(), path).toContain(`nonce="${nonce}"`);
    }
    const again = await request.get('/login');
    const [a, b] = [(await request.get('/login')).headers()['content-security-policy'], again.headers()['content-security-policy']];
    expect(a).not.toBe(b); // a fresh nonce per page
  });

  test('the sign-in page will not render inside another site’s frame', async ({ page, baseURL }) => {
    const blocked: string[] = [];
    page.on('console', (m) => blocked.push(m.text()));
    await page.goto('about:blank');
    await page.setContent(`<iframe id="f" src="${baseURL}/login" width="600" height="400"></iframe>`);
    await page.waitForTimeout(1500);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const signInInFrame = frame
      ? await frame
          .getByRole('button', { name: 'Sign in' })
          .count()
          .catch(() => 0)
      : 0;
    expect(signInInFrame).toBe(0);
  });

  test('pages run under their policy: sign-in and browsing work, no violations reported', async ({ page, signIn, token }) => {
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await signIn.as(token.host, 'alice', password(token, 'alice'));
    await page.goto(`/${token.host}`);
    await expect(page.getByLabel('Filter')).toBeVisible();
    expect(violations).toEqual([]);
  });
});

test.describe('Berth is no password-guessing relay', () => {
  test('ten wrong passwords for one account, then sign-in to it waits', async ({ request, baseURL, token }) => {
    const attempt = () =>
      request.post('/api/session/registries', {
        headers: { origin: baseURL ?? '', 'content-type': 'application/json' },
        data: { registry: token.host, username: 'mallory', password: `guess-${Math.random()}` },
      });
    for (let i = 0; i < 10; i++) expect((await attempt()).status()).toBe(401);
    const blocked = await attempt();
    expect(blocked.status()).toBe(429);
    const body = (await blocked.json()) as ErrorEnvelope;
    expect(body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(blocked.headers()['retry-after'])).toBeGreaterThan(60);
    expect(body.error.message).toMatch(/Wait \d+ s/);
  });

  test('one client behind a proxy gets sixty attempts a minute, others are not affected', async ({ request, baseURL, bed }) => {
    const anon = bed.registries.anonymous;
    const attempt = (client: string) =>
      request.post('/api/session/registries', {
        headers: { origin: baseURL ?? '', 'content-type': 'application/json', 'x-forwarded-for': client },
        data: { registry: anon.host, username: '', password: '' },
      });
    for (let i = 0; i < 60; i++) expect((await attempt('198.51.100.7')).status()).toBe(200);
    const blocked = await attempt('198.51.100.7');
    expect(blocked.status()).toBe(429);
    expect(((await blocked.json()) as ErrorEnvelope).error.code).toBe('TOO_MANY_ATTEMPTS');
    expect((await attempt('198.51.100.8')).status()).toBe(200);
  });
});
