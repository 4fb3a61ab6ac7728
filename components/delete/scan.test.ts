// The delete dialog's search for a digest's tags, against a stubbed Berth API (globalThis.fetch,
// which the browser's source calls): it must see every tag of the repository, however many pages they take,
// or a tag that goes with the digest would not be named before it goes.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient } from '@tanstack/react-query';
import type { DetailsBody, ReferenceDetail, ReferenceDetailError, TagsBody } from '@/lib/api/types';
import { d } from '@/lib/registry/test-fixtures';
import { keys } from '@/components/data';
import { listAllTags, scanTags } from './scan';

const HOST = 'r.example';
const REPOSITORY = 'team/app';
const PAGE = 1000;
const TAGS = Array.from({ length: 2500 }, (_, i) => `v${i}`);
const DIGEST = d('c');

/** Tags that say something about the digest; every other tag points at d('a'). */
const ON_PAGE_3 = 'v2345';
const INDEX_ON_PAGE_3 = 'v2400';
const GONE = 'v7';
const UNREADABLE = 'v1500';
const UNANSWERED = 'v2499';

const image = (reference: string, digest: string): ReferenceDetail => ({ reference, digest, mediaType: 'm', kind: 'image', platforms: [], attestations: 0 });

function detailOf(reference: string): ReferenceDetail | ReferenceDetailError | undefined {
  if (reference === ON_PAGE_3) return image(reference, DIGEST);
  if (reference === INDEX_ON_PAGE_3) return { ...image(reference, d('b')), kind: 'index', platforms: [{ platform: 'linux/amd64', digest: DIGEST }] };
  if (reference === GONE) return { reference, error: { code: 'MANIFEST_UNKNOWN', message: 'gone' } };
  if (reference === UNREADABLE) return { reference, error: { code: 'UNAVAILABLE', message: 'down' } };
  if (reference === UNANSWERED) return undefined;
  return image(reference, d('a'));
}

/** Berth's API as the dialog sees it: the tag list 1000 a page with an opaque cursor, and /details. */
function berthApi(requests: URL[]): typeof fetch {
  return (input) => {
    const url = new URL(String(input), 'http://berth.test');
    requests.push(url);
    const json = (body: unknown) => Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }));
    assert.equal(url.searchParams.get('repository'), REPOSITORY);
    if (url.pathname === `/api/registries/${HOST}/tags`) {
      const cursor = url.searchParams.get('cursor');
      const start = cursor === null ? 0 : TAGS.indexOf(/last=([^&]+)/.exec(cursor)?.[1] ?? '') + 1;
      const tags = TAGS.slice(start, start + PAGE);
      const last = tags.at(-1);
      const next = start + PAGE < TAGS.length && last ? `/v2/${REPOSITORY}/tags/list?last=${last}&n=${PAGE}` : null;
      return json({ name: REPOSITORY, tags, next } satisfies TagsBody);
    }
    if (url.pathname === `/api/registries/${HOST}/details`) {
      assert.equal(url.searchParams.get('fresh'), '1', 'every tag is asked afresh');
      const details = url.searchParams.getAll('ref').flatMap((ref) => detailOf(ref) ?? []);
      return json({ repository: REPOSITORY, details } satisfies DetailsBody);
    }
    return Promise.resolve(new Response('{}', { status: 404 }));
  };
}

const realFetch = globalThis.fetch;
let requests: URL[] = [];
beforeEach(() => {
  requests = [];
  globalThis.fetch = berthApi(requests);
});
afterEach(() => {
  globalThis.fetch = realFetch;
});

test('every tag of a repository is listed, page after page, each cursor passed back as it came', async () => {
  const tags = await listAllTags(new QueryClient(), HOST, REPOSITORY, new AbortController().signal);
  assert.equal(tags.length, 2500);
  assert.deepEqual(tags, TAGS);
  assert.deepEqual(
    requests.map((u) => u.searchParams.get('cursor')),
    [null, `/v2/${REPOSITORY}/tags/list?last=v999&n=1000`, `/v2/${REPOSITORY}/tags/list?last=v1999&n=1000`],
  );
  assert.ok(requests.every((u) => u.searchParams.get('n') === '1000'));
});

test('a registry that hands back a cursor already followed ends the listing instead of paging forever', async () => {
  const cycle = `/v2/${REPOSITORY}/tags/list?last=v999&n=1000`;
  globalThis.fetch = (input) => {
    requests.push(new URL(String(input), 'http://berth.test'));
    // A listing that does not stop fails here rather than hanging the suite.
    if (requests.length > 10) return Promise.reject(new Error('paged forever'));
    return Promise.resolve(new Response(JSON.stringify({ name: REPOSITORY, tags: ['x'], next: cycle })));
  };
  assert.deepEqual(await listAllTags(new QueryClient(), HOST, REPOSITORY, new AbortController().signal), ['x', 'x']);
  assert.equal(requests.length, 2);
});

test('the scan names a tag on the third page that points at the digest, and one whose index lists it', async () => {
  const queryClient = new QueryClient();
  const progress: number[] = [];
  const tags = await listAllTags(new QueryClient(), HOST, REPOSITORY, new AbortController().signal);
  const result = await scanTags(queryClient, HOST, REPOSITORY, tags, DIGEST, (done) => progress.push(done), new AbortController().signal);
  assert.deepEqual(result, { on: [ON_PAGE_3], inIndex: [INDEX_ON_PAGE_3], unknown: [UNREADABLE, UNANSWERED] });
  // Every tag was asked about, once, in batches of 100.
  const asked = requests.filter((u) => u.pathname.endsWith('/details')).flatMap((u) => u.searchParams.getAll('ref'));
  assert.equal(asked.length, 2500);
  assert.deepEqual(new Set(asked), new Set(TAGS));
  assert.equal(Math.max(...progress), 2500);
  // The answers refresh the tag list's rows.
  assert.equal((queryClient.getQueryData(keys.detail(HOST, REPOSITORY, ON_PAGE_3)) as ReferenceDetail | undefined)?.digest, DIGEST);
});
