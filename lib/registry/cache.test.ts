import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedCache } from './cache';

/** What one entry costs beyond its key and value (cache.ts ENTRY_OVERHEAD). */
const OVERHEAD = 64;

test('entries expire', () => {
  let now = 1000;
  const c = new BoundedCache<string>({ maxEntries: 10, maxBytes: 1e6, now: () => now });
  c.set('a', 'x', 100);
  assert.equal(c.get('a'), 'x');
  now = 1100;
  assert.equal(c.get('a'), undefined);
  assert.equal(c.size, 0);
});

test('least recently used entries go first when full', () => {
  const c = new BoundedCache<number>({ maxEntries: 2, maxBytes: 1e6 });
  c.set('a', 1, 1e6);
  c.set('b', 2, 1e6);
  c.get('a');
  c.set('c', 3, 1e6);
  assert.equal(c.get('b'), undefined);
  assert.equal(c.get('a'), 1);
  assert.equal(c.get('c'), 3);
});

test('total bytes are bounded and oversized values are not kept', () => {
  const c = new BoundedCache<string>({ maxEntries: 100, maxBytes: 2 * (1 + 6 + OVERHEAD) - 1 });
  c.set('a', 'a', 1e6, 6);
  c.set('b', 'b', 1e6, 6);
  assert.equal(c.get('a'), undefined);
  assert.equal(c.get('b'), 'b');
  c.set('huge', 'h', 1e6, 2 * OVERHEAD);
  assert.equal(c.get('huge'), undefined);
  assert.equal(c.get('b'), 'b');
});

test("a key's length counts against the bytes: long keys cannot grow the cache past its bound", () => {
  const maxBytes = 64 * 1024;
  const c = new BoundedCache<string>({ maxEntries: 50_000, maxBytes });
  // What a hostile registry did with digests: every entry small, every key 16 KB.
  for (let i = 0; i < 1000; i++) c.set(`${i}|${'x'.repeat(16_000)}`, 'v', 1e6);
  assert.ok(c.totalBytes <= maxBytes, `holds ${c.totalBytes} bytes`);
  assert.equal(c.size, Math.floor(maxBytes / (16_004 + OVERHEAD)));
});

test('string values are counted by length when no size is given', () => {
  const c = new BoundedCache<string>({ maxEntries: 100, maxBytes: 1e6 });
  c.set('k', 'v'.repeat(1000), 1e6);
  assert.equal(c.totalBytes, 1 + 1000 + OVERHEAD);
  c.set('k', 'short', 1e6);
  assert.equal(c.totalBytes, 1 + 5 + OVERHEAD, 'replacing an entry gives back its bytes');
  c.delete('k');
  assert.equal(c.totalBytes, 0);
});

test('expired entries are swept out even when nobody reads them', () => {
  let now = 0;
  const c = new BoundedCache<string>({ maxEntries: 1000, maxBytes: 1e6, now: () => now, sweepEveryMs: 1000 });
  for (let i = 0; i < 100; i++) c.set(`old${i}`, 'v', 10);
  c.set('lasting', 'v', 1e6);
  now = 500;
  c.set('new', 'v', 1e6);
  assert.equal(c.size, 102, 'not swept before the interval');
  now = 1000;
  c.set('newer', 'v', 1e6);
  assert.equal(c.size, 3, 'the 100 expired entries are gone; the live ones stay');
  assert.equal(c.get('lasting'), 'v');
});

test('a cache of no entries or no bytes keeps nothing', () => {
  for (const c of [new BoundedCache<string>({ maxEntries: 0, maxBytes: 1e6 }), new BoundedCache<string>({ maxEntries: 10, maxBytes: 0 })]) {
    c.set('a', 'b', 1e6);
    assert.equal(c.get('a'), undefined);
    assert.equal(c.totalBytes, 0);
  }
});
