// The protocol core against the real CNCF distribution registry in token, htpasswd and
// anonymous modes (run through e2e/fixtures/with-bed.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBed, type BedRegistry } from '../fixtures/bed-state';
import { AddressPolicy, RegistryClient, RegistryContext, RegistryError, parseImageConfig, type Credentials } from '../../lib/registry';
import { configBodyOf, manifestBodyOf } from '../../lib/api/bodies';

const bed = loadBed();
const policy = new AddressPolicy({ allowed: bed.allowedRegistries, dockerHubRegistryUrl: 'https://registry-1.docker.io' });

function user(reg: BedRegistry, name: string): Credentials {
  const u = reg.users.find((x) => x.username === name);
  assert.ok(u, `bed has user ${name}`);
  return { username: u.username, password: u.password };
}

function client(reg: BedRegistry, credentials?: Credentials, context = new RegistryContext({ policy, timeoutMs: 10_000 })): RegistryClient {
  return new RegistryClient({ host: reg.host, baseUrl: reg.url, credentials, context });
}

async function issuedTokens(): Promise<number> {
  const res = await fetch(bed.issuer.statsUrl);
  const body = (await res.json()) as { tokenRequests: number };
  return body.tokenRequests;
}

async function rejects(p: Promise<unknown>, code: string, status?: number): Promise<RegistryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RegistryError, `expected a RegistryError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (status !== undefined) assert.equal(e.status, status);
    assert.ok(e.message.length > 20, 'the message is a sentence');
    return e;
  }
  assert.fail(`expected ${code}`);
}

const c = bed.content;
const token = bed.registries.token;

describe('token mode', () => {
  test('sign-in check: good credentials pass, a wrong password is UNAUTHORIZED', async () => {
    assert.deepEqual(await client(token, user(token, 'alice')).verify(), { scheme: 'bearer', credentialsChecked: true });
    const e = await rejects(client(token, { username: 'alice', password: 'wrong' }).verify(), 'UNAUTHORIZED', 401);
    assert.ok(!e.message.includes('wrong'), 'the password never appears in messages');
  });

  test('catalog pages past several pages with one token', async () => {
    const alice = client(token, user(token, 'alice'));
    const before = await issuedTokens();
    const all: string[] = [];
    let last: string | undefined;
    let pages = 0;
    do {
      const page = await alice.listRepositories({ n: 100, cursor: last });
      all.push(...page.items);
      last = page.next ?? undefined;
      pages++;
    } while (last && pages < 50);
    assert.ok(pages >= 3, `pages: ${pages}`);
    assert.equal(all.length, c.repositoryCount);
    assert.deepEqual(all, [...c.repositories].sort());
    assert.equal((await issuedTokens()) - before, 1, 'one token for every catalog page');
  });

  test('a page size over 1000 is capped, not refused', async () => {
    const page = await client(token, user(token, 'alice')).listRepositories({ n: 5000 });
    assert.ok(page.items.length > 0 && page.items.length <= 1000);
  });

  // distribution 2.8 answers tags/list in one page whatever `n` says (pagination of tags came in
  // v3); the client follows Link headers when a registry sends them (fake-registry tests).
  test(`tags of a repository with ${c.manyTags.count} tags`, async () => {
    const bob = client(token, user(token, 'bob'));
    const tags: string[] = [];
    let last: string | undefined;
    let pages = 0;
    do {
      const page = await bob.listTags(c.manyTags.repo, { n: 1000, cursor: last });
      tags.push(...page.items);
      last = page.next ?? undefined;
      pages++;
    } while (last && pages < 10);
    assert.equal(tags.length, c.manyTags.count);
    for (const junk of c.manyTags.junkTags) assert.ok(tags.includes(junk));
  });

  test('pull-only user is denied a repository outside its rights, with one token and no loop', async () => {
    const bob = client(token, user(token, 'bob'));
    const before = await issuedTokens();
    const e = await rejects(bob.getManifest(c.secret.repo, c.secret.tag), 'DENIED', 403);
    assert.match(e.message, /bob may not read secret\/vault:1\.0/);
    assert.equal((await issuedTokens()) - before, 1);
  });

  test('a user with no rights cannot list the catalog: a clear "does not list" result', async () => {
    await rejects(client(token, user(token, 'carol')).listRepositories(), 'CATALOG_UNSUPPORTED', 404);
  });

  test('anonymous pull works where allowed, and asks to sign in elsewhere', async () => {
    const anon = client(token);
    const m = await anon.getManifest(c.public.repo, c.public.tag);
    assert.equal(m.digest, c.public.digest);
    await rejects(anon.getManifest(c.oci.repo, c.oci.tag), 'UNAUTHORIZED', 401);
    await rejects(anon.listRepositories(), 'UNAUTHORIZED', 401);
  });

  test('multi-platform index: platforms, attestations grouped, digest verified', async () => {
    const alice = client(token, user(token, 'alice'));
    const m = await alice.getManifest(c.multi.repo, c.multi.tags[0] ?? '1.0');
    assert.equal(m.digest, c.multi.indexDigest);
    const view = manifestBodyOf(token.host, c.multi.repo, { tag: '1.0' }, m);
    assert.equal(view.kind, 'index');
    if (view.kind !== 'index') return;
    const images = view.manifests.filter((e) => !e.attestationFor);
    assert.deepEqual(
      images.map((e) => e.platformLabel),
      c.multi.platforms.map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/')),
    );
    for (const a of c.multi.attestations) {
      const at = view.manifests.findIndex((e) => e.digest === a.digest);
      const of = view.manifests.findIndex((e) => e.digest === a.for);
      assert.equal(at, of + 1, 'attestation follows its image');
    }
    const byDigest = await alice.getManifest(c.multi.repo, c.multi.indexDigest);
    assert.equal(byDigest.digest, c.multi.indexDigest);
    const head = await alice.headManifest(c.multi.repo, '1.0');
    assert.equal(head.digest, c.multi.indexDigest);
    assert.equal(head.mediaType, c.multi.indexMediaType);
  });

  test('Docker schema2 and OCI images with their configs', async () => {
    const alice = client(token, user(token, 'alice'));
    const v1 = await alice.getManifest(c.schema2.repo, c.schema2.tag);
    assert.equal(v1.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(v1.digest, c.schema2.digest);
    const v2 = await alice.getManifest(c.oci.repo, c.oci.tag);
    assert.equal(v2.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    const view = manifestBodyOf(token.host, c.oci.repo, {}, v2);
    assert.equal(view.kind, 'image');
    if (view.kind !== 'image') return;
    assert.equal(view.isArtifact, false);
    assert.deepEqual(
      view.layers.map((l) => l.digest),
      c.oci.layerDigests,
    );
    const config = configBodyOf(c.oci.configDigest, parseImageConfig(await alice.getBlob(c.oci.repo, c.oci.configDigest), token.host));
    assert.ok(config.env.length > 0 && config.created, 'config has env and created');
    assert.equal(config.history.filter((h) => h.layerIndex !== undefined).length, c.oci.layerDigests.length);
  });

  test('referrers: distribution 2.8 has no API, so the sha256-<hex> tag fallback finds the artifact', async () => {
    const alice = client(token, user(token, 'alice'));
    const r = await alice.getReferrers(c.signed.repo, c.signed.subjectDigest);
    assert.equal(r.source, 'tag');
    assert.deepEqual(
      r.referrers.map((d) => d.digest),
      [c.signed.artifactDigest],
    );
    const filtered = await alice.getReferrers(c.signed.repo, c.signed.subjectDigest, 'application/vnd.other');
    assert.deepEqual(filtered.referrers, []);
    const none = await alice.getReferrers(c.oci.repo, c.oci.digest);
    assert.equal(none.source, 'none');
    const artifact = manifestBodyOf(token.host, c.signed.repo, {}, await alice.getManifest(c.signed.repo, c.signed.artifactDigest));
    assert.ok(artifact.kind === 'image' && artifact.isArtifact && artifact.subject?.digest === c.signed.subjectDigest);
  });

  test('not found: repository and tag', async () => {
    const alice = client(token, user(token, 'alice'));
    await rejects(alice.getManifest(c.oci.repo, 'no-such-tag'), 'MANIFEST_UNKNOWN', 404);
    await rejects(alice.listTags('no/such-repo'), 'NAME_UNKNOWN', 404);
  });

  test('browsing ten views of one repository fetches one token', async () => {
    const context = new RegistryContext({ policy, timeoutMs: 10_000 });
    const before = await issuedTokens();
    for (let i = 0; i < 2; i++) {
      // A fresh client per request, as the route handlers make them, sharing the server's context.
      const alice = () => client(token, user(token, 'alice'), context);
      await alice().listTags(c.oci.repo);
      await alice().getManifest(c.oci.repo, c.oci.tag);
      await alice().getManifest(c.oci.repo, c.oci.digest);
      await alice().getBlob(c.oci.repo, c.oci.configDigest);
      await alice().getReferrers(c.oci.repo, c.oci.digest);
    }
    assert.equal((await issuedTokens()) - before, 1);
    assert.equal(context.stats.tokenFetches, 1);
    assert.ok(context.stats.contentHits >= 2, 'digest-addressed content served from cache after a HEAD');
  });

  test('cached content is not handed to a requester the registry refuses', async () => {
    const context = new RegistryContext({ policy, timeoutMs: 10_000 });
    await client(token, user(token, 'alice'), context).getManifest(c.secret.repo, c.secret.digest);
    await rejects(client(token, user(token, 'bob'), context).getManifest(c.secret.repo, c.secret.digest), 'DENIED');
    await rejects(client(token, undefined, context).getManifest(c.secret.repo, c.secret.digest), 'UNAUTHORIZED');
  });

  test('JWT access claim tells what was granted', async () => {
    const bob = client(token, user(token, 'bob'));
    const access = await bob.grantedAccess([`repository:${c.oci.repo}:pull,push`]);
    assert.deepEqual(access, [{ type: 'repository', name: c.oci.repo, actions: ['pull'] }]);
  });
});

describe('htpasswd mode', () => {
  const reg = bed.registries.htpasswd;
  test('Basic credentials: verify, list and read', async () => {
    const admin = client(reg, user(reg, reg.admin?.username ?? 'admin'));
    assert.deepEqual(await admin.verify(), { scheme: 'basic', credentialsChecked: true });
    const page = await admin.listRepositories({ n: 1000 });
    assert.equal(page.items.length, c.repositoryCount);
    assert.equal((await admin.getManifest(c.multi.repo, c.multi.indexDigest)).digest, c.multi.indexDigest);
  });
  test('wrong password and anonymous are refused plainly', async () => {
    await rejects(client(reg, { username: 'admin', password: 'nope' }).verify(), 'UNAUTHORIZED', 401);
    await rejects(client(reg).verify(), 'UNAUTHORIZED', 401);
    await rejects(client(reg).listTags(c.oci.repo), 'UNAUTHORIZED', 401);
  });
});

describe('anonymous mode', () => {
  const reg = bed.registries.anonymous;
  test('no credentials needed for anything', async () => {
    const anon = client(reg);
    assert.deepEqual(await anon.verify(), { scheme: 'none', credentialsChecked: false });
    // Credentials sent to an open registry cannot be checked there: said, not pretended.
    assert.deepEqual(await client(reg, { username: 'x', password: 'y' }).verify(), { scheme: 'none', credentialsChecked: false });
    const tags = await anon.listTags(c.multi.repo);
    assert.deepEqual([...tags.items].sort(), [...c.multi.tags].sort());
    assert.equal((await anon.getManifest(c.schema2.repo, c.schema2.tag)).digest, c.schema2.digest);
  });
});

describe('address policy', () => {
  let open: RegistryContext;
  before(() => {
    open = new RegistryContext({ policy: new AddressPolicy({ allowed: null, dockerHubRegistryUrl: 'https://registry-1.docker.io' }), timeoutMs: 5_000 });
  });
  test('a loopback registry is refused when not listed, before any connection', async () => {
    await rejects(new RegistryClient({ host: token.host, baseUrl: token.url, context: open }).verify(), 'NOT_ALLOWED', 403);
  });
  test('a registry that is down is UNREACHABLE with a sentence', async () => {
    const down = new AddressPolicy({ allowed: ['http://127.0.0.1:9'], dockerHubRegistryUrl: 'https://registry-1.docker.io' });
    const ctx = new RegistryContext({ policy: down, timeoutMs: 5_000 });
    const e = await rejects(new RegistryClient({ host: '127.0.0.1:9', baseUrl: 'http://127.0.0.1:9', context: ctx }).verify(), 'UNREACHABLE', 502);
    assert.match(e.message, /connection was refused/);
  });
});

describe('what the real registry cannot do (local fake)', () => {
  const fake = { host: bed.fake.host, url: bed.fake.url };
  const fakeClient = (timeoutMs = 10_000, credentials?: Credentials) =>
    new RegistryClient({ host: fake.host, baseUrl: fake.url, credentials, context: new RegistryContext({ policy, timeoutMs }) });
  const target = bed.fake.redirectTarget;

  test('a relative realm is resolved against the registry', async () => {
    const cl = fakeClient(10_000, { username: 'u', password: 'p' });
    assert.deepEqual(await cl.verify(), { scheme: 'bearer', credentialsChecked: true });
    assert.deepEqual((await cl.listTags('ok/app')).items, ['latest']);
  });

  test('429 with Retry-After and a text body', async () => {
    const e = await rejects(fakeClient().listTags('ratelimited/app'), 'TOOMANYREQUESTS', 429);
    assert.equal(e.retryAfter, 7);
    assert.match(e.message, /Try again in 7 s/);
  });

  test('401 with no challenge is a plain "sign in" for anonymous and "denied" with credentials', async () => {
    await rejects(fakeClient().getManifest('nochallenge/app', 'latest'), 'UNAUTHORIZED', 401);
    await rejects(fakeClient(10_000, { username: 'u', password: 'p' }).getManifest('nochallenge/app', 'latest'), 'DENIED', 403);
  });

  test('an HTML 500 becomes UNAVAILABLE with a sentence, not a parse error', async () => {
    const e = await rejects(fakeClient().listTags('html500/app'), 'UNAVAILABLE', 502);
    assert.match(e.message, /HTTP 500/);
  });

  test('redirects to another host are followed without Authorization', async () => {
    await fetch(`${target.url}/_stats/reset`, { method: 'POST' });
    const cl = fakeClient(10_000, { username: 'u', password: 'p' });
    const m = await cl.getManifest('redirect/app', 'latest');
    assert.ok(m.digest.startsWith('sha256:'));
    const stats = (await (await fetch(target.statsUrl)).json()) as { requests: number; sawAuthorization: boolean };
    assert.ok(stats.requests >= 1, 'the redirect target was used');
    assert.equal(stats.sawAuthorization, false);
  });

  test("the registry's Warning headers reach the view", async () => {
    const m = await fakeClient().getManifest('warned/app', 'latest');
    assert.deepEqual(manifestBodyOf(fake.host, 'warned/app', {}, m).warnings, ['warned/app is deprecated; use ok/app']);
  });

  test('a slow registry times out with a sentence', async () => {
    const e = await rejects(fakeClient(500).listTags('slow/app'), 'TIMEOUT', 504);
    assert.match(e.message, /did not answer within/);
  });

  test('relative Link headers page through tags', async () => {
    const cl = fakeClient();
    const tags: string[] = [];
    let last: string | undefined;
    let pages = 0;
    do {
      const page = await cl.listTags('paging/relative', { n: 3, cursor: last });
      tags.push(...page.items);
      last = page.next ?? undefined;
      pages++;
    } while (last && pages < 10);
    assert.equal(tags.length, 7);
    assert.equal(pages, 3);
  });

  test('cursors under another parameter name (Quay-style next_page) are followed as given', async () => {
    const cl = fakeClient();
    const tags: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await cl.listTags('paging/quay', { n: 3, cursor });
      tags.push(...page.items);
      cursor = page.next ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    assert.deepEqual(tags, ['t1', 't2', 't3', 't4', 't5', 't6', 't7']);
    assert.equal(pages, 3);
  });

  test('a Link that points back at the same page ends the list instead of paging forever', async () => {
    const cl = fakeClient();
    const first = await cl.listTags('paging/cycle', { n: 2 });
    assert.ok(first.next);
    const second = await cl.listTags('paging/cycle', { n: 2, cursor: first.next ?? undefined });
    assert.equal(second.next, null);
  });

  test('a Link to another host is refused, and nothing is fetched there', async () => {
    await fetch(`${target.url}/_stats/reset`, { method: 'POST' });
    await rejects(fakeClient().listTags('paging/foreign', { n: 3 }), 'BAD_RESPONSE', 502);
    const stats = (await (await fetch(target.statsUrl)).json()) as { requests: number };
    assert.equal(stats.requests, 0);
  });

  test('the catalog of a registry with a relative Link', async () => {
    const page = await fakeClient().listRepositories({ n: 3 });
    assert.equal(page.items.length, 3);
    assert.ok(page.next);
  });
});

describe('token edge cases (local fake)', () => {
  const fakeStats = async () => (await (await fetch(`${bed.fake.url}/_fake/stats`)).json()) as { tokens: number; requests: Record<string, number> };
  const fresh = () =>
    new RegistryClient({
      host: bed.fake.host,
      baseUrl: bed.fake.url,
      credentials: { username: 'u', password: 'p' },
      context: new RegistryContext({ policy, timeoutMs: 10_000 }),
    });

  test('insufficient_scope: merge the scope, fetch one new token, retry once', async () => {
    const before = await fakeStats();
    const m = await fresh().getManifest('crossscope/app', 'latest');
    assert.ok(m.digest.startsWith('sha256:'));
    const after = await fakeStats();
    assert.equal(after.tokens - before.tokens, 2, 'the first token, then one with the merged scope');
    assert.equal((after.requests['crossscope/app'] ?? 0) - (before.requests['crossscope/app'] ?? 0), 2);
  });

  test('invalid_token: drop the token, fetch another, retry once (every fresh client)', async () => {
    for (let round = 0; round < 2; round++) {
      const before = await fakeStats();
      const cl = fresh();
      const m = await cl.getManifest('revoked/app', 'latest');
      assert.ok(m.digest.startsWith('sha256:'));
      const after = await fakeStats();
      assert.equal(after.tokens - before.tokens, 2, `round ${round}: the revoked token, then its replacement`);
      assert.equal((after.requests['revoked/app'] ?? 0) - (before.requests['revoked/app'] ?? 0), 2, `round ${round}: one retry`);
      // The replacement stays good: the same client reads on with it.
      assert.deepEqual((await cl.listTags('revoked/app')).items, ['latest']);
      assert.equal((await fakeStats()).tokens, after.tokens, `round ${round}: no further token`);
    }
  });

  test('HEAD answered 405: a cached digest is confirmed by GET instead, without looping', async () => {
    const cl = fresh();
    const byTag = await cl.getManifest('nohead/app', 'latest');
    const before = await fakeStats();
    const byDigest = await cl.getManifest('nohead/app', byTag.digest);
    assert.equal(byDigest.digest, byTag.digest);
    const head = await cl.headManifest('nohead/app', 'latest');
    assert.equal(head.digest, byTag.digest);
    const after = await fakeStats();
    assert.ok((after.requests['nohead/app'] ?? 0) - (before.requests['nohead/app'] ?? 0) <= 4, 'a bounded number of requests');
  });

  test('a redirect to something that is not a URL is a BAD_RESPONSE with a sentence', async () => {
    const e = await rejects(fresh().getManifest('badredirect/app', 'latest'), 'BAD_RESPONSE', 502);
    assert.match(e.message, /not a valid URL/);
  });

  test('a scope that is never granted gives up after one retry: no loop', async () => {
    const before = await fakeStats();
    await rejects(fresh().getManifest('denied/app', 'latest'), 'DENIED', 403);
    const after = await fakeStats();
    assert.equal((after.requests['denied/app'] ?? 0) - (before.requests['denied/app'] ?? 0), 1, 'the scope asked already: no retry at all');
    assert.equal(after.tokens - before.tokens, 1);
  });
});

describe('TLS', () => {
  // A registry whose certificate nobody trusts (self-signed): sign-in must say so plainly.
  let url = '';
  let stop = () => {};
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-tls-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'],
      { stdio: 'ignore' },
    );
    const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    stop = () => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    };
  });
  after(() => stop());

  test('an untrusted certificate is a TLS error with a sentence', async () => {
    const ctx = new RegistryContext({ policy: new AddressPolicy({ allowed: [url], dockerHubRegistryUrl: 'https://registry-1.docker.io' }), timeoutMs: 5_000 });
    const host = new URL(url).host;
    const e = await rejects(new RegistryClient({ host, baseUrl: url, context: ctx }).verify(), 'TLS', 502);
    assert.match(e.message, /certificate is not trusted/);
  });
});

describe('Basic only where /v2/ is open', () => {
  // /v2/ answers 200 but a repository asks for Basic: the credentials are sent once.
  let url = '';
  let server: import('node:http').Server | undefined;
  before(async () => {
    const { createServer } = await import('node:http');
    server = createServer((req, res) => {
      if (req.url === '/v2/') return res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      if (req.headers.authorization === `Basic ${Buffer.from('u:p').toString('base64')}`) {
        return res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"basic/app","tags":["v1"]}');
      }
      res.writeHead(401, { 'www-authenticate': 'Basic realm="basic"', 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server?.close());

  test('credentials go out after a Basic challenge, once', async () => {
    const ctx = new RegistryContext({ policy: new AddressPolicy({ allowed: [url], dockerHubRegistryUrl: 'https://registry-1.docker.io' }), timeoutMs: 5_000 });
    const host = new URL(url).host;
    const tags = await new RegistryClient({ host, baseUrl: url, credentials: { username: 'u', password: 'p' }, context: ctx }).listTags('basic/app');
    assert.deepEqual(tags.items, ['v1']);
    await rejects(
      new RegistryClient({ host, baseUrl: url, credentials: { username: 'u', password: 'wrong' }, context: ctx }).listTags('basic/app'),
      'UNAUTHORIZED',
      401,
    );
    await rejects(new RegistryClient({ host, baseUrl: url, context: ctx }).listTags('basic/app'), 'UNAUTHORIZED', 401);
  });
});
