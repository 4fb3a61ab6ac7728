// A repository's storage from its manifests: shared layers counted once where they are kept once,
// never freed by deleting one of the manifests that keep them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repositoryStorage, type StoredManifest } from './storage';

const blob = (name: string, size: number) => ({ digest: `sha256:${name}`, size });
const base = blob('base', 100);
const image = (name: string, size: number, blobs: Array<{ digest: string; size: number }>, more: Partial<StoredManifest> = {}): StoredManifest => ({
  digest: `sha256:${name}`,
  size,
  blobs,
  children: [],
  referrers: [],
  ...more,
});
const a = image('a', 10, [blob('config-a', 5), base, blob('layer-a', 50)]);
const b = image('b', 11, [blob('config-b', 6), base, blob('layer-b', 30)]);
const of = (...ms: StoredManifest[]) => new Map(ms.map((m) => [m.digest, m]));

test('two images on one base layer: each counts it, neither frees it; tags on one digest share its figures', () => {
  const storage = repositoryStorage(
    new Map([
      ['v1', a.digest],
      ['latest', a.digest],
      ['v2', b.digest],
    ]),
    of(a, b),
  );
  assert.deepEqual(storage.digests, [
    // a: 5 + 100 + 50 pulled; with its manifest 165 kept; all but the base layer (100) its own.
    { digest: a.digest, tags: ['latest', 'v1'], logical: 155, unique: 165, exclusive: 65 },
    { digest: b.digest, tags: ['v2'], logical: 136, unique: 147, exclusive: 47 },
  ]);
  assert.equal(storage.logical, 155 + 136);
  assert.equal(storage.unique, 10 + 11 + 5 + 6 + 100 + 50 + 30, 'the base layer once');
  assert.deepEqual(storage.missing, []);
});

test('an index keeps its platform images: pulled all, kept once, and an image it lists is not freed by deleting that image’s tag', () => {
  const index = image('index', 20, [], { children: [a.digest, b.digest] });
  const storage = repositoryStorage(
    new Map([
      ['multi', index.digest],
      ['v1', a.digest],
    ]),
    of(index, a, b),
  );
  const [first, second] = storage.digests;
  assert.deepEqual(first, {
    digest: index.digest,
    tags: ['multi'],
    logical: 155 + 136,
    unique: 20 + 11 + 10 + 5 + 6 + 100 + 50 + 30,
    exclusive: 20 + 11 + 6 + 30,
  });
  assert.deepEqual(second, { digest: a.digest, tags: ['v1'], logical: 155, unique: 165, exclusive: 0 });
  assert.equal(storage.logical, 155 + 136 + 155, 'each kept manifest’s pull');
  assert.equal(storage.unique, 20 + 11 + 10 + 5 + 6 + 100 + 50 + 30);
});

test('a signature is kept with what it signs and freed with it, but not pulled; a layer listed twice is pulled twice, kept once', () => {
  const signature = image('signature', 8, [blob('sig', 3)], { referrers: [] });
  const signed = image('signed', 12, [blob('config-s', 4), blob('twice', 40), blob('twice', 40)], { referrers: [signature.digest] });
  const storage = repositoryStorage(new Map([['v1', signed.digest]]), of(signed, signature));
  assert.deepEqual(storage.digests, [
    { digest: signed.digest, tags: ['v1'], logical: 4 + 40 + 40, unique: 12 + 4 + 40 + 8 + 3, exclusive: 12 + 4 + 40 + 8 + 3 },
  ]);
});

test('a manifest that is not there is named and not counted; a loop of references is walked once', () => {
  const loop = image('loop', 5, [blob('x', 1)], { children: ['sha256:gone'], referrers: ['sha256:loop'] });
  const storage = repositoryStorage(
    new Map([
      ['v1', loop.digest],
      ['lost', 'sha256:absent'],
    ]),
    of(loop),
  );
  assert.deepEqual(storage.missing, ['sha256:absent', 'sha256:gone'], 'sorted');
  assert.deepEqual(storage.digests, [
    { digest: loop.digest, tags: ['v1'], logical: 1, unique: 6, exclusive: 6 },
    { digest: 'sha256:absent', tags: ['lost'], logical: 0, unique: 0, exclusive: 0 },
  ]);
  assert.equal(storage.unique, 6);
});

test('largest exclusive first; equal ones by digest', () => {
  const c = image('c', 10, [blob('config-c', 5), base, blob('layer-c', 50)]);
  const storage = repositoryStorage(
    new Map([
      ['c', c.digest],
      ['b', b.digest],
      ['a', a.digest],
    ]),
    of(a, b, c),
  );
  assert.deepEqual(
    storage.digests.map((d) => [d.digest, d.exclusive]),
    [
      [a.digest, 65],
      [c.digest, 65],
      [b.digest, 47],
    ],
  );
});

test('an index that lists one image twice pulls it once', () => {
  const index = image('index', 20, [], { children: [a.digest, a.digest] });
  assert.equal(repositoryStorage(new Map([['multi', index.digest]]), of(index, a)).digests[0]!.logical, 155);
});
