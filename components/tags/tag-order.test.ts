import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReferenceDetail } from '@/lib/api/types';
import fc from 'fast-check';
import {
  SORTS,
  compareTagNames,
  digestsWithSignatures,
  firstTags,
  firstTagsThenTheRest,
  isSignatureTag,
  parseSort,
  parseTagFilter,
  sortTags,
} from './tag-order';

const hex = 'a'.repeat(64);

test('tag names: numbers as numbers, versions by semantic-version precedence', () => {
  const shuffled = [
    '2.0.0',
    'latest',
    '1.10',
    '1.9',
    'v1.2.0',
    '2.0.0-rc.1',
    '2.0.0-alpha',
    '2.0.0-alpha.2',
    '2.0.0-alpha.10',
    '1.0.0',
    'v1.10.0',
    'nightly-2026-01-02',
    'nightly-2026-01-10',
  ];
  assert.deepEqual([...shuffled].sort(compareTagNames), [
    '1.0.0',
    'v1.2.0', // a version's leading v is not part of its order
    '1.9',
    '1.10',
    'v1.10.0',
    '2.0.0-alpha',
    '2.0.0-alpha.2',
    '2.0.0-alpha.10',
    '2.0.0-rc.1',
    '2.0.0',
    'latest',
    'nightly-2026-01-02',
    'nightly-2026-01-10',
  ]);
});

// Each pair is [earlier, later], and each is checked in both argument orders: a comparison that
// only handles a pre-release on one side sorts some lists right by luck. Plain string order gets
// every pair marked * wrong.
const precedence: Array<[string, string]> = [
  ['1.9.0', '1.10.0'], // *
  ['v1.9.0', 'v1.10.0'], // *
  ['2.0.0', '10.0.0'], // *
  ['1.0.9', '1.0.10'], // *
  ['1.0.0-rc.1', '1.0.0'], // *
  ['1.0.0-beta', '1.0.0'], // *
  ['1.0.0-rc.1+build.7', '1.0.0'], // *
  ['1.0.0', '1.0.1-rc.1'],
  ['1.0.0-rc.2', '1.0.0-rc.10'], // *
  ['1.0.0-beta.2', '1.0.0-beta.11'], // *
  ['1.0.0-alpha', '1.0.0-alpha.1'],
  ['1.0.0-alpha.1', '1.0.0-alpha.beta'],
  ['1.0.0-alpha.beta', '1.0.0-beta'],
  ['1.0.0-beta.11', '1.0.0-rc.1'],
  ['1.0.0-9', '1.0.0-10'], // *
  ['1.0.0-10', '1.0.0-a'],
  ['1.0.0-1', '1.0.0--1'], // * numeric identifiers come before alphanumeric ones ('-1' is one), though '-' sorts before digits
  ['9', '10'], // *
  ['build-9', 'build-10'], // *
];
for (const [earlier, later] of precedence) {
  test(`tag names: ${earlier} comes before ${later}, whichever is compared first`, () => {
    assert.ok(compareTagNames(earlier, later) < 0, `${earlier} vs ${later}`);
    assert.ok(compareTagNames(later, earlier) > 0, `${later} vs ${earlier}`);
  });
}

test('tag names: the same version is equal to itself', () => {
  for (const t of ['1.0.0', '1.0.0-rc.1', 'latest']) assert.equal(compareTagNames(t, t), 0);
});

test('signature, attestation, SBOM and referrer tags are recognised, other tags are not', () => {
  for (const t of [`sha256-${hex}`, `sha256-${hex}.sig`, `sha256-${hex}.att`, `sha256-${hex}.sbom`]) assert.ok(isSignatureTag(t), t);
  for (const t of ['latest', `sha256-${hex}.txt`, `sha256-${hex.slice(1)}`, 'sha256-abc.sig', `v-${hex}`]) assert.ok(!isSignatureTag(t), t);
  assert.deepEqual([...digestsWithSignatures(['1.0', `sha256-${hex}.sig`, `sha256-${'b'.repeat(64)}`])], [`sha256:${hex}`, `sha256:${'b'.repeat(64)}`]);
});

const hex512 = 'c'.repeat(128);

// The pattern is anchored at both ends: a tag that merely contains a signature tag is someone's own
// tag, and hiding it would hide an image from its owner.
const referrerTags: Array<[string, string, boolean]> = [
  ['a sha512 referrer tag is hidden', `sha512-${hex512}`, true],
  ['a sha512 signature tag is hidden', `sha512-${hex512}.sig`, true],
  ['a sha512 attestation tag is hidden', `sha512-${hex512}.att`, true],
  // The referrers tag schema keeps at most 64 characters of the digest (client.ts getReferrers).
  ['the referrers tag of a sha512 digest, cut to 64 hex digits, is hidden', `sha512-${hex512.slice(0, 64)}`, true],
  ['a tag with something before sha256- is shown', `xsha256-${hex}.sig`, false],
  ['a tag that ends in a digest is shown', `my-sha256-${hex}`, false],
  ['a tag with something after .sig is shown', `sha256-${hex}.sig.bak`, false],
  ['a tag with something after the hex is shown', `sha256-${hex}-old`, false],
  ['a sha512 tag with something after .sig is shown', `sha512-${hex512}.sig.bak`, false],
  ['a sha512 tag one hex digit too long is shown', `sha512-${hex512}0`, false],
  ['another algorithm is shown', `sha384-${'d'.repeat(96)}.sig`, false],
  ['upper-case hex is shown', `sha256-${hex.toUpperCase()}.sig`, false],
];
for (const [rule, tag, hidden] of referrerTags) {
  test(`signature tags: ${rule}`, () => assert.equal(isSignatureTag(tag), hidden));
}

test('a sha512 signature tag marks its sha512 digest as signed', () => {
  assert.deepEqual([...digestsWithSignatures([`sha512-${hex512}.sig`, `xsha256-${hex}.sig`, `sha256-${hex}.sig.bak`])], [`sha512:${hex512}`]);
});

test('filter: substring ignoring case, /regex/ with flags, and a clear error for a broken one', () => {
  const tags = ['1.0.0', 'v1.10.0', 'Latest', 'nightly-1'];
  const run = (text: string) => {
    const f = parseTagFilter(text);
    assert.ok(f.ok);
    return tags.filter(f.test);
  };
  assert.deepEqual(run(''), tags);
  assert.deepEqual(run('LATE'), ['Latest']);
  assert.deepEqual(run('/^v?1\\.\\d+\\.0$/'), ['1.0.0', 'v1.10.0']);
  assert.deepEqual(run('/^latest$/i'), ['Latest']);
  assert.deepEqual(run('.1'), ['v1.10.0']);
  const broken = parseTagFilter('/(/');
  assert.equal(broken.ok, false);
  assert.match(broken.ok ? '' : broken.error, /regular expression/);
});

test('the sort in the link is read strictly', () => {
  assert.equal(parseSort('newest'), 'newest');
  assert.equal(parseSort('size'), 'size');
  assert.equal(parseSort('bogus'), 'name');
  assert.equal(parseSort(null), 'name');
});

const detail = (reference: string, created: string | undefined, size: number | undefined, platforms: number[] = []): ReferenceDetail => ({
  reference,
  digest: `sha256:${hex}`,
  mediaType: 'm',
  kind: platforms.length ? 'index' : 'image',
  ...(size !== undefined ? { size } : {}),
  ...(created ? { created } : {}),
  platforms: platforms.map((s, i) => ({ platform: `p${i}`, digest: `sha256:${hex}`, size: s })),
  attestations: 0,
});

test('newest first and largest first; tags without details last, in name order', () => {
  const details = new Map<string, ReferenceDetail>([
    ['old', detail('old', '2024-01-01T00:00:00Z', 10)],
    ['new', detail('new', '2026-06-01T00:00:00Z', 5)],
    ['mid', detail('mid', '2025-03-01T00:00:00Z', undefined, [3, 30])],
  ]);
  // Names that plain string order sorts differently (unknown-10 before unknown-9, 1.0.0 before its rc).
  const tags = ['unknown-10', 'old', 'unknown-9', 'new', 'mid', '1.0.0', '1.0.0-rc.1'];
  assert.deepEqual(sortTags(tags, 'newest', details), ['new', 'mid', 'old', '1.0.0-rc.1', '1.0.0', 'unknown-9', 'unknown-10']);
  assert.deepEqual(sortTags(tags, 'size', details), ['mid', 'old', 'new', '1.0.0-rc.1', '1.0.0', 'unknown-9', 'unknown-10']);
  assert.deepEqual(sortTags(tags, 'name', details), ['1.0.0-rc.1', '1.0.0', 'mid', 'new', 'old', 'unknown-9', 'unknown-10']);
  assert.notDeepEqual(sortTags(tags, 'name', details), [...tags].sort(), 'the data must tell name order from string order');
});

// Names that exercise every branch of the name order: versions with and without pre-releases and
// build metadata, numbers, and names the collator calls equal ('1' and '01'), whose order then
// is the list's own.
const someName = fc.oneof(
  fc.tuple(fc.nat(3), fc.nat(12), fc.nat(12), fc.constantFrom('', '-rc.1', '-rc.10', '-alpha', '+b7')).map(([a, b, c, pre]) => `${a}.${b}.${c}${pre}`),
  fc.constantFrom('latest', 'nightly-9', 'nightly-10', '1', '01', '1.0', '1.00', 'v1.2.0', 'Latest'),
);
const someDetails = (tags: string[]) =>
  new Map(
    tags.filter((_, i) => i % 3 !== 0).map((t, i) => [t, detail(t, i % 4 ? `202${i % 5}-01-01T00:00:00Z` : undefined, i % 5 ? (i % 7) * 10 : undefined)]),
  );

test('the first tags of an order are the first of sortTags, found without sorting everything; the rest follow unsorted', () => {
  fc.assert(
    fc.property(fc.array(someName, { maxLength: 80 }), fc.nat(50), fc.constantFrom(...SORTS), (tags, count, sort) => {
      const details = someDetails(tags);
      const sorted = sortTags(tags, sort, details);
      assert.deepEqual(firstTags(tags, sort, details, count), sorted.slice(0, count));
      const firstRender = firstTagsThenTheRest([...new Set(tags)], sort, details, count);
      assert.deepEqual(firstRender.slice(0, count), sortTags([...new Set(tags)], sort, details).slice(0, count));
      assert.deepEqual([...firstRender].sort(), [...new Set(tags)].sort());
    }),
  );
});

test('the name order is an order: consistent however names are compared (no a < b < c < a)', () => {
  // Versions with and without v, pre-releases, and names around them: once a comparison went by
  // version between versions and by text otherwise, v1.2.0 < 1.2.1 < latest < v1.2.0.
  const name = fc.oneof(someName, fc.constantFrom('1.2.1', 'v1.2.0', 'latest', '1.0.0.5', '1.0.0', '1.0.0-rc.1', '1.0', 'v2', '2.0.0+b1'));
  fc.assert(
    fc.property(name, name, name, (a, b, c) => {
      const sign = (x: number) => Math.sign(x);
      assert.ok(sign(compareTagNames(a, b)) === -sign(compareTagNames(b, a)), `${a} vs ${b}`);
      if (compareTagNames(a, b) <= 0 && compareTagNames(b, c) <= 0) assert.ok(compareTagNames(a, c) <= 0, `${a} ≤ ${b} ≤ ${c}`);
    }),
    { numRuns: 2000 },
  );
});

test('sortTags by name is the order of compareTagNames, equal names in the list’s order', () => {
  fc.assert(
    fc.property(fc.array(someName, { maxLength: 80 }), (tags) => {
      assert.deepEqual(sortTags(tags, 'name', new Map()), [...tags].sort(compareTagNames));
    }),
  );
});
