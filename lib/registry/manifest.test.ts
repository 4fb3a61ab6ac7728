import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaType, parseManifest, platformLabel } from './manifest';
import { RegistryError } from './errors';
import { d, enc, sampleIndex as index } from './test-fixtures';

const kinds: Array<[string, unknown, string | undefined, string]> = [
  ['OCI index by header', index, MediaType.OciIndex, 'index'],
  ['Docker list by body field', { ...index, mediaType: MediaType.DockerList }, 'application/json', 'index'],
  ['untyped index by shape', { schemaVersion: 2, manifests: [] }, undefined, 'index'],
  [
    'Docker schema2',
    { schemaVersion: 2, mediaType: MediaType.DockerManifest, config: { mediaType: MediaType.DockerConfig, digest: d('c'), size: 3 }, layers: [] },
    MediaType.DockerManifest,
    'image',
  ],
  [
    'schema1 legacy',
    { schemaVersion: 1, name: 'x', tag: 'y', architecture: 'amd64', fsLayers: [{ blobSum: d('e') }] },
    MediaType.DockerSchema1Signed,
    'legacy',
  ],
];
for (const [name, body, ct, kind] of kinds) {
  test(`parseManifest: ${name}`, () => assert.equal(parseManifest(enc(body), ct, 'r.io').kind, kind));
}

const broken: Array<[string, Buffer, string | undefined]> = [
  ['not JSON', Buffer.from('<html>oops</html>'), MediaType.OciManifest],
  ['missing config', enc({ schemaVersion: 2, layers: [] }), MediaType.OciManifest],
  ['negative size', enc({ schemaVersion: 2, config: { mediaType: 'x', digest: d('c'), size: -1 }, layers: [] }), MediaType.OciManifest],
  ['unknown media type', enc({ schemaVersion: 2 }), 'application/vnd.example+json'],
  ['array body', enc([1, 2]), MediaType.OciIndex],
];
for (const [name, bytes, ct] of broken) {
  test(`parseManifest rejects ${name} with a readable error`, () => {
    assert.throws(
      () => parseManifest(bytes, ct, 'r.io'),
      (e: unknown) => e instanceof RegistryError && e.code === 'BAD_RESPONSE' && e.message.includes('r.io'),
    );
  });
}

test('platformLabel', () => {
  assert.equal(platformLabel({ os: 'linux', architecture: 'arm64', variant: 'v8' }), 'linux/arm64/v8');
  assert.equal(platformLabel({ os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.2113' }), 'windows/amd64 10.0.20348.2113');
  assert.equal(platformLabel(undefined), 'unknown');
});
