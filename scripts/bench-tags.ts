// npm run bench, large tag lists: a real anonymous CNCF distribution registry behind a counting
// proxy, holding a repository of 1,500 tags and one of 20,000 (four images shared by the tags,
// pushed over HTTP; the tags written straight into the registry's storage). Berth runs as a
// production build, restarted for each run and warmed up on a one-tag repository (its code loaded,
// the registry's ping known), and each run opens a fresh Chromium context. Medians of the runs
// after the first (a warm-up). Measured:
// - the first tag row with its size painted after navigation (Element Timing), 1,500 and 20,000
//   tags, and their ratio (target 1.2×), with the registry requests each took;
// - at 20,000: Filter typing (the typed text echoed, and the list updated), the scroll's p95 frame;
// - at 20,000, sorted newest first: what the page says it needs, "Load all details" to the end
//   (wall time, registry requests, most in flight at once) and the server's memory after it.
// BENCH_SKIP_TAGS=1 skips this part.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from '@playwright/test';
import { buildSingleImage, pushLayoutOverHttp, startRegistry, writeTagsToStorage } from '../e2e/fixtures';
import { countingProxy, type BerthServer } from './bench-details';

const SMALL = 1500;
const LARGE = 20_000;
const IMAGES = 4;
const WARM = 'bench/warm';
const repoOf = (tags: number) => `bench/tags-${tags}`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Version-like names ("3.4.17"), so the order by name is the one people expect of releases, not the registry's. */
function tagNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${Math.floor(i / 1000)}.${Math.floor(i / 100) % 10}.${i % 100}`);
}

/** Scrolls top to bottom in fixed steps, one step per frame; answers the p95 frame time. */
export const SCROLL_SCRIPT = `async ([sel, pxPerFrame]) => {
  const el = document.querySelector(sel);
  const frames = [];
  const steps = 300;
  el.scrollTop = 0;
  await new Promise((r) => requestAnimationFrame(() => r(null)));
  const stride = pxPerFrame || (el.scrollHeight - el.clientHeight) / steps;
  let last = performance.now();
  for (let i = 1; i <= steps; i++) {
    el.scrollTop = i * stride;
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    const now = performance.now();
    frames.push(now - last);
    last = now;
  }
  frames.sort((a, b) => a - b);
  return frames[Math.min(frames.length - 1, Math.floor(0.95 * frames.length))];
}`;

/**
 * Types `text` into the Filter as one keystroke (what React sees of a key): ms until the field
 * shows it (the next frame), and until the list's status says the new count.
 */
const FILTER_SCRIPT = `async (text) => {
  const input = document.querySelector('input[placeholder^="Filter tags"]');
  const status = document.querySelector('p[aria-live="polite"]');
  const before = status.textContent;
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const t0 = performance.now();
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, text);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await frame();
  const echo = performance.now() - t0;
  while (status.textContent === before && performance.now() - t0 < 10000) await frame();
  return { echo, list: performance.now() - t0 };
}`;

/**
 * When the first row (index 0) and its size were painted, in ms after navigation (Element Timing:
 * what the screen showed, however busy the page's script was afterwards).
 */
const PAINTED = `new Promise((resolve) => {
  const seen = {};
  new PerformanceObserver((list, observer) => {
    for (const e of list.getEntries()) seen[e.identifier] = e.renderTime || e.loadTime;
    if (seen['first-tag-row'] !== undefined && seen['first-tag-size'] !== undefined) {
      observer.disconnect();
      resolve(Math.max(seen['first-tag-row'], seen['first-tag-size']));
    }
  }).observe({ type: 'element', buffered: true });
  setTimeout(() => resolve(NaN), 15000);
})`;

/** The first row (index 0) on screen with its size, what a person waits for: painted, and seen by a script polling the page. */
async function firstRowWithSize(page: Page, url: string): Promise<{ painted: number; seen: number }> {
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page
    .locator('[data-tag-rows] [role="row"]')
    .filter({ has: page.locator('a[data-row-index="0"]') })
    .filter({ hasText: /\d (B|kB|MB)/ })
    .waitFor({ timeout: 60_000 });
  const seen = performance.now() - started;
  return { painted: await page.evaluate<number>(PAINTED), seen };
}

/** A process's resident memory now and at its peak, in MiB (Linux /proc). */
function memoryOf(pid: number | undefined): { rss: number; peak: number } {
  const status = pid ? readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
  return { rss: kB('VmRSS'), peak: kB('VmHWM') };
}

export interface TagsBenchOptions {
  browser: Browser;
  repeats: number;
  startBerth: (env: Record<string, string>) => Promise<BerthServer>;
}

interface Run {
  /** The first row with its size painted, ms after navigation. */
  small: number;
  large: number;
  /** The same seen by a script polling the page. */
  smallSeen: number;
  largeSeen: number;
  smallRequests: number;
  largeRequests: number;
  echo: number;
  filtered: number;
  cleared: number;
  scroll: number;
  fling: number;
}

/** Newest first at 20,000 tags, every tag's details loaded (the last run). */
interface LoadAllRun {
  needs: string;
  loadAll: number;
  loadAllRequests: number;
  peak: number;
  rssBefore: number;
  rssAfter: number;
  rssPeak: number;
}

export async function tagsBench({ browser, repeats, startBerth }: TagsBenchOptions): Promise<string[]> {
  const registry = await startRegistry({ mode: 'anonymous' });
  const proxy = await countingProxy(registry.url);
  const runs: Run[] = [];
  const last: Partial<LoadAllRun> = {};
  let seconds = NaN;
  try {
    // A handful of images made on different dates, each pushed once per repository; the tags
    // shared out among them and written into the storage.
    const images = Array.from({ length: IMAGES }, (_, i) =>
      buildSingleImage(
        `bench/tags ${i}`,
        'latest',
        { os: 'linux', architecture: 'amd64' },
        { created: `202${i}-0${i + 1}-01T00:00:00Z`, layers: [[{ path: 'f', content: 'x'.repeat(1000 * (i + 1)) }]] },
      ),
    );
    const seeded = performance.now();
    await pushLayoutOverHttp(registry.url, WARM, 'latest', images[0]?.layout ?? '');
    for (const count of [SMALL, LARGE]) {
      const names = tagNames(count);
      for (const [i, image] of images.entries()) {
        const desc = await pushLayoutOverHttp(registry.url, repoOf(count), names[i] ?? '', image.layout);
        writeTagsToStorage(
          registry.dataDir,
          repoOf(count),
          desc.digest,
          names.filter((_, k) => k % IMAGES === i),
        );
      }
    }
    seconds = (performance.now() - seeded) / 1000;

    for (let r = 0; r < repeats + 1; r++) {
      const run: Partial<Run> = {};
      // The two sizes in turn, each on a server of its own, the order swapped every run.
      for (const count of r % 2 ? [LARGE, SMALL] : [SMALL, LARGE]) {
        const berth = await startBerth({ ALLOWED_REGISTRIES: proxy.url });
        // The probes are strings evaluated in the page, which Berth's CSP forbids (no eval).
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
        try {
          const page = await context.newPage();
          await firstRowWithSize(page, `${berth.origin}/${proxy.host}/${WARM}`);
          proxy.reset();
          const url = `${berth.origin}/${proxy.host}/${repoOf(count)}`;
          const first = await firstRowWithSize(page, url);
          const requests = proxy.requests;
          if (count === SMALL) Object.assign(run, { small: first.painted, smallSeen: first.seen, smallRequests: requests });
          if (count !== LARGE) continue;
          Object.assign(run, { large: first.painted, largeSeen: first.seen, largeRequests: requests });

          // The list complete, then Filter and scroll at this size.
          await page.locator('p[aria-live="polite"]', { hasText: new RegExp(`^${LARGE.toLocaleString('en-US')} tags`) }).waitFor({ timeout: 60_000 });
          const one = await page.evaluate<{ echo: number; list: number }>(`(${FILTER_SCRIPT})('1')`);
          const two = await page.evaluate<{ echo: number; list: number }>(`(${FILTER_SCRIPT})('17')`);
          const clear = await page.evaluate<{ echo: number; list: number }>(`(${FILTER_SCRIPT})('')`);
          run.echo = Math.max(one.echo, two.echo, clear.echo);
          run.filtered = Math.max(one.list, two.list);
          run.cleared = clear.list;
          run.scroll = await page.evaluate<number>(`(${SCROLL_SCRIPT})(${JSON.stringify(['[data-tag-rows]', 100])})`);
          run.fling = await page.evaluate<number>(`(${SCROLL_SCRIPT})(${JSON.stringify(['[data-tag-rows]', 0])})`);

          // Newest first: what the page says, then every tag's details: a registry request a tag,
          // so a minute or more at this size, timed in the last run only.
          if (r < repeats) continue;
          const before = memoryOf(berth.pid);
          await page.getByLabel('Sort').selectOption('newest');
          const load = page.getByRole('button', { name: 'Load all details' });
          await load.waitFor({ timeout: 60_000 });
          const needs = ((await page.getByText(/whose details are loaded/).textContent()) ?? '').trim();
          await page.waitForTimeout(500); // the rows' own requests settle
          proxy.reset();
          const started = performance.now();
          await load.click();
          await page.getByRole('progressbar').waitFor({ state: 'detached', timeout: 600_000 });
          const after = memoryOf(berth.pid);
          Object.assign(last, {
            needs,
            loadAll: (performance.now() - started) / 1000,
            loadAllRequests: proxy.requests,
            peak: proxy.peak,
            rssBefore: before.rss,
            rssAfter: after.rss,
            rssPeak: after.peak,
          });
        } finally {
          await context.close();
          berth.stop();
        }
      }
      if (r > 0) runs.push(run as Run); // the first run warms the machine up
    }
  } finally {
    await proxy.close();
    await registry.stop();
  }
  const m = (key: keyof Run) => median(runs.map((run) => Number(run[key])));
  const ratios = runs.map((run) => run.large / run.small);
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `| first tag row with its size painted after navigation (Element Timing): ${n(SMALL)} tags | ${m('small').toFixed(0)} ms (seen by a polling script at ${m('smallSeen').toFixed(0)} ms; ${m('smallRequests')} registry requests) |`,
    `| … ${n(LARGE)} tags | ${m('large').toFixed(0)} ms (seen at ${m('largeSeen').toFixed(0)} ms; ${m('largeRequests')} registry requests): ${median(ratios).toFixed(2)}× the ${n(SMALL)}-tag row (runs ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×; target 1.2×) |`,
    `| ${n(LARGE)} tags, Filter: a keystroke shown in the field / the list updated (worst of 3 keystrokes) | ${m('echo').toFixed(0)} ms / ${m('filtered').toFixed(0)} ms (cleared: ${m('cleared').toFixed(0)} ms) |`,
    `| ${n(LARGE)} tags, scroll p95 frame: 100 px a frame / the whole list in 300 frames | ${m('scroll').toFixed(1)} ms / ${m('fling').toFixed(1)} ms |`,
    `| ${n(LARGE)} tags, newest first: what the page says | “${last.needs ?? ''}” |`,
    `| … "Load all details" to the end (the last run): wall time, registry requests, most in flight at once | ${last.loadAll?.toFixed(1)} s, ${n(last.loadAllRequests ?? NaN)}, ${last.peak} (UPSTREAM_CONCURRENCY 6) |`,
    `| … Berth's server memory (VmRSS) before / after; its peak (VmHWM) | ${last.rssBefore?.toFixed(0)} MiB / ${last.rssAfter?.toFixed(0)} MiB; ${last.rssPeak?.toFixed(0)} MiB |`,
  ];
  console.log(
    `\nLarge tag lists (${n(SMALL)} and ${n(LARGE)} tags on ${IMAGES} images, seeded in ${seconds.toFixed(1)} s; anonymous registry behind a counting proxy; median of ${runs.length} runs, Berth restarted and a fresh browser context each):`,
  );
  for (const l of lines) console.log(`  ${l.replace(/^\| /, '').replace(/ \| /, ': ').replace(/ \|$/, '')}`);
  return lines;
}
