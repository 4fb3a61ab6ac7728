import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidReferenceError, parseHost, parseImageReference, parseRegistryAddress, type ImageReference } from './reference';

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
];
for (const [input, want] of valid) {
  test(`parseImageReference(${JSON.stringify(input)})`, () => assert.deepEqual(parseImageReference(input), want));
}

const invalid: Array<[string, string]> = [
  ['', 'reference'],
  ['a b', 'reference'],
  ['UPPER', 'repository'],
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
  ['r.io:99999/a', 'host'],
  ['-bad.io/a', 'host'],
  ['r.io/' + 'a'.repeat(256), 'repository'],
];
for (const [input, part] of invalid) {
  test(`parseImageReference rejects ${JSON.stringify(input.slice(0, 40))} naming the ${part}`, () => {
    assert.throws(
      () => parseImageReference(input),
      (e: unknown) => e instanceof InvalidReferenceError && e.part === part && e.status === 400 && e.message.length > 10,
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
];
for (const [input, want] of addresses) {
  test(`parseRegistryAddress(${input})`, () => assert.deepEqual(parseRegistryAddress(input), want));
}
for (const bad of ['', 'ftp://x.io', 'ghcr.io/owner/repo', 'a b', 'x.io:0', 'user@x.io']) {
  test(`parseRegistryAddress rejects ${JSON.stringify(bad)}`, () => {
    assert.throws(() => parseRegistryAddress(bad), (e: unknown) => e instanceof InvalidReferenceError && e.part === 'host');
  });
}

test('parseHost canonicalises case and ports', () => {
  assert.equal(parseHost('GHCR.IO'), 'ghcr.io');
  assert.equal(parseHost('127.0.0.1:05000'), '127.0.0.1:5000');
  assert.equal(parseHost('[::1]:5000'), '[::1]:5000');
});
