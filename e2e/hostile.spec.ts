// A registry that answers as an attacker's would, and a DNS server that never answers: what an
// anonymous visitor can make Berth do through them, and what it must not (Berth's own server,
// production build, with the hostile registry listed). The figures (memory, latency ratios)
// are measured by `npm run bench` (its attack part); these tests hold the rules.
import { readFileSync } from 'node:fs';
import { sealData } from 'iron-session';
import { startAppServer, type AppServer } from './fixtures/app-server';
import { startHostileRegistry, startSilentResolver, WIDE_INDEX_CHILDREN, type HostileRegistry, type SilentResolver } from './fixtures/hostile-registry';
import { test, expect } from './support';

interface ErrorEnvelope {
  error: { code: string; message: string; retryAfter?: number };
}

/** Resident memory of a process, in MiB. */
function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

const LIMIT_MIB = 384;

test.describe('a hostile registry cannot exhaust Berth', () => {
  let hostile: HostileRegistry;
  let server: AppServer;
  test.beforeAll(async () => {
    test.setTimeout(60_000);
    hostile = await startHostileRegistry({ listeners: 40, slowMs: 15_000 });
    server = await startAppServer({
      env: { ALLOWED_REGISTRIES: [...hostile.urls, process.env.ALLOWED_REGISTRIES ?? ''].filter(Boolean).join(','), TRUSTED_PROXIES: '1' },
    });
  });
  test.afterAll(async () => {
    await server?.stop();
    await hostile?.stop();
  });

  const api = (path: string, client: string, init: RequestInit = {}) =>
    fetch(`${server.site}/api/registries/${encodeURIComponent(hostile.host)}/${path}`, { ...init, headers: { 'x-forwarded-for': client } });

  test('endless digests: every row says the registry sent no digest, none is kept or shown, the server stays up', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const refs = Array.from({ length: 100 }, (_, j) => `ref=t${i}-${j}`).join('&');
        const res = await api(`details?repository=longdigest/app&${refs}`, `203.0.113.${i}`);
        return { status: res.status, text: await res.text() };
      }),
    );
    for (const { status, text } of answers) {
      expect(status).toBe(200);
      const body = JSON.parse(text) as { details: Array<{ error?: { code: string; message: string } }> };
      expect(body.details).toHaveLength(100);
      for (const row of body.details) {
        expect(row.error?.code).toBe('BAD_RESPONSE');
        expect(row.error?.message).toMatch(/sent a Docker-Content-Digest that is not a digest/);
      }
      expect(text).not.toContain('blake3:');
    }
    expect(rssMiB(server.pid)).toBeLessThan(LIMIT_MIB);
    expect((await fetch(`${server.site}/api/health`)).status).toBe(200);
  });

  test('a large layer asked for as a document: refused with a sentence without being read, by 24 clients at once who never read', async () => {
    const path = `document?repository=bigblob/app&kind=blob&digest=${hostile.bigBlobDigest}`;
    const controllers = Array.from({ length: 24 }, () => new AbortController());
    const answers = await Promise.all(controllers.map((c, i) => api(path, `203.0.113.${10 + i}`, { signal: c.signal }).then((r) => r)));
    expect(rssMiB(server.pid)).toBeLessThan(LIMIT_MIB);
    for (const res of answers) {
      expect(res.status).toBe(422);
      const body = (await res.json()) as ErrorEnvelope;
      expect(body.error.code).toBe('NOT_A_DOCUMENT');
      expect(body.error.message).toMatch(/larger than 1 MiB.*only image configs and other JSON documents/);
    }
    for (const c of controllers) c.abort();
    expect((await fetch(`${server.site}/api/health`)).status).toBe(200);
  });

  test('a 5,000-platform index: one request reads 64 platform images at most and says how many it did not read', async ({ page }) => {
    hostile.reset();
    const res = await api('details?repository=wideindex/app&ref=latest', '203.0.113.40');
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as { details: Array<{ kind: string; platforms: Array<{ size?: number }>; unread?: number; unlisted?: number }> };
    const index = body.details[0];
    expect(index?.kind).toBe('index');
    expect(index?.platforms).toHaveLength(64);
    expect(index?.platforms.filter((p) => p.size !== undefined)).toHaveLength(64);
    expect(index?.unread).toBe(WIDE_INDEX_CHILDREN - 64);
    expect(index?.unlisted).toBe(WIDE_INDEX_CHILDREN - 64);
    expect(text.length, 'a row’s worth, not 5,000 platforms').toBeLessThan(20_000);
    // The index (HEAD, GET), and each of the 64 images' manifest and config.
    expect(hostile.requestsFor('wideindex/app')).toBeLessThanOrEqual(2 + 2 * 64);
    // The tag list's row leads with how many platforms there are: the names do not fit its cell.
    await page.goto(`${server.site}/${hostile.host}/wideindex/app`);
    await expect(page.getByRole('row').filter({ hasText: 'latest' })).toContainText(`${WIDE_INDEX_CHILDREN.toLocaleString('en-US')} platforms: linux/`);
  });

  test('slow registries on 40 origins: their asker waits or is told to retry, another person is served at once, and leaving ends the work', async ({ bed }) => {
    hostile.reset();
    // Berth has met the 40 registries before (their pings are known): what follows is the attack alone.
    await Promise.all(
      hostile.urls.map((url) =>
        fetch(`${server.site}/api/registries/${encodeURIComponent(new URL(url).host)}/tags?repository=none/here`, {
          headers: { 'x-forwarded-for': '203.0.113.65' },
        }),
      ),
    );
    hostile.reset();
    const attacker = '203.0.113.66';
    const controller = new AbortController();
    const answered: Array<{ status: number; retryAfter: string | null; body: string; ms: number }> = [];
    const started = Date.now();
    // 200 requests to 40 slow origins, none of which answers before Berth's timeout (5 s).
    const attack = Array.from({ length: 200 }, (_, i) => {
      const origin = new URL(hostile.urls[i % hostile.urls.length] ?? '').host;
      return fetch(`${server.site}/api/registries/${encodeURIComponent(origin)}/details?repository=slow/app&ref=t${i}`, {
        headers: { 'x-forwarded-for': attacker },
        signal: controller.signal,
      })
        .then(async (r) => void answered.push({ status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.text(), ms: Date.now() - started }))
        .catch(() => undefined);
    });
    // Past its queue, the attacker is refused without waiting for the timeout (5 s), with a time to retry.
    // 200 asked: 16 in flight, 128 waiting, and the rest refused.
    while (Date.now() - started < 4500 && answered.filter((a) => a.status === 503).length < 56) await new Promise((r) => setTimeout(r, 50));
    const busy = answered.filter((a) => a.status === 503);
    expect(busy.length, 'refused at once').toBe(200 - 16 - 128);
    for (const b of busy) {
      expect(b.ms).toBeLessThan(4500);
      expect(b.retryAfter).toBe('5');
      expect((JSON.parse(b.body) as ErrorEnvelope).error.code).toBe('BUSY');
    }
    const open = hostile.open();
    expect(open, 'the attacker has a few requests in flight, not 200').toBeLessThanOrEqual(16);
    expect(open).toBeGreaterThan(0);
    // Another person browses a healthy registry meanwhile.
    const visitorStarted = Date.now();
    const visitor = await fetch(`${server.site}/api/registries/${encodeURIComponent(bed.registries.anonymous.host)}/tags?repository=team/app`, {
      headers: { 'x-forwarded-for': '198.51.100.5' },
    });
    const visitorMs = Date.now() - visitorStarted;
    expect(visitor.status).toBe(200);
    expect(visitorMs, 'served without waiting for the attacker’s requests').toBeLessThan(2000);
    controller.abort();
    await Promise.all(attack);
    // The attacker left: Berth closes its connections to the slow registries.
    for (let i = 0; i < 40 && hostile.open() > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(hostile.open()).toBe(0);
    expect(answered.filter((a) => a.status >= 500 && a.status !== 503 && a.status !== 504)).toEqual([]);
  });
});

test.describe('names whose DNS never answers', () => {
  let silent: SilentResolver;
  let server: AppServer;
  const secret = 'd'.repeat(64);
  test.beforeAll(async () => {
    silent = await startSilentResolver();
    // Open mode (any public https registry), as an internet-facing Berth would run, asking the silent server.
    server = await startAppServer({ env: { ALLOWED_REGISTRIES: '', DNS_SERVERS: silent.address, SESSION_SECRET: secret, TRUSTED_PROXIES: '1' } });
  });
  test.afterAll(async () => {
    await server?.stop();
    await silent?.stop();
  });

  test('cannot stall other requests: a session is read at once while 40 names wait, and each says it cannot be resolved', async () => {
    const cookie = await sealData({ registries: [{ host: 'ghcr.io', url: 'https://ghcr.io', username: null, password: null }] }, { password: secret });
    const attack = Array.from({ length: 40 }, (_, i) =>
      fetch(`${server.site}/api/registries/never-${i}.example/tags?repository=a`, { headers: { 'x-forwarded-for': `203.0.113.${i}` } }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as ErrorEnvelope,
      })),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(silent.queries()).toBeGreaterThan(0);
    const started = Date.now();
    const session = await fetch(`${server.site}/api/session`, { headers: { cookie: `__Host-berth_session=${cookie}` } });
    const sessionMs = Date.now() - started;
    expect(session.status).toBe(200);
    expect(((await session.json()) as { registries: Array<{ host: string }> }).registries.map((r) => r.host)).toEqual(['ghcr.io']);
    expect(sessionMs, 'the session was read without waiting for the lookups').toBeLessThan(1000);
    for (const { status, body } of await Promise.all(attack)) {
      expect(status).toBe(502);
      expect(body.error.code).toBe('UNREACHABLE');
      expect(body.error.message).toMatch(/could not be resolved right now/);
    }
  });
});
