import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryError } from '../registry/errors';
import { assertPublicHost, assertSameOrigin } from './origin';

function verdict(headers: Record<string, string>, publicOrigins: string[] | null = null): 'ok' | string {
  try {
    assertSameOrigin(new Request('http://berth.internal:3000/api/session', { method: 'DELETE', headers }), publicOrigins);
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof RegistryError, `expected a RegistryError, got ${String(e)}`);
    assert.equal(e.status, 403);
    return e.code;
  }
}

const cases: Array<[string, Record<string, string>, 'ok' | 'CROSS_ORIGIN']> = [
  ['same host and port', { origin: 'http://berth.example:3000', host: 'berth.example:3000' }, 'ok'],
  ['same host behind TLS (the scheme is the proxy’s business)', { origin: 'https://berth.example', host: 'berth.example' }, 'ok'],
  ['no Origin at all', { host: 'berth.example' }, 'CROSS_ORIGIN'],
  ['an empty Origin', { origin: '', host: 'berth.example' }, 'CROSS_ORIGIN'],
  ['Origin: null (sandboxed frame, opaque origin)', { origin: 'null', host: 'berth.example' }, 'CROSS_ORIGIN'],
  ['Origin: null with no Host either', { origin: 'null' }, 'CROSS_ORIGIN'],
  ['another host', { origin: 'https://evil.example', host: 'berth.example' }, 'CROSS_ORIGIN'],
  ['the same host on another port', { origin: 'http://berth.example:8080', host: 'berth.example:3000' }, 'CROSS_ORIGIN'],
  ['a host that merely starts the same', { origin: 'https://berth.example.evil.example', host: 'berth.example' }, 'CROSS_ORIGIN'],
  ['a host that merely ends the same (suffix)', { origin: 'https://evil-berth.example', host: 'berth.example' }, 'CROSS_ORIGIN'],
  ['a subdomain of the host', { origin: 'https://evil.berth.example', host: 'berth.example' }, 'CROSS_ORIGIN'],
  ['the host as a parent of the Origin', { origin: 'https://example', host: 'berth.example' }, 'CROSS_ORIGIN'],
  ['the default port written out in Host', { origin: 'https://berth.example', host: 'berth.example:443' }, 'ok'],
  ['upper case in Host', { origin: 'https://berth.example', host: 'Berth.Example' }, 'ok'],
  ['a Host with a path smuggled in', { origin: 'https://berth.example', host: 'berth.example/evil' }, 'CROSS_ORIGIN'],
  ['an Origin that is not a URL', { origin: 'berth.example', host: 'berth.example' }, 'CROSS_ORIGIN'],
  ['no Host and no X-Forwarded-Host', { origin: 'https://berth.example' }, 'CROSS_ORIGIN'],
  // Behind a proxy: X-Forwarded-Host names the host the browser used, and wins over Host.
  ['X-Forwarded-Host matches', { origin: 'https://berth.example', host: 'berth.internal:3000', 'x-forwarded-host': 'berth.example' }, 'ok'],
  [
    'X-Forwarded-Host present: the internal Host no longer counts',
    { origin: 'http://berth.internal:3000', host: 'berth.internal:3000', 'x-forwarded-host': 'berth.example' },
    'CROSS_ORIGIN',
  ],
  [
    'comma-separated X-Forwarded-Host: the first one counts',
    { origin: 'https://berth.example', host: 'berth.internal:3000', 'x-forwarded-host': 'berth.example, proxy.internal' },
    'ok',
  ],
  ['comma-separated X-Forwarded-Host without spaces', { origin: 'https://berth.example', 'x-forwarded-host': 'berth.example,proxy.internal' }, 'ok'],
  [
    'comma-separated X-Forwarded-Host: a later one does not count',
    { origin: 'https://evil.example', host: 'berth.internal:3000', 'x-forwarded-host': 'berth.example, evil.example' },
    'CROSS_ORIGIN',
  ],
  ['comma-separated X-Forwarded-Host: Origin null still refused', { origin: 'null', 'x-forwarded-host': 'berth.example, null' }, 'CROSS_ORIGIN'],
];

for (const [name, headers, want] of cases) {
  test(`assertSameOrigin: ${name} → ${want}`, () => assert.equal(verdict(headers), want));
}

test('the refusal is a sentence that says what to do', () => {
  try {
    assertSameOrigin(new Request('http://berth.example/api/session', { method: 'DELETE' }));
    assert.fail('expected CROSS_ORIGIN');
  } catch (e) {
    assert.ok(e instanceof RegistryError);
    assert.match(e.message, /did not come from a Berth page/);
  }
});

const PUBLIC = ['https://berth.example.com', 'http://berth.internal:3000'];

const publicCases: Array<[string, Record<string, string>, 'ok' | 'CROSS_ORIGIN']> = [
  ['a listed origin', { origin: 'https://berth.example.com', host: 'anything' }, 'ok'],
  ['the second listed origin', { origin: 'http://berth.internal:3000', host: 'berth.internal:3000' }, 'ok'],
  ['a listed host over the other scheme', { origin: 'http://berth.example.com', host: 'berth.example.com' }, 'CROSS_ORIGIN'],
  ['a listed host on another port', { origin: 'https://berth.example.com:8443', host: 'berth.example.com:8443' }, 'CROSS_ORIGIN'],
  // DNS rebinding: the page's own host matches the Host header, yet it is not Berth's origin.
  ["the request's own host, not listed", { origin: 'https://rebound.example', host: 'rebound.example' }, 'CROSS_ORIGIN'],
  ['a look-alike ending the same', { origin: 'https://evil-berth.example.com', host: 'evil-berth.example.com' }, 'CROSS_ORIGIN'],
  ['a listed origin with a trailing slash (not what browsers send)', { origin: 'https://berth.example.com/', host: 'berth.example.com' }, 'CROSS_ORIGIN'],
  ['Origin: null', { origin: 'null', host: 'berth.example.com' }, 'CROSS_ORIGIN'],
];
for (const [name, headers, want] of publicCases) {
  test(`assertSameOrigin with PUBLIC_ORIGIN: ${name} → ${want}`, () => assert.equal(verdict(headers, PUBLIC), want));
}

function hostVerdict(headers: Record<string, string>, publicOrigins: string[] | null = PUBLIC): 'ok' | string {
  try {
    assertPublicHost(new Headers(headers), publicOrigins);
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof RegistryError);
    assert.equal(e.status, 400);
    assert.match(e.message, /PUBLIC_ORIGIN/);
    return e.code;
  }
}

const hostCases: Array<[string, Record<string, string>, 'ok' | 'HOST_NOT_ALLOWED']> = [
  ['a listed host', { host: 'berth.example.com' }, 'ok'],
  ['a listed host with its default port', { host: 'berth.example.com:443' }, 'ok'],
  ['a listed host and port', { host: 'berth.internal:3000' }, 'ok'],
  ['a listed host on another port', { host: 'berth.internal:3001' }, 'HOST_NOT_ALLOWED'],
  ['a name rebound to Berth', { host: 'rebound.example' }, 'HOST_NOT_ALLOWED'],
  ['a look-alike', { host: 'berth.example.com.evil.example' }, 'HOST_NOT_ALLOWED'],
  ['no Host', {}, 'HOST_NOT_ALLOWED'],
  ['a listed X-Forwarded-Host from the proxy in front', { host: 'berth.example.com', 'x-forwarded-host': 'berth.example.com' }, 'ok'],
  // A script on a rebound name can add X-Forwarded-Host itself: both must be listed.
  ['a listed X-Forwarded-Host beside an unlisted Host', { host: 'rebound.example', 'x-forwarded-host': 'berth.example.com' }, 'HOST_NOT_ALLOWED'],
  ['an unlisted X-Forwarded-Host beside a listed Host', { host: 'berth.example.com', 'x-forwarded-host': 'rebound.example' }, 'HOST_NOT_ALLOWED'],
];
for (const [name, headers, want] of hostCases) {
  test(`assertPublicHost: ${name} → ${want}`, () => assert.equal(hostVerdict(headers), want));
}

test('assertPublicHost: without PUBLIC_ORIGIN every host is served', () => {
  assert.equal(hostVerdict({ host: 'rebound.example' }, null), 'ok');
});
