import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttemptCounter } from './attempts';

test('a counter blocks after its maximum until the window ends, then lets through again', () => {
  let now = 0;
  const c = new AttemptCounter({ max: 3, windowMs: 60_000 }, 100, () => now);
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
  const c = new AttemptCounter({ max: 1, windowMs: 60_000 }, 10, () => 0);
  c.count('a');
  assert.ok(c.blockedFor('a') > 0);
  c.reset('a');
  assert.equal(c.blockedFor('a'), 0);
  for (let i = 0; i < 1000; i++) c.count(`k${i}`);
  assert.equal(c.blockedFor('k0'), 0, 'the oldest keys were forgotten');
  assert.ok(c.blockedFor('k999') > 0);
});
