// The data layer (components/data): every query reads through its QueryClient's source, so a page
// being rendered and the browser run one query function; the browser's source asks Berth's API at
// the URL the endpoint's row writes; details are gathered per QueryClient; and the pull limit that
// answers carry is kept for the views, never replaced by an older reading.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient } from '@tanstack/react-query';
import type { Source } from '@/lib/api/endpoints';
import type { DetailsBody, ManifestBody, PullLimitBody, TagsBody } from '@/lib/api/types';
import { DOCKER_HUB } from '@/lib/registry/reference';
import { d } from '@/lib/registry/test-fixtures';
import { ApiError, detailQueryOptions, keys, manifestQueryOptions, pullLimitQueryOptions, renderQueryClient, tagsQueryOptions } from '.';
import { laterPullLimit } from './pull-limit';

const HOST = 'r.example';
const REPOSITORY = 'team/app';

const manifestBody = (host: string, pullLimit?: PullLimitBody): ManifestBody =>
  ({
    kind: 'legacy',
    host,
    repository: REPOSITORY,
    tag: 'v1',
    digest: d('a'),
    mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
    size: 1,
    annotations: {},
    ...(pullLimit ? { pullLimit } : {}),
  }) as unknown as ManifestBody;

const reading = (remaining: number, observedAt: string): PullLimitBody => ({ pullLimit: { limit: 100, remaining, observedAt }, anonymous: true });

/** A source that answers what `reads` says and records every call. */
function fakeSource(reads: Partial<Source>, calls: Array<[string, unknown]> = []): Source {
  return new Proxy({} as Source, {
    get: (_target, name: string) => (input: unknown) => {
      calls.push([name, input]);
      const read = (reads as Record<string, (input: unknown) => Promise<unknown>>)[name];
      return read ? read(input) : Promise.reject(new Error(`no ${name} here`));
    },
  });
}

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

test('a query reads through its QueryClient’s source: a page being rendered runs the browser’s own query function', async () => {
  const calls: Array<[string, unknown]> = [];
  const client = renderQueryClient(fakeSource({ manifest: () => Promise.resolve(manifestBody(HOST)) }, calls));
  const body = await client.fetchQuery(manifestQueryOptions(HOST, REPOSITORY, 'v1'));
  assert.equal(body.digest, d('a'));
  assert.deepEqual(calls, [['manifest', { host: HOST, repository: REPOSITORY, reference: 'v1' }]]);
  assert.equal(client.getQueryData(keys.manifest(HOST, REPOSITORY, 'v1')), body);
});

test('the browser’s source asks Berth’s API at the URL the endpoint’s row writes', async () => {
  const asked: string[] = [];
  globalThis.fetch = (input) => {
    asked.push(String(input));
    return Promise.resolve(new Response(JSON.stringify(manifestBody(HOST)), { status: 200 }));
  };
  await new QueryClient().fetchQuery(manifestQueryOptions('r.example:5000', REPOSITORY, 'v1'));
  assert.deepEqual(asked, ['/api/registries/r.example%3A5000/manifest?repository=team%2Fapp&reference=v1']);
});

test('a failing read on a page being rendered is not asked again there (the browser asks, and shows it)', async () => {
  let asked = 0;
  const failing = new ApiError({ code: 'UNAVAILABLE', message: 'down', status: 503 });
  const client = renderQueryClient(fakeSource({ manifest: () => (asked++, Promise.reject(failing)) }));
  await assert.rejects(client.fetchQuery(manifestQueryOptions(HOST, REPOSITORY, 'v1')));
  assert.equal(asked, 1);
});

test('details that come with a tag list go into the rows’ own queries', async () => {
  const detail = { reference: 'v1', digest: d('a'), mediaType: 'm', kind: 'image' as const, platforms: [], attestations: 0 };
  const client = renderQueryClient(
    fakeSource({ tags: () => Promise.resolve<TagsBody>({ name: REPOSITORY, tags: ['v1', 'v2'], next: null, details: [detail] }) }),
  );
  await client.fetchInfiniteQuery(tagsQueryOptions(DOCKER_HUB, REPOSITORY));
  assert.deepEqual(client.getQueryData(keys.detail(DOCKER_HUB, REPOSITORY, 'v1')), detail);
  assert.equal(client.getQueryData(keys.detail(DOCKER_HUB, REPOSITORY, 'v2')), undefined);
});

test('rows asked for at once are one request of at most 50, per QueryClient', async () => {
  const calls: Array<[string, unknown]> = [];
  const answer = (input: unknown): Promise<DetailsBody> => {
    const { ref } = input as { ref: string[] };
    return Promise.resolve({ repository: REPOSITORY, details: ref.map((reference) => ({ reference, error: { code: 'MANIFEST_UNKNOWN', message: 'gone' } })) });
  };
  const one = renderQueryClient(fakeSource({ details: answer }, calls));
  const other = renderQueryClient(fakeSource({ details: answer }, calls));
  const tags = Array.from({ length: 60 }, (_, i) => `v${i}`);
  await Promise.all([
    ...tags.map((tag) => one.fetchQuery(detailQueryOptions(HOST, REPOSITORY, tag))),
    other.fetchQuery(detailQueryOptions(HOST, REPOSITORY, 'v0')),
  ]);
  assert.deepEqual(
    calls.map(([, input]) => (input as { ref: string[] }).ref.length),
    [50, 10, 1],
  );
  // Where reading a manifest is not a pull, rows never say they may spend one.
  assert.ok(calls.every(([, input]) => (input as { pulls?: boolean }).pulls === undefined));
});

test('on Docker Hub, rows that ask for details say they may spend pulls (pulls=1)', async () => {
  const calls: Array<[string, unknown]> = [];
  const client = renderQueryClient(
    fakeSource(
      { details: () => Promise.resolve({ repository: REPOSITORY, details: [{ reference: d('b'), error: { code: 'MANIFEST_UNKNOWN', message: 'gone' } }] }) },
      calls,
    ),
  );
  await client.fetchQuery(detailQueryOptions(DOCKER_HUB, REPOSITORY, d('b')));
  assert.equal((calls[0]?.[1] as { pulls?: boolean }).pulls, true);
});

test('the pull limit an answer carries is kept for the views, and left out of the answer’s own entry', async () => {
  const limit = reading(76, '2026-01-01T00:00:10Z');
  const client = renderQueryClient(fakeSource({ manifest: () => Promise.resolve(manifestBody(DOCKER_HUB, limit)) }));
  const body = await client.fetchQuery(manifestQueryOptions(DOCKER_HUB, REPOSITORY, 'v1'));
  assert.equal('pullLimit' in body, false);
  assert.deepEqual(client.getQueryData(keys.pullLimit(DOCKER_HUB)), limit);
});

test('a later reading replaces an earlier one; an earlier one, or one that saw no limit, does not', () => {
  const early = reading(80, '2026-01-01T00:00:00Z');
  const late = reading(76, '2026-01-01T00:00:10Z');
  const none: PullLimitBody = { pullLimit: null, anonymous: true };
  assert.equal(laterPullLimit(undefined, early), early);
  assert.equal(laterPullLimit(early, late), late);
  assert.equal(laterPullLimit(late, early), late);
  assert.equal(laterPullLimit(late, none), late);
  assert.equal(laterPullLimit(none, early), early);
});

test('asking Berth for the pull limit does not replace a later reading a manifest answer brought meanwhile', async () => {
  const late = reading(76, '2026-01-01T00:00:10Z');
  let answer!: (body: PullLimitBody) => void;
  const client = renderQueryClient(
    fakeSource({
      pullLimit: () => new Promise((resolve) => (answer = resolve)),
      manifest: () => Promise.resolve(manifestBody(DOCKER_HUB, late)),
    }),
  );
  const asked = client.fetchQuery(pullLimitQueryOptions(DOCKER_HUB));
  await client.fetchQuery(manifestQueryOptions(DOCKER_HUB, REPOSITORY, 'v1'));
  answer(reading(80, '2026-01-01T00:00:00Z'));
  assert.deepEqual(await asked, late);
  assert.deepEqual(client.getQueryData(keys.pullLimit(DOCKER_HUB)), late);
});

test('a failed manifest read carries no limit: where one is shown, it is asked for again', async () => {
  for (const [host, invalidated] of [
    [DOCKER_HUB, true],
    [HOST, false],
  ] as const) {
    const client = renderQueryClient(
      fakeSource({
        pullLimit: () => Promise.resolve(reading(80, '2026-01-01T00:00:00Z')),
        manifest: () => Promise.reject(new ApiError({ code: 'TOOMANYREQUESTS', message: 'wait', status: 429 })),
      }),
    );
    await client.fetchQuery(pullLimitQueryOptions(host));
    await assert.rejects(client.fetchQuery(manifestQueryOptions(host, REPOSITORY, 'v1')));
    assert.equal(client.getQueryState(keys.pullLimit(host))?.isInvalidated, invalidated, host);
  }
});
