// The reads of a page being rendered (lib/server/source.ts) against the route handlers the browser asks:
// for the same input, the same answer, read through the same row of lib/api/endpoints.ts. And the
// answers that read manifests on Docker Hub carry its pull limit, by either way.
import { IMAGE, configure, hostParams, imageAnswer, requestTo, serve, startStubRegistry, type StubRegistry } from '@/lib/server/test-fixtures';
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { endpoints, urlOf, type InputOf, type Read, type Source } from '@/lib/api/endpoints';
import type { ManifestBody, PullLimitBody } from '@/lib/api/types';
import { RegistryError } from '@/lib/registry/errors';
import { DOCKER_HUB } from '@/lib/registry/reference';
import { GET as config } from './registries/[host]/config/route';
import { GET as details } from './registries/[host]/details/route';
import { GET as documentOf } from './registries/[host]/document/route';
import { GET as manifest } from './registries/[host]/manifest/route';
import { GET as pullLimit } from './registries/[host]/pull-limit/route';
import { GET as referrers } from './registries/[host]/referrers/route';
import { GET as repositories } from './registries/[host]/repositories/route';
import { GET as tags } from './registries/[host]/tags/route';
import { GET as session } from './session/route';
import { serverSource } from '@/lib/server/source';

/** An open registry holding IMAGE, one that wants a password, and a Docker Hub stand-in that reports its pull limit. */
let open: StubRegistry;
let guarded: StubRegistry;
let hub: StubRegistry;

before(async () => {
  open = await startStubRegistry({ answer: imageAnswer });
  guarded = await startStubRegistry({ users: { alice: 'right' }, answer: imageAnswer });
  hub = await startStubRegistry({
    answer: (method, path) => {
      const answer = imageAnswer(method, path.replace('/v2/library/app/', `/v2/${IMAGE.repository}/`));
      return answer && path.includes('/manifests/')
        ? { ...answer, headers: { ...answer.headers, 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' } }
        : answer;
    },
  });
});
after(async () => {
  await Promise.all([open.close(), guarded.close(), hub.close()]);
});
beforeEach(() => {
  configure({
    ALLOWED_REGISTRIES: [...[open, guarded].map((r) => `http://${r.host}`), 'docker.io'].join(','),
    DOCKER_HUB_REGISTRY_URL: `http://${hub.host}`,
    // Its Hub API is the stand-in too (where it answers nothing): no test reaches the network.
    DOCKER_HUB_API_URL: `http://${hub.host}`,
    PUBLIC_ORIGIN: undefined,
    TRUSTED_PROXIES: undefined,
  });
  open.requests.length = 0;
});

type Handler = (request: Request, ctx: ReturnType<typeof hostParams>) => Promise<Response>;

/** What the browser's request for `input` is answered, through the route handler. */
async function viaRoute<K extends Read>(name: K, input: InputOf<(typeof endpoints)[K]>, handler: Handler): Promise<unknown> {
  const { host } = input as { host?: string };
  const response = await serve(requestTo(urlOf(endpoints[name], input)), (r) => handler(r, hostParams(host ?? '')));
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

/** What a page being rendered reads for `input`, through the server's source. */
async function viaSource<K extends Read>(name: K, input: InputOf<(typeof endpoints)[K]>): Promise<unknown> {
  let body: unknown;
  await serve(requestTo('/a/page'), async () => {
    const read = serverSource({ client: 'test' })[name] as (input: unknown) => Promise<unknown>;
    body = JSON.parse(JSON.stringify(await read(input)));
    return new Response(null, { status: 204 });
  });
  return body;
}

describe('the reads of a page being rendered', () => {
  const host = () => open.host;
  const cases: Array<[Read, () => object, Handler]> = [
    ['repositories', () => ({ host: host() }), repositories],
    ['tags', () => ({ host: host(), repository: IMAGE.repository }), tags],
    ['manifest', () => ({ host: host(), repository: IMAGE.repository, reference: IMAGE.tag }), manifest],
    ['config', () => ({ host: host(), repository: IMAGE.repository, digest: IMAGE.configDigest }), config],
    ['document', () => ({ host: host(), repository: IMAGE.repository, digest: IMAGE.digest, kind: 'manifest' }), documentOf],
    ['referrers', () => ({ host: host(), repository: IMAGE.repository, digest: IMAGE.digest }), referrers],
    ['details', () => ({ host: host(), repository: IMAGE.repository, ref: [IMAGE.tag, IMAGE.digest] }), details],
    ['pullLimit', () => ({ host: host() }), pullLimit],
    ['session', () => ({}), () => session()],
  ];
  for (const [name, input, handler] of cases) {
    test(`${name}: the same answer as the route handler's`, async () => {
      assert.deepEqual(await viaSource(name, input() as never), await viaRoute(name, input() as never, handler));
    });
  }

  test('the input is read through the endpoint’s row, as the route reads the URL: a page of 5000 asks for 1000', async () => {
    await viaSource('tags', { host: open.host, repository: IMAGE.repository, n: 5000 });
    await viaRoute('tags', { host: open.host, repository: IMAGE.repository, n: 5000 }, tags);
    const asked = open.requests.filter((r) => r.path.includes('/tags/list')).map((r) => new URL(r.path, 'http://x').searchParams.get('n'));
    assert.deepEqual(asked, ['1000', '1000']);
  });

  test('a registry that wants a sign-in: the read fails with the registry’s refusal (the page leaves it out)', async () => {
    await assert.rejects(
      viaSource('tags', { host: guarded.host, repository: IMAGE.repository }),
      (e: unknown) => e instanceof RegistryError && e.code === 'UNAUTHORIZED',
    );
  });

  test('a diagnosis is never run while a page renders', async () => {
    const source: Source = serverSource({ client: 'test' });
    await assert.rejects(source.diagnose({ host: open.host }), (e: unknown) => e instanceof RegistryError && e.code === 'INVALID_REQUEST');
  });
});

describe('answers that read manifests where each read is a pull', () => {
  const expected = (body: { pullLimit?: PullLimitBody }) => {
    assert.equal(body.pullLimit?.anonymous, true);
    assert.deepEqual({ limit: body.pullLimit?.pullLimit?.limit, remaining: body.pullLimit?.pullLimit?.remaining }, { limit: 100, remaining: 76 });
  };
  const input = { host: DOCKER_HUB, repository: 'library/app', reference: IMAGE.tag };

  test('a manifest carries the pull limit its read reported, through the route and through the source', async () => {
    expected((await viaRoute('manifest', input, manifest)) as ManifestBody);
    expected((await viaSource('manifest', input)) as ManifestBody);
  });

  test('details carry it too', async () => {
    const asked = { host: DOCKER_HUB, repository: 'library/app', ref: [IMAGE.digest], pulls: true as const };
    expected((await viaRoute('details', asked, details)) as { pullLimit?: PullLimitBody });
  });

  test('elsewhere, answers carry none', async () => {
    const body = (await viaRoute('manifest', { host: open.host, repository: IMAGE.repository, reference: IMAGE.tag }, manifest)) as ManifestBody;
    assert.equal(body.pullLimit, undefined);
  });
});
