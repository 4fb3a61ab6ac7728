import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryError } from '../registry/errors';
import { AnswerBudget, SMALL_ANSWER_BYTES, budgetedJson } from './answers';

const large = (kb: number) => ({ text: 'x'.repeat(kb * 1024) });
const init = (budget: AnswerBudget, client = 'a') => ({ headers: { 'cache-control': 'private, no-store' }, budget, client });

test('small answers are sent as they are, outside the budget', async () => {
  const budget = new AnswerBudget(1, 1);
  const res = budgetedJson({ ok: true }, init(budget));
  assert.equal(res.headers.get('cache-control'), 'private, no-store');
  assert.deepEqual(await res.json(), { ok: true });
  assert.equal(budget.inFlight, 0);
});

test('a large answer holds its size until it has been read, then gives it back', async () => {
  const budget = new AnswerBudget(10 * 1024 * 1024, 10 * 1024 * 1024);
  const res = budgetedJson(large(500), init(budget));
  assert.ok(budget.inFlight > 500 * 1024);
  assert.equal(Number(res.headers.get('content-length')), budget.inFlight);
  assert.equal(((await res.json()) as { text: string }).text.length, 500 * 1024);
  assert.equal(budget.inFlight, 0);
});

test('an answer its client stops reading gives its size back when cancelled', async () => {
  const budget = new AnswerBudget(10 * 1024 * 1024, 10 * 1024 * 1024);
  const res = budgetedJson(large(500), init(budget));
  const reader = res.body!.getReader();
  await reader.read();
  assert.ok(budget.inFlight > 0);
  await reader.cancel();
  assert.equal(budget.inFlight, 0);
});

test('slow readers cannot take the server past its budget: past it, BUSY at once; per client before that', () => {
  const size = JSON.stringify(large(200)).length;
  const budget = new AnswerBudget(5 * size, 2 * size);
  const held = [budgetedJson(large(200), init(budget, 'a')), budgetedJson(large(200), init(budget, 'a'))];
  const busy = (e: unknown) => e instanceof RegistryError && e.code === 'BUSY' && e.status === 503 && e.retryAfter !== undefined;
  assert.throws(() => budgetedJson(large(200), init(budget, 'a')), busy, 'a third for one client');
  held.push(budgetedJson(large(200), init(budget, 'b')), budgetedJson(large(200), init(budget, 'b')), budgetedJson(large(200), init(budget, 'c')));
  assert.throws(() => budgetedJson(large(200), init(budget, 'd')), busy, 'the whole budget is in flight');
  assert.ok(budget.inFlight <= 5 * size);
  assert.ok(SMALL_ANSWER_BYTES < size);
  void held;
});

test('a release given twice gives back once; a client that has given back everything is no longer held', () => {
  const budget = new AnswerBudget(1000, 600);
  const a = budget.reserve('a', 300);
  const b = budget.reserve('a', 300);
  assert.ok(a && b);
  assert.equal(budget.reserve('a', 1), undefined, 'a’s 600 are taken');
  a();
  a();
  assert.equal(budget.inFlight, 300);
  const c = budget.reserve('a', 300);
  assert.ok(c, 'a has 300 back, and only 300');
  assert.equal(budget.reserve('a', 1), undefined);
  b();
  c();
  assert.equal(budget.inFlight, 0);
  assert.equal(budget.clientsHeld, 0);
});

test('an answer of exactly 64 KiB is small; one byte more is counted', async () => {
  const budget = new AnswerBudget(10 * 1024 * 1024, 10 * 1024 * 1024);
  const body = (size: number) => ({ t: 'x'.repeat(size - JSON.stringify({ t: '' }).length) });
  const small = budgetedJson(body(SMALL_ANSWER_BYTES), init(budget));
  assert.equal(budget.inFlight, 0);
  assert.equal(small.headers.get('content-type'), 'application/json');
  const large = budgetedJson(body(SMALL_ANSWER_BYTES + 1), init(budget));
  assert.equal(budget.inFlight, SMALL_ANSWER_BYTES + 1);
  assert.equal(large.headers.get('content-type'), 'application/json');
  await large.arrayBuffer();
  await small.arrayBuffer();
});

test('an unread answer keeps its reservation while the client does not read (the budget is for slow readers)', async () => {
  const budget = new AnswerBudget(10 * 1024 * 1024, 10 * 1024 * 1024);
  const res = budgetedJson(large(200), init(budget));
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(budget.inFlight > 200 * 1024);
  await res.arrayBuffer();
  assert.equal(budget.inFlight, 0);
});

test('a refusal says Berth is busy and when to try again', () => {
  const budget = new AnswerBudget(1, 1);
  assert.throws(
    () => budgetedJson(large(100), init(budget)),
    (e: unknown) =>
      e instanceof RegistryError &&
      e.retryAfter === 5 &&
      /^Berth is sending many large answers right now and did not prepare this one\. Try again in a few seconds\.$/.test(e.message),
  );
});
