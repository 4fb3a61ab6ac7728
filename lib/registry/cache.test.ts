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

test('an entry of exactly the byte bound is kept, and a full cache of exactly its bytes keeps everything', () => {
  const c = new BoundedCache<string>({ maxEntries: 10, maxBytes: 2 * (1 + 10 + OVERHEAD) });
  c.set('a', 'a', 1e6, 10);
  c.set('b', 'b', 1e6, 10);
  assert.equal(c.get('a'), 'a');
  assert.equal(c.get('b'), 'b');
  const whole = new BoundedCache<string>({ maxEntries: 10, maxBytes: 1 + 10 + OVERHEAD });
  whole.set('a', 'a', 1e6, 10);
  assert.equal(whole.get('a'), 'a');
});

test('an entry whose time is up is expired at that very moment, when read and when swept', () => {
  let now = 0;
  const c = new BoundedCache<string>({ maxEntries: 10, maxBytes: 1e6, now: () => now, sweepEveryMs: 100 });
  c.set('a', 'v', 100);
  c.set('b', 'v', 1000);
  now = 100;
  c.set('c', 'v', 1000); // the sweep is due at 100
  assert.equal(c.size, 2, 'a, expiring at 100, was swept at 100');
});

test('the first sweep comes one interval after the cache was made, and sweeps are an interval apart', () => {
  let now = 1000;
  const c = new BoundedCache<string>({ maxEntries: 100, maxBytes: 1e6, now: () => now, sweepEveryMs: 1000 });
  c.set('short', 'v', 10);
  now = 1500;
  c.set('x', 'v', 1e6);
  assert.equal(c.size, 2, 'no sweep before 2000');
  now = 2000;
  c.set('y', 'v', 1e6);
  assert.equal(c.size, 2, 'swept at 2000');
  c.set('short2', 'v', 10);
  now = 2500;
  c.set('z', 'v', 1e6);
  assert.equal(c.size, 4, 'short2 is over, but the next sweep is at 3000');
  now = 3000;
  c.set('w', 'v', 1e6);
  assert.equal(c.size, 4);
});

test('without an interval given, a cache sweeps once a minute', () => {
  let now = 0;
  const c = new BoundedCache<string>({ maxEntries: 100, maxBytes: 1e6, now: () => now });
  c.set('short', 'v', 10);
  now = 59_999;
  c.set('x', 'v', 1e6);
  assert.equal(c.size, 2);
  now = 60_000;
  c.set('y', 'v', 1e6);
  assert.equal(c.size, 2);
  assert.equal(c.get('short'), undefined);
});
