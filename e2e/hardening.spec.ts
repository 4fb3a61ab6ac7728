// Attacks on Berth itself that must fail: oversized bodies, framing, injected scripts, password
// guessing through the sign-in form, requests to Berth under another name (DNS rebinding), and
// diagnoses started from elsewhere. Attacks through hostile registries: hostile.spec.ts.
import { request as httpRequest } from 'node:http';
import type { APIRequestContext } from '@playwright/test';
import { startAppServer, type AppServer } from './fixtures/app-server';
import { freePort } from './fixtures/registry';
import { test, expect, issuedTokens, password } from './support';

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
  // Its own server, as if behind one proxy (X-Forwarded-For names the client), so that the
  // limits these tests trip are nobody else's.
  let server: AppServer;
  test.beforeAll(async () => {
    server = await startAppServer({ env: { TRUSTED_PROXIES: '1' } });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  const signIn = (request: APIRequestContext, registry: string, username: string, secret: string, client: string) =>
    request.post(`${server.site}/api/session/registries`, {
      headers: { origin: server.url, 'content-type': 'application/json', 'x-forwarded-for': client },
      data: { registry, username, password: secret },
    });

  test('ten wrong passwords for one account, then sign-in to it waits', async ({ request, token }) => {
    for (let i = 0; i < 10; i++) expect((await signIn(request, token.host, 'mallory', `guess-${i}`, `198.51.100.${i}`)).status()).toBe(401);
    const blocked = await signIn(request, token.host, 'mallory', 'guess-x', '198.51.100.99');
    expect(blocked.status()).toBe(429);
    const body = (await blocked.json()) as ErrorEnvelope;
    expect(body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(blocked.headers()['retry-after'])).toBeGreaterThan(60);
    expect(body.error.message).toMatch(/Wait \d+ s/);
  });

  test('forty wrong passwords at once for one account reach the token service ten times at most; its name in capitals is the same account', async ({
    request,
    token,
    bed,
  }) => {
    const before = await issuedTokens(bed);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn(request, token.host, 'carol', `guess-${i}`, `203.0.113.${i}`).then((r) => r.status())),
    );
    const asked = (await issuedTokens(bed)) - before;
    expect(asked, 'token requests that reached the token service').toBeLessThanOrEqual(10);
    expect(answers.filter((s) => s === 401).length).toBe(asked);
    expect(answers.filter((s) => s === 429).length).toBe(40 - asked);
    for (const name of ['CAROL', 'Carol']) {
      const res = await signIn(request, token.host, name, 'guess', '203.0.113.200');
      expect(res.status(), name).toBe(429);
    }
    // The right password of another account is not held back by carol's.
    expect((await signIn(request, token.host, 'alice', password(token, 'alice'), '203.0.113.201')).status()).toBe(200);
  });

  test('one client behind a proxy gets sixty attempts a minute, others are not affected; a forged X-Forwarded-For is not a new client', async ({
    request,
    bed,
  }) => {
    const anon = bed.registries.anonymous;
    for (let i = 0; i < 60; i++) expect((await signIn(request, anon.host, '', '', '192.0.2.7')).status()).toBe(200);
    const blocked = await signIn(request, anon.host, '', '', '192.0.2.7');
    expect(blocked.status()).toBe(429);
    expect(((await blocked.json()) as ErrorEnvelope).error.code).toBe('TOO_MANY_ATTEMPTS');
    // The proxy appends the address it saw: what the client wrote before it is not read.
    expect((await signIn(request, anon.host, '', '', '10.9.9.9, 192.0.2.7')).status()).toBe(429);
    expect((await signIn(request, anon.host, '', '', '192.0.2.8')).status()).toBe(200);
  });
});

test('reached directly (no proxy), a client is its connection: neither X-Forwarded-For nor X-Berth-Peer it sends makes it another', async ({
  request,
  bed,
}) => {
  const server = await startAppServer();
  try {
    const anon = bed.registries.anonymous.host;
    const attempt = (i: number) =>
      request.post(`${server.site}/api/session/registries`, {
        headers: { origin: server.url, 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i}`, 'x-berth-peer': `203.0.113.${i}` },
        data: { registry: anon, username: '', password: '' },
      });
    for (let i = 0; i < 60; i++) expect((await attempt(i)).status()).toBe(200);
    expect((await attempt(60)).status()).toBe(429);
  } finally {
    await server.stop();
  }
});

test.describe('PUBLIC_ORIGIN: Berth answers at its own address only', () => {
  let server: AppServer;
  let port = 0;
  test.beforeAll(async () => {
    port = await freePort();
    server = await startAppServer({ port, env: { PUBLIC_ORIGIN: `http://127.0.0.1:${port}` } });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  /** A raw request with the Host (and other headers) a browser on another name would send. */
  const raw = (path: string, headers: Record<string, string>, method = 'GET', body?: string) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  test('a name rebound to Berth’s address gets a 400 that names the setting, for pages and the API', async () => {
    for (const path of ['/', '/login', '/api/session', '/api/registries/127.0.0.1%3A5000/tags?repository=a']) {
      const res = await raw(path, { host: `rebound.example:${port}` });
      expect(res.status, path).toBe(400);
      expect(res.body, path).toContain('PUBLIC_ORIGIN');
      if (path.startsWith('/api/')) expect((JSON.parse(res.body) as ErrorEnvelope).error.code).toBe('HOST_NOT_ALLOWED');
      else expect(res.body, path).toContain('role="alert"');
    }
    // A script on the rebound page can add X-Forwarded-Host itself: both must be Berth's.
    expect((await raw('/api/session', { host: `rebound.example:${port}`, 'x-forwarded-host': `127.0.0.1:${port}` })).status).toBe(400);
    expect((await raw('/api/session', { host: `127.0.0.1:${port}`, 'x-forwarded-host': 'rebound.example' })).status).toBe(400);
  });

  test('the listed address works, the health check answers whatever the host, and a sign-in needs the listed Origin exactly', async ({ page, bed }) => {
    expect((await raw('/api/health', { host: '10.1.2.3:3000' })).status).toBe(200);
    await page.goto(`${server.site}/`);
    await expect(page.getByLabel('Image reference')).toBeVisible();
    const anon = bed.registries.anonymous.host;
    const data = JSON.stringify({ registry: anon, username: '', password: '' });
    const post = (origin: string) => raw('/api/session/registries', { host: `127.0.0.1:${port}`, origin, 'content-type': 'application/json' }, 'POST', data);
    expect((await post(`http://127.0.0.1:${port}`)).status).toBe(200);
    for (const origin of [`http://localhost:${port}`, `https://127.0.0.1:${port}`, 'http://127.0.0.1', 'null']) {
      const res = await post(origin);
      expect(res.status, origin).toBe(403);
      expect((JSON.parse(res.body) as ErrorEnvelope).error.code).toBe('CROSS_ORIGIN');
    }
  });
});

test.describe('headers on every kind of answer', () => {
  test('a link prefetch gets the page’s policy too', async ({ request, token }) => {
    const prefetches: Array<Record<string, string>> = [{ 'next-router-prefetch': '1', rsc: '1' }, { purpose: 'prefetch' }];
    for (const headers of prefetches) {
      const res = await request.get(`/${token.host}`, { headers });
      expect(res.headers()['content-security-policy'], JSON.stringify(headers)).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    }
  });

  test('over https (as a TLS proxy says), pages and the API carry Strict-Transport-Security; over plain http they do not', async ({ request }) => {
    for (const path of ['/', '/api/session']) {
      const secure = await request.get(path, { headers: { 'x-forwarded-proto': 'https' } });
      expect(secure.headers()['strict-transport-security'], path).toBe('max-age=31536000');
      const plain = await request.get(path);
      expect(plain.headers()['strict-transport-security'], path).toBeUndefined();
    }
  });
});

test.describe('the diagnosis is not a free request generator', () => {
  test('another site’s page cannot start one', async ({ request, token }) => {
    const res = await request.get(`/api/registries/${encodeURIComponent(token.host)}/diagnose`, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.status()).toBe(403);
    expect(((await res.json()) as ErrorEnvelope).error.code).toBe('CROSS_ORIGIN');
  });

  test('one client gets twenty a minute, then waits', async ({ request, bed }) => {
    const host = encodeURIComponent(bed.registries.anonymous.host);
    const run = (client: string) =>
      request.get(`/api/registries/${host}/diagnose`, { headers: { 'x-forwarded-for': client, 'sec-fetch-site': 'same-origin' } });
    for (let i = 0; i < 20; i++) expect((await run('198.51.100.77')).status()).toBe(200);
    const blocked = await run('198.51.100.77');
    expect(blocked.status()).toBe(429);
    const body = (await blocked.json()) as ErrorEnvelope;
    expect(body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(body.error.message).toMatch(/Wait \d+ s/);
    expect((await run('198.51.100.78')).status()).toBe(200);
  });
});
