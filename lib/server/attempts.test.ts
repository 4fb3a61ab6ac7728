import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryError } from '../registry/errors';
import { admitSignIn, signInLimits } from './attempts';

const refused = (e: unknown) => e instanceof RegistryError && e.code === 'TOO_MANY_ATTEMPTS' && e.status === 429 && (e.retryAfter ?? 0) > 0;

/** Sign-ins that all start before any is answered: how many are let through to the registry. */
function concurrent(n: number, attempt: Parameters<typeof admitSignIn>[1], limits = signInLimits()): number {
  let admitted = 0;
  for (let i = 0; i < n; i++) {
    try {
      admitSignIn(limits, attempt);
      admitted++;
    } catch (e) {
      assert.ok(refused(e), String(e));
    }
  }
  return admitted;
}

test('40 simultaneous sign-ins to one account: 10 reach the registry, the rest are refused with the wait', () => {
  assert.equal(concurrent(40, { host: 'r.example', username: 'alice', client: '198.51.100.1' }), 10);
});

test('the account is the same whatever the case of its name', () => {
  const limits = signInLimits();
  assert.equal(concurrent(10, { host: 'r.example', username: 'alice' }, limits), 10);
  assert.throws(() => admitSignIn(limits, { host: 'r.example', username: 'ALICE' }), refused);
  assert.throws(() => admitSignIn(limits, { host: 'r.example', username: 'Alice' }), refused);
  assert.doesNotThrow(() => admitSignIn(limits, { host: 'other.example', username: 'alice' }), 'another registry is another account');
});

test('a sign-in that succeeds clears its account; one that fails for another reason is not counted as a guess', () => {
  const limits = signInLimits();
  for (let i = 0; i < 9; i++) admitSignIn(limits, { host: 'r.example', username: 'alice' });
  admitSignIn(limits, { host: 'r.example', username: 'alice' }).succeeded();
  assert.equal(concurrent(10, { host: 'r.example', username: 'alice' }, limits), 10, 'a full allowance again');

  const other = signInLimits();
  for (let i = 0; i < 30; i++) admitSignIn(other, { host: 'r.example', username: 'bob' }).notAGuess();
  assert.doesNotThrow(() => admitSignIn(other, { host: 'r.example', username: 'bob' }), 'an unreachable registry is no guess');
});

test('sixty attempts a minute per client, whatever the accounts', () => {
  const limits = signInLimits();
  let admitted = 0;
  for (let i = 0; i < 100; i++) {
    try {
      admitSignIn(limits, { host: 'r.example', username: `user${i}`, client: '198.51.100.7' });
      admitted++;
    } catch (e) {
      assert.ok(refused(e));
    }
  }
  assert.equal(admitted, 60);
  assert.doesNotThrow(() => admitSignIn(limits, { host: 'r.example', username: 'x', client: '198.51.100.8' }), 'another client is not affected');
});

test('six hundred attempts a minute in all, from every client together', () => {
  const limits = signInLimits();
  let admitted = 0;
  for (let i = 0; i < 700; i++) {
    try {
      admitSignIn(limits, { host: 'r.example', client: `198.51.${Math.floor(i / 50)}.${i % 50}` });
      admitted++;
    } catch (e) {
      assert.ok(refused(e));
    }
  }
  assert.equal(admitted, 600);
  assert.throws(() => admitSignIn(limits, { host: 'r.example', client: '203.0.113.1' }), refused, 'a new client too, once the total is spent');
});

test('a refusal says whose attempts, and waits the longest of the limits that apply', () => {
  const limits = signInLimits();
  for (let i = 0; i < 10; i++) admitSignIn(limits, { host: 'r.example', username: 'alice' });
  try {
    admitSignIn(limits, { host: 'r.example', username: 'alice' });
    assert.fail('expected a refusal');
  } catch (e) {
    assert.ok(refused(e));
    assert.match((e as Error).message, /^Too many sign-in attempts for alice on r\.example\. Wait (\d+) s and try again\.$/);
    assert.ok(((e as RegistryError).retryAfter ?? 0) > 60, 'the account’s fifteen minutes, not the client’s minute');
    assert.equal((e as RegistryError).host, 'r.example');
  }
  const anonymous = signInLimits();
  for (let i = 0; i < 60; i++) admitSignIn(anonymous, { host: 'r.example', client: '198.51.100.1' });
  assert.throws(
    () => admitSignIn(anonymous, { host: 'r.example', client: '198.51.100.1' }),
    (e: unknown) => refused(e) && /^Too many sign-in attempts\. Wait \d+ s and try again\.$/.test((e as Error).message),
  );
});

test('an anonymous sign-in has no account to clear or forgive', () => {
  const limits = signInLimits();
  const attempt = admitSignIn(limits, { host: 'r.example' });
  assert.doesNotThrow(() => attempt.succeeded());
  assert.doesNotThrow(() => attempt.notAGuess());
});
