import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RegistryError } from '../registry/errors';
import { MediaType, parseImageConfig, parseManifest, sha256Digest } from '../registry/manifest';
import { d, enc, sampleIndex as index } from '../registry/test-fixtures';
import { configBodyOf, documentBodyOf, manifestBodyOf, warningText } from './bodies';

test('warningText reads RFC 7234 Warning values', () => {
  assert.equal(warningText('299 - "This image is deprecated; use acme/new"'), 'This image is deprecated; use acme/new');
  assert.equal(warningText('299 registry.example "say \\"hi\\""'), 'say "hi"');
  assert.equal(warningText('plain text'), 'plain text');
});

test('index body groups attestations right after the image they describe', () => {
  const bytes = enc(index);
  const view = manifestBodyOf(
    'r.io',
    'a',
    { tag: 't' },
    {
      digest: sha256Digest(bytes),
      mediaType: MediaType.OciIndex,
      size: bytes.length,
      bytes,
      parsed: parseManifest(bytes, MediaType.OciIndex, 'r.io'),
      warnings: [],
      headers: {},
    },
  );
  assert.equal(view.kind, 'index');
  if (view.kind !== 'index') return;
  assert.deepEqual(
    view.manifests.map((m) => [m.platformLabel, m.attestationFor]),
    [
      ['linux/amd64', undefined],
      ['unknown/unknown', d('a')],
      ['linux/arm64/v8', undefined],
    ],
  );
  assert.equal(view.tag, 't');
});

test('index body: each image followed by its attestations in index order, then the attestations of no image listed, whatever the index', () => {
  // Few digests, so that images repeat, attestations share a target and some describe nothing listed.
  const entry = fc.tuple(fc.boolean(), fc.constantFrom('a', 'b', 'c', 'e'), fc.constantFrom('a', 'b', 'c', 'f'));
  // [an attestation?, the image's digest, the attestation's target]
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 30 }), (entries) => {
      const manifests = entries.map(([attestation, digest, target], i) =>
        attestation
          ? {
              mediaType: MediaType.OciManifest,
              digest: `sha256:${i.toString(16).padStart(64, '0')}`,
              size: i,
              annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': d(target) },
            }
          : { mediaType: MediaType.OciManifest, digest: d(digest), size: i, platform: { os: 'linux', architecture: 'amd64' } },
      );
      const bytes = enc({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests });
      const parsed = parseManifest(bytes, MediaType.OciIndex, 'r.io');
      const view = manifestBodyOf(
        'r.io',
        'a',
        {},
        { digest: sha256Digest(bytes), mediaType: MediaType.OciIndex, size: bytes.length, bytes, parsed, warnings: [], headers: {} },
      );
      assert.equal(view.kind, 'index');
      if (view.kind !== 'index') return;
      // The rule, written the plain way.
      const images = manifests.filter((m) => !m.annotations);
      const attestations = manifests.filter((m) => m.annotations);
      const describes = (a: (typeof manifests)[number]) => a.annotations?.['vnd.docker.reference.digest'];
      const expected = [
        ...images.flatMap((image) => [image, ...attestations.filter((a) => describes(a) === image.digest)]),
        ...attestations.filter((a) => !images.some((image) => image.digest === describes(a))),
      ];
      assert.deepEqual(
        view.manifests.map((m) => [m.digest, m.size, m.attestationFor]),
        expected.map((m) => [m.digest, m.size, describes(m)]),
      );
    }),
  );
});

test('image body sums sizes and recognises artifacts', () => {
  const image = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: d('c'), size: 100 },
    layers: [
      { mediaType: 'l', digest: d('1'), size: 1000 },
      { mediaType: 'l', digest: d('2'), size: 24 },
    ],
  };
  const artifact = {
    ...image,
    artifactType: 'application/vnd.example.signature.v1',
    config: { mediaType: MediaType.OciEmpty, digest: d('4'), size: 2 },
    subject: { mediaType: MediaType.OciManifest, digest: d('a'), size: 10 },
  };
  for (const [body, isArtifact, total] of [
    [image, false, 1124],
    [artifact, true, 1026],
  ] as const) {
    const bytes = enc(body);
    const v = manifestBodyOf(
      'r.io',
      'a',
      {},
      {
        digest: d('9'),
        mediaType: MediaType.OciManifest,
        size: bytes.length,
        bytes,
        parsed: parseManifest(bytes, MediaType.OciManifest, 'r.io'),
        warnings: [],
        headers: {},
      },
    );
    assert.equal(v.kind, 'image');
    if (v.kind !== 'image') continue;
    assert.equal(v.isArtifact, isArtifact);
    assert.equal(v.totalSize, total);
  }
});

test('config body maps history onto layers and reads the run config', () => {
  const cfg = parseImageConfig(
    enc({
      created: '2026-01-02T03:04:05Z',
      architecture: 'arm',
      os: 'linux',
      variant: 'v7',
      config: {
        User: 'app',
        Env: ['A=1'],
        Entrypoint: ['/bin/app'],
        Cmd: null,
        ExposedPorts: { '8080/tcp': {} },
        Labels: { a: 'b' },
        Volumes: { '/data': {} },
      },
      rootfs: { type: 'layers', diff_ids: [d('1'), d('2')] },
      history: [{ created_by: 'ADD a' }, { created_by: 'ENV A=1', empty_layer: true }, { created_by: 'COPY b' }],
    }),
    'r.io',
  );
  const v = configBodyOf(d('c'), cfg);
  assert.deepEqual(
    v.history.map((h) => h.layerIndex),
    [0, undefined, 1],
  );
  assert.deepEqual(v.exposedPorts, ['8080/tcp']);
  assert.deepEqual(v.volumes, ['/data']);
  assert.equal(v.user, 'app');
  assert.equal(v.cmd, undefined);
  assert.equal(v.variant, 'v7');
  assert.throws(() => parseImageConfig(Buffer.from('nope'), 'r.io'), RegistryError);
});

describe('a document for the raw view', () => {
  const bytes = Buffer.from('{\n  "schemaVersion": 2,\r\n  "note": "é"}');
  const cases: Array<[string, Buffer, string, { verified: boolean; exact: boolean }]> = [
    ['the bytes whose digest is the one named: verified, shown byte for byte', bytes, sha256Digest(bytes), { verified: true, exact: true }],
    ['bytes that do not match the digest are never called verified', bytes, d('1'), { verified: false, exact: true }],
    [
      'bytes that are not UTF-8 are said not to be shown exactly',
      Buffer.from([0x7b, 0xff, 0x7d]),
      sha256Digest(Buffer.from([0x7b, 0xff, 0x7d])),
      { verified: true, exact: false },
    ],
  ];
  for (const [name, input, digest, expected] of cases) {
    test(name, () => {
      const body = documentBodyOf(digest, input, { contentType: 'application/json' });
      assert.deepEqual({ verified: body.verified, exact: body.exact }, expected);
      assert.equal(body.size, input.length);
      if (expected.exact) assert.ok(Buffer.from(body.text, 'utf8').equals(input));
    });
  }
});
