import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Semaphore, UpstreamLimiter } from './limiter';

const tick = () => new Promise((r) => setImmediate(r));

test('a semaphore never lets more than its limit in, and serves waiters in order', async () => {
  const s = new Semaphore(2);
  const order: number[] = [];
  const releases: Array<() => void> = [];
  const tasks = [0, 1, 2, 3].map(async (i) => {
    const release = await s.acquire();
    order.push(i);
    releases.push(release);
  });
  await tick();
  assert.deepEqual(order, [0, 1]);
  assert.equal(s.inFlight, 2);
  releases[0]!();
  releases[0]!(); // releasing twice frees one slot only
  await tick();
  assert.deepEqual(order, [0, 1, 2]);
  releases[1]!();
  await Promise.all(tasks);
  assert.deepEqual(order, [0, 1, 2, 3]);
  assert.equal(s.peak, 2);
});

test('the limiter bounds each origin and the total, and counts the peak', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 3, total: 4 });
  let running = 0;
  let most = 0;
  const perOrigin = new Map<string, number>();
  let mostPerOrigin = 0;
  const job = (origin: string) =>
    limiter.run(origin, async () => {
      running++;
      perOrigin.set(origin, (perOrigin.get(origin) ?? 0) + 1);
      most = Math.max(most, running);
      mostPerOrigin = Math.max(mostPerOrigin, perOrigin.get(origin)!);
      await new Promise((r) => setTimeout(r, 5));
      perOrigin.set(origin, perOrigin.get(origin)! - 1);
      running--;
    });
  await Promise.all([...Array(10)].map(() => job('https://a')));
  assert.equal(mostPerOrigin, 3, 'one origin: its own bound');
  await Promise.all([...Array(10)].flatMap(() => [job('https://a'), job('https://b')]));
  assert.equal(most, 4, 'two origins: the total bound');
  assert.equal(limiter.total.peak, 4);
});

test('a failing job releases its slots', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 1, total: 1 });
  await assert.rejects(limiter.run('https://a', async () => Promise.reject(new Error('boom'))));
  assert.equal(await limiter.run('https://a', async () => 'ok'), 'ok');
});
