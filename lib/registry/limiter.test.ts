import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryError } from './errors';
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

/** A job that holds its slot until `release` is called; records when it started. */
function held() {
  const started: string[] = [];
  const gates: Array<() => void> = [];
  const job = (label: string) => () =>
    new Promise<string>((resolve) => {
      started.push(label);
      gates.push(() => resolve(label));
    });
  return { started, job, releaseOne: () => gates.shift()?.(), releaseAll: () => gates.splice(0).forEach((g) => g()) };
}

test('clients take turns for a full pool: one with a long queue delays another by one request, not by its queue', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 100, total: 2, perClient: 100, queuedPerClient: 100 });
  const h = held();
  const runs = [...Array(20)].map((_, i) => limiter.run('https://slow', h.job(`attacker${i}`), { client: 'attacker' }));
  await tick();
  const visitor = limiter.run('https://other', h.job('visitor'), { client: 'visitor' });
  await tick();
  assert.deepEqual(h.started, ['attacker0', 'attacker1']);
  // Turns: the attacker, first in line, gets the next slot; then it is the visitor's turn.
  h.releaseOne();
  await tick();
  h.releaseOne();
  await tick();
  assert.deepEqual(h.started.slice(2), ['attacker2', 'visitor'], 'the visitor runs before the attacker’s other 17 waiting requests');
  h.releaseAll();
  for (let i = 0; i < 25 && h.started.length < 21; i++) {
    await tick();
    h.releaseAll();
  }
  await Promise.all([...runs, visitor]);
});

test('one client has a few requests in flight at most, whatever the pools allow', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 100, total: 100, perClient: 3, queuedPerClient: 100 });
  const h = held();
  const runs = [...Array(10)].map((_, i) => limiter.run(`https://r${i}`, h.job(`a${i}`), { client: 'a' }));
  const other = limiter.run('https://r0', h.job('b'), { client: 'b' });
  await tick();
  assert.deepEqual(h.started, ['a0', 'a1', 'a2', 'b'], 'three of a’s, and b is not held back by them');
  for (let i = 0; i < 20 && h.started.length < 11; i++) {
    h.releaseAll();
    await tick();
  }
  h.releaseAll();
  await Promise.all([...runs, other]);
});

test('a full queue refuses at once with BUSY and a time to retry, instead of growing', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 1, total: 1, perClient: 1, queuedPerClient: 2, queuedTotal: 100 });
  const h = held();
  const first = limiter.run('https://a', h.job('1'), { client: 'a' });
  const waiting = [limiter.run('https://a', h.job('2'), { client: 'a' }), limiter.run('https://a', h.job('3'), { client: 'a' })];
  await tick();
  await assert.rejects(
    limiter.run('https://a', h.job('4'), { client: 'a' }),
    (e: unknown) => e instanceof RegistryError && e.code === 'BUSY' && e.status === 503 && e.retryAfter === 5 && /busy/.test(e.message),
  );
  // Another client still queues: the refusal was a's alone.
  const b = limiter.run('https://a', h.job('b'), { client: 'b' });
  for (let i = 0; i < 10 && h.started.length < 4; i++) {
    h.releaseAll();
    await tick();
  }
  h.releaseAll();
  await Promise.all([first, ...waiting, b]);
  assert.deepEqual([...h.started].sort(), ['1', '2', '3', 'b']);
});

test('the whole queue is bounded too: past queuedTotal every client is refused', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 1, total: 1, perClient: 10, queuedPerClient: 10, queuedTotal: 3 });
  const h = held();
  const runs = ['a', 'b', 'c', 'd'].map((client) => limiter.run('https://a', h.job(client), { client }));
  await tick();
  await assert.rejects(limiter.run('https://a', h.job('e'), { client: 'e' }), (e: unknown) => e instanceof RegistryError && e.code === 'BUSY');
  for (let i = 0; i < 10 && h.started.length < 4; i++) {
    h.releaseAll();
    await tick();
  }
  h.releaseAll();
  await Promise.all(runs);
});

test('a waiter whose person left gives up its place (CANCELLED) and never runs', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 1, total: 1 });
  const h = held();
  const first = limiter.run('https://a', h.job('1'), { client: 'a' });
  const controller = new AbortController();
  const gone = limiter.run('https://a', h.job('gone'), { client: 'a', signal: controller.signal });
  const next = limiter.run('https://a', h.job('next'), { client: 'a' });
  await tick();
  controller.abort();
  await assert.rejects(gone, (e: unknown) => e instanceof RegistryError && e.code === 'CANCELLED');
  assert.equal(limiter.waiting, 1, 'its place is given up');
  h.releaseOne();
  await tick();
  h.releaseOne();
  await Promise.all([first, next]);
  assert.deepEqual(h.started, ['1', 'next']);
});

test('a waiter past its deadline gives up with BUSY, and its slots are not lost', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 1, total: 1 });
  const h = held();
  const first = limiter.run('https://a', h.job('1'), { client: 'a' });
  await assert.rejects(
    limiter.run('https://a', h.job('late'), { client: 'b', deadline: Date.now() + 20 }),
    (e: unknown) => e instanceof RegistryError && e.code === 'BUSY',
  );
  h.releaseOne();
  await first;
  assert.equal(await limiter.run('https://a', async () => 'ok', { client: 'b' }), 'ok');
  assert.equal(limiter.total.inFlight, 0);
  assert.equal(limiter.waiting, 0);
});

test('a semaphore’s waiter whose signal is already aborted is refused at once, with a sentence', async () => {
  const s = new Semaphore(1);
  const release = await s.acquire();
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    s.acquire('a', { signal: controller.signal }),
    (e: unknown) => e instanceof RegistryError && e.code === 'BUSY' && /busy/.test(e.message),
  );
  assert.equal(s.waiting, 0, 'nothing was queued');
  release();
});

test('a waiter deep in its queue that leaves is taken out of it: the others are served, no slot is lost', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 1, total: 1 });
  const h = held();
  const controller = new AbortController();
  const runs = [
    limiter.run('https://a', h.job('holder'), { client: 'a' }),
    limiter.run('https://a', h.job('first'), { client: 'a' }),
    limiter.run('https://a', h.job('gone'), { client: 'a', signal: controller.signal }),
    limiter.run('https://a', h.job('last'), { client: 'a' }),
  ];
  await tick();
  controller.abort();
  await assert.rejects(runs[2]!, (e: unknown) => e instanceof RegistryError && e.code === 'CANCELLED' && /cancelled before Berth sent it/.test(e.message));
  assert.equal(limiter.waiting, 2);
  for (let i = 0; i < 6 && h.started.length < 3; i++) {
    h.releaseOne();
    await tick();
  }
  h.releaseAll();
  await Promise.all([runs[0], runs[1], runs[3]]);
  assert.deepEqual(h.started, ['holder', 'first', 'last']);
  assert.equal(limiter.total.inFlight, 0);
});

test('a waiter is given up only at its deadline: one freed before it is served', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 1, total: 1 });
  const h = held();
  const first = limiter.run('https://a', h.job('1'), { client: 'a' });
  const waiting = limiter.run('https://a', async () => 'served', { client: 'b', deadline: Date.now() + 5000 });
  await new Promise((r) => setTimeout(r, 30));
  h.releaseOne();
  await first;
  assert.equal(await waiting, 'served');
});

test('the whole queue counts the waiters of every client’s own queue too', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 10, total: 10, perClient: 1, queuedPerClient: 10, queuedTotal: 3 });
  const h = held();
  const runs = ['1', '2', '3', '4'].map((n) => limiter.run('https://a', h.job(n), { client: 'a' }));
  await tick();
  assert.equal(limiter.waiting, 3);
  await assert.rejects(limiter.run('https://a', h.job('b'), { client: 'b' }), (e: unknown) => e instanceof RegistryError && e.code === 'BUSY');
  for (let i = 0; i < 8 && h.started.length < 4; i++) {
    h.releaseAll();
    await tick();
  }
  h.releaseAll();
  await Promise.all(runs);
});

test('Berth’s own work (no client) is not held to a client’s share', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 10, total: 10, perClient: 1 });
  const h = held();
  const runs = [1, 2, 3].map((n) => limiter.run('https://a', h.job(String(n))));
  await tick();
  assert.equal(h.started.length, 3);
  h.releaseAll();
  await Promise.all(runs);
});

test('a refusal names the registry: the host given, or else the origin’s', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 1, total: 1, perClient: 1, queuedPerClient: 1 });
  const h = held();
  const first = limiter.run('https://r.example:5000', h.job('1'), { client: 'a' });
  const queued = limiter.run('https://r.example:5000', h.job('q'), { client: 'a' });
  await tick();
  await assert.rejects(
    limiter.run('https://r.example:5000', h.job('2'), { client: 'a' }),
    (e: unknown) => e instanceof RegistryError && e.host === 'r.example:5000' && /to r\.example:5000/.test(e.message),
  );
  await assert.rejects(
    limiter.run('https://r.example:5000', h.job('3'), { client: 'a', host: 'docker.io' }),
    (e: unknown) => e instanceof RegistryError && e.host === 'docker.io',
  );
  for (let i = 0; i < 4 && h.started.length < 2; i++) {
    h.releaseAll();
    await tick();
  }
  h.releaseAll();
  await Promise.all([first, queued]);
});

test('idle pools are forgotten: after ten thousand clients have come and gone, nothing is held for them', async () => {
  const limiter = new UpstreamLimiter();
  await Promise.all(
    Array.from({ length: 10_000 }, (_, i) => limiter.run(`https://r${i % 50}.example`, async () => i, { client: `198.51.${i >> 8}.${i & 255}` })),
  );
  assert.deepEqual(limiter.tracked, { origins: 0, clients: 0 });
  // A pool in use is kept until its last request is done.
  const h = held();
  const busy = limiter.run('https://r.example', h.job('x'), { client: 'a' });
  await tick();
  assert.deepEqual(limiter.tracked, { origins: 1, clients: 1 });
  h.releaseAll();
  await busy;
  assert.deepEqual(limiter.tracked, { origins: 0, clients: 0 });
});

test('the most requests ever in flight at once is recorded', async () => {
  const s = new Semaphore(3);
  const releases = await Promise.all([s.acquire(), s.acquire()]);
  for (const r of releases) r();
  assert.equal(s.peak, 2);
});

test('a client whose only waiter left does not hold up the others waiting for the same pool', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 1, total: 1 });
  const h = held();
  const controller = new AbortController();
  const first = limiter.run('https://a', h.job('holder'), { client: 'x' });
  const gone = limiter.run('https://a', h.job('gone'), { client: 'a', signal: controller.signal }).catch(() => 'left');
  const other = limiter.run('https://a', h.job('other'), { client: 'b' });
  await tick();
  controller.abort();
  assert.equal(await gone, 'left');
  h.releaseOne();
  for (let i = 0; i < 5 && h.started.length < 2; i++) await tick();
  assert.deepEqual(h.started, ['holder', 'other']);
  h.releaseAll();
  await Promise.all([first, other]);
});

test('a client’s share holds while its requests come and go: never more in flight than allowed', async () => {
  const limiter = new UpstreamLimiter({ perOrigin: 100, total: 100, perClient: 2, queuedPerClient: 10 });
  let running = 0;
  let most = 0;
  const gates: Array<() => void> = [];
  const job = () =>
    limiter.run(
      'https://a',
      () =>
        new Promise<void>((resolve) => {
          running++;
          most = Math.max(most, running);
          gates.push(() => {
            running--;
            resolve();
          });
        }),
      { client: 'a' },
    );
  const runs = [job(), job(), job()];
  await tick();
  gates.shift()?.(); // one ends: the waiting one takes its place
  await tick();
  runs.push(job(), job()); // and more arrive while two are in flight
  for (let i = 0; i < 20 && gates.length > 0; i++) {
    await tick();
    assert.ok(running <= 2, `${running} in flight`);
    gates.shift()?.();
  }
  await Promise.all(runs);
  assert.equal(most, 2);
});
