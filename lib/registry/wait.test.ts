// A connection's one "wait until" after a 429: how long is left, that a time already past holds
// nothing back, that the wait is forgotten when it is over, and that each connection has its own.
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { testContext } from './test-registry';
import { secondsToWait, stopWaiting, waitUntil } from './wait';

const NOW = Date.parse('2026-01-01T00:00:00Z');

test('nothing holds back a connection that was never told to wait', () => {
  assert.equal(secondsToWait(testContext(), 'k', NOW), undefined);
});

test('the seconds left are rounded up, until the time named; then nothing holds it back', (t) => {
  t.after(() => mock.timers.reset());
  mock.timers.enable({ apis: ['Date'], now: NOW });
  const context = testContext();
  waitUntil(context, 'k', NOW + 1500);
  assert.equal(secondsToWait(context, 'k'), 2);
  assert.equal(secondsToWait(context, 'k', NOW + 500), 1);
  assert.equal(secondsToWait(context, 'k', NOW + 1499), 1);
  assert.equal(secondsToWait(context, 'k', NOW + 1500), undefined);
  assert.equal(secondsToWait(context, 'k', NOW + 9000), undefined);
});

test('a time that is now or already past is not kept', () => {
  const context = testContext();
  waitUntil(context, 'k', NOW, NOW);
  waitUntil(context, 'j', NOW - 1, NOW);
  assert.equal(context.waits.size, 0);
  assert.equal(secondsToWait(context, 'k', NOW - 5000), undefined);
});

test('the wait is forgotten once it is over, not kept longer', (t) => {
  t.after(() => mock.timers.reset());
  mock.timers.enable({ apis: ['Date'], now: NOW });
  const context = testContext();
  waitUntil(context, 'k', NOW + 60_000);
  mock.timers.tick(59_999);
  assert.equal(context.waits.get('k'), NOW + 60_000);
  mock.timers.tick(1);
  assert.equal(context.waits.get('k'), undefined);
});

test('each connection waits on its own, and stops when told', () => {
  const context = testContext();
  waitUntil(context, 'alice@r', NOW + 10_000, NOW);
  assert.equal(secondsToWait(context, 'bob@r', NOW), undefined);
  assert.equal(secondsToWait(context, 'alice@r', NOW), 10);
  stopWaiting(context, 'alice@r');
  assert.equal(secondsToWait(context, 'alice@r', NOW), undefined);
});
