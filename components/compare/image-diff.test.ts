// The comparison of two images from their manifest and config bodies, case by case.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageConfigBody, ImageManifestBody, IndexEntry } from '@/lib/api/types';
import { compareImages, configPlatform, defaultPlatform, diffConfig, pairPlatforms, type ConfigChange, type ImageSide } from './image-diff';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** An image whose layers are [digest character, size] pairs, each made by "step <character>". */
function image(layers: Array<[string, number]>, config: Partial<ImageConfigBody> = {}, annotations: Record<string, string> = {}): ImageSide {
  const manifest: ImageManifestBody = {
    kind: 'image',
    host: 'r.example',
    repository: 'team/app',
    digest: d('f'),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 500,
    annotations,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('e'), size: 100 },
    layers: layers.map(([c, size]) => ({ mediaType: LAYER, digest: d(c), size })),
    totalSize: 100 + layers.reduce((sum, [, size]) => sum + size, 0),
    isArtifact: false,
  };
  const body: ImageConfigBody = {
    digest: d('e'),
    env: [],
    exposedPorts: [],
    volumes: [],
    labels: {},
    history: [{ created_by: 'CMD ["sh"]', empty_layer: true }, ...layers.map(([c], layerIndex) => ({ created_by: `step ${c}`, layerIndex }))],
    diffIds: [],
    ...config,
  };
  return { manifest, config: body };
}

describe('layers', () => {
  const cases: Array<{
    name: string;
    a: Array<[string, number]>;
    b: Array<[string, number]>;
    shared: string[];
    onlyA: string[];
    onlyB: string[];
    leading: number;
  }> = [
    {
      name: 'the same image',
      a: [
        ['1', 10],
        ['2', 20],
      ],
      b: [
        ['1', 10],
        ['2', 20],
      ],
      shared: ['1', '2'],
      onlyA: [],
      onlyB: [],
      leading: 2,
    },
    {
      name: 'a shared base, a new top layer',
      a: [
        ['1', 10],
        ['2', 20],
      ],
      b: [
        ['1', 10],
        ['3', 30],
      ],
      shared: ['1'],
      onlyA: ['2'],
      onlyB: ['3'],
      leading: 1,
    },
    {
      name: 'a layer added on top',
      a: [['1', 10]],
      b: [
        ['1', 10],
        ['4', 5],
      ],
      shared: ['1'],
      onlyA: [],
      onlyB: ['4'],
      leading: 1,
    },
    { name: 'nothing in common', a: [['1', 10]], b: [['2', 10]], shared: [], onlyA: ['1'], onlyB: ['2'], leading: 0 },
    {
      name: 'shared layers after a different base are shared, not a base',
      a: [
        ['1', 10],
        ['9', 3],
      ],
      b: [
        ['2', 10],
        ['9', 3],
      ],
      shared: ['9'],
      onlyA: ['1'],
      onlyB: ['2'],
      leading: 0,
    },
    {
      name: 'a layer twice in A and once in B is shared once',
      a: [
        ['1', 10],
        ['1', 10],
      ],
      b: [['1', 10]],
      shared: ['1'],
      onlyA: ['1'],
      onlyB: [],
      leading: 1,
    },
    { name: 'no layers at all', a: [], b: [['1', 10]], shared: [], onlyA: [], onlyB: ['1'], leading: 0 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const result = compareImages(image(c.a), image(c.b));
      const chars = (list: { digest: string }[]) => list.map((l) => l.digest.slice(-1));
      assert.deepEqual(chars(result.layers.shared), c.shared);
      assert.deepEqual(chars(result.layers.onlyA), c.onlyA);
      assert.deepEqual(chars(result.layers.onlyB), c.onlyB);
      assert.equal(result.base.leading.layers, c.leading);
      const sum = (list: string[], from: Array<[string, number]>) => list.reduce((s, ch) => s + (from.find(([x]) => x === ch)?.[1] ?? 0), 0);
      assert.equal(result.layers.sharedSize, sum(c.shared, c.a));
      assert.equal(result.layers.onlyBSize, sum(c.onlyB, c.b));
    });
  }

  test('each layer carries the step that made it and its place on each side', () => {
    const result = compareImages(
      image([
        ['1', 10],
        ['2', 20],
      ]),
      image([
        ['1', 10],
        ['3', 30],
        ['2', 20],
      ]),
    );
    assert.deepEqual(result.layers.shared, [
      { digest: d('1'), size: 10, indexA: 0, indexB: 0, step: 'step 1' },
      { digest: d('2'), size: 20, indexA: 1, indexB: 2, step: 'step 2' },
    ]);
    assert.deepEqual(result.layers.onlyB, [{ digest: d('3'), size: 30, indexB: 1, step: 'step 3' }]);
  });
});

describe('sizes, dates and base', () => {
  test('size delta is B − A, compressed, config included; dates and their distance', () => {
    const result = compareImages(
      image([['1', 1000]], { created: '2024-01-01T00:00:00Z' }),
      image(
        [
          ['1', 1000],
          ['2', 500],
        ],
        { created: '2024-01-03T00:00:00Z' },
      ),
    );
    assert.deepEqual(result.size, { a: 1100, b: 1600, delta: 500 });
    assert.deepEqual(result.created, { a: '2024-01-01T00:00:00Z', b: '2024-01-03T00:00:00Z', deltaMs: 2 * 86_400_000 });
    assert.equal(compareImages(image([]), image([], { created: 'not a date' })).created.deltaMs, undefined);
  });

  test('the base named by org.opencontainers.image.base.* annotations, and the leading layers', () => {
    const base = { 'org.opencontainers.image.base.name': 'docker.io/library/alpine:3.20', 'org.opencontainers.image.base.digest': d('a') };
    const result = compareImages(
      image(
        [
          ['1', 7],
          ['2', 1],
        ],
        {},
        base,
      ),
      image(
        [
          ['1', 7],
          ['3', 1],
        ],
        {},
        { 'org.opencontainers.image.base.name': 'docker.io/library/alpine:3.21' },
      ),
    );
    assert.deepEqual(result.base, {
      a: { name: 'docker.io/library/alpine:3.20', digest: d('a') },
      b: { name: 'docker.io/library/alpine:3.21' },
      leading: { layers: 1, size: 7 },
    });
    assert.deepEqual(compareImages(image([['1', 7]]), image([['2', 7]])).base, { leading: { layers: 0, size: 0 } });
  });
});

describe('configuration', () => {
  const base: Partial<ImageConfigBody> = {
    env: ['PATH=/usr/bin', 'MODE=prod'],
    entrypoint: ['/app/server'],
    cmd: ['--port', '8080'],
    user: 'app',
    workingDir: '/app',
    exposedPorts: ['8080/tcp'],
    volumes: ['/data'],
    labels: { 'org.opencontainers.image.version': '1.0', team: 'core' },
  };
  const config = (over: Partial<ImageConfigBody>) => image([], { ...base, ...over }).config;
  const cases: Array<{ name: string; b: Partial<ImageConfigBody>; changes: ConfigChange[] }> = [
    { name: 'the same configuration', b: {}, changes: [] },
    {
      name: 'env: a variable changed, one added, one removed',
      b: { env: ['PATH=/usr/bin', 'MODE=debug', 'DEBUG=1'] },
      changes: [
        { field: 'Env', key: 'DEBUG', b: '1', change: 'added' },
        { field: 'Env', key: 'MODE', a: 'prod', b: 'debug', change: 'changed' },
      ],
    },
    { name: 'env: a later line for the same name wins', b: { env: ['PATH=/usr/bin', 'MODE=dev', 'MODE=prod'] }, changes: [] },
    { name: 'env: a variable removed', b: { env: ['PATH=/usr/bin'] }, changes: [{ field: 'Env', key: 'MODE', a: 'prod', change: 'removed' }] },
    {
      name: 'labels changed and added',
      b: { labels: { 'org.opencontainers.image.version': '1.1', team: 'core', tier: 'web' } },
      changes: [
        { field: 'Labels', key: 'org.opencontainers.image.version', a: '1.0', b: '1.1', change: 'changed' },
        { field: 'Labels', key: 'tier', b: 'web', change: 'added' },
      ],
    },
    {
      name: 'entrypoint and cmd compared as whole commands',
      b: { entrypoint: ['/app/server', '--verbose'], cmd: undefined },
      changes: [
        { field: 'Entrypoint', a: '["/app/server"]', b: '["/app/server","--verbose"]', change: 'changed' },
        { field: 'Cmd', a: '["--port","8080"]', change: 'removed' },
      ],
    },
    {
      name: 'user and working directory',
      b: { user: undefined, workingDir: '/srv' },
      changes: [
        { field: 'User', a: 'app', change: 'removed' },
        { field: 'WorkingDir', a: '/app', b: '/srv', change: 'changed' },
      ],
    },
    {
      name: 'exposed ports and volumes as sets',
      b: { exposedPorts: ['8080/tcp', '9090/tcp'], volumes: [] },
      changes: [
        { field: 'ExposedPorts', key: '9090/tcp', b: '9090/tcp', change: 'added' },
        { field: 'Volumes', key: '/data', a: '/data', change: 'removed' },
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(diffConfig(config({}), config(c.b)), c.changes));
  }
});

describe('indexes', () => {
  const entry = (platformLabel: string, c: string, attestationFor?: string): IndexEntry => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: d(c),
    size: 1,
    platformLabel,
    ...(attestationFor ? { attestationFor } : {}),
  });
  const a = [entry('linux/amd64', '1'), entry('unknown/unknown', '9', d('1')), entry('linux/arm/v7', '2')];
  const b = [entry('linux/arm64/v8', '3'), entry('linux/amd64', '4')];

  test('platforms paired by name, attestations left out, A’s order then B’s', () => {
    assert.deepEqual(pairPlatforms(a, b), [
      { platform: 'linux/amd64', a: d('1'), b: d('4') },
      { platform: 'linux/arm/v7', a: d('2') },
      { platform: 'linux/arm64/v8', b: d('3') },
    ]);
  });

  const defaults: Array<[string, string | undefined, string | undefined]> = [
    ['the platform asked for, when both have it', 'linux/amd64', 'linux/amd64'],
    ['linux/amd64 when the one asked for is not in both', 'linux/arm/v7', 'linux/amd64'],
    ['linux/amd64 when none is asked for', undefined, 'linux/amd64'],
  ];
  for (const [name, asked, expected] of defaults) {
    test(`the platform compared first: ${name}`, () => assert.equal(defaultPlatform(pairPlatforms(a, b), asked), expected));
  }
  test('no platform to compare when the indexes share none', () =>
    assert.equal(defaultPlatform(pairPlatforms([entry('linux/amd64', '1')], [entry('linux/s390x', '2')])), undefined));

  test('an image’s platform from its config, as an index names it', () => {
    assert.equal(configPlatform(image([], { os: 'linux', architecture: 'arm64', variant: 'v8' }).config), 'linux/arm64/v8');
    assert.equal(configPlatform(image([], { os: 'linux' }).config), undefined);
  });
});
