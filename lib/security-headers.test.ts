// The headers that keep Berth's pages from running, framing or loading what is not Berth's: the
// Content-Security-Policy proxy.ts sets on every page, and the fixed headers next.config.js sets
// on every response.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { NextConfig } from 'next';
import { unstable_getResponseFromNextConfig } from 'next/experimental/testing/server';
import { contentSecurityPolicy } from './security-headers';

const NONCE = 'bm9uY2Utb2YtdGhpcy1yZXF1ZXN0';

/** The policy's directives by name, each with its values; a name given twice fails the test. */
function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (!name) continue;
    // Browsers use the first of two directives with the same name and ignore the rest.
    assert.ok(!map.has(name), `${name} is given twice in ${policy}`);
    map.set(name, values);
  }
  return map;
}

const variants = [
  { dev: false, https: true },
  { dev: false, https: false },
  { dev: true, https: true },
  { dev: true, https: false },
];
const label = (o: { dev: boolean; https: boolean }) => `${o.dev ? 'development' : 'production'}, ${o.https ? 'https' : 'http'}`;

describe('Content-Security-Policy', () => {
  for (const options of variants.filter((o) => !o.dev)) {
    test(`in production (${label(options)}) script-src allows no 'unsafe-…' keyword at all`, () => {
      const script = directives(contentSecurityPolicy(NONCE, options)).get('script-src') ?? [];
      assert.deepEqual(
        script.filter((v) => /^'unsafe-/i.test(v)),
        [],
      );
      // A fallback for old browsers is still an 'unsafe-inline' a browser without nonces would obey.
      assert.ok(!script.includes("'unsafe-inline'"));
    });
  }

  test("in development script-src adds 'unsafe-eval' (React's error overlay) and nothing else unsafe", () => {
    for (const options of variants.filter((o) => o.dev)) {
      const script = directives(contentSecurityPolicy(NONCE, options)).get('script-src') ?? [];
      assert.deepEqual(
        script.filter((v) => /^'unsafe-/i.test(v)),
        ["'unsafe-eval'"],
        label(options),
      );
    }
  });

  for (const options of variants) {
    test(`(${label(options)}) scripts run only from Berth with this request's nonce`, () => {
      const script = directives(contentSecurityPolicy(NONCE, options)).get('script-src') ?? [];
      assert.ok(script.includes(`'nonce-${NONCE}'`), script.join(' '));
      assert.ok(script.includes("'strict-dynamic'"));
      // No host, scheme or wildcard source: with 'strict-dynamic' they are ignored by new
      // browsers, and obeyed by old ones.
      assert.deepEqual(
        script.filter((v) => !v.startsWith("'")),
        [],
      );
    });

    test(`(${label(options)}) nothing frames Berth, no plugins, no <base>, forms post only to Berth`, () => {
      const map = directives(contentSecurityPolicy(NONCE, options));
      assert.deepEqual(map.get('frame-ancestors'), ["'none'"]);
      assert.deepEqual(map.get('object-src'), ["'none'"]);
      assert.deepEqual(map.get('base-uri'), ["'self'"]);
      assert.deepEqual(map.get('form-action'), ["'self'"]);
      assert.deepEqual(map.get('default-src'), ["'self'"]);
      assert.deepEqual(map.get('connect-src'), ["'self'"]);
    });

    test(`(${label(options)}) style elements need the nonce; only style attributes are inline`, () => {
      const map = directives(contentSecurityPolicy(NONCE, options));
      assert.deepEqual(map.get('style-src'), ["'self'", `'nonce-${NONCE}'`]);
      assert.deepEqual(map.get('style-src-attr'), ["'unsafe-inline'"]);
    });
  }

  test('the nonce is the one given, each time', () => {
    const other = 'YW5vdGhlci1ub25jZQ==';
    const policy = contentSecurityPolicy(other, { dev: false, https: true });
    assert.ok(policy.includes(`'nonce-${other}'`));
    assert.ok(!policy.includes(NONCE));
  });

  test('upgrade-insecure-requests only over https (over http it would break every request)', () => {
    assert.ok(directives(contentSecurityPolicy(NONCE, { dev: false, https: true })).has('upgrade-insecure-requests'));
    assert.ok(!directives(contentSecurityPolicy(NONCE, { dev: false, https: false })).has('upgrade-insecure-requests'));
  });
});

describe('the fixed headers of next.config.js', () => {
  // next.config.js is plain CommonJS, read as Next reads it.
  const nextConfig = createRequire(__filename)('../next.config.js') as NextConfig;

  for (const url of ['https://berth.example/', 'https://berth.example/docker.io/library/alpine:3.20', 'https://berth.example/api/session']) {
    test(`on ${new URL(url).pathname}: not framed, not sniffed, no referrer elsewhere, no device access`, async () => {
      const response = await unstable_getResponseFromNextConfig({ url, nextConfig });
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'same-origin');
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin');
      const permissions = (response.headers.get('permissions-policy') ?? '').split(',').map((s) => s.trim());
      for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) assert.ok(permissions.includes(`${feature}=()`), feature);
    });
  }

  test('no X-Powered-By header names the framework', () => {
    assert.equal(nextConfig.poweredByHeader, false);
  });
});

test('the whole policy, as it is sent in production over https and over http', () => {
  const common = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${NONCE}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${NONCE}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  assert.equal(contentSecurityPolicy(NONCE, { dev: false, https: true }), [...common, 'upgrade-insecure-requests'].join('; '));
  assert.equal(contentSecurityPolicy(NONCE, { dev: false, https: false }), common.join('; '));
});
