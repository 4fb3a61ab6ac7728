import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedCache } from './cache';

test('entries expire', () => {
  let now = 1000;
  const c = new BoundedCache<string>({ maxEntries: 10, now: () => now });
  c.set('a', 'x', 100);
  assert.equal(c.get('a'), 'x');
  now = 1100;
  assert.equal(c.get('a'), undefined);
  assert.equal(c.size, 0);
});

test('least recently used entries go first when full', () => {
  const c = new BoundedCache<number>({ maxEntries: 2 });
  c.set('a', 1, 1e6);
  c.set('b', 2, 1e6);
  c.get('a');
  c.set('c', 3, 1e6);
  assert.equal(c.get('b'), undefined);
  assert.equal(c.get('a'), 1);
  assert.equal(c.get('c'), 3);
});

test('total size is bounded and oversized values are not kept', () => {
  const c = new BoundedCache<string>({ maxEntries: 100, maxSize: 10 });
  c.set('a', 'a', 1e6, 6);
  c.set('b', 'b', 1e6, 6);
  assert.equal(c.get('a'), undefined);
  assert.equal(c.get('b'), 'b');
  c.set('huge', 'h', 1e6, 11);
  assert.equal(c.get('huge'), undefined);
  assert.equal(c.get('b'), 'b');
});
