import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressPolicy, isNonPublicAddress } from './policy';
import { RegistryError } from './errors';

const addresses: Array<[string, boolean]> = [
  ['127.0.0.1', true],
  ['127.255.0.9', true],
  ['10.1.2.3', true],
  ['172.16.0.1', true],
  ['172.31.255.255', true],
  ['172.32.0.1', false],
  ['192.168.1.1', true],
  ['169.254.169.254', true],
  ['0.0.0.0', true],
  ['8.8.8.8', false],
  ['140.82.112.3', false],
  ['::1', true],
  ['::', true],
  ['fe80::1', true],
  ['fd00::1', true],
  ['fc00::1', true],
  ['2001:4860:4860::8888', false],
  ['::ffff:127.0.0.1', true],
  ['::ffff:7f00:1', true],
  ['::ffff:8.8.8.8', false],
  ['::7f00:1', true],
  ['::127.0.0.1', true],
  ['64:ff9b::7f00:1', true],
  ['64:ff9b::808:808', false],
  ['2002:c0a8:0101::1', true],
  ['2002:0808:0808::1', false],
  ['fec0::1', true],
  ['198.18.0.1', true],
  ['192.0.0.8', true],
  ['fe80::1%eth0', true],
  ['1:2:3', true],
  ['not-an-ip', true],
];
for (const [ip, want] of addresses) {
  test(`isNonPublicAddress(${ip}) = ${want}`, () => assert.equal(isNonPublicAddress(ip), want));
}

const hub = 'https://registry-1.docker.io';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    assert.ok(e instanceof RegistryError);
    return e.code;
  }
}

test('open mode: any public https registry, no http, no private literals', () => {
  const p = new AddressPolicy({ allowed: null, dockerHubRegistryUrl: hub });
  assert.deepEqual(p.resolveRegistry({ host: 'ghcr.io' }), { host: 'ghcr.io', baseUrl: 'https://ghcr.io' });
  assert.deepEqual(p.resolveRegistry({ host: 'docker.io' }), { host: 'docker.io', baseUrl: hub });
  assert.equal(code(() => p.resolveRegistry({ host: '127.0.0.1:5000', scheme: 'http' })), 'NOT_ALLOWED');
  assert.equal(code(() => p.check(new URL('https://127.0.0.1:5000/v2/'))), 'NOT_ALLOWED');
  assert.equal(code(() => p.check(new URL('https://[::1]/v2/'))), 'NOT_ALLOWED');
  assert.equal(code(() => p.check(new URL('https://169.254.169.254/latest'))), 'NOT_ALLOWED');
  assert.equal(code(() => p.check(new URL('http://ghcr.io/v2/'))), 'NOT_ALLOWED');
  assert.equal(code(() => p.check(new URL('file:///etc/passwd'))), 'NOT_ALLOWED');
  assert.equal(code(() => p.check(new URL('https://u:p@ghcr.io/'))), 'NOT_ALLOWED');
  assert.deepEqual(p.check(new URL('https://ghcr.io/token')), { privateOk: false });
  assert.equal(code(() => p.checkResolved(new URL('https://evil.example'), '10.0.0.5', false)), 'NOT_ALLOWED');
});

test('listed registries: only those, with http and private addresses allowed for their hosts', () => {
  const p = new AddressPolicy({ allowed: AddressPolicy.parseList(' http://127.0.0.1:5000, https://r.example.com ,docker.io'), dockerHubRegistryUrl: hub });
  assert.deepEqual(p.resolveRegistry({ host: '127.0.0.1:5000' }), { host: '127.0.0.1:5000', baseUrl: 'http://127.0.0.1:5000' });
  assert.deepEqual(p.resolveRegistry({ host: 'r.example.com' }), { host: 'r.example.com', baseUrl: 'https://r.example.com' });
  assert.deepEqual(p.resolveRegistry({ host: 'docker.io' }), { host: 'docker.io', baseUrl: hub });
  assert.equal(code(() => p.resolveRegistry({ host: 'ghcr.io' })), 'NOT_ALLOWED');
  assert.equal(code(() => p.resolveRegistry({ host: '127.0.0.1:5000', scheme: 'https' })), 'NOT_ALLOWED');
  // Exceptions hold for the listed origin only: not another port or scheme on the same host.
  assert.deepEqual(p.check(new URL('http://127.0.0.1:5000/v2/')), { privateOk: true });
  assert.equal(code(() => p.check(new URL('http://127.0.0.1:5001/token'))), 'NOT_ALLOWED');
  assert.equal(code(() => p.check(new URL('https://127.0.0.1:8443/'))), 'NOT_ALLOWED');
  // Public https delegates (auth.docker.io, CDNs) are fine; private ones are not.
  assert.deepEqual(p.check(new URL('https://auth.docker.io/token')), { privateOk: false });
  assert.equal(code(() => p.check(new URL('http://127.0.0.2:5000/'))), 'NOT_ALLOWED');
  assert.equal(code(() => p.check(new URL('https://10.0.0.1/'))), 'NOT_ALLOWED');
  assert.equal(AddressPolicy.parseList(''), null);
});

test("listing docker.io allows Docker Hub's API too, and only when docker.io is listed", () => {
  const options = { dockerHubRegistryUrl: 'http://127.0.0.1:5100', dockerHubApiUrl: 'http://127.0.0.1:5200' };
  const listed = new AddressPolicy({ allowed: ['docker.io'], ...options });
  assert.deepEqual(listed.check(new URL('http://127.0.0.1:5100/v2/')), { privateOk: true });
  assert.deepEqual(listed.check(new URL('http://127.0.0.1:5200/v2/auth/token')), { privateOk: true });
  assert.equal(code(() => listed.check(new URL('http://127.0.0.1:5201/v2/'))), 'NOT_ALLOWED');
  const without = new AddressPolicy({ allowed: ['http://127.0.0.1:5100'], ...options });
  assert.equal(code(() => without.check(new URL('http://127.0.0.1:5200/v2/auth/token'))), 'NOT_ALLOWED');
  assert.equal(code(() => without.resolveRegistry({ host: 'docker.io' })), 'NOT_ALLOWED');
  // Unrestricted: the API is held to the rules of any address (public https).
  const open = new AddressPolicy({ allowed: null, ...options });
  assert.equal(code(() => open.check(new URL('http://127.0.0.1:5200/v2/'))), 'NOT_ALLOWED');
  assert.equal(new AddressPolicy({ allowed: null, dockerHubRegistryUrl: hub }).dockerHubApiUrl.href, 'https://hub.docker.com/');
});
