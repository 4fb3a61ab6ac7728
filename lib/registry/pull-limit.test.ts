import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseHeaders } from './net/http';
import { describeWait, readPullLimit, secondsUntilRetry } from './pull-limit';

const now = Date.parse('2026-03-01T12:00:00Z');
const headers = (h: Record<string, string>) => new ResponseHeaders(Object.entries(h).flat());

test('the limit, what remains and the window come from the headers, in either spelling', () => {
  assert.deepEqual(readPullLimit(200, headers({ 'RateLimit-Limit': '100;w=21600', 'RateLimit-Remaining': '76;w=21600' }), undefined, now), {
    limit: 100,
    remaining: 76,
    windowSeconds: 21600,
    observedAt: '2026-03-01T12:00:00.000Z',
  });
  assert.equal(readPullLimit(200, headers({ 'ratelimit-limit': '100, 100;w=21600', 'ratelimit-remaining': '3' }), undefined, now)?.remaining, 3);
  assert.equal(readPullLimit(200, headers({ 'ratelimit-limit': 'lots' }), undefined, now), undefined);
  assert.equal(readPullLimit(200, headers({}), undefined, now), undefined);
});

test('a 429 leaves nothing and says when to come back; a HEAD that still finds nothing keeps that time', () => {
  const previous = readPullLimit(200, headers({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '1;w=21600' }), undefined, now);
  const refused = readPullLimit(429, headers({ 'retry-after': '120' }), previous, now);
  assert.deepEqual(refused, { limit: 100, remaining: 0, windowSeconds: 21600, observedAt: '2026-03-01T12:00:00.000Z', retryAt: '2026-03-01T12:02:00.000Z' });
  assert.equal(secondsUntilRetry(refused, now + 30_000), 90);
  assert.equal(secondsUntilRetry(refused, now + 121_000), undefined);
  const head = readPullLimit(200, headers({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600' }), refused, now + 10_000);
  assert.equal(head?.retryAt, '2026-03-01T12:02:00.000Z');
  const refilled = readPullLimit(200, headers({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '100;w=21600' }), refused, now + 10_000);
  assert.equal(refilled?.retryAt, undefined);
  // A 429 from a registry that never reported a limit says nothing Berth can show.
  assert.equal(readPullLimit(429, headers({ 'retry-after': '5' }), undefined, now), undefined);
});

test('waits read as people say them', () => {
  assert.deepEqual([40, 125, 3600, 21600, 21000, 7199].map(describeWait), ['40 s', '3 min', '1 h', '6 h', '5 h 50 min', '2 h']);
});

// What remains is shown beside the limit ("120 of 100 left" would be nonsense) and counts down to
// zero; a registry's headers are whatever it sent, so none of them may make it more or less.
const quotas: Array<[string, Record<string, string>, { limit: number; remaining: number } | undefined]> = [
  [
    'more remaining than the limit is clamped to the limit',
    { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '250;w=21600' },
    { limit: 100, remaining: 100 },
  ],
  ['exactly the limit remaining stays the limit', { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '100;w=21600' }, { limit: 100, remaining: 100 }],
  ['a negative remaining count is not read', { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '-5;w=21600' }, undefined],
  ['a remaining count that is not a number is not read', { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': 'many' }, undefined],
  ['a negative limit is not read', { 'ratelimit-limit': '-100;w=21600', 'ratelimit-remaining': '5;w=21600' }, undefined],
  ['a limit of endless digits is not read', { 'ratelimit-limit': '9'.repeat(400), 'ratelimit-remaining': '5' }, undefined],
  ['a remaining count of endless digits is not read', { 'ratelimit-limit': '100', 'ratelimit-remaining': '9'.repeat(400) }, undefined],
];
for (const [rule, h, want] of quotas) {
  test(`pull limit: ${rule}`, () => {
    const read = readPullLimit(200, headers(h), undefined, now);
    assert.deepEqual(read && { limit: read.limit, remaining: read.remaining }, want);
  });
}

test('pull limit: a window of endless digits is left out, not kept as forever', () => {
  const read = readPullLimit(200, headers({ 'ratelimit-limit': `100;w=${'9'.repeat(400)}`, 'ratelimit-remaining': '5' }), undefined, now);
  assert.deepEqual(read, { limit: 100, remaining: 5, observedAt: '2026-03-01T12:00:00.000Z' });
});

test('pull limit: a 429 whose headers claim pulls remain still leaves none', () => {
  const read = readPullLimit(429, headers({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '40;w=21600', 'retry-after': '60' }), undefined, now);
  assert.equal(read?.remaining, 0);
});
