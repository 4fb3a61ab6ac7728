// Work several people wait for at once (./shared-work.ts): one run per key however many join,
// its progress for all of them to see, its own signal aborted when the last of them has gone (and
// not before), a failure that is everyone's reaching everyone and one that is not sending the
// others to run it themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { RegistryError } from './errors';
import { SharedWork, type Progress } from './shared-work';

const tick = () => new Promise((r) => setImmediate(r));

const isCancelled = (e: unknown) => e instanceof RegistryError && e.code === 'CANCELLED' && e.message === 'The request was cancelled.';

/** A `start` whose runs end when the test says: each call is recorded with its signal and progress. */
function starter<T>() {
  const runs: Array<{ signal: AbortSignal; progress: Progress; resolve: (value: T) => void; reject: (e: unknown) => void }> = [];
  const start = (signal: AbortSignal, progress: Progress) =>
    new Promise<T>((resolve, reject) => {
      runs.push({ signal, progress, resolve, reject });
    });
  return { runs, start };
}

test('one run per key however many join: all of them get its value, another key runs on its own', async () => {
  const work = new SharedWork<string>();
  const s = starter<string>();
  const joined = [work.join('a', s.start), work.join('a', s.start), work.join('a', s.start)];
  const other = work.join('b', s.start);
  await tick();
  assert.equal(s.runs.length, 2);
  assert.equal(work.running, 2);
  s.runs[0]!.resolve('A');
  s.runs[1]!.resolve('B');
  assert.deepEqual(await Promise.all(joined), ['A', 'A', 'A']);
  assert.equal(await other, 'B');
  assert.equal(work.running, 0, 'a run that has ended is no longer counted');
});

test('a key whose run has ended starts a new run for whoever joins next', async () => {
  const work = new SharedWork<string>();
  const s = starter<string>();
  const first = work.join('a', s.start);
  await tick();
  s.runs[0]!.resolve('first');
  assert.equal(await first, 'first');
  const second = work.join('a', s.start);
  await tick();
  assert.equal(s.runs.length, 2);
  s.runs[1]!.resolve('second');
  assert.equal(await second, 'second');
});

test('the progress a run moves on is what everyone waiting sees, a copy, and nothing once the run has ended', async () => {
  const work = new SharedWork<number>();
  const s = starter<number>();
  assert.equal(work.progress('a'), undefined);
  const done = work.join('a', s.start, { total: 100 });
  await tick();
  assert.deepEqual(work.progress('a'), { done: 0, total: 100 });
  s.runs[0]!.progress.done = 40;
  const seen = work.progress('a')!;
  assert.deepEqual(seen, { done: 40, total: 100 });
  seen.done = 99;
  assert.deepEqual(work.progress('a'), { done: 40, total: 100 }, 'changing the copy changes nothing');
  s.runs[0]!.resolve(1);
  await done;
  assert.equal(work.progress('a'), undefined);
});

test('a run whose total is not known has progress without a total', async () => {
  const work = new SharedWork<number>();
  const s = starter<number>();
  const done = work.join('a', s.start);
  await tick();
  assert.deepEqual(work.progress('a'), { done: 0 });
  s.runs[0]!.resolve(1);
  await done;
});

test('a waiter whose signal aborts stops waiting (CANCELLED), and the run goes on for the others', async () => {
  const work = new SharedWork<string>();
  const s = starter<string>();
  const leaving = new AbortController();
  const gone = work.join('a', s.start, { signal: leaving.signal });
  const staying = work.join('a', s.start);
  await tick();
  leaving.abort();
  await assert.rejects(gone, isCancelled);
  assert.equal(s.runs[0]!.signal.aborted, false, 'someone still waits: the run is not stopped');
  assert.equal(work.running, 1);
  assert.deepEqual(work.progress('a'), { done: 0 });
  s.runs[0]!.resolve('value');
  assert.equal(await staying, 'value');
  assert.equal(s.runs.length, 1);
});

test('when the last waiter’s signal aborts, the run’s own signal aborts and the key is forgotten at once', async () => {
  const work = new SharedWork<string>();
  const s = starter<string>();
  const one = new AbortController();
  const two = new AbortController();
  const first = work.join('a', s.start, { signal: one.signal });
  const second = work.join('a', s.start, { signal: two.signal });
  await tick();
  one.abort();
  await assert.rejects(first, isCancelled);
  assert.equal(s.runs[0]!.signal.aborted, false, 'not before the last has gone');
  two.abort();
  await assert.rejects(second, isCancelled);
  assert.equal(s.runs[0]!.signal.aborted, true);
  // Forgotten while the run is still winding down.
  assert.equal(work.running, 0);
  assert.equal(work.progress('a'), undefined);
  // The next to ask starts afresh, with a signal of its own.
  const next = work.join('a', s.start);
  await tick();
  assert.equal(s.runs.length, 2);
  assert.equal(s.runs[1]!.signal.aborted, false);
  s.runs[1]!.resolve('fresh');
  assert.equal(await next, 'fresh');
});

test('a run given up on that ends later does not forget the run that replaced it', async () => {
  const work = new SharedWork<string>();
  const s = starter<string>();
  const leaving = new AbortController();
  const gone = work.join('a', s.start, { signal: leaving.signal });
  await tick();
  leaving.abort();
  await assert.rejects(gone, isCancelled);
  const second = work.join('a', s.start, { total: 7 });
  await tick();
  assert.equal(s.runs.length, 2);
  // The abandoned run ends (it did not heed its signal) while the new one still runs.
  s.runs[0]!.resolve('stale');
  await tick();
  assert.equal(work.running, 1);
  assert.deepEqual(work.progress('a'), { done: 0, total: 7 });
  const third = work.join('a', s.start);
  await tick();
  assert.equal(s.runs.length, 2, 'the third joins the second run');
  s.runs[1]!.resolve('fresh');
  assert.deepEqual(await Promise.all([second, third]), ['fresh', 'fresh']);
});

test('a waiter whose signal has already aborted is refused at once and starts nothing', async () => {
  const work = new SharedWork<string>();
  const s = starter<string>();
  await assert.rejects(work.join('a', s.start, { signal: AbortSignal.abort() }), isCancelled);
  await tick();
  assert.equal(s.runs.length, 0);
  assert.equal(work.running, 0);
});

test('a waiter stops listening to its signal once it has its answer', async () => {
  const work = new SharedWork<string>();
  const s = starter<string>();
  const fine = new AbortController();
  const failing = new AbortController();
  const done = work.join('a', s.start, { signal: fine.signal });
  const failed = work.join('b', s.start, { signal: failing.signal, shared: () => true });
  await tick();
  assert.equal(getEventListeners(fine.signal, 'abort').length, 1);
  s.runs[0]!.resolve('value');
  s.runs[1]!.reject(new Error('broken'));
  assert.equal(await done, 'value');
  await assert.rejects(failed, /broken/);
  assert.equal(getEventListeners(fine.signal, 'abort').length, 0);
  assert.equal(getEventListeners(failing.signal, 'abort').length, 0);
});

test('a failure that `shared` says is everyone’s reaches every waiter, and nobody runs it again', async () => {
  const work = new SharedWork<string>();
  const s = starter<string>();
  const broken = new Error('the content is broken');
  const shared = (e: unknown) => e === broken;
  const joined = [0, 1, 2].map(() => work.join('a', s.start, { shared }));
  await tick();
  s.runs[0]!.reject(broken);
  for (const p of joined) await assert.rejects(p, (e) => e === broken);
  assert.equal(s.runs.length, 1);
  assert.equal(work.running, 0, 'a failed run is forgotten');
});

test('a failure that is not everyone’s reaches the one who started the run; the others start their own, each with its own `start`', async () => {
  const work = new SharedWork<string>();
  const mine = starter<string>();
  const theirs = starter<string>();
  const denied = new Error('denied to the starter');
  const shared = (e: unknown) => e !== denied;
  const first = work.join('a', mine.start, { shared });
  const second = work.join('a', theirs.start, { shared });
  const third = work.join('a', theirs.start, { shared });
  await tick();
  assert.deepEqual([mine.runs.length, theirs.runs.length], [1, 0]);
  mine.runs[0]!.reject(denied);
  await assert.rejects(first, (e) => e === denied);
  await tick();
  // The second starts a run of its own, and the third joins it.
  assert.deepEqual([mine.runs.length, theirs.runs.length], [1, 1]);
  assert.equal(work.running, 1);
  theirs.runs[0]!.resolve('theirs');
  assert.deepEqual(await Promise.all([second, third]), ['theirs', 'theirs']);
});

test('without `shared`, no failure is everyone’s: the others run it themselves', async () => {
  const work = new SharedWork<string>();
  const s = starter<string>();
  const first = work.join('a', s.start);
  const second = work.join('a', s.start);
  await tick();
  s.runs[0]!.reject(new Error('the starter’s own'));
  await assert.rejects(first, /the starter’s own/);
  await tick();
  assert.equal(s.runs.length, 2);
  s.runs[1]!.resolve('second');
  assert.equal(await second, 'second');
});

test('who runs the work again after a failure that is not everyone’s runs it with their own total and `shared`', async () => {
  const work = new SharedWork<string>();
  const s = starter<string>();
  const denied = new Error('denied to the starter');
  const broken = new Error('the content is broken');
  const shared = (e: unknown) => e === broken;
  const first = work.join('a', s.start, { shared });
  const second = work.join('a', s.start, { total: 5, shared });
  const third = work.join('a', s.start, { shared });
  await tick();
  s.runs[0]!.reject(denied);
  await assert.rejects(first, (e) => e === denied);
  await tick();
  assert.equal(s.runs.length, 2);
  assert.deepEqual(work.progress('a'), { done: 0, total: 5 });
  // The second run's failure is everyone's: the third, who joined it, does not run it a third time.
  s.runs[1]!.reject(broken);
  await assert.rejects(second, (e) => e === broken);
  await assert.rejects(third, (e) => e === broken);
  assert.equal(s.runs.length, 2);
});

test('who runs the work again after a failure that is not everyone’s can still stop waiting, and so stop the new run', async () => {
  const work = new SharedWork<string>();
  const s = starter<string>();
  const leaving = new AbortController();
  const first = work.join('a', s.start);
  const second = work.join('a', s.start, { signal: leaving.signal });
  await tick();
  s.runs[0]!.reject(new Error('the starter’s own'));
  await assert.rejects(first, /the starter’s own/);
  await tick();
  assert.equal(s.runs.length, 2);
  leaving.abort();
  await assert.rejects(second, isCancelled);
  assert.equal(s.runs[1]!.signal.aborted, true);
  assert.equal(work.running, 0);
});

test('a waiter that has gone does not run again after a failure that is not everyone’s', async () => {
  const work = new SharedWork<string>();
  const s = starter<string>();
  const leaving = new AbortController();
  const first = work.join('a', s.start);
  const gone = work.join('a', s.start, { signal: leaving.signal });
  const staying = work.join('a', s.start);
  await tick();
  leaving.abort();
  await assert.rejects(gone, isCancelled);
  s.runs[0]!.reject(new Error('the starter’s own'));
  await assert.rejects(first, /the starter’s own/);
  await tick();
  assert.equal(s.runs.length, 2, 'one new run, for the one still waiting');
  assert.equal(work.running, 1);
  s.runs[1]!.resolve('again');
  assert.equal(await staying, 'again');
});

test('a `start` that throws fails the run like one that rejects', async () => {
  const work = new SharedWork<string>();
  await assert.rejects(
    work.join('a', () => {
      throw new Error('at once');
    }),
    /at once/,
  );
  assert.equal(work.running, 0);
});
