// Tag and digest summaries (size, created, platforms) against the real registries: the figures
// must equal what the registry itself holds, read here with plain HTTP from the open registry
// (the bed seeds the same digests in all three).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBed, type BedRegistry } from '../fixtures/bed-state';
import { AddressPolicy, RegistryClient, RegistryContext, RegistryError, type Credentials } from '../../lib/registry';

const bed = loadBed();
const c = bed.content;
const token = bed.registries.token;
const open = bed.registries.anonymous;
const policy = new AddressPolicy({ allowed: bed.allowedRegistries, dockerHubRegistryUrl: 'https://registry-1.docker.io' });
const ACCEPT =
  'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json';

function user(reg: BedRegistry, name: string): Credentials {
  const u = reg.users.find((x) => x.username === name);
  assert.ok(u);
  return { username: u.username, password: u.password };
}

const newContext = () => new RegistryContext({ policy, timeoutMs: 10_000 });

async function raw<T>(path: string): Promise<T> {
  const res = await fetch(`${open.url}${path}`, { headers: { accept: ACCEPT } });
  assert.equal(res.status, 200, path);
  return (await res.json()) as T;
}

interface RawImage {
  config: { digest: string; size: number };
  layers: { size: number }[];
}

/** What the registry says an image weighs and when it was made. */
async function expected(repo: string, digest: string): Promise<{ size: number; created: string | undefined }> {
  const m = await raw<RawImage>(`/v2/${repo}/manifests/${digest}`);
  const config = await raw<{ created?: string }>(`/v2/${repo}/blobs/${m.config.digest}`);
  return { size: m.config.size + m.layers.reduce((s, l) => s + l.size, 0), created: config.created };
}

describe('summaries', () => {
  test('a multi-platform index: each platform image with its compressed size and date, attestations counted', async () => {
    const alice = new RegistryClient({ host: token.host, baseUrl: token.url, credentials: user(token, 'alice'), context: newContext() });
    const s = await alice.describeTag(c.multi.repo, '1.0');
    assert.equal(s.kind, 'index');
    assert.equal(s.digest, c.multi.indexDigest);
    assert.equal(s.attestations, c.multi.attestations.length);
    assert.deepEqual(
      s.platforms.map((p) => p.digest),
      c.multi.platforms.map((p) => p.digest),
    );
    for (const [i, p] of c.multi.platforms.entries()) {
      const want = await expected(c.multi.repo, p.digest);
      assert.equal(s.platforms[i]?.size, want.size, `size of ${p.architecture}`);
      assert.equal(s.platforms[i]?.created, want.created);
      assert.equal(s.platforms[i]?.platform, [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
    }
  });

  test('an image and an artifact', async () => {
    const alice = new RegistryClient({ host: token.host, baseUrl: token.url, credentials: user(token, 'alice'), context: newContext() });
    const image = await alice.describeTag(c.oci.repo, c.oci.tag);
    const want = await expected(c.oci.repo, c.oci.digest);
    assert.equal(image.kind, 'image');
    assert.equal(image.size, want.size);
    assert.equal(image.created, want.created);
    assert.equal(image.platforms.length, 1);
    const artifact = await alice.describeDigest(c.signed.repo, c.signed.artifactDigest);
    assert.equal(artifact.kind, 'artifact');
    assert.equal(artifact.artifactType, c.signed.artifactType);
  });

  test(`fifty tags on one digest: a HEAD each, the manifest and config once, one token`, async () => {
    const context = newContext();
    const bob = new RegistryClient({ host: token.host, baseUrl: token.url, credentials: user(token, 'bob'), context });
    await bob.verify(); // signed in: the ping and a first token are behind us, as in the browser
    const tokens = context.stats.tokenFetches;
    const tags = (await bob.listTags(c.manyTags.repo, { n: 1000 })).items.filter((t) => !c.manyTags.junkTags.includes(t)).slice(0, 50);
    assert.equal(tags.length, 50);
    const requests = context.stats.requests;
    const tokensBefore = context.stats.tokenFetches;
    const summaries = await Promise.all(tags.map((t) => bob.describeTag(c.manyTags.repo, t)));
    assert.ok(summaries.every((s) => s.digest === c.manyTags.digest));
    assert.equal(context.stats.requests - requests - (context.stats.tokenFetches - tokensBefore), 50 + 2, 'registry requests: 50 HEADs, 1 manifest, 1 config');
    assert.equal(context.stats.tokenFetches - tokens, 1, 'one token for the repository: its tag list and every summary');
    assert.ok(context.limiter.origin(token.url).peak <= 6, 'at most 6 requests in flight to the registry');

    // The same rows again (the browser after the page's prefetch, a revisit), twice at once: no request.
    const again = context.stats.requests;
    await Promise.all([...tags, ...tags].map((t) => bob.describeTag(c.manyTags.repo, t)));
    assert.equal(context.stats.requests - again, 0, 'the tags asked again within seconds cost no HEAD');

    // Another person on the same server asks the registry for themselves.
    const alice = new RegistryClient({ host: token.host, baseUrl: token.url, credentials: user(token, 'alice'), context });
    await alice.verify();
    const before = context.stats.requests;
    const tokensBeforeAlice = context.stats.tokenFetches;
    await Promise.all([...tags, ...tags].map((t) => alice.describeTag(c.manyTags.repo, t)));
    assert.equal(context.stats.requests - before - (context.stats.tokenFetches - tokensBeforeAlice), 50, 'a HEAD per tag for another connection, once each');
  });

  test('a summary cached for one person is not served to another the registry refuses', async () => {
    const context = newContext();
    const alice = new RegistryClient({ host: token.host, baseUrl: token.url, credentials: user(token, 'alice'), context });
    await alice.describeDigest(c.secret.repo, c.secret.digest);
    for (const [who, credentials, code] of [
      ['bob', user(token, 'bob'), 'DENIED'],
      ['anonymous', undefined, 'UNAUTHORIZED'],
    ] as const) {
      const other = new RegistryClient({ host: token.host, baseUrl: token.url, credentials, context });
      await assert.rejects(other.describeDigest(c.secret.repo, c.secret.digest), (e: unknown) => e instanceof RegistryError && e.code === code, who);
    }
  });
});
