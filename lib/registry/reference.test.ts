import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvalidReferenceError,
  formatReference,
  isDigest,
  isValidDigest,
  isValidRepository,
  isValidTag,
  parseHost,
  parseImageReference,
  parseRegistryAddress,
  type ImageReference,
} from './reference';

const valid: Array<[string, ImageReference]> = [
  ['alpine', { host: 'docker.io', repository: 'library/alpine' }],
  ['alpine:3.20', { host: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
  ['docker.io/alpine', { host: 'docker.io', repository: 'library/alpine' }],
  ['index.docker.io/library/alpine:edge', { host: 'docker.io', repository: 'library/alpine', tag: 'edge' }],
  ['grafana/grafana:latest', { host: 'docker.io', repository: 'grafana/grafana', tag: 'latest' }],
  ['ghcr.io/o/r@sha256:' + 'a'.repeat(64), { host: 'ghcr.io', repository: 'o/r', digest: 'sha256:' + 'a'.repeat(64) }],
  ['127.0.0.1:5000/team/app:v1', { host: '127.0.0.1:5000', repository: 'team/app', tag: 'v1' }],
  ['localhost/app', { host: 'localhost', repository: 'app' }],
  ['localhost:5000/app', { host: 'localhost:5000', repository: 'app' }],
  ['[::1]:5000/x/y:z', { host: '[::1]:5000', repository: 'x/y', tag: 'z' }],
  ['Registry.Example.com/a_b/c__d/e-f--g.h:T_1', { host: 'registry.example.com', repository: 'a_b/c__d/e-f--g.h', tag: 'T_1' }],
  ['r.io/a:t@sha256:' + 'b'.repeat(64), { host: 'r.io', repository: 'a', tag: 't', digest: 'sha256:' + 'b'.repeat(64) }],
  ['  docker://ghcr.io/o/r  ', { host: 'ghcr.io', repository: 'o/r' }],
  ['http://ghcr.io/o/r:1', { host: 'ghcr.io', repository: 'o/r', tag: '1' }],
  // the first component names a registry only with '.', ':', upper case, or as localhost
  ['Myhost/app', { host: 'myhost', repository: 'app' }],
  ['a/b.c', { host: 'docker.io', repository: 'a/b.c' }],
  ['localhost', { host: 'docker.io', repository: 'library/localhost' }],
  ['foo.bar', { host: 'docker.io', repository: 'library/foo.bar' }],
  ['r.io/' + 'a'.repeat(255), { host: 'r.io', repository: 'a'.repeat(255) }],
  ['r.io/a@sha512:' + 'c'.repeat(128), { host: 'r.io', repository: 'a', digest: 'sha512:' + 'c'.repeat(128) }],
];
for (const [input, want] of valid) {
  test(`parseImageReference(${JSON.stringify(input)})`, () => assert.deepEqual(parseImageReference(input), want));
}

const invalid: Array<[string, string, RegExp?]> = [
  ['', 'reference', /^The image reference is empty\.$/],
  ['a b', 'reference', /^The image reference "a b" contains spaces\.$/],
  ['UPPER', 'repository', /"library\/UPPER" is invalid: .* joined by '\/'\. Repository names must be lower case\.$/],
  ['r.io/a_', 'repository', /"a_" is invalid: .* joined by '\/'\.$/],
  ['r.io/', 'repository', /^The repository name is empty\.$/],
  [':v1', 'repository', /^The repository name is empty\.$/],
  ['ghcr.io/o/docker://r', 'repository'],
  ['ghcr.io/Owner/r', 'repository'],
  ['r.io/a/', 'repository'],
  ['r.io/a//b', 'repository'],
  ['r.io/-a', 'repository'],
  ['r.io/a:', 'tag'],
  ['r.io/a:.bad', 'tag'],
  ['r.io/a:' + 't'.repeat(129), 'tag'],
  ['r.io/a@sha256:123', 'digest'],
  ['r.io/a@sha256:' + 'A'.repeat(64), 'digest'],
  ['r.io/a@nothex', 'digest'],
  ['r.io/a@sha256:' + 'a'.repeat(65), 'digest', /sha256 digests are 64 lower-case hex digits\.$/],
  ['r.io/a@sha512:' + 'c'.repeat(127), 'digest', /sha512 digests are 128 lower-case hex digits\.$/],
  ['r.io/a@sha512:' + 'c'.repeat(129), 'digest', /sha512 digests are 128 lower-case hex digits\.$/],
  ['r.io/a@foo:bar!', 'digest', /expected algorithm:hex/],
  ['r.io/a@!foo:bar', 'digest', /expected algorithm:hex/],
  // only sha256 and sha512 are digests: anything else could not be verified, and could be any length
  ['r.io/a@sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564', 'digest', /algorithm Berth does not verify: only sha256 and sha512/],
  ['r.io/a@blake3:' + 'a'.repeat(64), 'digest', /algorithm Berth does not verify/],
  ['r.io/a@sha384:' + 'a'.repeat(96), 'digest', /algorithm Berth does not verify/],
  ['r.io/a@x:' + 'a'.repeat(16_000), 'digest', /expected algorithm:hex/],
  ['r.io:99999/a', 'host'],
  ['-bad.io/a', 'host'],
  ['r.io/' + 'a'.repeat(256), 'repository', /^The repository name is longer than 255 characters\.$/],
  // a long input is shown cut to 77 characters and '...'; up to 80 it is shown whole
  ['r.io/a:.' + 't'.repeat(79), 'tag', new RegExp(`^The tag "\\.${'t'.repeat(79)}" is invalid: up to 128 letters`)],
  ['r.io/a:.' + 't'.repeat(80), 'tag', new RegExp(`^The tag "\\.${'t'.repeat(76)}\\.\\.\\." is invalid`)],
];
for (const [input, part, message] of invalid) {
  test(`parseImageReference rejects ${JSON.stringify(input.slice(0, 40))} naming the ${part}`, () => {
    assert.throws(
      () => parseImageReference(input),
      (e: unknown) =>
        e instanceof InvalidReferenceError &&
        e.name === 'InvalidReferenceError' &&
        e.part === part &&
        e.status === 400 &&
        (message ? message.test(e.message) : e.message.length > 10),
    );
  });
}

const addresses: Array<[string, ReturnType<typeof parseRegistryAddress>]> = [
  ['ghcr.io', { host: 'ghcr.io' }],
  ['https://ghcr.io/', { host: 'ghcr.io', scheme: 'https' }],
  ['https://r.example.com:443/v2/', { host: 'r.example.com', scheme: 'https' }],
  ['http://127.0.0.1:5000', { host: '127.0.0.1:5000', scheme: 'http' }],
  ['docker.io', { host: 'docker.io' }],
  ['registry-1.docker.io', { host: 'docker.io' }],
  ['hub.docker.com', { host: 'docker.io' }],
  ['HTTPS://Quay.IO', { host: 'quay.io', scheme: 'https' }],
  ['[::1]:5000', { host: '[::1]:5000' }],
  ['  https://ghcr.io  ', { host: 'ghcr.io', scheme: 'https' }],
  ['https://ghcr.io//', { host: 'ghcr.io', scheme: 'https' }],
  ['ghcr.io/v2', { host: 'ghcr.io' }],
  // only https drops its default port
  ['http://r.example.com:443', { host: 'r.example.com:443', scheme: 'http' }],
];
for (const [input, want] of addresses) {
  test(`parseRegistryAddress(${input})`, () => assert.deepEqual(parseRegistryAddress(input), want));
}
const notAddresses: Array<[string, RegExp]> = [
  ['', /^Enter a registry address/],
  ['   ', /^Enter a registry address/],
  ['ftp://x.io', /^Registry addresses use http:\/\/ or https:\/\/, not ftp:\/\/\.$/],
  ['ghcr.io/owner/repo', /^"ghcr.io\/owner\/repo" is not a registry address: give only the host/],
  ['  ghcr.io/x ', /^"ghcr.io\/x" is not a registry address/],
  ['user@x.io', /^"user@x.io" is not a registry address/],
  ['x.io?x', /^"x.io\?x" is not a registry address/],
  ['9ftp://x', /^"9ftp:\/\/x" is not a registry address/],
  ['a b', /not a valid host name/],
  ['x.io:0', /port/],
];
for (const [bad, message] of notAddresses) {
  test(`parseRegistryAddress rejects ${JSON.stringify(bad)}`, () => {
    assert.throws(
      () => parseRegistryAddress(bad),
      (e: unknown) => e instanceof InvalidReferenceError && e.part === 'host' && message.test(e.message),
    );
  });
}

const hosts: Array<[string, string]> = [
  ['GHCR.IO', 'ghcr.io'],
  [' ghcr.io ', 'ghcr.io'],
  ['127.0.0.1:05000', '127.0.0.1:5000'],
  ['[::1]:5000', '[::1]:5000'],
  ['[::1]:05000', '[::1]:5000'],
  ['[::1]', '[::1]'],
  ['r.io:1', 'r.io:1'],
  ['r.io:65535', 'r.io:65535'],
  ['a'.repeat(253), 'a'.repeat(253)],
];
for (const [input, want] of hosts) {
  test(`parseHost(${JSON.stringify(input.slice(0, 40))}) = ${want.slice(0, 40)}`, () => assert.equal(parseHost(input), want));
}

const badHosts: Array<[string, RegExp]> = [
  ['', /^The registry host is empty\.$/],
  ['  ', /^The registry host is empty\.$/],
  ['[zz]', /is not a valid IPv6 address in brackets\.$/],
  ['[[::1]', /is not a valid IPv6 address in brackets\.$/],
  ['[::1]x', /is not a valid host name/],
  ['x[::1]', /is not a valid host name/],
  ['a'.repeat(254), /is not a valid host name/],
  ['r.io:x1', /must be a number from 1 to 65535\.$/],
  ['r.io:1x', /must be a number from 1 to 65535\.$/],
  ['r.io:65536', /must be a number from 1 to 65535\.$/],
];
for (const [input, message] of badHosts) {
  test(`parseHost rejects ${JSON.stringify(input.slice(0, 40))}`, () => {
    assert.throws(
      () => parseHost(input),
      (e: unknown) => e instanceof InvalidReferenceError && e.part === 'host' && message.test(e.message),
    );
  });
}

test('names a registry sends are checked like names people type', () => {
  const cases: Array<[(s: string) => boolean, string, boolean]> = [
    [isValidRepository, 'team/app', true],
    [isValidRepository, 'a'.repeat(255), true],
    [isValidRepository, 'a'.repeat(256), false],
    [isValidRepository, '', false],
    [isValidRepository, 'Team/app', false],
    [isValidTag, 'v1.0_rc-1', true],
    [isValidTag, '.hidden', false],
    [isValidDigest, 'sha256:' + 'a'.repeat(64), true],
    [isValidDigest, 'sha256:' + 'a'.repeat(63), false],
    [isDigest, 'sha256:' + 'a'.repeat(64), true],
    [isDigest, 'latest', false],
  ];
  for (const [check, input, want] of cases) assert.equal(check(input), want, `${check.name}(${input.slice(0, 20)})`);
});

test('formatReference: the digest wins over the tag', () => {
  const digest = 'sha256:' + 'a'.repeat(64);
  assert.equal(formatReference({ host: 'r.io', repository: 'a/b' }), 'r.io/a/b');
  assert.equal(formatReference({ host: 'r.io', repository: 'a/b', tag: 'v1' }), 'r.io/a/b:v1');
  assert.equal(formatReference({ host: 'r.io', repository: 'a/b', digest }), `r.io/a/b@${digest}`);
  assert.equal(formatReference({ host: 'r.io', repository: 'a/b', tag: 'v1', digest }), `r.io/a/b@${digest}`);
});
