// Self-test of the Berth test bed: is each registry what bed-state.ts says it is? Uses raw fetch on
// purpose (not lib/registry, which the bed exists to test). Run through the bed:
//   node --import tsx e2e/fixtures/with-bed.ts -- "node --import tsx --test e2e/integration/bed.test.ts"
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadBed, type BedRegistry } from '../fixtures/bed-state';

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

async function getToken(username: string | null, scopes: string[]): Promise<{ status: number; token: string; access: Access[]; body: unknown }> {
  const url = new URL(bed.issuer.tokenUrl);
  url.searchParams.set('service', bed.issuer.service);
  for (const s of scopes) url.searchParams.append('scope', s);
  const headers: Record<string, string> = {};
  if (username) {
    url.searchParams.set('account', username);
    headers.authorization = basic(username, password(tokenReg, username));
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
async function collect(baseUrl: string, first: string, field: 'repositories' | 'tags', headers: Record<string, string>): Promise<{ items: string[]; pages: number }> {
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
  test('describes three registries, the issuer and the fake', () => {
    for (const reg of [tokenReg, htReg, anonReg]) {
      assert.match(reg.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(reg.url, `http://${reg.host}`);
    }
    assert.deepEqual(
      bed.allowedRegistries,
      [tokenReg.url, bed.issuer.url, htReg.url, anonReg.url, bed.fake.url, bed.fake.redirectTarget.url],
    );
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
      const index = (await res.json()) as { manifests: { digest: string; platform?: { os: string; architecture: string; variant?: string }; annotations?: Record<string, string> }[] };
      const images = index.manifests.filter((m) => m.platform?.os !== 'unknown');
      const atts = index.manifests.filter((m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest');
      assert.deepEqual(
        images.map((m) => [m.platform?.os, m.platform?.architecture, m.platform?.variant].filter(Boolean).join('/')),
        ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7'],
      );
      assert.deepEqual(images.map((m) => m.digest), c.multi.platforms.map((p) => p.digest));
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
      assert.deepEqual(refIndex.manifests.map((m) => [m.digest, m.artifactType]), [[c.signed.artifactDigest, c.signed.artifactType]]);
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

  test('paging/relative and paging/foreign tag lists', async () => {
    const { items, pages } = await collect(f.url, '/v2/paging/relative/tags/list?n=3', 'tags', {});
    assert.equal(items.length, 7);
    assert.equal(pages, 3);
    const foreign = await fetch(`${f.url}/v2/paging/foreign/tags/list?n=3`);
    assert.ok((foreign.headers.get('link') ?? '').startsWith(`<${t.url}/v2/paging/foreign/tags/list?`));
  });
});
