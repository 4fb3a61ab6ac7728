import { startAppServer } from './fixtures/app-server';
import { test, expect } from './support';

// A replica being replaced (Kubernetes rolling update, docker stop) gets SIGTERM: it must stop
// taking connections, finish what it is serving, and exit 0 promptly (scripts/standalone-start.mjs).
test('SIGTERM: the request in flight completes, new connections are refused, the process exits 0', async ({ bed }) => {
  test.setTimeout(60_000);
  // Idle keep-alive connections would hold a plain Next server this long after the last answer.
  const server = await startAppServer({ env: { KEEP_ALIVE_TIMEOUT: '30000' } });
  const fake = bed.fake;
  const slowRequests = async () => ((await (await fetch(`${fake.url}/_fake/stats`)).json()) as { requests: Record<string, number> }).requests['slow/app'] ?? 0;
  const before = await slowRequests();

  // slow/app's tag list answers 3 s after the registry receives the request.
  const started = Date.now();
  const inFlight = fetch(`${server.url}/api/registries/${encodeURIComponent(fake.host)}/tags?repository=slow/app`);
  await expect.poll(slowRequests, { message: 'the request reached the registry' }).toBeGreaterThan(before);
  const signalled = Date.now();
  expect(signalled - started, 'SIGTERM goes out while the registry is still answering').toBeLessThan(3_000);
  process.kill(server.pid, 'SIGTERM');

  await expect
    .poll(
      () =>
        fetch(`${server.url}/api/health`).then(
          () => 'accepted',
          () => 'refused',
        ),
      { timeout: 5_000 },
    )
    .toBe('refused');
  const response = await inFlight;
  const answered = Date.now();
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ tags: ['latest'] });
  expect(response.headers.get('connection')).toBe('close');

  expect(await server.exited).toBe(0);
  expect(Date.now() - answered, 'exits right after the answer, not when keep-alive connections time out').toBeLessThan(10_000);
  expect(server.output()).toMatch(/Berth: SIGTERM; finishing \d+ request\(s\) in flight/);
});
