// npm run bench, part 3: tag lists with details, the way a person meets them. A real token-auth
// registry holding one repository of 1,500 tags (five images, three hundred tags each) sits
// behind a counting proxy, so every request Berth makes to it is seen; Berth runs as a production
// build (the standalone server); Chromium signs in and opens the list. Measured:
// - registry requests and tokens until the first screen of rows shows its details, and for a
//   revisit (back from a tag);
// - "Load all details" on the 1,500 tags: wall time, requests, and the most requests Berth had in
//   flight to the registry at once (bounded by UPSTREAM_CONCURRENCY);
// - the first data row's paint against the first contentful paint (Element Timing), per load.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from '@playwright/test';
import { MT, RegistryHttpClient, buildSingleImage, freePort, pool, pushLayoutOverHttp, startIssuer, startRegistry, startRegistryProxy } from '../e2e/fixtures';

const TAGS = 1500;
const IMAGES = 5;
const REPO = 'bench/details';

/** An HTTP proxy in front of the registry that counts what passes and how much at once. */
export const countingProxy = (target: string) => startRegistryProxy(target, { trace: process.env.BENCH_TRACE === '1' });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Rows of the tag table inside the scroll box's visible area. */
const VISIBLE_ROWS = `(() => {
  const box = document.querySelector('[data-tag-rows]');
  if (!box) return 0;
  const view = box.getBoundingClientRect();
  const bottom = Math.min(view.bottom, window.innerHeight);
  return [...box.querySelectorAll('[role="row"]')].filter((r) => { const b = r.getBoundingClientRect(); return b.top >= view.top - 1 && b.bottom <= bottom + 1; }).length;
})()`;

/** True once every row on screen shows a size. */
const SCREEN_HAS_DETAILS = `(() => {
  const box = document.querySelector('[data-tag-rows]');
  if (!box) return false;
  const view = box.getBoundingClientRect();
  const bottom = Math.min(view.bottom, window.innerHeight);
  const rows = [...box.querySelectorAll('[role="row"]')].filter((r) => { const b = r.getBoundingClientRect(); return b.top >= view.top - 1 && b.bottom <= bottom + 1; });
  return rows.length > 0 && rows.every((r) => /\\d (B|kB|MB)/.test(r.textContent || ''));
})()`;

/** First contentful paint and the first tag row's render time, in ms after navigation. */
const PAINTS = `new Promise((resolve) => {
  const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
  new PerformanceObserver((list, observer) => {
    const row = list.getEntries().find((e) => e.identifier === 'first-tag-row');
    if (row) { observer.disconnect(); resolve({ fcp, row: row.renderTime || row.loadTime }); }
  }).observe({ type: 'element', buffered: true });
  setTimeout(() => resolve({ fcp, row: NaN }), 15000);
})`;

export interface DetailsBenchOptions {
  browser: Browser;
  repeats: number;
  /** Starts Berth (a production build) with this environment; answers its origin and a stop function. */
  startBerth: (env: Record<string, string>) => Promise<{ origin: string; stop: () => void }>;
}

/** Runs the measurements; prints them and answers them as Markdown table rows. */
export async function detailsBench({ browser, repeats, startBerth }: DetailsBenchOptions): Promise<string[]> {
  const issuer = await startIssuer({ users: [{ username: 'bench', password: 'bench-pass', access: { repositories: { '*': ['*'] }, catalog: true } }] });
  const registry = await startRegistry({ mode: 'token', issuer });
  const proxy = await countingProxy(registry.url);
  let berth: { origin: string; stop: () => void } | undefined;
  try {
    // Five images made on different dates, three hundred tags each.
    const credentials = { username: 'bench', password: 'bench-pass' };
    const client = new RegistryHttpClient(registry.url, credentials);
    const tags: string[] = [];
    for (let i = 0; i < IMAGES; i++) {
      const image = buildSingleImage(
        `bench/details ${i}`,
        `1.${i}.0`,
        { os: 'linux', architecture: 'amd64' },
        { created: `202${i}-0${i + 1}-01T00:00:00Z`, layers: [[{ path: 'f', content: 'x'.repeat(1000 * (i + 1)) }]] },
      );
      await pushLayoutOverHttp(registry.url, REPO, `1.${i}.0`, image.layout, credentials, client);
      const manifest = image.layout.blob(image.image.manifest.digest);
      const mine = Array.from({ length: TAGS / IMAGES }, (_, k) => `1.${i}.${k}`);
      tags.push(...mine);
      await pool(mine.slice(1), 16, async (tag) => void (await client.putManifest(REPO, tag, MT.ociManifest, manifest)));
    }
    berth = await startBerth({ ALLOWED_REGISTRIES: `${proxy.url},${issuer.url}` });
    // The probes below are strings evaluated in the page, which Berth's CSP forbids (no eval).
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page: Page = await context.newPage();
    await page.goto(`${berth.origin}/login?registry=${encodeURIComponent(proxy.host)}`);
    await page.getByLabel('Username').fill('bench');
    await page.getByLabel('Password or token').fill('bench-pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    const list = `${berth.origin}/${proxy.host}/${REPO}`;
    const tokens = () => issuer.stats().tokenRequests;

    // The first screen: from navigation until every row on screen shows its size.
    proxy.reset();
    let t = tokens();
    await page.goto(list, { waitUntil: 'commit' });
    await page.waitForFunction(SCREEN_HAS_DETAILS, undefined, { timeout: 60_000 });
    const visible = await page.evaluate<number>(VISIBLE_ROWS);
    const rendered = await page.locator('[data-tag-rows] [role="row"]').count();
    const firstScreen = { requests: proxy.requests, tokens: tokens() - t };
    await page.waitForTimeout(1500); // the rows just below the screen, loaded ahead of the scroll
    const withAhead = proxy.requests;

    // A revisit: into a tag and back.
    await page.locator('[data-tag-rows] a[data-row-index="0"]').click();
    await page.waitForURL((u) => u.pathname.includes(':'));
    await page.getByText('Total size').waitFor({ timeout: 30_000 });
    proxy.reset();
    t = tokens();
    await page.goBack();
    await page.waitForFunction(SCREEN_HAS_DETAILS, undefined, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    const revisit = { requests: proxy.requests, tokens: tokens() - t };

    // Load all details, sorted newest first.
    await page.goto(`${list}?sort=newest`);
    await page.getByRole('button', { name: 'Load all details' }).waitFor({ timeout: 60_000 });
    proxy.reset();
    t = tokens();
    const started = performance.now();
    await page.getByRole('button', { name: 'Load all details' }).click();
    await page.getByRole('progressbar').waitFor({ state: 'detached', timeout: 300_000 });
    const loadAll = { seconds: (performance.now() - started) / 1000, requests: proxy.requests, peak: proxy.peak, tokens: tokens() - t };
    await page.close();

    // The first data row against the first contentful paint, a fresh page each time.
    const gaps: number[] = [];
    const fcps: number[] = [];
    for (let r = 0; r < repeats + 1; r++) {
      const fresh = await context.newPage();
      await fresh.goto(list);
      const p = await fresh.evaluate<{ fcp: number; row: number }>(PAINTS);
      await fresh.close();
      if (r === 0) continue; // warm-up
      gaps.push(p.row - p.fcp);
      fcps.push(p.fcp);
    }
    await context.close();

    const lines = [
      `| ${TAGS.toLocaleString('en-US')} tags: registry requests until the first screen (${visible} rows) shows every row's details | ${firstScreen.requests}; ${withAhead} once the rows rendered ahead of the scroll have theirs (${rendered} rows rendered: a HEAD per tag, the manifest and config once per image, the tag list) |`,
      `| tokens fetched for it | ${firstScreen.tokens} (target 1; signing in fetched the first) |`,
      `| revisit (into a tag and back): registry requests, tokens | ${revisit.requests} (target 0), ${revisit.tokens} |`,
      `| "Load all details" on ${TAGS.toLocaleString('en-US')} tags: wall time | ${loadAll.seconds.toFixed(1)} s |`,
      `| … registry requests, most in flight at once, tokens | ${loadAll.requests}, ${loadAll.peak} (UPSTREAM_CONCURRENCY 6), ${loadAll.tokens} |`,
      `| first data row painted after the first contentful paint (median of ${repeats}; a frame is 16.7 ms) | ${median(gaps).toFixed(1)} ms (FCP at ${median(fcps).toFixed(0)} ms) |`,
    ];
    console.log(`\nTag details (${TAGS.toLocaleString('en-US')} tags on ${IMAGES} images, token registry behind a counting proxy, Berth production build):`);
    for (const l of lines) console.log(`  ${l.replace(/^\| /, '').replace(/ \| /, ': ').replace(/ \|$/, '')}`);
    return lines;
  } finally {
    berth?.stop();
    await proxy.close();
    await registry.stop();
    await issuer.stop();
  }
}

export interface BerthServer {
  origin: string;
  /** The server's process id (its memory: /proc/PID/status). */
  pid: number | undefined;
  stop: () => void;
}

/** Starts Berth's production server (the standalone build) on a free port with these variables. */
export async function startBerthServer(root: string, env: Record<string, string>): Promise<BerthServer> {
  const port = await freePort();
  const app = spawn(process.execPath, [join(root, '.next', 'standalone', 'start.mjs')], {
    cwd: root,
    detached: true,
    stdio: 'ignore',
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      NEXT_TELEMETRY_DISABLED: '1',
      ...env,
    },
  });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${origin}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    origin,
    pid: app.pid,
    stop: () => {
      if (app.pid) process.kill(-app.pid, 'SIGTERM');
    },
  };
}
