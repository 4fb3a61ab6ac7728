import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryError } from '../registry/errors';
import { assertSameOrigin } from './origin';

function verdict(headers: Record<string, string>): 'ok' | string {
  try {
    assertSameOrigin(new Request('http://berth.internal:3000/api/session', { method: 'DELETE', headers }));
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
