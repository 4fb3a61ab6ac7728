import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaType, parseImageConfig, parseManifest, platformLabel, sha256Digest } from './manifest';
import { RegistryError } from './errors';
import { configView, manifestView, warningText } from './views';

test('warningText reads RFC 7234 Warning values', () => {
  assert.equal(warningText('299 - "This image is deprecated; use acme/new"'), 'This image is deprecated; use acme/new');
  assert.equal(warningText('299 registry.example "say \\"hi\\""'), 'say "hi"');
  assert.equal(warningText('plain text'), 'plain text');
});

const d = (c: string) => `sha256:${c.repeat(64)}`;
const enc = (x: unknown) => Buffer.from(JSON.stringify(x));

const index = {
  schemaVersion: 2,
  mediaType: MediaType.OciIndex,
  manifests: [
    { mediaType: MediaType.OciManifest, digest: d('a'), size: 10, platform: { os: 'linux', architecture: 'amd64' } },
    {
      mediaType: MediaType.OciManifest,
      digest: d('f'),
      size: 5,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': d('a') },
    },
    { mediaType: MediaType.OciManifest, digest: d('b'), size: 11, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ],
};

const kinds: Array<[string, unknown, string | undefined, string]> = [
  ['OCI index by header', index, MediaType.OciIndex, 'index'],
  ['Docker list by body field', { ...index, mediaType: MediaType.DockerList }, 'application/json', 'index'],
  ['untyped index by shape', { schemaVersion: 2, manifests: [] }, undefined, 'index'],
  ['Docker schema2', { schemaVersion: 2, mediaType: MediaType.DockerManifest, config: { mediaType: MediaType.DockerConfig, digest: d('c'), size: 3 }, layers: [] }, MediaType.DockerManifest, 'image'],
  ['schema1 legacy', { schemaVersion: 1, name: 'x', tag: 'y', architecture: 'amd64', fsLayers: [{ blobSum: d('e') }] }, MediaType.DockerSchema1Signed, 'legacy'],
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
    assert.throws(() => parseManifest(bytes, ct, 'r.io'), (e: unknown) => e instanceof RegistryError && e.code === 'BAD_RESPONSE' && e.message.includes('r.io'));
  });
}

test('platformLabel', () => {
  assert.equal(platformLabel({ os: 'linux', architecture: 'arm64', variant: 'v8' }), 'linux/arm64/v8');
  assert.equal(platformLabel({ os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.2113' }), 'windows/amd64 10.0.20348.2113');
  assert.equal(platformLabel(undefined), 'unknown');
});

test('index view groups attestations right after the image they describe', () => {
  const bytes = enc(index);
  const view = manifestView('r.io', 'a', { tag: 't' }, { digest: sha256Digest(bytes), mediaType: MediaType.OciIndex, size: bytes.length, bytes, parsed: parseManifest(bytes, MediaType.OciIndex, 'r.io'), warnings: [] });
  assert.equal(view.kind, 'index');
  if (view.kind !== 'index') return;
  assert.deepEqual(view.manifests.map((m) => [m.platformLabel, m.attestationFor]), [
    ['linux/amd64', undefined],
    ['unknown/unknown', d('a')],
    ['linux/arm64/v8', undefined],
  ]);
  assert.equal(view.tag, 't');
});

test('image view sums sizes and recognises artifacts', () => {
  const image = { schemaVersion: 2, mediaType: MediaType.OciManifest, config: { mediaType: MediaType.OciConfig, digest: d('c'), size: 100 }, layers: [{ mediaType: 'l', digest: d('1'), size: 1000 }, { mediaType: 'l', digest: d('2'), size: 24 }] };
  const artifact = { ...image, artifactType: 'application/vnd.example.signature.v1', config: { mediaType: MediaType.OciEmpty, digest: d('4'), size: 2 }, subject: { mediaType: MediaType.OciManifest, digest: d('a'), size: 10 } };
  for (const [body, isArtifact, total] of [[image, false, 1124], [artifact, true, 1026]] as const) {
    const bytes = enc(body);
    const v = manifestView('r.io', 'a', {}, { digest: d('9'), mediaType: MediaType.OciManifest, size: bytes.length, bytes, parsed: parseManifest(bytes, MediaType.OciManifest, 'r.io'), warnings: [] });
    assert.equal(v.kind, 'image');
    if (v.kind !== 'image') continue;
    assert.equal(v.isArtifact, isArtifact);
    assert.equal(v.totalSize, total);
  }
});

test('config view maps history onto layers and reads the run config', () => {
  const cfg = parseImageConfig(
    enc({
      created: '2026-01-02T03:04:05Z',
      architecture: 'arm',
      os: 'linux',
      variant: 'v7',
      config: { User: 'app', Env: ['A=1'], Entrypoint: ['/bin/app'], Cmd: null, ExposedPorts: { '8080/tcp': {} }, Labels: { a: 'b' }, Volumes: { '/data': {} } },
      rootfs: { type: 'layers', diff_ids: [d('1'), d('2')] },
      history: [{ created_by: 'ADD a' }, { created_by: 'ENV A=1', empty_layer: true }, { created_by: 'COPY b' }],
    }),
    'r.io',
  );
  const v = configView(d('c'), cfg);
  assert.deepEqual(v.history.map((h) => h.layerIndex), [0, undefined, 1]);
  assert.deepEqual(v.exposedPorts, ['8080/tcp']);
  assert.deepEqual(v.volumes, ['/data']);
  assert.equal(v.user, 'app');
  assert.equal(v.cmd, undefined);
  assert.equal(v.variant, 'v7');
  assert.throws(() => parseImageConfig(Buffer.from('nope'), 'r.io'), RegistryError);
});
