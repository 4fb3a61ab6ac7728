import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WindowCounter } from './counter';

test('a counter blocks after its maximum until the window ends, then lets through again', () => {
  let now = 0;
  const c = new WindowCounter({ max: 3, windowMs: 60_000 }, 100, () => now);
  for (let i = 0; i < 3; i++) {
    assert.equal(c.blockedFor('a'), 0);
    c.count('a');
  }
  assert.equal(c.blockedFor('a'), 60);
  assert.equal(c.blockedFor('b'), 0, 'another key is not affected');
  now = 59_500;
  assert.equal(c.blockedFor('a'), 1);
  now = 60_000;
  assert.equal(c.blockedFor('a'), 0);
});

test('reset clears a key, and the number of keys held is bounded', () => {
  const c = new WindowCounter({ max: 1, windowMs: 60_000 }, 10, () => 0);
  c.count('a');
  assert.ok(c.blockedFor('a') > 0);
  c.reset('a');
  assert.equal(c.blockedFor('a'), 0);
  for (let i = 0; i < 1000; i++) c.count(`k${i}`);
  assert.equal(c.blockedFor('k0'), 0, 'the oldest keys were forgotten');
  assert.ok(c.blockedFor('k999') > 0);
});

test('take checks and counts in one step: concurrent callers cannot all pass', () => {
  const c = new WindowCounter({ max: 10, windowMs: 60_000 }, 100, () => 0);
  const admitted = Array.from({ length: 40 }, () => c.take('alice')).filter((wait) => wait === 0).length;
  assert.equal(admitted, 10);
  assert.equal(c.take('alice'), 60, 'the wait is the rest of the window');
});

test('forgive gives back one count, never below zero', () => {
  const c = new WindowCounter({ max: 2, windowMs: 60_000 }, 100, () => 0);
  c.count('a');
  c.count('a');
  assert.ok(c.blockedFor('a') > 0);
  c.forgive('a');
  assert.equal(c.blockedFor('a'), 0);
  c.forgive('a');
  c.forgive('a');
  c.count('a');
  c.count('a');
  assert.ok(c.blockedFor('a') > 0, 'forgiving more than was counted leaves no credit');
});

test('long keys are kept as their hash: many long keys stay within a fixed size', () => {
  const c = new WindowCounter({ max: 1, windowMs: 60_000 }, 100, () => 0);
  const long = 'x'.repeat(100_000);
  c.count(long);
  assert.ok(c.blockedFor(long) > 0, 'the same long key is the same counter');
  assert.equal(c.blockedFor(`${long}y`), 0, 'another long key is another counter');
});

test('windows that are over are swept out, even for keys nobody asks about again', () => {
  let now = 0;
  const c = new WindowCounter({ max: 5, windowMs: 1000 }, 100_000, () => now);
  for (let i = 0; i < 500; i++) c.count(`198.51.100.${i}`);
  assert.equal(c.size, 500);
  now = 1000;
  c.count('another');
  assert.equal(c.size, 1);
});

test('a key of 128 characters is kept as it is; a longer one as a short hash', () => {
  const c = new WindowCounter({ max: 1, windowMs: 60_000 }, 100, () => 0);
  c.count('k'.repeat(128));
  assert.equal(c.keyBytes, 128);
  c.count('k'.repeat(129));
  c.count('x'.repeat(100_000));
  assert.ok(c.keyBytes < 128 + 2 * 64, `long keys take ${c.keyBytes - 128} characters`);
  assert.equal(c.size, 3);
});

test('exactly as many keys as allowed are all kept; one more pushes out the oldest', () => {
  const c = new WindowCounter({ max: 1, windowMs: 60_000 }, 3, () => 0);
  for (const key of ['a', 'b', 'c']) c.count(key);
  assert.deepEqual(
    ['a', 'b', 'c'].map((k) => c.blockedFor(k) > 0),
    [true, true, true],
  );
  c.count('d');
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((k) => c.blockedFor(k) > 0),
    [false, true, true, true],
  );
});

test('a refused take is not counted: forgiving one attempt lets the next through', () => {
  const c = new WindowCounter({ max: 2, windowMs: 60_000 }, 100, () => 0);
  assert.equal(c.take('a'), 0);
  assert.equal(c.take('a'), 0);
  assert.ok(c.take('a') > 0);
  assert.ok(c.take('a') > 0);
  c.forgive('a');
  assert.equal(c.take('a'), 0, 'two refusals did not add to the count');
});

test('finished windows are swept at most once a window, not on every count (a sweep walks every key)', () => {
  let now = 0;
  const c = new WindowCounter({ max: 5, windowMs: 1000 }, 100_000, () => now);
  now = 999;
  c.count('early'); // its window ends at 1999
  now = 1000;
  c.count('sweeper'); // the first sweep (a window after the counter was made): nothing is over yet
  assert.equal(c.size, 2);
  now = 1999;
  c.count('late');
  assert.equal(c.size, 3, 'early’s window is over, but the next sweep is not due before 2000');
  now = 2000;
  c.count('after');
  assert.equal(c.size, 2, 'swept: early and sweeper (over at 2000) are gone, late and after remain');
  assert.equal(c.blockedFor('early'), 0);
});
