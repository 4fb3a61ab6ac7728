// What proxy.ts does before any page or route runs: it refuses hosts that are not Berth's (with
// PUBLIC_ORIGIN), gives every page its Content-Security-Policy with a fresh nonce, adds
// Strict-Transport-Security over https, and answers image-reference URLs with real HTTP
// (a 308 to the canonical form, a 400 for an invalid reference).
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NextRequest, type NextResponse } from 'next/server';
import { unstable_doesMiddlewareMatch } from 'next/experimental/testing/server';
import { config, proxy } from './proxy';

const BERTH = 'http://berth.example';

function request(path: string, init: { headers?: Record<string, string>; base?: string; basePath?: string } = {}): NextRequest {
  const base = init.base ?? BERTH;
  return new NextRequest(new URL(path, base), {
    headers: { host: new URL(base).host, ...init.headers },
    ...(init.basePath ? { nextConfig: { basePath: init.basePath } } : {}),
  });
}

/** Whether the proxy let the request through to Next.js (NextResponse.next()). */
const passedOn = (response: NextResponse) => response.headers.get('x-middleware-next') === '1';

const nonceOf = (policy: string | null) => /'nonce-([^']+)'/.exec(policy ?? '')?.[1];

afterEach(() => {
  delete process.env.PUBLIC_ORIGIN;
});

describe('PUBLIC_ORIGIN: requests sent to any other host are refused', () => {
  const configured = () => {
    process.env.PUBLIC_ORIGIN = 'https://berth.example';
  };

  test('an API request to another host: 400 HOST_NOT_ALLOWED as the error envelope', async () => {
    configured();
    const response = proxy(request('/api/session', { base: 'https://rebound.example' }));
    assert.equal(response.status, 400);
    assert.ok(!passedOn(response));
    const body = (await response.json()) as { error: { code: string; status: number; message: string } };
    assert.equal(body.error.code, 'HOST_NOT_ALLOWED');
    assert.equal(body.error.status, 400);
    assert.match(body.error.message, /https:\/\/berth\.example/);
  });

  test('a page on another host: 400 with the sentence as a page that runs nothing', async () => {
    configured();
    const response = proxy(request('/docker.io/library/alpine:3.20', { base: 'https://rebound.example' }));
    assert.equal(response.status, 400);
    assert.ok(!passedOn(response));
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(response.headers.get('content-security-policy'), "default-src 'none'; style-src 'unsafe-inline'", 'no script, nothing loaded');
    assert.match(await response.text(), /<p role="alert">This Berth answers only at https:\/\/berth\.example/);
  });

  test('an X-Forwarded-Host that is not Berth’s is refused beside the right Host', () => {
    configured();
    const response = proxy(request('/api/session', { base: 'https://berth.example', headers: { 'x-forwarded-host': 'rebound.example' } }));
    assert.equal(response.status, 400);
  });

  test('the right host passes, pages and API alike', () => {
    configured();
    assert.ok(passedOn(proxy(request('/api/session', { base: 'https://berth.example' }))));
    assert.ok(passedOn(proxy(request('/', { base: 'https://berth.example' }))));
  });

  test('the health check answers whatever the host (probes call the pod by its address)', () => {
    configured();
    assert.ok(passedOn(proxy(request('/api/health', { base: 'http://10.0.0.7:3000' }))));
  });

  test('unset, every host is served', () => {
    assert.ok(passedOn(proxy(request('/api/session', { base: 'https://rebound.example' }))));
  });
});

describe('Content-Security-Policy on pages', () => {
  for (const [what, path, headers] of [
    ['the home page', '/', {}],
    ['an image page', '/docker.io/library/alpine:3.20', {}],
    ['a link prefetch', '/docker.io/library/alpine:3.20', { 'next-router-prefetch': '1', rsc: '1' }],
    ['the sign-in page', '/login', {}],
  ] as const) {
    test(`${what} gets a policy, and Next.js is handed the same nonce for its scripts`, () => {
      const response = proxy(request(path, { headers }));
      assert.ok(passedOn(response));
      const policy = response.headers.get('content-security-policy');
      assert.match(policy ?? '', /script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
      // Outside development (NODE_ENV is not 'development' here) no script is evaluated from text.
      assert.doesNotMatch(/script-src [^;]*/.exec(policy ?? '')?.[0] ?? '', /'unsafe-/);
      // NextResponse.next({ request: { headers } }) hands these request headers on to Next.js.
      assert.equal(response.headers.get('x-middleware-request-content-security-policy'), policy);
    });
  }

  test('every page gets a fresh nonce', () => {
    const nonces = new Set(Array.from({ length: 5 }, () => nonceOf(proxy(request('/')).headers.get('content-security-policy'))));
    assert.equal(nonces.size, 5);
    for (const nonce of nonces) assert.ok(nonce && Buffer.from(nonce, 'base64').length === 16, `a 128-bit nonce, not ${nonce}`);
  });

  test('the proxy runs for pages, link prefetches and the API, not for Next’s static files', () => {
    const runs = (url: string, headers: Record<string, string> = {}) => unstable_doesMiddlewareMatch({ config, url, headers });
    assert.ok(runs('/'));
    assert.ok(runs('/docker.io/library/alpine:3.20'));
    assert.ok(runs('/docker.io/library/alpine:3.20', { 'next-router-prefetch': '1', rsc: '1', purpose: 'prefetch' }));
    assert.ok(runs('/api/session'));
    assert.ok(runs('/api/health'));
    assert.ok(!runs('/_next/static/chunks/main.js'));
  });
});

describe('Strict-Transport-Security', () => {
  const hsts = (response: NextResponse) => response.headers.get('strict-transport-security');

  test('over https: on pages, API answers, redirects and refusals', () => {
    const https = { base: 'https://berth.example' };
    assert.equal(hsts(proxy(request('/', https))), 'max-age=31536000');
    assert.equal(hsts(proxy(request('/api/session', https))), 'max-age=31536000');
    assert.equal(hsts(proxy(request('/alpine:3.20', https))), 'max-age=31536000');
    process.env.PUBLIC_ORIGIN = 'https://berth.example';
    assert.equal(hsts(proxy(request('/api/session', { base: 'https://rebound.example' }))), 'max-age=31536000');
  });

  test('behind a proxy that ended TLS (X-Forwarded-Proto: https, its first value)', () => {
    assert.equal(hsts(proxy(request('/', { headers: { 'x-forwarded-proto': 'https' } }))), 'max-age=31536000');
    assert.equal(hsts(proxy(request('/', { headers: { 'x-forwarded-proto': ' https , http' } }))), 'max-age=31536000', 'spaces around the first value');
    assert.equal(hsts(proxy(request('/', { headers: { 'x-forwarded-proto': 'http, https' } }))), null);
  });

  test('never over plain http, where a browser would ignore it or lock out a site without TLS', () => {
    assert.equal(hsts(proxy(request('/'))), null);
    assert.equal(hsts(proxy(request('/api/session'))), null);
  });

  test('only over https is the policy told to upgrade insecure requests', () => {
    assert.match(proxy(request('/', { base: 'https://berth.example' })).headers.get('content-security-policy') ?? '', /upgrade-insecure-requests/);
    assert.doesNotMatch(proxy(request('/')).headers.get('content-security-policy') ?? '', /upgrade-insecure-requests/);
  });
});

describe('image-reference URLs', () => {
  test('a short reference answers 308 to its canonical URL', () => {
    const response = proxy(request('/alpine:3.20'));
    assert.equal(response.status, 308);
    assert.equal(response.headers.get('location'), `${BERTH}/docker.io/library/alpine:3.20`);
  });

  test('under a base path the redirect keeps it', () => {
    const response = proxy(request('/registry/alpine:3.20', { basePath: '/registry' }));
    assert.equal(response.status, 308);
    assert.equal(response.headers.get('location'), `${BERTH}/registry/docker.io/library/alpine:3.20`);
  });

  test('the redirect is to Berth’s own host, whatever X-Forwarded-Host a client sends', () => {
    const response = proxy(request('/alpine:3.20', { headers: { 'x-forwarded-host': 'evil.example' } }));
    assert.equal(new URL(response.headers.get('location') ?? '').host, 'berth.example');
  });

  test('an invalid reference is a 400 that still renders its page, with its policy', () => {
    const response = proxy(request('/r.io/Bad'));
    assert.equal(response.status, 400);
    assert.ok(passedOn(response));
    assert.match(response.headers.get('content-security-policy') ?? '', /'nonce-/);
  });

  test('a canonical reference renders as it is', () => {
    const response = proxy(request('/docker.io/library/alpine:3.20'));
    assert.equal(response.status, 200);
    assert.ok(passedOn(response));
  });
});

test('in development (next dev) the page policy lets React evaluate code for its error overlay', () => {
  const env = process.env as Record<string, string | undefined>;
  const before = env.NODE_ENV;
  env.NODE_ENV = 'development';
  try {
    assert.match(proxy(request('/')).headers.get('content-security-policy') ?? '', /script-src [^;]*'unsafe-eval'/);
  } finally {
    env.NODE_ENV = before;
  }
  assert.doesNotMatch(proxy(request('/')).headers.get('content-security-policy') ?? '', /unsafe-eval/);
});
