import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressPolicy, isNonPublicAddress, type PolicyDecision } from './policy';
import type { RegistryAddress } from './reference';
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
  ['0x1::', true],
  // only the exact mapped (::ffff:0:0/96) and NAT64 (64:ff9b::/96) prefixes are judged by their IPv4 tail
  ['2606:4700::ffff:7f00:1', false],
  ['1::ffff:7f00:1', false],
  ['0:1::ffff:7f00:1', false],
  ['0:0:1::ffff:7f00:1', false],
  ['0:0:0:1:0:ffff:7f00:1', false],
  ['64:1::7f00:1', false],
  ['65:ff9b::7f00:1', false],
  // the IPv4 tail is read whole: multi-digit first and last parts
  ['::ffff:100.64.0.1', true],
  ['::ffff:140.82.112.30', false],
  ['2606:4700::', false],
  ['::FFFF:7F00:1', true],
];
for (const [ip, want] of addresses) {
  test(`isNonPublicAddress(${ip}) = ${want}`, () => assert.equal(isNonPublicAddress(ip), want));
}

// Every refused range, as CIDR and what it is. Its first and last address are refused; the
// addresses just outside are not, unless another range here refuses them (fe80::/10 ends where
// fec0::/10 begins). Boundaries are worked out below with plain integer arithmetic.
const refusedRanges = [
  '0.0.0.0/8 "this network"',
  '10.0.0.0/8 private',
  '100.64.0.0/10 carrier-grade NAT',
  '127.0.0.0/8 loopback',
  '168.63.129.16/32 Azure wire server',
  '169.254.0.0/16 link-local, cloud metadata',
  '172.16.0.0/12 private',
  '192.0.0.0/24 IETF protocol assignments',
  '192.0.2.0/24 TEST-NET-1',
  '192.88.99.0/24 6to4 relay anycast',
  '192.168.0.0/16 private',
  '198.18.0.0/15 benchmarking',
  '198.51.100.0/24 TEST-NET-2',
  '203.0.113.0/24 TEST-NET-3',
  '224.0.0.0/3 multicast, reserved, broadcast',
  '::/96 unspecified, loopback, IPv4-compatible',
  '::ffff:0:0:0/96 SIIT (IPv4-translated)',
  '100::/64 discard',
  '2001::/32 Teredo',
  '2001:db8::/32 documentation',
  'fc00::/7 unique local',
  'fe80::/10 link-local',
  'fec0::/10 site-local',
  'ff00::/8 multicast',
].map((line) => {
  const [cidr = '', ...what] = line.split(' ');
  const [net = '', bits = ''] = cidr.split('/');
  const v6 = net.includes(':');
  const width = v6 ? 128n : 32n;
  const first = toInt(net);
  const last = first + (1n << (width - BigInt(bits))) - 1n;
  return { cidr, what: what.join(' '), v6, first, last, max: (1n << width) - 1n };
});

function toInt(address: string): bigint {
  if (!address.includes(':')) return address.split('.').reduce((n, part) => (n << 8n) | BigInt(part), 0n);
  const [head = '', tail] = address.split('::');
  const groups = (text: string) => (text ? text.split(':') : []);
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array<string>(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)];
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function toAddress(n: bigint, v6: boolean): string {
  const parts = v6
    ? [7, 6, 5, 4, 3, 2, 1, 0].map((i) => ((n >> BigInt(16 * i)) & 0xffffn).toString(16))
    : [3, 2, 1, 0].map((i) => ((n >> BigInt(8 * i)) & 0xffn).toString());
  return parts.join(v6 ? ':' : '.');
}

for (const r of refusedRanges) {
  const first = toAddress(r.first, r.v6);
  const last = toAddress(r.last, r.v6);
  const neighbours = [r.first - 1n, r.last + 1n]
    .filter((n) => n >= 0n && n <= r.max)
    .map((n) => ({ ip: toAddress(n, r.v6), refused: refusedRanges.some((o) => o.v6 === r.v6 && o.first <= n && n <= o.last) }));
  const outside = neighbours.filter((n) => !n.refused).map((n) => n.ip);
  test(`${r.cidr} (${r.what}) is refused from ${first} to ${last}${outside.length ? `, not at ${outside.join(' or ')}` : ''}`, () => {
    assert.equal(isNonPublicAddress(first), true, first);
    assert.equal(isNonPublicAddress(last), true, last);
    for (const n of neighbours) assert.equal(isNonPublicAddress(n.ip), n.refused, n.ip);
    // the same, as a URL literal and as a resolved address
    const p = new AddressPolicy({ allowed: null, dockerHubRegistryUrl: 'https://registry-1.docker.io' });
    assert.equal(
      code(() => p.check(new URL(`https://${r.v6 ? `[${first}]` : first}/v2/`))),
      'NOT_ALLOWED',
      first,
    );
    assert.equal(
      code(() => p.checkResolved(new URL('https://registry.example'), last, false)),
      'NOT_ALLOWED',
      last,
    );
    for (const ip of outside)
      assert.equal(
        code(() => p.checkResolved(new URL('https://registry.example'), ip, false)),
        undefined,
        ip,
      );
  });
}

test('the boundaries worked out for the range tests are the ones expected', () => {
  const find = (cidr: string) => refusedRanges.find((r) => r.cidr === cidr);
  const bounds = (cidr: string) => {
    const r = find(cidr);
    return r && [toAddress(r.first - 1n, r.v6), toAddress(r.first, r.v6), toAddress(r.last, r.v6), toAddress(r.last + 1n, r.v6)];
  };
  assert.deepEqual(bounds('100.64.0.0/10'), ['100.63.255.255', '100.64.0.0', '100.127.255.255', '100.128.0.0']);
  assert.deepEqual(bounds('168.63.129.16/32'), ['168.63.129.15', '168.63.129.16', '168.63.129.16', '168.63.129.17']);
  assert.deepEqual(bounds('2001::/32'), [
    '2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    '2001:0:0:0:0:0:0:0',
    '2001:0:ffff:ffff:ffff:ffff:ffff:ffff',
    '2001:1:0:0:0:0:0:0',
  ]);
  assert.deepEqual(bounds('::ffff:0:0:0/96'), ['0:0:0:0:fffe:ffff:ffff:ffff', '0:0:0:0:ffff:0:0:0', '0:0:0:0:ffff:0:ffff:ffff', '0:0:0:0:ffff:1:0:0']);
  assert.equal(refusedRanges.length, 24);
});

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

/** The refusal's message, which tells the person why and who can change it. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof RegistryError && e.code === 'NOT_ALLOWED');
    assert.match(e.message, / An administrator can add it to ALLOWED_REGISTRIES\.$/);
    return e.message;
  }
  assert.fail('not refused');
}

test('open mode: any public https registry, no http, no private literals', () => {
  const p = new AddressPolicy({ allowed: null, dockerHubRegistryUrl: hub });
  assert.deepEqual(p.resolveRegistry({ host: 'ghcr.io' }), { host: 'ghcr.io', baseUrl: 'https://ghcr.io' });
  assert.deepEqual(p.resolveRegistry({ host: 'docker.io' }), { host: 'docker.io', baseUrl: hub });
  assert.equal(
    code(() => p.resolveRegistry({ host: '127.0.0.1:5000', scheme: 'http' })),
    'NOT_ALLOWED',
  );
  assert.equal(
    code(() => p.check(new URL('https://127.0.0.1:5000/v2/'))),
    'NOT_ALLOWED',
  );
  assert.equal(
    code(() => p.check(new URL('https://[::1]/v2/'))),
    'NOT_ALLOWED',
  );
  assert.equal(
    code(() => p.check(new URL('https://169.254.169.254/latest'))),
    'NOT_ALLOWED',
  );
  assert.equal(
    code(() => p.check(new URL('http://ghcr.io/v2/'))),
    'NOT_ALLOWED',
  );
  assert.equal(
    code(() => p.check(new URL('file:///etc/passwd'))),
    'NOT_ALLOWED',
  );
  assert.equal(
    code(() => p.check(new URL('https://u:p@ghcr.io/'))),
    'NOT_ALLOWED',
  );
  assert.deepEqual(p.check(new URL('https://ghcr.io/token')), { privateOk: false });
  assert.equal(
    code(() => p.checkResolved(new URL('https://evil.example'), '10.0.0.5', false)),
    'NOT_ALLOWED',
  );
});

test('listed registries: only those, with http and private addresses allowed for their hosts', () => {
  const p = new AddressPolicy({ allowed: AddressPolicy.parseList(' http://127.0.0.1:5000, https://r.example.com ,docker.io'), dockerHubRegistryUrl: hub });
  assert.deepEqual(p.resolveRegistry({ host: '127.0.0.1:5000' }), { host: '127.0.0.1:5000', baseUrl: 'http://127.0.0.1:5000' });
  assert.deepEqual(p.resolveRegistry({ host: 'r.example.com' }), { host: 'r.example.com', baseUrl: 'https://r.example.com' });
  assert.deepEqual(p.resolveRegistry({ host: 'docker.io' }), { host: 'docker.io', baseUrl: hub });
  assert.equal(
    code(() => p.resolveRegistry({ host: 'ghcr.io' })),
    'NOT_ALLOWED',
  );
  assert.equal(
    code(() => p.resolveRegistry({ host: '127.0.0.1:5000', scheme: 'https' })),
    'NOT_ALLOWED',
  );
  // Exceptions hold for the listed origin only: not another port or scheme on the same host.
  assert.deepEqual(p.check(new URL('http://127.0.0.1:5000/v2/')), { privateOk: true });
  assert.equal(
    code(() => p.check(new URL('http://127.0.0.1:5001/token'))),
    'NOT_ALLOWED',
  );
  assert.equal(
    code(() => p.check(new URL('https://127.0.0.1:8443/'))),
    'NOT_ALLOWED',
  );
  // Public https delegates (auth.docker.io, CDNs) are fine; private ones are not.
  assert.deepEqual(p.check(new URL('https://auth.docker.io/token')), { privateOk: false });
  assert.equal(
    code(() => p.check(new URL('http://127.0.0.2:5000/'))),
    'NOT_ALLOWED',
  );
  assert.equal(
    code(() => p.check(new URL('https://10.0.0.1/'))),
    'NOT_ALLOWED',
  );
  assert.equal(AddressPolicy.parseList(''), null);
});

test("listing docker.io allows Docker Hub's API too, and only when docker.io is listed", () => {
  const options = { dockerHubRegistryUrl: 'http://127.0.0.1:5100', dockerHubApiUrl: 'http://127.0.0.1:5200' };
  // alone or among other registries
  for (const allowed of [['docker.io'], ['ghcr.io', 'docker.io', 'http://127.0.0.1:5000']]) {
    const listed = new AddressPolicy({ allowed, ...options });
    assert.deepEqual(listed.check(new URL('http://127.0.0.1:5100/v2/')), { privateOk: true }, allowed.join());
    assert.deepEqual(listed.check(new URL('http://127.0.0.1:5200/v2/auth/token')), { privateOk: true }, allowed.join());
    assert.equal(
      code(() => listed.check(new URL('http://127.0.0.1:5201/v2/'))),
      'NOT_ALLOWED',
      allowed.join(),
    );
  }
  const without = new AddressPolicy({ allowed: ['http://127.0.0.1:5100'], ...options });
  assert.equal(
    code(() => without.check(new URL('http://127.0.0.1:5200/v2/auth/token'))),
    'NOT_ALLOWED',
  );
  assert.equal(
    code(() => without.resolveRegistry({ host: 'docker.io' })),
    'NOT_ALLOWED',
  );
  // Unrestricted: the API is held to the rules of any address (public https).
  const open = new AddressPolicy({ allowed: null, ...options });
  assert.equal(
    code(() => open.check(new URL('http://127.0.0.1:5200/v2/'))),
    'NOT_ALLOWED',
  );
  assert.equal(new AddressPolicy({ allowed: null, dockerHubRegistryUrl: hub }).dockerHubApiUrl.href, 'https://hub.docker.com/');
});

test('refusals say which address and why', () => {
  const open = new AddressPolicy({ allowed: null, dockerHubRegistryUrl: hub });
  const listed = new AddressPolicy({ allowed: ['ghcr.io'], dockerHubRegistryUrl: hub });
  const cases: Array<[() => unknown, RegExp]> = [
    [
      () => listed.resolveRegistry({ host: 'docker.io' }),
      /^Berth is not allowed to connect to docker\.io: this deployment only talks to the registries it lists\./,
    ],
    [
      () => listed.resolveRegistry({ host: 'quay.io' }),
      /^Berth is not allowed to connect to quay\.io: this deployment only talks to the registries it lists\./,
    ],
    [
      () => open.resolveRegistry({ host: 'r.example', scheme: 'http' }),
      /^Berth is not allowed to connect to r\.example: plain http is only used for registries this deployment lists\./,
    ],
    [
      () => open.check(new URL('http://r.example/v2/')),
      /^Berth is not allowed to connect to r\.example: plain http is only used for addresses this deployment lists\./,
    ],
    [() => open.check(new URL('ftp://r.example/')), /^Berth is not allowed to connect to r\.example: ftp: URLs are not used\./],
    [() => open.check(new URL('https://u@r.example/')), /: URLs with embedded credentials are not used\./],
    [() => open.check(new URL('https://:p@r.example/')), /: URLs with embedded credentials are not used\./],
    [() => open.check(new URL('https://10.0.0.1/')), /^Berth is not allowed to connect to 10\.0\.0\.1: it is a loopback, private or link-local address\./],
    [
      () => open.checkResolved(new URL('https://r.example/'), '10.0.0.1', false),
      // The address itself is not named: where names lead inside the network is no visitor's business.
      /^Berth is not allowed to connect to r\.example: its name resolves to a loopback, private or link-local address\.(?!.*10\.0\.0\.1)/,
    ],
  ];
  for (const [fn, message] of cases) assert.match(refusal(fn), message);
});

test('a listed origin may resolve to a private address; a public address is always fine', () => {
  const p = new AddressPolicy({ allowed: null, dockerHubRegistryUrl: hub });
  assert.equal(
    code(() => p.checkResolved(new URL('https://r.example/'), '10.0.0.1', true)),
    undefined,
  );
  assert.equal(
    code(() => p.checkResolved(new URL('https://r.example/'), '140.82.112.3', false)),
    undefined,
  );
});

test('ALLOWED_REGISTRIES: entries trimmed, empty ones dropped, nothing at all means open', () => {
  assert.deepEqual(AddressPolicy.parseList(' a, ,b ,'), ['a', 'b']);
  assert.equal(AddressPolicy.parseList('   '), null);
  assert.equal(AddressPolicy.parseList(undefined), null);
  assert.equal(new AddressPolicy({ allowed: null, dockerHubRegistryUrl: hub }).restricted, false);
  assert.equal(new AddressPolicy({ allowed: [], dockerHubRegistryUrl: hub }).restricted, true);
});

test('listed entries: a host without a scheme is https; with both schemes listed, https unless http is asked for', () => {
  const p = new AddressPolicy({ allowed: ['ghcr.io', 'http://r.example:5000', 'https://r.example:5000'], dockerHubRegistryUrl: hub });
  assert.deepEqual(p.resolveRegistry({ host: 'ghcr.io' }), { host: 'ghcr.io', baseUrl: 'https://ghcr.io' });
  assert.deepEqual(p.resolveRegistry({ host: 'r.example:5000' }), { host: 'r.example:5000', baseUrl: 'https://r.example:5000' });
  assert.deepEqual(p.resolveRegistry({ host: 'r.example:5000', scheme: 'http' }), { host: 'r.example:5000', baseUrl: 'http://r.example:5000' });
  assert.deepEqual(p.resolveRegistry({ host: 'r.example:5000', scheme: 'https' }), { host: 'r.example:5000', baseUrl: 'https://r.example:5000' });
  assert.equal(
    code(() => p.resolveRegistry({ host: 'ghcr.io', scheme: 'http' })),
    'NOT_ALLOWED',
  );
});

test('Docker Hub listed in any spelling means the configured Docker Hub address', () => {
  // A local stand-in for Docker Hub, as the test bed uses: its plain-http origin is the listed one.
  const standIn = 'http://127.0.0.1:6000';
  for (const entry of ['docker.io', ' docker.io ', 'DOCKER.IO']) {
    const p = new AddressPolicy({ allowed: [entry], dockerHubRegistryUrl: standIn });
    assert.deepEqual(p.resolveRegistry({ host: 'docker.io' }), { host: 'docker.io', baseUrl: standIn }, entry);
    assert.deepEqual(p.check(new URL(`${standIn}/v2/`)), { privateOk: true }, entry);
  }
  // with a scheme it is a registry address like any other, pointing at Docker Hub's registry host
  const p = new AddressPolicy({ allowed: ['https://docker.io'], dockerHubRegistryUrl: hub });
  assert.deepEqual(p.check(new URL(`${hub}/v2/`)), { privateOk: true });
});

describe('the diagnosis: each decision told as a sentence, with the entry that would change a refusal', () => {
  // Made inside each test, so that a policy that cannot be made fails its tests, not the file.
  const open = () => new AddressPolicy({ allowed: null, dockerHubRegistryUrl: hub });
  const listed = () => new AddressPolicy({ allowed: ['http://127.0.0.1:5000', 'ghcr.io'], dockerHubRegistryUrl: hub });
  const cases: Array<[string, () => AddressPolicy, string, string[], PolicyDecision]> = [
    [
      'unrestricted, a public https address',
      open,
      'https://r.example/v2/',
      ['140.82.112.3'],
      { allowed: true, reason: 'ALLOWED_REGISTRIES is unset, so Berth talks to any registry at a public address over https.' },
    ],
    [
      'restricted, a public https address (a token service, a CDN)',
      listed,
      'https://auth.example/token',
      ['140.82.112.3'],
      { allowed: true, reason: 'auth.example is a public address over https, which needs no listing.' },
    ],
    [
      'a listed plain-http origin at a loopback address',
      listed,
      'http://127.0.0.1:5000/v2/',
      ['127.0.0.1'],
      { allowed: true, reason: 'http://127.0.0.1:5000 is listed in ALLOWED_REGISTRIES.' },
    ],
    [
      'a listed https origin whose name resolves to a private address',
      listed,
      'https://ghcr.io/v2/',
      ['10.0.0.1'],
      { allowed: true, reason: 'https://ghcr.io is listed in ALLOWED_REGISTRIES.' },
    ],
    [
      'a name that resolves to a private address among public ones (which is not named)',
      open,
      'https://r.example/v2/',
      ['140.82.112.3', '10.0.0.1'],
      { allowed: false, reason: 'r.example is refused: its name resolves to a loopback, private or link-local address.', origin: 'https://r.example' },
    ],
    [
      'plain http to an address not listed',
      listed,
      'http://r.example:8080/v2/',
      [],
      { allowed: false, reason: 'r.example:8080 is refused: plain http is only used for addresses this deployment lists.', origin: 'http://r.example:8080' },
    ],
    [
      'a private address as the URL itself',
      open,
      'https://10.0.0.1/v2/',
      [],
      { allowed: false, reason: '10.0.0.1 is refused: it is a loopback, private or link-local address.', origin: 'https://10.0.0.1' },
    ],
  ];
  for (const [what, policy, url, resolved, decision] of cases) {
    test(`explain: ${what}`, () => assert.deepEqual(policy().explain(new URL(url), resolved), decision));
  }

  const registries: Array<[string, () => AddressPolicy, RegistryAddress, ReturnType<AddressPolicy['explainRegistry']>]> = [
    ['unrestricted, a registry by name', open, { host: 'ghcr.io' }, { resolved: { host: 'ghcr.io', baseUrl: 'https://ghcr.io' } }],
    [
      'restricted, a listed registry over its listed scheme',
      listed,
      { host: '127.0.0.1:5000' },
      { resolved: { host: '127.0.0.1:5000', baseUrl: 'http://127.0.0.1:5000' } },
    ],
    [
      'unrestricted, plain http asked for',
      open,
      { host: 'r.example', scheme: 'http' },
      {
        decision: {
          allowed: false,
          reason: 'r.example is refused: plain http is only used for registries this deployment lists.',
          origin: 'http://r.example',
        },
      },
    ],
    [
      'restricted, a registry not listed: its https origin is the entry to add',
      listed,
      { host: 'quay.io' },
      { decision: { allowed: false, reason: 'quay.io is refused: this deployment only talks to the registries it lists.', origin: 'https://quay.io' } },
    ],
    [
      'restricted, Docker Hub not listed: docker.io is the entry to add',
      listed,
      { host: 'docker.io' },
      { decision: { allowed: false, reason: 'docker.io is refused: this deployment only talks to the registries it lists.', origin: 'docker.io' } },
    ],
  ];
  for (const [what, policy, address, want] of registries) {
    test(`explainRegistry: ${what}`, () => assert.deepEqual(policy().explainRegistry(address), want));
  }
});
