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
  // IPv4-compatible (::/96): refused whatever the IPv4 address, in every spelling
  ['::8.8.8.8', true],
  ['::808:808', true],
  ['0:0:0:0:0:0:8.8.8.8', true],
  ['::2', true],
  ['::ffff', true],
  ['::0.0.1.1', true],
  ['::0.0.255.255', true],
  ['::1.0.0.0', true],
  ['::255.255.255.255', true],
  // SIIT (::ffff:0:0:0/96): refused whatever the IPv4 address
  ['::ffff:0:8.8.8.8', true],
  ['::ffff:0:808:808', true],
  ['::ffff:0:127.0.0.1', true],
  ['0:0:0:0:ffff:0:140.82.112.3', true],
  ['::ffff:0:7f00:1%eth0', true],
  // Teredo (2001::/32): the server and client addresses are in the address: refused
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', true],
  ['2001::1', true],
  // 6to4 relay anycast and the Azure wire server, also inside IPv6 forms that carry IPv4
  ['192.88.99.1', true],
  ['168.63.129.16', true],
  ['::ffff:192.88.99.1', true],
  ['::ffff:168.63.129.16', true],
  ['64:ff9b::a83f:8110', true],
  ['64:ff9b::168.63.129.16', true],
  ['2002:c058:6301::1', true],
  ['2002:a83f:8110::1', true],
  // still public
  ['::ffff:140.82.112.3', false],
  ['2001:4860:4860::8844', false],
  ['2606:4700:4700::1111', false],
  ['1:2:3', true],
  ['not-an-ip', true],
];
for (const [ip, want] of addresses) {
  test(`isNonPublicAddress(${ip}) = ${want}`, () => assert.equal(isNonPublicAddress(ip), want));
}

// Every refused range: its first and last address are refused, the addresses just outside are
// not (unless a neighbouring range refuses them too: then they are that range's first or last).
const refusedRanges: Array<{ range: string; first: string; last: string; outside: string[] }> = [
  { range: '0.0.0.0/8', first: '0.0.0.0', last: '0.255.255.255', outside: ['1.0.0.0'] },
  { range: '10.0.0.0/8', first: '10.0.0.0', last: '10.255.255.255', outside: ['9.255.255.255', '11.0.0.0'] },
  { range: '100.64.0.0/10', first: '100.64.0.0', last: '100.127.255.255', outside: ['100.63.255.255', '100.128.0.0'] },
  { range: '127.0.0.0/8', first: '127.0.0.0', last: '127.255.255.255', outside: ['126.255.255.255', '128.0.0.0'] },
  { range: '169.254.0.0/16', first: '169.254.0.0', last: '169.254.255.255', outside: ['169.253.255.255', '169.255.0.0'] },
  { range: '172.16.0.0/12', first: '172.16.0.0', last: '172.31.255.255', outside: ['172.15.255.255', '172.32.0.0'] },
  { range: '192.0.0.0/24', first: '192.0.0.0', last: '192.0.0.255', outside: ['191.255.255.255', '192.0.1.0'] },
  { range: '192.0.2.0/24 (TEST-NET-1)', first: '192.0.2.0', last: '192.0.2.255', outside: ['192.0.1.255', '192.0.3.0'] },
  { range: '192.168.0.0/16', first: '192.168.0.0', last: '192.168.255.255', outside: ['192.167.255.255', '192.169.0.0'] },
  { range: '198.18.0.0/15', first: '198.18.0.0', last: '198.19.255.255', outside: ['198.17.255.255', '198.20.0.0'] },
  { range: '198.51.100.0/24 (TEST-NET-2)', first: '198.51.100.0', last: '198.51.100.255', outside: ['198.51.99.255', '198.51.101.0'] },
  { range: '203.0.113.0/24 (TEST-NET-3)', first: '203.0.113.0', last: '203.0.113.255', outside: ['203.0.112.255', '203.0.114.0'] },
  { range: '224.0.0.0/3 (multicast, reserved, broadcast)', first: '224.0.0.0', last: '255.255.255.255', outside: ['223.255.255.255'] },
  { range: '192.88.99.0/24 (6to4 relay anycast)', first: '192.88.99.0', last: '192.88.99.255', outside: ['192.88.98.255', '192.88.100.0'] },
  { range: '168.63.129.16/32 (Azure wire server)', first: '168.63.129.16', last: '168.63.129.16', outside: ['168.63.129.15', '168.63.129.17'] },
  // ::/96 holds the unspecified (::) and loopback (::1) addresses and the deprecated IPv4-compatible
  // form (::a.b.c.d); nothing public lives there.
  { range: '::/96 (unspecified, loopback, IPv4-compatible)', first: '::', last: '::ffff:ffff', outside: ['::1:0:0'] },
  // ::ffff:a.b.c.d (IPv4-mapped) is judged by its IPv4 address; just above it:
  { range: '::ffff:0:0:0/96 (SIIT, IPv4-translated)', first: '::ffff:0:0:0', last: '::ffff:0:ffff:ffff', outside: ['::fffe:ffff:ffff:ffff', '::ffff:1:0:0'] },
  { range: '2001::/32 (Teredo)', first: '2001::', last: '2001:0:ffff:ffff:ffff:ffff:ffff:ffff', outside: ['2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '2001:1::'] },
  { range: '100::/64 (discard)', first: '100::', last: '100::ffff:ffff:ffff:ffff', outside: ['ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '100:0:0:1::'] },
  { range: '2001:db8::/32 (documentation)', first: '2001:db8::', last: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', outside: ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db9::'] },
  { range: 'fc00::/7 (unique local)', first: 'fc00::', last: 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', outside: ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fe00::'] },
  // above fe80::/10 comes fec0::/10, and above that ff00::/8: refused too
  { range: 'fe80::/10 (link-local)', first: 'fe80::', last: 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', outside: ['fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff'] },
  { range: 'fec0::/10 (site-local)', first: 'fec0::', last: 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', outside: [] },
  { range: 'ff00::/8 (multicast)', first: 'ff00::', last: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', outside: [] },
];
for (const { range, first, last, outside } of refusedRanges) {
  test(`${range} is refused from ${first} to ${last}${outside.length ? `, not at ${outside.join(' or ')}` : ''}`, () => {
    assert.equal(isNonPublicAddress(first), true, first);
    assert.equal(isNonPublicAddress(last), true, last);
    for (const ip of outside) assert.equal(isNonPublicAddress(ip), false, ip);
    // the same, as a URL literal and as a resolved address
    const p = new AddressPolicy({ allowed: null, dockerHubRegistryUrl: 'https://registry-1.docker.io' });
    const literal = first.includes(':') ? `[${first}]` : first;
    assert.equal(code(() => p.check(new URL(`https://${literal}/v2/`))), 'NOT_ALLOWED', literal);
    assert.equal(code(() => p.checkResolved(new URL('https://registry.example'), last, false)), 'NOT_ALLOWED', last);
    for (const ip of outside) assert.equal(code(() => p.checkResolved(new URL('https://registry.example'), ip, false)), undefined, ip);
  });
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
