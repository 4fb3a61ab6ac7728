// npm run bench, index view: a multi-platform index (three platform images, each with its
// attestation) on a real anonymous CNCF distribution registry behind a counting proxy; Berth as a
// production build, restarted for each run (its caches cold) and opened in a fresh Chromium context.
// Measured per run, medians printed:
// - the first platform row on screen, and every platform row with its size, after navigation (the
//   rows paint from the index alone; sizes and dates stream into the same page);
// - the registry requests that took (counted at the proxy, by kind) and those of a revisit (into a
//   platform and back);
// - the baseline: the registry's own answer to the index GET plus the time Berth's page with no
//   registry data (the sign-in page) takes to show, each measured in the same run; the first row's
//   ratio to it is the figure to bring down (target 1.2×).
// BENCH_SKIP_INDEX=1 skips this part.
import { performance } from 'node:perf_hooks';
import type { Browser } from '@playwright/test';
import { MT, buildMultiPlatform, pushLayoutOverHttp, startRegistry } from '../e2e/fixtures';
import { countingProxy } from './bench-details';

const REPO = 'bench/index';
const TAG = '1.0';

/** What the requests were: the ping, the index, manifests by digest, blobs (configs), the referrers API and tag. */
function requestKinds(seen: string[]): string {
  const kinds: Array<[string, RegExp]> = [
    ['ping', /^GET \/v2\/$/],
    ['index by tag', /\/manifests\/(?!sha256[:-])[^/]+$/],
    ['manifests by digest', /\/manifests\/sha256:/],
    ['configs', /\/blobs\//],
    ['referrers API', /\/referrers\//],
  ];
  const counts = kinds.map(([name, pattern]) => [name, seen.filter((s) => pattern.test(s)).length] as const);
  const fallback = seen.filter((s) => /\/manifests\/sha256-/.test(s)).length;
  return [...counts, ['referrers tag', fallback] as const]
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export interface IndexBenchOptions {
  browser: Browser;
  repeats: number;
  startBerth: (env: Record<string, string>) => Promise<{ origin: string; stop: () => void }>;
}

export async function indexBench({ browser, repeats, startBerth }: IndexBenchOptions): Promise<string[]> {
  const registry = await startRegistry({ mode: 'anonymous' });
  const proxy = await countingProxy(registry.url);
  const multi = buildMultiPlatform(REPO, TAG);
  await pushLayoutOverHttp(registry.url, REPO, TAG, multi.layout);
  const platforms = multi.images.length;
  let kinds = '';
  const runs: { firstRow: number; sized: number; requests: number; revisit: number; indexGet: number; emptyPage: number }[] = [];
  try {
    for (let r = 0; r < repeats + 1; r++) {
      const berth = await startBerth({ ALLOWED_REGISTRIES: proxy.url });
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const page = await context.newPage();
        // The baseline, measured now: the registry answering the index itself, and Berth's page that needs no registry.
        let started = performance.now();
        const index = await fetch(`${registry.url}/v2/${REPO}/manifests/${TAG}`, { headers: { accept: MT.ociIndex } });
        await index.arrayBuffer();
        const indexGet = performance.now() - started;
        started = performance.now();
        await page.goto(`${berth.origin}/login`, { waitUntil: 'commit' });
        await page.getByRole('button', { name: 'Sign in' }).waitFor();
        const emptyPage = performance.now() - started;

        proxy.reset();
        started = performance.now();
        await page.goto(`${berth.origin}/${proxy.host}/${REPO}:${TAG}`, { waitUntil: 'commit' });
        const rows = page.getByRole('row').filter({ hasText: /^\s*linux\// });
        await rows.first().waitFor();
        const firstRow = performance.now() - started;
        await page.waitForFunction(
          (n) =>
            [...document.querySelectorAll('tr, [role="row"]')].filter(
              (row) => /^\s*linux\//.test(row.textContent ?? '') && /\d\s(B|kB|MB)/.test(row.textContent ?? ''),
            ).length >= n,
          platforms,
          { timeout: 30_000 },
        );
        const sized = performance.now() - started;
        await page.waitForTimeout(1000);
        const requests = proxy.requests;
        kinds = requestKinds(proxy.seen);

        await page.getByRole('link', { name: 'linux/arm64/v8' }).click();
        await page.waitForURL((u) => u.pathname.includes('@'));
        await page.getByText('Total size').waitFor({ timeout: 30_000 });
        // The platform's own requests (its referrers among them) are done before the revisit is counted.
        await page.getByRole('region', { name: 'Referrers' }).or(page.getByText('Nothing refers to this manifest')).first().waitFor({ timeout: 30_000 });
        await page.waitForLoadState('networkidle');
        proxy.reset();
        await page.goBack();
        await rows.first().waitFor();
        await page.waitForTimeout(1000);
        const revisit = proxy.requests;
        if (r > 0) runs.push({ firstRow, sized, requests, revisit, indexGet, emptyPage }); // the first run warms the machine up
      } finally {
        await context.close();
        berth.stop();
      }
    }
  } finally {
    await proxy.close();
    await registry.stop();
  }
  const m = (key: keyof (typeof runs)[number]) => median(runs.map((run) => run[key]));
  const baseline = m('indexGet') + m('emptyPage');
  const lines = [
    `| index of ${platforms} platforms (each with an attestation), cold server: first platform row after navigation | ${m('firstRow').toFixed(0)} ms: ${(m('firstRow') / baseline).toFixed(2)}× the baseline (target 1.2×) |`,
    `| … every platform row with its size | ${m('sized').toFixed(0)} ms |`,
    `| baseline: the registry's own index GET + Berth's sign-in page (no registry data) | ${m('indexGet').toFixed(1)} ms + ${m('emptyPage').toFixed(0)} ms |`,
    `| registry requests for the view (target 1 + the platforms on screen) | ${m('requests')}: ${kinds} |`,
    `| revisit (into a platform and back): registry requests | ${m('revisit')} (target 0) |`,
  ];
  console.log(`\nIndex view (median of ${runs.length} runs, Berth restarted and a fresh browser context each, anonymous registry behind a counting proxy):`);
  for (const l of lines) console.log(`  ${l.replace(/^\| /, '').replace(/ \| /, ': ').replace(/ \|$/, '')}`);
  return lines;
}
