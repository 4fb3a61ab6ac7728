// Self-test of the Berth test bed: is each registry what bed-state.ts says it is? Uses raw fetch on
// purpose (not lib/registry, which the bed exists to test). Run through the bed:
//   node --import tsx e2e/fixtures/with-bed.ts -- "node --import tsx --test e2e/integration/bed.test.ts"
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { loadBed, type BedHubAccount, type BedHubContent, type BedRegistry } from '../fixtures/bed-state';
import { JSON500_MESSAGE, MISMATCHED_DIGEST, OVERSIZE_MANIFEST_BYTES } from '../fixtures/fake-registry';

const bed = loadBed();
const { token: tokenReg, htpasswd: htReg, anonymous: anonReg } = bed.registries;
const c = bed.content;

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

interface Access {
  type: string;
  name: string;
  actions: string[];
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function password(reg: BedRegistry, username: string): string {
  const u = reg.users.find((x) => x.username === username);
  assert.ok(u, `bed has user ${username}`);
  return u.password;
}

interface TokenAnswer {
  status: number;
  token: string;
  access: Access[];
  body: unknown;
}

async function getToken(username: string | null, scopes: string[]): Promise<TokenAnswer> {
  return tokenFrom(bed.issuer, username ? { username, password: password(tokenReg, username) } : null, scopes);
}

/** A token from an issuer (the bed's, or the Hub stand-in's token service), its `access` decoded. */
async function tokenFrom(
  issuer: { tokenUrl: string; service: string },
  creds: { username: string; password: string } | null,
  scopes: string[],
): Promise<TokenAnswer> {
  const url = new URL(issuer.tokenUrl);
  url.searchParams.set('service', issuer.service);
  for (const s of scopes) url.searchParams.append('scope', s);
  const headers: Record<string, string> = {};
  if (creds) {
    url.searchParams.set('account', creds.username);
    headers.authorization = basic(creds.username, creds.password);
  }
  const res = await fetch(url, { headers });
  const body = (await res.json()) as { token?: string };
  const token = body.token ?? '';
  let access: Access[] = [];
  if (token) {
    const payload = token.split('.')[1] ?? '';
    access = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { access: Access[] }).access;
  }
  return { status: res.status, token, access, body };
}

async function bearerGet(path: string, token: string, method = 'GET'): Promise<Response> {
  return fetch(`${tokenReg.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, accept: ACCEPT } });
}

/** Follows `Link: <…>; rel="next"` (relative or absolute on the same host) and collects a list field. */
async function collect(
  baseUrl: string,
  first: string,
  field: 'repositories' | 'tags',
  headers: Record<string, string>,
): Promise<{ items: string[]; pages: number }> {
  const items: string[] = [];
  let next: string | null = first;
  let pages = 0;
  while (next && pages < 100) {
    const url: URL = new URL(next, baseUrl);
    assert.equal(url.origin, new URL(baseUrl).origin, 'Link stays on the registry');
    const res = await fetch(url, { headers });
    assert.equal(res.status, 200, `GET ${url.pathname}${url.search}`);
    const body = (await res.json()) as Record<string, string[] | undefined>;
    items.push(...(body[field] ?? []));
    pages += 1;
    const link = res.headers.get('link');
    next = link ? (/<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] ?? null) : null;
  }
  return { items, pages };
}

describe('bed state', () => {
  test('describes three registries, the scratch registry, the issuer and the fake', () => {
    for (const reg of [tokenReg, htReg, anonReg, bed.scratch]) {
      assert.match(reg.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(reg.url, `http://${reg.host}`);
    }
    assert.deepEqual(bed.allowedRegistries, [
      tokenReg.url,
      bed.issuer.url,
      htReg.url,
      anonReg.url,
      bed.scratch.url,
      bed.fake.url,
      bed.fake.redirectTarget.url,
      bed.hub.registryUrl,
      bed.hub.issuer.url,
    ]);
    for (const u of [bed.hub.apiUrl, bed.hub.registryUrl, bed.hub.upstreamUrl, bed.hub.issuer.url]) assert.match(u, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(!bed.allowedRegistries.includes(bed.hub.apiUrl), 'the Hub API is configured on its own (DOCKER_HUB_API_URL)');
    assert.ok(c.manyTags.count >= 1500);
    assert.ok(c.manyRepos.count >= 250);
    assert.ok(bed.seeding.ms > 0);
  });
});

describe('token mode', () => {
  test('GET /v2/ is 401 with a Bearer challenge naming the issuer', async () => {
    const res = await fetch(`${tokenReg.url}/v2/`);
    assert.equal(res.status, 401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer /);
    assert.ok(challenge.includes(`realm="${bed.issuer.tokenUrl}"`), challenge);
    assert.ok(challenge.includes(`service="${bed.issuer.service}"`), challenge);
  });

  test('the issuer rejects a wrong password with 401 UNAUTHORIZED JSON', async () => {
    const url = `${bed.issuer.tokenUrl}?service=${bed.issuer.service}&scope=registry:catalog:*`;
    const res = await fetch(url, { headers: { authorization: basic('alice', 'nope') } });
    assert.equal(res.status, 401);
    const body = (await res.json()) as { errors: { code: string }[] };
    assert.equal(body.errors[0]?.code, 'UNAUTHORIZED');
  });

  test('the token response and JWT have the documented shape', async () => {
    const t = await getToken('alice', ['repository:team/app:pull']);
    assert.equal(t.status, 200);
    const body = t.body as Record<string, unknown>;
    assert.equal(body.access_token, body.token);
    assert.equal(typeof body.expires_in, 'number');
    assert.equal(typeof body.issued_at, 'string');
    const [h, p] = t.token.split('.');
    const header = JSON.parse(Buffer.from(h ?? '', 'base64url').toString('utf8')) as { alg: string; typ: string; x5c: string[] };
    const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    assert.equal(header.alg, 'RS256');
    assert.equal(header.x5c.length, 1);
    assert.equal(claims.aud, bed.issuer.service);
    assert.equal(claims.iss, bed.issuer.issuer);
    assert.equal(claims.sub, 'alice');
    for (const k of ['exp', 'nbf', 'iat', 'jti']) assert.ok(k in claims, k);
  });

  test('scope names with host:port colons are split at the first and last colon', async () => {
    const t = await getToken('alice', ['repository:127.0.0.1:5000/team/app:pull,push', 'registry:catalog:*']);
    assert.deepEqual(t.access, [
      { type: 'repository', name: '127.0.0.1:5000/team/app', actions: ['pull', 'push'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
  });

  test('alice lists ≥ 250 repositories across several catalog pages', async () => {
    const t = await getToken('alice', ['registry:catalog:*']);
    const { items, pages } = await collect(tokenReg.url, '/v2/_catalog?n=100', 'repositories', { authorization: `Bearer ${t.token}` });
    assert.ok(items.length >= 250, `${items.length} repositories`);
    assert.equal(items.length, c.repositoryCount);
    assert.deepEqual(items, [...c.repositories].sort());
    assert.ok(pages >= 3, `${pages} pages`);
  });

  test('alice may delete; the token carries exactly what was asked and allowed', async () => {
    const t = await getToken('alice', ['repository:team/app:pull,push,delete']);
    assert.deepEqual(t.access[0]?.actions, ['pull', 'push', 'delete']);
  });

  test('bob pulls team/app but not secret/vault (token granted with no actions)', async () => {
    const ok = await getToken('bob', ['repository:team/app:pull,push']);
    assert.deepEqual(ok.access[0]?.actions, ['pull']);
    assert.equal((await bearerGet(`/v2/${c.oci.repo}/manifests/${c.oci.tag}`, ok.token)).status, 200);

    const denied = await getToken('bob', [`repository:${c.secret.repo}:pull`]);
    assert.equal(denied.status, 200, 'the issuer never errors for missing rights');
    assert.deepEqual(denied.access, [{ type: 'repository', name: c.secret.repo, actions: [] }]);
    const res = await bearerGet(`/v2/${c.secret.repo}/manifests/${c.secret.tag}`, denied.token);
    assert.ok(res.status === 401 || res.status === 403, `status ${res.status}`);
  });

  test('carol signs in but gets nothing, not even the catalog', async () => {
    const t = await getToken('carol', ['registry:catalog:*']);
    assert.equal(t.status, 200);
    assert.deepEqual(t.access[0]?.actions, []);
    assert.equal((await bearerGet('/v2/_catalog', t.token)).status, 401);
  });

  test('anonymous can pull public/hello but not team/app', async () => {
    const pub = await getToken(null, [`repository:${c.public.repo}:pull`]);
    const res = await bearerGet(`/v2/${c.public.repo}/manifests/${c.public.tag}`, pub.token);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('docker-content-digest'), c.public.digest);

    const priv = await getToken(null, [`repository:${c.oci.repo}:pull`]);
    assert.deepEqual(priv.access[0]?.actions, []);
    assert.equal((await bearerGet(`/v2/${c.oci.repo}/tags/list`, priv.token)).status, 401);
  });

  test('the issuer counts tokens over HTTP and can be reset', async () => {
    assert.equal((await fetch(`${bed.issuer.url}/_stats/reset`, { method: 'POST' })).status, 204);
    await getToken('bob', ['repository:team/app:pull']);
    await getToken(null, ['repository:public/hello:pull']);
    const stats = (await (await fetch(bed.issuer.statsUrl)).json()) as { tokenRequests: number; byAccount: Record<string, number> };
    assert.equal(stats.tokenRequests, 2);
    assert.equal(stats.byAccount.bob, 1);
  });
});

describe('htpasswd mode', () => {
  const admin = htReg.users[0];
  test('Basic credentials work; a wrong password or none is 401 with a Basic challenge', async () => {
    assert.ok(admin);
    const ok = await fetch(`${htReg.url}/v2/_catalog`, { headers: { authorization: basic(admin.username, admin.password) } });
    assert.equal(ok.status, 200);
    const bad = await fetch(`${htReg.url}/v2/`, { headers: { authorization: basic(admin.username, 'wrong') } });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate') ?? '', /^Basic realm=/);
    assert.equal((await fetch(`${htReg.url}/v2/`)).status, 401);
  });
});

describe('anonymous mode and content (same in all three registries)', () => {
  const headersFor = async (reg: BedRegistry, repo: string): Promise<Record<string, string>> => {
    if (reg.mode === 'anonymous') return { accept: ACCEPT };
    if (reg.mode === 'htpasswd') {
      const u = reg.users[0];
      assert.ok(u);
      return { accept: ACCEPT, authorization: basic(u.username, u.password) };
    }
    const t = await getToken('alice', [`repository:${repo}:pull`]);
    return { accept: ACCEPT, authorization: `Bearer ${t.token}` };
  };

  test('the anonymous registry lists tags without credentials', async () => {
    const res = await fetch(`${anonReg.url}/v2/${c.oci.repo}/tags/list`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { tags: string[] };
    assert.deepEqual(body.tags.sort(), [c.schema2.tag, c.oci.tag].sort());
  });

  for (const reg of [anonReg, htReg, tokenReg]) {
    test(`${reg.mode}: the index has 3 platforms plus attestations, same digests`, async () => {
      const res = await fetch(`${reg.url}/v2/${c.multi.repo}/manifests/${c.multi.tags[0] ?? ''}`, { headers: await headersFor(reg, c.multi.repo) });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('docker-content-digest'), c.multi.indexDigest);
      assert.equal(res.headers.get('content-type'), c.multi.indexMediaType);
      const index = (await res.json()) as {
        manifests: { digest: string; platform?: { os: string; architecture: string; variant?: string }; annotations?: Record<string, string> }[];
      };
      const images = index.manifests.filter((m) => m.platform?.os !== 'unknown');
      const atts = index.manifests.filter((m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest');
      assert.deepEqual(
        images.map((m) => [m.platform?.os, m.platform?.architecture, m.platform?.variant].filter(Boolean).join('/')),
        ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7'],
      );
      assert.deepEqual(
        images.map((m) => m.digest),
        c.multi.platforms.map((p) => p.digest),
      );
      assert.equal(atts.length, 3);
      for (const a of atts) {
        assert.deepEqual(a.platform, { architecture: 'unknown', os: 'unknown' });
        assert.ok(images.some((i) => i.digest === a.annotations?.['vnd.docker.reference.digest']));
      }
      const latest = await fetch(`${reg.url}/v2/${c.multi.repo}/manifests/latest`, { method: 'HEAD', headers: await headersFor(reg, c.multi.repo) });
      assert.equal(latest.headers.get('docker-content-digest'), c.multi.indexDigest);
    });

    test(`${reg.mode}: schema2, OCI, referrers fallback and many tags`, async () => {
      const h = await headersFor(reg, c.oci.repo);
      const v1 = await fetch(`${reg.url}/v2/${c.schema2.repo}/manifests/${c.schema2.tag}`, { method: 'HEAD', headers: h });
      assert.equal(v1.headers.get('content-type'), 'application/vnd.docker.distribution.manifest.v2+json');
      assert.equal(v1.headers.get('docker-content-digest'), c.schema2.digest);
      const v2 = await fetch(`${reg.url}/v2/${c.oci.repo}/manifests/${c.oci.tag}`, { method: 'HEAD', headers: h });
      assert.equal(v2.headers.get('content-type'), 'application/vnd.oci.image.manifest.v1+json');
      assert.equal(v2.headers.get('docker-content-digest'), c.oci.digest);

      const hs = await headersFor(reg, c.signed.repo);
      const ref = await fetch(`${reg.url}/v2/${c.signed.repo}/manifests/${c.signed.referrersTag}`, { headers: hs });
      assert.equal(ref.status, 200);
      const refIndex = (await ref.json()) as { manifests: { digest: string; artifactType?: string }[] };
      assert.deepEqual(
        refIndex.manifests.map((m) => [m.digest, m.artifactType]),
        [[c.signed.artifactDigest, c.signed.artifactType]],
      );
      const art = await fetch(`${reg.url}/v2/${c.signed.repo}/manifests/${c.signed.artifactDigest}`, { headers: hs });
      const artifact = (await art.json()) as { artifactType: string; subject: { digest: string }; config: { mediaType: string } };
      assert.equal(artifact.subject.digest, c.signed.subjectDigest);
      assert.equal(artifact.artifactType, 'application/vnd.example.signature.v1');
      assert.equal(artifact.config.mediaType, 'application/vnd.oci.empty.v1+json');

      const ht = await headersFor(reg, c.manyTags.repo);
      const { items } = await collect(reg.url, `/v2/${c.manyTags.repo}/tags/list`, 'tags', ht);
      assert.equal(items.length, c.manyTags.count);
      assert.ok(items.length >= 1500);
      for (const junk of c.manyTags.junkTags) assert.ok(items.includes(junk), junk);
    });
  }

  test('a bulk repository has its blobs (cross-mounted) and manifest', async () => {
    const m = await fetch(`${anonReg.url}/v2/${c.manyRepos.last}/manifests/${c.manyRepos.tag}`, { headers: { accept: ACCEPT } });
    assert.equal(m.headers.get('docker-content-digest'), c.manyRepos.digest);
    const manifest = (await m.json()) as { config: { digest: string }; layers: { digest: string }[] };
    for (const d of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
      assert.equal((await fetch(`${anonReg.url}/v2/${c.manyRepos.last}/blobs/${d}`, { method: 'HEAD' })).status, 200);
    }
  });
});

describe('deletion: off on the anonymous registry, on in the scratch registry', () => {
  const scratch = bed.scratch;
  const zero = `sha256:${'0'.repeat(64)}`;

  test('the anonymous registry answers every DELETE with 405 UNSUPPORTED and keeps the manifest', async () => {
    assert.equal(anonReg.deleteEnabled, false);
    const res = await fetch(`${anonReg.url}/v2/${c.oci.repo}/manifests/${c.oci.digest}`, { method: 'DELETE' });
    assert.equal(res.status, 405);
    assert.equal(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code, 'UNSUPPORTED');
    assert.equal((await fetch(`${anonReg.url}/v2/${c.oci.repo}/manifests/${c.oci.digest}`, { method: 'HEAD', headers: { accept: ACCEPT } })).status, 200);
  });

  test('the scratch registry is empty, takes the token users, and deletes by digest only', async () => {
    assert.equal(scratch.deleteEnabled, true);
    const catalog = await getToken('alice', ['registry:catalog:*']);
    const list = await fetch(`${scratch.url}/v2/_catalog`, { headers: { authorization: `Bearer ${catalog.token}` } });
    assert.equal(list.status, 200);
    const alice = await getToken('alice', ['repository:scratch/none:pull,delete']);
    const unknownDigest = await fetch(`${scratch.url}/v2/scratch/none/manifests/${zero}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${alice.token}` },
    });
    assert.equal(unknownDigest.status, 404, 'deletion is on: an unknown digest is MANIFEST_UNKNOWN');
    const tag = await fetch(`${scratch.url}/v2/scratch/none/manifests/no-such-tag`, { method: 'DELETE', headers: { authorization: `Bearer ${alice.token}` } });
    assert.equal(tag.status, 400, 'distribution 2.8 cannot delete a tag alone (DIGEST_INVALID)');
    const bob = await getToken('bob', ['repository:scratch/none:pull,delete']);
    const denied = await fetch(`${scratch.url}/v2/scratch/none/manifests/${zero}`, { method: 'DELETE', headers: { authorization: `Bearer ${bob.token}` } });
    assert.equal(denied.status, 401, 'bob may pull but not delete');
  });
});

describe('fake registry', () => {
  const f = bed.fake;
  const t = f.redirectTarget;
  const targetStats = async (): Promise<{ requests: number; lastAuthorization: string | null; sawAuthorization: boolean }> =>
    (await (await fetch(t.statsUrl)).json()) as { requests: number; lastAuthorization: string | null; sawAuthorization: boolean };

  test('GET /v2/ challenges with a relative realm; its token opens /v2/', async () => {
    const res = await fetch(`${f.url}/v2/`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="/token",service="fake-registry"');
    const tok = (await (await fetch(new URL('/token?service=fake-registry', f.url))).json()) as { token: string };
    assert.equal((await fetch(`${f.url}/v2/`, { headers: { authorization: `Bearer ${tok.token}` } })).status, 200);
    assert.equal((await fetch(`${f.url}/token`, { headers: { authorization: basic('u', 'wrong') } })).status, 401);
  });

  test('ratelimited/* is 429 with Retry-After and a text body', async () => {
    const res = await fetch(`${f.url}/v2/ratelimited/app/tags/list`);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '7');
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await res.text(), /rate limit/);
  });

  test('nochallenge/* is 401 without WWW-Authenticate', async () => {
    const res = await fetch(`${f.url}/v2/nochallenge/app/manifests/latest`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), null);
  });

  test('html500/* is a 500 with an HTML body', async () => {
    const res = await fetch(`${f.url}/v2/html500/app/tags/list`);
    assert.equal(res.status, 500);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await res.text(), /<html>/);
  });

  test('redirect/app 307s to another origin, which records Authorization', async () => {
    await fetch(`${t.url}/_stats/reset`, { method: 'POST' });
    const res = await fetch(`${f.url}/v2/redirect/app/manifests/latest`, { redirect: 'manual', headers: { authorization: 'Bearer x' } });
    assert.equal(res.status, 307);
    const location = res.headers.get('location') ?? '';
    assert.ok(location.startsWith(`${t.url}/content/sha256:`), location);
    const clean = await fetch(location);
    assert.equal(clean.status, 200);
    assert.equal((await targetStats()).sawAuthorization, false);
    await fetch(location, { headers: { authorization: 'Bearer leaked' } });
    const s = await targetStats();
    assert.equal(s.requests, 2);
    assert.equal(s.lastAuthorization, 'Bearer leaked');
    assert.equal(s.sawAuthorization, true);
    await fetch(`${t.url}/_stats/reset`, { method: 'POST' });
    const blob = await fetch(`${f.url}/v2/redirect/app/blobs/${clean.headers.get('docker-content-digest') ?? ''}`, { redirect: 'manual' });
    assert.equal(blob.status, 307);
  });

  test('slow/app answers after the delay', async () => {
    const t0 = Date.now();
    const res = await fetch(`${f.url}/v2/slow/app/tags/list?delay=300`);
    assert.equal(res.status, 200);
    assert.ok(Date.now() - t0 >= 290);
  });

  test('catalog Link is relative by default and can point at another host', async () => {
    const rel = await fetch(`${f.url}/v2/_catalog?n=3`);
    assert.match(rel.headers.get('link') ?? '', /^<\/v2\/_catalog\?last=[^>]+>; rel="next"$/);
    const { items } = await collect(f.url, '/v2/_catalog?n=3', 'repositories', {});
    assert.ok(items.includes('ok/app') && items.includes('redirect/app'));
    await fetch(`${f.url}/_fake/config`, { method: 'POST', body: JSON.stringify({ catalogLink: 'foreign' }) });
    try {
      const foreign = await fetch(`${f.url}/v2/_catalog?n=3`);
      assert.ok((foreign.headers.get('link') ?? '').startsWith(`<${t.url}/v2/_catalog?`));
    } finally {
      await fetch(`${f.url}/_fake/config`, { method: 'POST', body: JSON.stringify({ catalogLink: 'relative' }) });
    }
  });

  test('the faults: a 500 with a JSON body, a cut-off body, HTML for JSON, an oversize manifest, wrong digests, a stall', async () => {
    const sha256 = async (res: Response) =>
      `sha256:${createHash('sha256')
        .update(Buffer.from(await res.arrayBuffer()))
        .digest('hex')}`;
    const json500 = await fetch(`${f.url}/v2/json500/app/tags/list`);
    assert.equal(json500.status, 500);
    assert.equal(((await json500.json()) as { errors: { message: string }[] }).errors[0]?.message, JSON500_MESSAGE);
    for (const path of ['tags/list', 'manifests/latest']) {
      const res = await fetch(`${f.url}/v2/truncated/app/${path}`);
      assert.equal(res.status, 200);
      await assert.rejects(res.arrayBuffer(), `${path} is cut off`);
    }
    const page = await fetch(`${f.url}/v2/nonjson/app/tags/list`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /^<!DOCTYPE html>/);
    const big = await fetch(`${f.url}/v2/oversize/app/manifests/latest`);
    assert.equal((await big.arrayBuffer()).byteLength, OVERSIZE_MANIFEST_BYTES);
    const served = (await fetch(`${f.url}/v2/ok/app/manifests/latest`, { method: 'HEAD' })).headers.get('docker-content-digest');
    const latest = await fetch(`${f.url}/v2/baddigest/app/manifests/latest`);
    assert.equal(latest.headers.get('docker-content-digest'), MISMATCHED_DIGEST);
    assert.equal(await sha256(latest), served);
    const asked = `sha256:${'a'.repeat(64)}`;
    const byDigest = await fetch(`${f.url}/v2/baddigest/app/manifests/${asked}`);
    assert.equal(byDigest.headers.get('docker-content-digest'), asked);
    assert.equal(await sha256(byDigest), served);
    const t0 = Date.now();
    assert.equal((await fetch(`${f.url}/v2/slow/300/tags/list`)).status, 200);
    assert.ok(Date.now() - t0 >= 290);
    await fetch(`${f.url}/_fake/config`, { method: 'POST', body: JSON.stringify({ catalogBody: 'html' }) });
    try {
      assert.match(await (await fetch(`${f.url}/v2/_catalog`)).text(), /^<!DOCTYPE html>/);
    } finally {
      await fetch(`${f.url}/_fake/config`, { method: 'POST', body: JSON.stringify({ catalogBody: 'json' }) });
    }
  });

  test('paging/relative and paging/foreign tag lists', async () => {
    const { items, pages } = await collect(f.url, '/v2/paging/relative/tags/list?n=3', 'tags', {});
    assert.equal(items.length, 7);
    assert.equal(pages, 3);
    const foreign = await fetch(`${f.url}/v2/paging/foreign/tags/list?n=3`);
    assert.ok((foreign.headers.get('link') ?? '').startsWith(`<${t.url}/v2/paging/foreign/tags/list?`));
  });
});

// ---------------------------------------------------------------- Docker Hub stand-in

const hub = bed.hub;
const hc = hub.content;
const { user: hubUser, twoFactor: hubMfa, org: hubOrg } = hub.accounts;

type Json = Record<string, unknown>;
interface HubTag {
  name: string;
  digest: string;
  media_type: string;
  full_size: number;
  last_updated: string;
  tag_last_pushed: string;
  images: { os: string; architecture: string; variant: string | null; digest: string; size: number; last_pushed: string }[];
}

function secretOf(account: BedHubAccount, kind: 'password' | 'token'): string {
  const secret = kind === 'password' ? account.password : account.tokens[0];
  assert.ok(secret, `${account.username} has a ${kind}`);
  return secret;
}

async function hubPost(path: string, body: unknown): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${hub.apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

/** An access token from POST /v2/auth/token. */
async function hubToken(account: BedHubAccount, kind: 'password' | 'token' = 'token'): Promise<string> {
  const res = await hubPost('/v2/auth/token', { identifier: account.username, secret: secretOf(account, kind) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return String(res.body.access_token);
}

async function hubGet(pathOrUrl: string, token?: string): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(new URL(pathOrUrl, hub.apiUrl), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

/** Follows the Hub API's absolute `next` links; checks each stays on the API. */
async function hubCollect(first: string, token?: string): Promise<{ items: Json[]; pages: number; count: number; links: string[] }> {
  const items: Json[] = [];
  const links: string[] = [];
  let next: string | null = first;
  let pages = 0;
  let count = -1;
  while (next !== null && pages < 50) {
    const res = await hubGet(next, token);
    assert.equal(res.status, 200, `GET ${next}: ${JSON.stringify(res.body)}`);
    items.push(...(res.body.results as Json[]));
    count = Number(res.body.count);
    pages += 1;
    next = res.body.next === null ? null : String(res.body.next);
    if (next !== null) {
      links.push(next);
      assert.ok(next.startsWith(`${hub.apiUrl}/`), `next is an absolute URL on the API: ${next}`);
    }
  }
  return { items, pages, count, links };
}

function claimsOf(jwt: string): Json {
  const parts = jwt.split('.');
  assert.equal(parts.length, 3, 'JWT-shaped');
  return JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Json;
}

function namespaceOf(name: string): BedHubContent['namespaces'][number] {
  const ns = hc.namespaces.find((n) => n.name === name);
  assert.ok(ns, `namespace ${name}`);
  return ns;
}

const hubRegistryGet = (path: string, token: string | null, method = 'GET'): Promise<Response> =>
  fetch(`${hub.registryUrl}${path}`, { method, headers: { accept: ACCEPT, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

describe('Docker Hub stand-in: Hub API', () => {
  test('signs in with a password, a PAT, a two-factor account’s PAT or the organisation token: a 10-minute JWT', async () => {
    for (const [account, kind] of [
      [hubUser, 'password'],
      [hubUser, 'token'],
      [hubMfa, 'token'],
      [hubOrg, 'token'],
    ] as const) {
      const claims = claimsOf(await hubToken(account, kind));
      assert.equal(claims.username, account.username);
      assert.equal(Number(claims.exp) - Number(claims.iat), 600);
    }
    assert.match(secretOf(hubUser, 'token'), /^dckr_pat_/);
    assert.match(secretOf(hubOrg, 'token'), /^dckr_oat_/);
  });

  test('a wrong secret is 401 in Hub’s error shape; a two-factor account’s password is refused', async () => {
    const wrong = await hubPost('/v2/auth/token', { identifier: hubUser.username, secret: 'nope' });
    assert.equal(wrong.status, 401);
    assert.equal(typeof wrong.body.message, 'string');
    assert.deepEqual(wrong.body.errinfo, {});
    const mfa = await hubPost('/v2/auth/token', { identifier: hubMfa.username, secret: secretOf(hubMfa, 'password') });
    assert.equal(mfa.status, 401);
    assert.match(String(mfa.body.message), /Personal Access Token/);
    assert.equal((await hubPost('/v2/auth/token', { identifier: hubUser.username })).status, 400);
  });

  test('legacy /v2/users/login: a token for a password or a PAT; a two-factor password asks for the second factor', async () => {
    for (const kind of ['password', 'token'] as const) {
      const ok = await hubPost('/v2/users/login', { username: hubUser.username, password: secretOf(hubUser, kind) });
      assert.equal(ok.status, 200);
      assert.equal(claimsOf(String(ok.body.token)).username, hubUser.username);
    }
    const mfa = await hubPost('/v2/users/login', { username: hubMfa.username, password: secretOf(hubMfa, 'password') });
    assert.equal(mfa.status, 401);
    assert.equal(mfa.body.detail, 'Require secondary authentication on MFA enabled account');
    assert.equal(typeof mfa.body.login_2fa_token, 'string');
    assert.equal((await hubPost('/v2/users/login', { username: hubMfa.username, password: secretOf(hubMfa, 'token') })).status, 200);
    const wrong = await hubPost('/v2/users/login', { username: hubUser.username, password: 'nope' });
    assert.deepEqual([wrong.status, wrong.body.detail], [401, 'Incorrect authentication credentials']);
  });

  test('a namespace of more than 100 repositories pages with absolute next links; private ones only for the owner', async () => {
    const ns = namespaceOf(hubUser.username);
    assert.ok(ns.repositories >= 130 && ns.publicRepositories > 100, JSON.stringify(ns));
    const first = `/v2/namespaces/${ns.name}/repositories?page_size=100&ordering=name`;
    const anonymous = await hubCollect(first);
    assert.equal(anonymous.count, ns.publicRepositories);
    assert.equal(anonymous.items.length, ns.publicRepositories);
    assert.equal(anonymous.pages, 2);
    assert.equal(anonymous.links[0], `${hub.apiUrl}/v2/namespaces/${ns.name}/repositories?page_size=100&ordering=name&page=2`);
    assert.ok(anonymous.items.every((r) => r.is_private === false));
    assert.ok(!anonymous.items.some((r) => `${String(r.namespace)}/${String(r.name)}` === hc.private.repo));

    const owner = await hubCollect(first, await hubToken(hubUser));
    assert.equal(owner.count, ns.repositories);
    const names = owner.items.map((r) => `${String(r.namespace)}/${String(r.name)}`);
    assert.deepEqual(
      names,
      hc.repositories.filter((r) => r.namespace === ns.name).map((r) => r.repo),
    );
    assert.ok(names.includes(hc.private.repo));
    const other = await hubGet(first, await hubToken(hubMfa));
    assert.equal(other.body.count, ns.publicRepositories, 'another user does not see them');
    for (const field of [
      'name',
      'namespace',
      'repository_type',
      'status',
      'description',
      'is_private',
      'star_count',
      'pull_count',
      'last_updated',
      'date_registered',
    ]) {
      assert.ok(field in (owner.items[0] ?? {}), field);
    }
  });

  test('page_size over 100 gives 100; ordering by name, pull count and date, - for descending; a bad ordering is 400', async () => {
    const base = `/v2/namespaces/${hubUser.username}/repositories`;
    const big = await hubGet(`${base}?page_size=500`);
    assert.equal((big.body.results as Json[]).length, 100);
    assert.match(String(big.body.next), /page_size=500&page=2$/);
    const sorted = async (ordering: string, field: string): Promise<unknown[]> =>
      ((await hubGet(`${base}?page_size=100&ordering=${ordering}`)).body.results as Json[]).map((r) => r[field]);
    const byName = (await sorted('-name', 'name')) as string[];
    assert.deepEqual(byName, [...byName].sort().reverse());
    const pulls = (await sorted('-pull_count', 'pull_count')) as number[];
    assert.deepEqual(
      pulls,
      [...pulls].sort((a, b) => b - a),
    );
    const dates = ((await sorted('last_updated', 'last_updated')) as string[]).map((d) => Date.parse(d));
    assert.deepEqual(
      dates,
      [...dates].sort((a, b) => a - b),
    );
    const bad = await hubGet(`${base}?ordering=stars`);
    assert.equal(bad.status, 400);
    assert.ok('ordering' in (bad.body.fields as Json));
  });

  test('legacy /v2/repositories/NS/ lists the same; an unknown namespace is an empty first page, a page past the end 404', async () => {
    const legacy = await hubCollect(`/v2/repositories/${hubUser.username}/?page_size=100`);
    assert.equal(legacy.count, namespaceOf(hubUser.username).publicRepositories);
    assert.ok(legacy.links[0]?.startsWith(`${hub.apiUrl}/v2/repositories/${hubUser.username}/?`));
    const library = await hubGet('/v2/repositories/library/');
    assert.deepEqual((library.body.results as Json[]).map((r) => r.name).sort(), ['alpine', 'busybox', 'hello']);
    const unknown = await hubGet('/v2/namespaces/no-such-namespace/repositories');
    assert.deepEqual([unknown.status, unknown.body.count, unknown.body.results], [200, 0, []]);
    assert.equal((await hubGet('/v2/namespaces/no-such-namespace/repositories?page=2')).status, 404);
    assert.equal((await hubGet(`/v2/namespaces/${hubUser.username}/repositories?page_size=100&page=3`)).status, 404);
  });

  test('an organisation’s private repositories: for a member and the organisation token, not for others', async () => {
    const ns = namespaceOf(hubOrg.username);
    const path = `/v2/namespaces/${ns.name}/repositories`;
    assert.ok(ns.repositories > ns.publicRepositories);
    assert.equal((await hubGet(path)).body.count, ns.publicRepositories);
    assert.equal((await hubGet(path, await hubToken(hubUser))).body.count, ns.repositories);
    assert.equal((await hubGet(path, await hubToken(hubOrg))).body.count, ns.repositories);
    assert.equal((await hubGet(path, await hubToken(hubMfa))).body.count, ns.publicRepositories);
    const bad = await hubGet(path, 'not.a.token');
    assert.equal(bad.status, 401);
  });

  test('250 tags over three pages, newest first; a private repository’s tags only for its owner (404 otherwise)', async () => {
    const [ns, name] = hc.manyTags.repo.split('/');
    const { items, pages, count } = await hubCollect(`/v2/namespaces/${ns}/repositories/${name}/tags?page_size=100`);
    assert.deepEqual([count, items.length, pages], [250, 250, 3]);
    assert.equal(hc.manyTags.count, 250);
    assert.ok(hc.manyTags.distinctDigests >= 3 && hc.manyTags.distinctDigests < 10);
    const dates = items.map((t) => Date.parse(String(t.last_updated)));
    assert.deepEqual(
      dates,
      [...dates].sort((a, b) => b - a),
    );
    const latest = hc.repositories.find((r) => r.repo === hc.manyTags.repo)?.tags.latest;
    assert.equal(items[0]?.digest, latest, 'the newest image (the one on latest) comes first');
    const legacy = await hubGet(`/v2/repositories/${hc.manyTags.repo}/tags/?page_size=10&ordering=name`);
    assert.equal(legacy.body.count, 250);

    const [pns, pname] = hc.private.repo.split('/');
    const tags = `/v2/namespaces/${pns}/repositories/${pname}/tags`;
    const hidden = await hubGet(tags);
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.message, 'httperror 404: object not found');
    assert.equal((await hubGet(tags, await hubToken(hubMfa))).status, 404);
    const owner = await hubGet(tags, await hubToken(hubUser, 'password'));
    assert.equal(owner.status, 200);
    assert.ok((owner.body.results as HubTag[]).some((t) => t.name === hc.private.tag && t.digest === hc.private.digest));
    assert.equal((await hubGet(`/v2/namespaces/library/repositories/no-such-repo/tags`)).status, 404);
  });

  test('rate-limit headers on every answer; a forced limit is 429 with Retry-After; stats count each kind', async () => {
    assert.equal((await fetch(hub.statsResetUrl, { method: 'POST' })).status, 204);
    const ok = await hubGet('/v2/repositories/library/');
    const remaining = Number(ok.headers.get('x-ratelimit-remaining'));
    assert.ok(Number(ok.headers.get('x-ratelimit-limit')) >= remaining && remaining > 0);
    assert.ok(Number(ok.headers.get('x-ratelimit-reset')) > Date.now() / 1000);
    await hubToken(hubUser);
    await hubGet('/v2/namespaces/library/repositories/alpine/tags');
    await fetch(hub.rateLimitUrl, { method: 'POST', body: JSON.stringify({ remaining: 0, retryAfter: 30 }) });
    try {
      const limited = await hubGet('/v2/repositories/library/');
      assert.equal(limited.status, 429);
      assert.equal(limited.body.detail, 'Rate limit exceeded');
      const retryAfter = Number(limited.headers.get('retry-after'));
      assert.ok(retryAfter > 0 && retryAfter <= 30, String(retryAfter));
      assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    } finally {
      await fetch(hub.rateLimitUrl, { method: 'POST', body: '{}' });
    }
    assert.equal((await hubGet('/v2/repositories/library/')).status, 200);
    const stats = (await (await fetch(hub.statsUrl)).json()) as { requests: number; login: number; repositories: number; tags: number; rateLimited: number };
    assert.deepEqual([stats.requests, stats.login, stats.repositories, stats.tags, stats.rateLimited], [5, 1, 3, 1, 1]);
  });
});

describe('Docker Hub stand-in: registry-1 and its token service', () => {
  const pullToken = async (repo: string, creds: { username: string; password: string } | null = null): Promise<string> =>
    (await tokenFrom(hub.issuer, creds, [`repository:${repo}:pull`])).token;

  test('the Hub API’s tag data is what registry-1 serves: digests, media types, platforms, sizes, dates', async () => {
    const cases = [hc.multiPlatform, { repo: 'library/hello', tag: 'latest' }, { repo: `${hubUser.username}/repo-133`, tag: 'latest' }];
    for (const { repo, tag } of cases) {
      const [ns, name] = repo.split('/');
      const hubTag = (await hubGet(`/v2/namespaces/${ns}/repositories/${name}/tags/${tag}`)).body as unknown as HubTag;
      const token = await pullToken(repo);
      const top = await hubRegistryGet(`/v2/${repo}/manifests/${tag}`, token);
      assert.equal(top.status, 200);
      assert.equal(top.headers.get('docker-content-digest'), hubTag.digest, `${repo}:${tag} digest`);
      assert.equal(top.headers.get('content-type'), hubTag.media_type);
      const body = (await top.json()) as { manifests?: { digest: string }[] };
      assert.deepEqual(
        hubTag.images.map((i) => i.digest),
        body.manifests ? body.manifests.map((m) => m.digest) : [hubTag.digest],
      );
      let newest = 0;
      for (const img of hubTag.images) {
        const m = (await (await hubRegistryGet(`/v2/${repo}/manifests/${img.digest}`, token)).json()) as {
          config: { digest: string };
          layers: { size: number }[];
        };
        assert.equal(
          m.layers.reduce((sum, l) => sum + l.size, 0),
          img.size,
          `${repo}:${tag} ${img.os}/${img.architecture} size`,
        );
        const config = (await (await hubRegistryGet(`/v2/${repo}/blobs/${m.config.digest}`, token)).json()) as {
          os: string;
          architecture: string;
          variant?: string;
          created?: string;
        };
        assert.deepEqual([config.os, config.architecture, config.variant ?? null], [img.os, img.architecture, img.variant]);
        if (config.created) {
          assert.equal(Date.parse(img.last_pushed), Date.parse(config.created));
          newest = Math.max(newest, Date.parse(config.created));
        }
      }
      assert.equal(Date.parse(hubTag.last_updated), newest);
      assert.equal(Date.parse(hubTag.tag_last_pushed), newest);
      const amd64 = hubTag.images.find((i) => i.os === 'linux' && i.architecture === 'amd64');
      assert.equal(hubTag.full_size, amd64?.size);
    }
    assert.ok(
      hc.manifests[hc.multiPlatform.digest]?.images.some((i) => i.os === 'unknown'),
      'attestations are listed as unknown/unknown',
    );
  });

  test('every repository and tag the Hub API lists is in registry-1', async () => {
    const { repo, tag, digest } = hc.private;
    const token = await pullToken(repo, { username: hubUser.username, password: secretOf(hubUser, 'token') });
    const res = await hubRegistryGet(`/v2/${repo}/tags/list`, token);
    assert.deepEqual(((await res.json()) as { tags: string[] }).tags.sort(), Object.keys(hc.repositories.find((r) => r.repo === repo)?.tags ?? {}).sort());
    assert.equal((await hubRegistryGet(`/v2/${repo}/manifests/${tag}`, token, 'HEAD')).headers.get('docker-content-digest'), digest);
    const many = await hubRegistryGet(`/v2/${hc.manyTags.repo}/tags/list?n=1000`, await pullToken(hc.manyTags.repo));
    assert.equal(((await many.json()) as { tags: string[] }).tags.length, hc.manyTags.count);
  });

  test('the token service: password and PAT pull a private repository, a two-factor password is refused, anonymous pulls public only', async () => {
    const scope = [`repository:${hc.private.repo}:pull`];
    for (const kind of ['password', 'token'] as const) {
      const t = await tokenFrom(hub.issuer, { username: hubUser.username, password: secretOf(hubUser, kind) }, scope);
      assert.deepEqual(t.access[0]?.actions, ['pull'], kind);
    }
    const mfa = await tokenFrom(hub.issuer, { username: hubMfa.username, password: secretOf(hubMfa, 'password') }, scope);
    assert.equal(mfa.status, 401);
    assert.match(JSON.stringify(mfa.body), /Personal Access Token/);
    assert.deepEqual((await tokenFrom(hub.issuer, { username: hubMfa.username, password: secretOf(hubMfa, 'token') }, scope)).access[0]?.actions, []);
    assert.deepEqual((await tokenFrom(hub.issuer, null, scope)).access[0]?.actions, []);
    assert.equal((await hubRegistryGet(`/v2/${hc.private.repo}/manifests/${hc.private.tag}`, await pullToken(hc.private.repo))).status, 401);
    const challenge = (await hubRegistryGet('/v2/', null)).headers.get('www-authenticate') ?? '';
    assert.ok(challenge.includes(`realm="${hub.issuer.tokenUrl}"`) && challenge.includes('service="registry.docker.io"'), challenge);
    const catalog = await tokenFrom(hub.issuer, { username: hubUser.username, password: secretOf(hubUser, 'token') }, ['registry:catalog:*']);
    assert.equal((await hubRegistryGet('/v2/_catalog', catalog.token)).status, 401, 'no catalog, as on Hub');
  });
});

describe('Docker Hub stand-in: pull-limit proxy', () => {
  const { repo, tag } = hc.multiPlatform;
  const proxyStats = async (): Promise<{ manifestGet: number; manifestHead: number; pulls: number; rateLimited: number; other: number }> =>
    (await (await fetch(hub.proxy.statsUrl)).json()) as { manifestGet: number; manifestHead: number; pulls: number; rateLimited: number; other: number };
  const reset = async (): Promise<void> => {
    await fetch(hub.proxy.statsResetUrl, { method: 'POST' });
    await fetch(hub.proxy.limitUrl, { method: 'POST', body: '{}' });
  };

  test('manifest HEAD is free, GET is a pull; both carry the limit headers; the proxy counts them', async () => {
    await reset();
    const token = (await tokenFrom(hub.issuer, null, [`repository:${repo}:pull`])).token;
    const head = await hubRegistryGet(`/v2/${repo}/manifests/${tag}`, token, 'HEAD');
    assert.equal(head.headers.get('ratelimit-limit'), '100;w=21600');
    assert.equal(head.headers.get('ratelimit-remaining'), '100;w=21600');
    const get = await hubRegistryGet(`/v2/${repo}/manifests/${tag}`, token);
    await get.arrayBuffer();
    assert.equal(get.headers.get('ratelimit-remaining'), '99;w=21600');
    const again = await hubRegistryGet(`/v2/${repo}/manifests/${tag}`, token, 'HEAD');
    assert.equal(again.headers.get('ratelimit-remaining'), '99;w=21600');
    await (await hubRegistryGet(`/v2/${repo}/tags/list`, token)).arrayBuffer();
    assert.deepEqual(await proxyStats(), { requests: 4, manifestGet: 1, manifestHead: 2, pulls: 1, rateLimited: 0, other: 1 });
  });

  test('over the limit a manifest GET is 429 TOOMANYREQUESTS with Retry-After; HEAD still answers', async () => {
    await reset();
    await fetch(hub.proxy.limitUrl, { method: 'POST', body: JSON.stringify({ remaining: 0, retryAfter: 120 }) });
    try {
      const token = (await tokenFrom(hub.issuer, null, [`repository:${repo}:pull`])).token;
      const res = await hubRegistryGet(`/v2/${repo}/manifests/${tag}`, token);
      assert.equal(res.status, 429);
      const body = (await res.json()) as { errors: { code: string; message: string }[] };
      assert.equal(body.errors[0]?.code, 'TOOMANYREQUESTS');
      const retryAfter = Number(res.headers.get('retry-after'));
      assert.ok(retryAfter > 100 && retryAfter <= 120, String(retryAfter));
      assert.equal(res.headers.get('ratelimit-remaining'), '0;w=21600');
      assert.equal((await hubRegistryGet(`/v2/${repo}/manifests/${tag}`, token, 'HEAD')).status, 200);
      assert.equal((await proxyStats()).rateLimited, 1);
    } finally {
      await reset();
    }
  });

  test('answers pass through unchanged: challenge, headers and blob bytes are the registry’s', async () => {
    const viaProxy = await fetch(`${hub.registryUrl}/v2/`);
    const direct = await fetch(`${hub.upstreamUrl}/v2/`);
    assert.equal(viaProxy.status, 401);
    assert.equal(viaProxy.headers.get('www-authenticate'), direct.headers.get('www-authenticate'));
    assert.equal(viaProxy.headers.get('docker-distribution-api-version'), 'registry/2.0');
    const token = (await tokenFrom(hub.issuer, null, [`repository:${repo}:pull`])).token;
    const image = hc.manifests[hc.multiPlatform.digest]?.images.find((i) => i.size > 1024 * 1024);
    assert.ok(image, 'a layer of megabytes');
    const m = (await (await hubRegistryGet(`/v2/${repo}/manifests/${image.digest}`, token)).json()) as { layers: { digest: string; size: number }[] };
    const big = [...m.layers].sort((a, b) => b.size - a.size)[0];
    assert.ok(big);
    const blob = await hubRegistryGet(`/v2/${repo}/blobs/${big.digest}`, token);
    const bytes = Buffer.from(await blob.arrayBuffer());
    assert.equal(bytes.length, big.size);
    assert.equal(`sha256:${createHash('sha256').update(bytes).digest('hex')}`, big.digest);
    assert.equal(blob.headers.get('docker-content-digest'), big.digest);
    await reset();
  });
});
