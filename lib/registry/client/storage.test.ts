// A repository's storage through the client: a stub registry with two images on one base layer, an
// index of them, a signature referring to one (found through the referrers tag), and a platform
// image the registry no longer has. Only manifests are asked for, each once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RegistryClient } from './index';
import { MAX_STORAGE_MANIFESTS, MAX_STORAGE_TAGS } from './storage';
import { RegistryError } from '../errors';
import { MediaType, sha256Digest } from '../manifest';
import { REGISTRY, testContext, testRegistry, type Answer } from '../test-registry';

const layer = (name: string, size: number) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256Digest(Buffer.from(name)), size });
const config = (name: string, size: number) => ({ mediaType: MediaType.OciConfig, digest: sha256Digest(Buffer.from(name)), size });
const doc = (value: object) => Buffer.from(JSON.stringify(value));
const base = layer('base', 1000);
const imageA = doc({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: config('config-a', 10), layers: [base, layer('a', 200)] });
const imageB = doc({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: config('config-b', 20), layers: [base, layer('b', 300)] });
const gone = sha256Digest(Buffer.from('gone'));
const index = doc({
  schemaVersion: 2,
  mediaType: MediaType.OciIndex,
  manifests: [
    { mediaType: MediaType.OciManifest, digest: sha256Digest(imageA), size: imageA.length },
    { mediaType: MediaType.OciManifest, digest: sha256Digest(imageB), size: imageB.length },
    { mediaType: MediaType.OciManifest, digest: gone, size: 100 },
  ],
});
const signature = doc({
  schemaVersion: 2,
  mediaType: MediaType.OciManifest,
  artifactType: 'application/vnd.example.signature',
  config: { mediaType: MediaType.OciEmpty, digest: sha256Digest(Buffer.from('{}')), size: 2 },
  layers: [{ mediaType: 'application/vnd.example.signature', digest: sha256Digest(Buffer.from('sig')), size: 50 }],
  subject: { mediaType: MediaType.OciManifest, digest: sha256Digest(imageB), size: imageB.length },
});
/** The referrers tag of image B (the registry has no referrers API): an index naming the signature. */
const referrersOfB = doc({
  schemaVersion: 2,
  mediaType: MediaType.OciIndex,
  manifests: [{ mediaType: MediaType.OciManifest, digest: sha256Digest(signature), size: signature.length, artifactType: 'application/vnd.example.signature' }],
});
const docs = new Map([imageA, imageB, index, signature].map((d) => [sha256Digest(d), d]));
const tags = new Map([
  ['a', sha256Digest(imageA)],
  ['a-too', sha256Digest(imageA)],
  ['b', sha256Digest(imageB)],
  ['multi', sha256Digest(index)],
  [`sha256-${sha256Digest(imageB).slice(7)}`, sha256Digest(referrersOfB)],
]);
docs.set(sha256Digest(referrersOfB), referrersOfB);

/**
 * The stub registry: `tagList` (tags not in `tags` point at image A) in pages of the `n` asked for;
 * `extra` documents by digest; a digest in `failing` answers 500. Counts requests in flight.
 */
function registry(tagList: string[] = [...tags.keys()], extra: Buffer[] = [], failing: string[] = []) {
  const seen: string[] = [];
  const more = new Map(extra.map((d) => [sha256Digest(d), d]));
  const flight = { now: 0, peak: 0 };
  const { transport } = testRegistry(
    async (req): Promise<Answer> => {
      flight.peak = Math.max(flight.peak, ++flight.now);
      await new Promise((resolve) => setTimeout(resolve, 1));
      flight.now--;
      const path = req.url.pathname;
      seen.push(`${req.method} ${path.replace(/sha256:(\w{6})\w+/, 'sha256:$1')}`);
      if (path === '/v2/team/app/tags/list') {
        const n = Number(req.url.searchParams.get('n'));
        const last = req.url.searchParams.get('last');
        const from = last === null ? 0 : tagList.indexOf(last) + 1;
        const page = tagList.slice(from, from + n);
        const next = from + n < tagList.length ? { link: `</v2/team/app/tags/list?n=${n}&last=${page[page.length - 1]}>; rel="next"` } : {};
        return { headers: next, body: { name: 'team/app', tags: page } };
      }
      if (path.includes('/referrers/')) return { status: 404 };
      const reference = path.slice(path.lastIndexOf('/') + 1);
      if (failing.includes(reference)) return { status: 500, body: { errors: [{ code: 'UNKNOWN', message: 'storage driver failed' }] } };
      const digest = tags.get(reference) ?? (reference.startsWith('sha256') ? reference : sha256Digest(imageA));
      const body = docs.get(digest) ?? more.get(digest);
      if (!path.includes('/manifests/') || !body) return { status: 404, body: { errors: [{ code: 'MANIFEST_UNKNOWN' }] } };
      const mediaType = (JSON.parse(body.toString()) as { mediaType: string }).mediaType;
      return {
        headers: { 'content-type': mediaType, 'docker-content-digest': digest, 'content-length': String(body.length) },
        body: req.method === 'HEAD' ? undefined : body,
      };
    },
    { handshake: { scheme: 'none' } },
  );
  const client = new RegistryClient({ host: 'r.example', baseUrl: REGISTRY, context: testContext(), transport, scope: { client: 'a' } });
  return { client, seen, flight };
}

test('a repository’s storage: tags resolved, every manifest they keep read once, counted as ../storage.ts counts', async () => {
  const { client, seen } = registry();
  const storage = await client.getRepositoryStorage('team/app');
  const [a, b, i] = [sha256Digest(imageA), sha256Digest(imageB), sha256Digest(index)];
  const byDigest = new Map(storage.digests.map((d) => [d.digest, d]));
  assert.deepEqual(byDigest.get(a), { digest: a, tags: ['a', 'a-too'], logical: 1210, unique: 1210 + imageA.length, exclusive: 0 });
  // B keeps its signature (found through the referrers tag) too; the index keeps both images.
  const signed = 50 + 2 + signature.length;
  assert.deepEqual(byDigest.get(b), { digest: b, tags: ['b'], logical: 1320, unique: 1320 + imageB.length + signed, exclusive: 0 });
  assert.deepEqual(byDigest.get(i), {
    digest: i,
    tags: ['multi'],
    logical: 1210 + 1320,
    unique: index.length + imageA.length + imageB.length + 1000 + 200 + 300 + 10 + 20 + signed, // the base layer once
    exclusive: index.length,
  });
  assert.deepEqual(storage.missing, [gone], 'the platform image the registry no longer has');
  assert.equal(storage.tags, 5);
  assert.equal(storage.unique, index.length + imageA.length + imageB.length + 1000 + 200 + 300 + 10 + 20 + signed + referrersOfB.length);
  // Manifests only, each digest's once (and a HEAD per tag); no blob.
  assert.ok(!seen.some((s) => s.includes('/blobs/')));
  const gets = seen.filter((s) => s.startsWith('GET') && s.includes('/manifests/sha256:'));
  assert.equal(gets.length, new Set(gets).size, gets.join('\n'));
  assert.equal(seen.filter((s) => s.startsWith('HEAD')).length >= 5, true);
});

test('a repository of more tags than Berth counts is refused with a sentence', async () => {
  const { client } = registry(Array.from({ length: MAX_STORAGE_TAGS + 1 }, (_, n) => `t${n}`));
  await assert.rejects(
    client.getRepositoryStorage('team/app'),
    (e) =>
      e instanceof RegistryError &&
      e.message === `team/app has more than ${MAX_STORAGE_TAGS} tags; Berth counts the storage of repositories of at most ${MAX_STORAGE_TAGS}.`,
  );
});

test('tags are read page by page (1,000 at a time) up to the limit exactly; six requests at a time at most', async () => {
  const many = Array.from({ length: MAX_STORAGE_TAGS }, (_, n) => `t${String(n).padStart(5, '0')}`);
  const { client, seen, flight } = registry(many);
  const storage = await client.getRepositoryStorage('team/app');
  assert.equal(storage.tags, MAX_STORAGE_TAGS);
  assert.deepEqual(
    storage.digests.map((d) => [d.digest, d.tags.length]),
    [[sha256Digest(imageA), MAX_STORAGE_TAGS]],
  );
  assert.equal(seen.filter((s) => s === 'GET /v2/team/app/tags/list').length, 5);
  assert.ok(flight.peak <= 6 && flight.peak > 1, `peak ${flight.peak}`);
});

test('an index of more manifests than Berth reads is refused before they are read; a manifest the registry fails to send fails the count', async () => {
  const wide = doc({
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: Array.from({ length: MAX_STORAGE_MANIFESTS }, (_, n) => ({
      mediaType: MediaType.OciManifest,
      digest: sha256Digest(Buffer.from(`child ${n}`)),
      size: 10,
    })),
  });
  tags.set('wide', sha256Digest(wide));
  const { client, seen } = registry(['wide'], [wide]);
  await assert.rejects(
    client.getRepositoryStorage('team/app'),
    (e) =>
      e instanceof RegistryError &&
      e.code === 'INVALID_REQUEST' &&
      e.message ===
        `team/app keeps more than ${MAX_STORAGE_MANIFESTS} manifests; Berth counts the storage of repositories of at most ${MAX_STORAGE_MANIFESTS}.`,
  );
  assert.ok(seen.length < 10, 'none of its children read');
  const failing = registry(['multi'], [], [sha256Digest(imageB)]);
  await assert.rejects(failing.client.getRepositoryStorage('team/app'), (e) => e instanceof RegistryError && e.upstreamStatus === 500);
});
