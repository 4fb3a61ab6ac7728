import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReferenceDetail } from '@/lib/api/types';
import { compareTagNames, digestsWithSignatures, isSignatureTag, parseSort, parseTagFilter, sortTags } from './tag-order';

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
    '1.9',
    '1.10',
    'v1.2.0',
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

test('signature, attestation, SBOM and referrer tags are recognised, other tags are not', () => {
  for (const t of [`sha256-${hex}`, `sha256-${hex}.sig`, `sha256-${hex}.att`, `sha256-${hex}.sbom`]) assert.ok(isSignatureTag(t), t);
  for (const t of ['latest', `sha256-${hex}.txt`, `sha256-${hex.slice(1)}`, 'sha256-abc.sig', `v-${hex}`]) assert.ok(!isSignatureTag(t), t);
  assert.deepEqual([...digestsWithSignatures(['1.0', `sha256-${hex}.sig`, `sha256-${'b'.repeat(64)}`])], [`sha256:${hex}`, `sha256:${'b'.repeat(64)}`]);
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
  const tags = ['b-unknown', 'old', 'a-unknown', 'new', 'mid'];
  assert.deepEqual(sortTags(tags, 'newest', details), ['new', 'mid', 'old', 'a-unknown', 'b-unknown']);
  assert.deepEqual(sortTags(tags, 'size', details), ['mid', 'old', 'new', 'a-unknown', 'b-unknown']);
  assert.deepEqual(sortTags(tags, 'name', details), ['a-unknown', 'b-unknown', 'mid', 'new', 'old']);
});
