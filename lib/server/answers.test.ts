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
