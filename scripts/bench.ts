// npm run bench — what Berth's caches and its list buy, each measured against a baseline in the
// same run, and credited to what causes it.
//
// 1. Server: manifest views on a real token-auth registry (CNCF distribution + the bed's issuer) on
//    loopback, a fresh RegistryClient per view as the route handlers make them. Three setups:
//    nothing cached (a new RegistryContext per view: ping, token, request — what a naive proxy
//    does); ping and token cached but the content cache off; everything cached (Berth). The first
//    step measures ping and token caching, the second the digest-addressed content cache alone.
// 2. Browser: the table Berth shows tags in (components/tags/tag-table.tsx), 10,000 tags with
//    their details loaded, virtualised against the same table rendering every row: mount, a
//    filter (the table re-rendered with the tags that match), clearing it, scrolling. Then Berth
//    itself: how long until a 10,000-tag list is on screen, and complete.
//
// 3. Tag lists with details, the way a person meets them (scripts/bench-details.ts).
//
// 3b. The index view: a multi-platform index's first platform row and its registry requests, cold
//    and on a revisit, against the registry's own index GET plus Berth's page with no registry
//    data (scripts/bench-index.ts; BENCH_SKIP_INDEX=1).
//
// 3c. Large tag lists: a 20,000-tag repository's first row with its size against a 1,500-tag one's
//    (target 1.2×), Filter and scroll at 20,000, and sorting it newest first: what the page says it
//    needs, loading every tag's details, the server's memory (scripts/bench-tags.ts; BENCH_SKIP_TAGS=1).
//
// 3d. Files inside an image: the first open of a 100 MB gzip layer's files against curl | tar -tz of
//    its blob, the second open, the server's memory meanwhile, a layer of 20,000 small files, and
//    the whole file downloaded against curl of the blob (scripts/bench-files.ts; needs root for
//    buildah; BENCH_SKIP_FILES=1).
//
// 4. Load: many connections browsing Berth's API at once, against the standalone build and a real
//    registry; requests/s, latency, Berth's own 5xx, and server memory over two runs
//    (scripts/bench-load.ts; BENCH_LOAD_SECONDS, BENCH_LOAD_CONNECTIONS, BENCH_SKIP_LOAD=1).
//
// 4b. API throughput against the registry direct: requests/s and p50/p99 latency of a cached
//    manifest, a manifest by tag, a 1,500-tag list and two server-rendered pages, each as a ratio
//    to the registry answering the same request itself (scripts/bench-api.ts; BENCH_API_SECONDS,
//    BENCH_API_CONNECTIONS, BENCH_SKIP_API=1).
//
// 5. Attacks: what an anonymous visitor can make Berth spend through a hostile registry or DNS
//    that never answers, and what that costs another person browsing meanwhile (a ratio against
//    the same browsing without the attack), with the server's memory throughout
//    (scripts/bench-attack.ts; BENCH_ATTACK_SECONDS, BENCH_SKIP_ATTACKS=1).
//
// Every figure is the median of BENCH_REPEATS runs (default 5) with the range of the runs; each
// ratio says which way it goes. Absolute times depend on the machine; the ratios are the point.
// Also: BENCH_ROUNDS (views per run, 200), BENCH_TAGS (10000), BENCH_SKIP_SERVER=1, BENCH_SKIP_UI=1,
// BENCH_SKIP_DETAILS=1, BENCH_TRACE=1 (each registry request of part 3 on stderr). The run is written to
// docs/benchmarks.md as well (BENCH_NO_WRITE=1: not).
// The list, details, load and API parts need a production build and make one when .next is older than the code.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Browser, type Page } from '@playwright/test';
import { MT, RegistryHttpClient, buildMultiPlatform, buildSingleImage, pool, pushLayoutOverHttp, startIssuer, startRegistry } from '../e2e/fixtures';
import { AddressPolicy, RegistryClient, RegistryContext } from '../lib/registry';
import { BoundedCache } from '../lib/registry/cache';
import { detailsBench, startBerthServer } from './bench-details';
import { apiBench } from './bench-api';
import { attackBench } from './bench-attack';
import { filesBench } from './bench-files';
import { indexBench } from './bench-index';
import { loadBench } from './bench-load';
import { SCROLL_SCRIPT, tagsBench } from './bench-tags';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 5));
const TAGS = Number(process.env.BENCH_TAGS ?? 10_000);
const root = join(__dirname, '..');

// ---- figures ------------------------------------------------------------------------------------

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

/** "12.3 (11.9–13.0) ms": the median and the range of the runs. */
function spread(values: number[], digits = 2, unit = ''): string {
  const f = (v: number) => v.toFixed(digits);
  if (values.length === 1) return `${f(values[0] ?? NaN)}${unit}`;
  return `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})${unit}`;
}

/** A ratio readable at any size: 43×, 4.2×, 0.33×, 0.0041×. */
function times(r: number): string {
  return `${r >= 10 ? r.toFixed(0) : r >= 0.1 ? r.toFixed(2).replace(/0$/, '') : r.toPrecision(2)}×`;
}

/** Time ratio of paired runs with its direction: "3.2× faster (runs 2.9×–3.5× as fast)", "1.3× slower (0.77× as fast; …)". */
function speed(before: number[], after: number[]): string {
  const ratios = before.map((b, i) => b / Math.max(after[i] ?? NaN, 1e-6));
  const r = median(ratios);
  const runs = ratios.length > 1 ? `runs ${times(Math.min(...ratios))}–${times(Math.max(...ratios))} as fast` : '';
  if (r >= 1.1) return `${times(r)} faster${runs ? ` (${runs})` : ''}`;
  if (r <= 1 / 1.1) return `${times(1 / r)} slower (${times(r)} as fast${runs ? `; ${runs}` : ''})`;
  return `about as fast (${times(r)}${runs ? `; ${runs}` : ''})`;
}

/** Count ratio with its direction: "0.33× as many (3.0× fewer)", "1.00× as many (the same)". */
function asMany(before: number, after: number, noun: string): string {
  if (before === 0 && after === 0) return `no ${noun} either way`;
  if (after === 0) return `no ${noun} (${before.toFixed(2)} before)`;
  const r = after / before;
  const direction = Math.abs(r - 1) < 0.01 ? 'the same' : r < 1 ? `${times(1 / r)} fewer` : `${times(r)} more`;
  return `${times(r)} as many ${noun} (${direction})`;
}

// ---- 1. server-side caches ---------------------------------------------------------------------

interface Sample {
  msPerOp: number;
  upstreamPerOp: number;
  tokensPerOp: number;
}

async function sample(tokens: () => number, op: () => Promise<{ requests: number }>): Promise<Sample> {
  for (let i = 0; i < 10; i++) await op(); // warm up sockets and JIT
  const tokens0 = tokens();
  let requests = 0;
  const t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) requests += (await op()).requests;
  const ms = performance.now() - t0;
  return { msPerOp: ms / ROUNDS, upstreamPerOp: requests / ROUNDS, tokensPerOp: (tokens() - tokens0) / ROUNDS };
}

async function serverBench(): Promise<void> {
  const issuer = await startIssuer({ users: [{ username: 'bench', password: 'bench-pass', access: { repositories: { '*': ['*'] }, catalog: true } }] });
  const registry = await startRegistry({ mode: 'token', issuer });
  try {
    const credentials = { username: 'bench', password: 'bench-pass' };
    const multi = buildMultiPlatform('bench/app', '1.0');
    await pushLayoutOverHttp(registry.url, 'bench/app', '1.0', multi.layout, credentials);
    const policy = new AddressPolicy({ allowed: [registry.url, issuer.url], dockerHubRegistryUrl: 'https://registry-1.docker.io' });
    const tokens = () => issuer.stats().tokenRequests;

    const view = (context: () => RegistryContext, reference: string) => async () => {
      const ctx = context();
      const before = ctx.stats.requests;
      await new RegistryClient({ host: registry.host, baseUrl: registry.url, credentials, context: ctx }).getManifest('bench/app', reference);
      return { requests: ctx.stats.requests - before };
    };
    const shared = new RegistryContext({ policy });
    const noContent = new RegistryContext({ policy });
    // The content cache off: a cache that keeps nothing, so every view fetches the bytes again.
    Object.defineProperty(noContent, 'content', { value: new BoundedCache({ maxEntries: 0, maxBytes: 0 }) });
    const setups = [
      { name: 'nothing cached: ping + token + request per view', context: () => new RegistryContext({ policy }) },
      { name: 'ping and token cached, content cache off', context: () => noContent },
      { name: 'ping, token and content cached (Berth)', context: () => shared },
    ];

    console.log(`Server: ${ROUNDS} views × ${REPEATS} runs per setup against distribution ${registry.url} (token auth, loopback)`);
    for (const [title, reference] of [
      ['manifest by tag', '1.0'],
      ['manifest by digest', multi.index.digest],
    ] as const) {
      const runs: Sample[][] = setups.map(() => []);
      for (let r = 0; r < REPEATS; r++) {
        // Interleaved, so drift on a busy machine touches every setup alike.
        for (const [i, s] of setups.entries()) runs[i]?.push(await sample(tokens, view(s.context, reference)));
      }
      console.log(`\n${title.padEnd(50)} ${'ms/view, median (range)'.padStart(26)} ${'upstream req/view'.padStart(18)} ${'tokens/view'.padStart(12)}`);
      for (const [i, s] of setups.entries()) {
        const rs = runs[i] ?? [];
        console.log(
          `  ${s.name.padEnd(48)} ${spread(rs.map((x) => x.msPerOp)).padStart(26)} ${median(rs.map((x) => x.upstreamPerOp))
            .toFixed(2)
            .padStart(18)} ${median(rs.map((x) => x.tokensPerOp))
            .toFixed(3)
            .padStart(12)}`,
        );
      }
      const [none = [], pingToken = [], all = []] = runs;
      const ms = (rs: Sample[]) => rs.map((x) => x.msPerOp);
      const up = (rs: Sample[]) => median(rs.map((x) => x.upstreamPerOp));
      const tk = (rs: Sample[]) => median(rs.map((x) => x.tokensPerOp));
      console.log(
        `  → caching ping and token: ${speed(ms(none), ms(pingToken))}; ${asMany(up(none), up(pingToken), 'upstream requests')}; ${asMany(tk(none), tk(pingToken), 'token fetches')}`,
      );
      console.log(`  → the content cache on top: ${speed(ms(pingToken), ms(all))}; ${asMany(up(pingToken), up(all), 'upstream requests')}`);
    }
  } finally {
    await registry.stop();
    await issuer.stop();
  }
}

// ---- 2. the list, in the browser -----------------------------------------------------------------

/** What the list is filtered by: a digit, so about a third of the tags match at any size. */
const FILTER = '7';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** True when .next is missing or older than a file it is built from. */
function buildIsStale(): boolean {
  const id = join(root, '.next', 'BUILD_ID');
  if (!existsSync(id) || !existsSync(join(root, '.next', 'standalone', 'start.mjs'))) return true;
  const built = statSync(id).mtimeMs;
  const inputs = [
    'app',
    'components',
    'lib',
    'public',
    'proxy.ts',
    'instrumentation.ts',
    'next.config.js',
    'postcss.config.mjs',
    'tsconfig.json',
    'package.json',
    'package-lock.json',
  ];
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...inputs], { cwd: root, encoding: 'utf8' });
  return files.split('\n').some((f) => f !== '' && existsSync(join(root, f)) && statSync(join(root, f)).mtimeMs > built);
}

function ensureFreshBuild(): void {
  if (!buildIsStale()) return;
  console.log('The build is older than the code (or missing): npm run build …');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) throw new Error('npm run build failed');
}

/** The tag names of the benchmark list, as pushed to the registry and given to the component. */
function tagNames(count: number): string[] {
  return ['latest', ...Array.from({ length: count - 1 }, (_, i) => `build-${String(i).padStart(5, '0')}`)];
}

/**
 * The tag table bundled for the browser on its own (React in production mode, Berth's QueryClient
 * holding every row's details as if loaded), with Next's Link replaced by a plain <a>, so both
 * variants run the same code but for the `virtualize` flag. Styles come from the production build.
 * esbuild is the one tsx runs on.
 */
async function listHarness(): Promise<{ html: string; js: string; css: string }> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  try {
    writeFileSync(
      join(dir, 'link.tsx'),
      `export default function Link({ href, prefetch, ...rest }: { href: string; prefetch?: boolean } & Record<string, unknown>) { return <a href={href} {...rest} />; }\n`,
    );
    const entry = `
      import { createElement } from 'react';
      import { flushSync } from 'react-dom';
      import { createRoot, type Root } from 'react-dom/client';
      import { QueryClientProvider } from '@tanstack/react-query';
      import { detailQueryOptions, getQueryClient } from './components/data';
      import { TagTable } from './components/tags/tag-table';
      const queryClient = getQueryClient();
      const signed = new Set<string>();
      let root: Root | undefined;
      let virtualize = true;
      const render = (tags: string[]) =>
        flushSync(() => root?.render(createElement(QueryClientProvider, { client: queryClient }, createElement(TagTable, { host: 'bench.invalid', repository: 'bench/many', tags, signed, virtualize }))));
      Object.assign(window, {
        mountList(tags: string[], flag: boolean): number {
          virtualize = flag;
          tags.forEach((tag, i) => {
            const digest = 'sha256:' + i.toString(16).padStart(64, '0');
            queryClient.setQueryData(detailQueryOptions('bench.invalid', 'bench/many', tag).queryKey, {
              reference: tag, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', kind: 'image', size: 12_345_678 + i,
              created: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(), platforms: [{ platform: 'linux/amd64', digest }], attestations: 0,
            });
          });
          root = createRoot(document.getElementById('root') as HTMLElement);
          const t0 = performance.now();
          render(tags);
          return t0;
        },
        showTags(tags: string[]): number {
          const t0 = performance.now();
          render(tags);
          return t0;
        },
      });`;
    const out = await build({
      stdin: { contents: entry, resolveDir: root, loader: 'tsx', sourcefile: 'bench-tag-table.tsx' },
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      minify: true,
      jsx: 'automatic',
      // What Next inlines in the browser bundle (next.config.js): production React, no base path.
      define: { 'process.env.NODE_ENV': '"production"', 'process.env.BERTH_BASE_PATH': '""' },
      alias: { 'next/link': join(dir, 'link.tsx') },
      tsconfig: join(root, 'tsconfig.json'),
      nodePaths: [join(root, 'node_modules')], // for the stand-in, which lives outside the repository
      logLevel: 'error',
    });
    const css = findFiles(join(root, '.next', 'static'), '.css')
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const html = `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/list.css"></head><body><main style="max-width:64rem;margin:1rem auto"><div id="root"></div></main><script src="/list.js"></script></body></html>`;
    return { html, js: out.outputFiles[0]?.text ?? '', css };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function findFiles(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? findFiles(join(dir, e.name), suffix) : e.name.endsWith(suffix) ? [join(dir, e.name)] : [],
  );
}

/** Page source (not a transpiled function) so the browser runs exactly this. */
const MOUNT_SCRIPT = `async ([items, virtualize]) => {
  const t0 = window.mountList(items, virtualize);
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return { ms: performance.now() - t0, domRows: document.querySelectorAll('[data-tag-rows] [role="row"]').length };
}`;

/** Shows these tags (what the tag list hands the table when a filter changes) and waits for the frame. */
const SHOW_SCRIPT = `async (tags) => {
  const t0 = window.showTags(tags);
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0;
}`;

interface ListRun {
  domRows: number;
  mountMs: number;
  filterMs: number;
  clearMs: number;
  steadyP95: number;
  flingP95: number;
}

async function listRun(browser: Browser, harness: { html: string; js: string; css: string }, items: string[], virtualize: boolean): Promise<ListRun> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.route('http://bench.invalid/**', (route) => {
      const path = new URL(route.request().url()).pathname;
      const [body, type] =
        path === '/list.js' ? [harness.js, 'text/javascript'] : path === '/list.css' ? [harness.css, 'text/css'] : [harness.html, 'text/html'];
      return route.fulfill({ body, contentType: type });
    });
    await page.goto('http://bench.invalid/');
    const mount = await page.evaluate<{ ms: number; domRows: number }>(`(${MOUNT_SCRIPT})(${JSON.stringify([items, virtualize])})`);
    const filterMs = await page.evaluate<number>(`(${SHOW_SCRIPT})(${JSON.stringify(items.filter((t) => t.includes(FILTER)))})`);
    const clearMs = await page.evaluate<number>(`(${SHOW_SCRIPT})(${JSON.stringify(items)})`);
    const scroller = '[data-tag-rows]';
    const steadyP95 = await page.evaluate<number>(`(${SCROLL_SCRIPT})(${JSON.stringify([scroller, 100])})`);
    const flingP95 = await page.evaluate<number>(`(${SCROLL_SCRIPT})(${JSON.stringify([scroller, 0])})`);
    return { domRows: mount.domRows, mountMs: mount.ms, filterMs, clearMs, steadyP95, flingP95 };
  } finally {
    await page.close();
  }
}

/** Seconds from navigation to the first tag row on screen, and to the count of a complete list. */
async function appLoad(page: Page, url: string): Promise<{ firstRow: number; complete: number }> {
  const t0 = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator('[data-tag-rows] a[data-row-index="0"]').waitFor({ timeout: 120_000 });
  const firstRow = (performance.now() - t0) / 1000;
  await page.locator('p[aria-live="polite"]', { hasText: new RegExp(`^${TAGS.toLocaleString('en-US')} tags`) }).waitFor({ timeout: 120_000 });
  return { firstRow, complete: (performance.now() - t0) / 1000 };
}

async function listBench(browser: Browser): Promise<void> {
  const registry = await startRegistry({ mode: 'anonymous' });
  let app: { origin: string; stop: () => void } | undefined;
  try {
    const items = tagNames(TAGS);
    const harness = await listHarness();
    const runs: Record<'on' | 'off', ListRun[]> = { on: [], off: [] };
    for (let r = 0; r < REPEATS; r++) {
      runs.on.push(await listRun(browser, harness, items, true));
      runs.off.push(await listRun(browser, harness, items, false));
    }
    const { on, off } = runs;
    const col = (rs: ListRun[], k: keyof ListRun) =>
      spread(
        rs.map((x) => x[k]),
        1,
        ' ms',
      );
    console.log(`\nTag table: ${TAGS.toLocaleString('en-US')} tags with details in Berth's tag table, virtualised vs the same table rendering every row;`);
    console.log(`headless Chromium, no GPU; ${REPEATS} runs each, median (range)\n`);
    console.log(`${''.padEnd(34)} ${'virtualised'.padStart(28)} ${'every row rendered'.padStart(28)}   virtualised is`);
    const line = (label: string, k: keyof ListRun) =>
      console.log(
        `${label.padEnd(34)} ${col(on, k).padStart(28)} ${col(off, k).padStart(28)}   ${speed(
          off.map((x) => x[k]),
          on.map((x) => x[k]),
        )}`,
      );
    console.log(
      `${'rows in the DOM'.padEnd(34)} ${String(median(on.map((x) => x.domRows))).padStart(28)} ${String(median(off.map((x) => x.domRows))).padStart(28)}   ${asMany(median(off.map((x) => x.domRows)), median(on.map((x) => x.domRows)), 'rows')}`,
    );
    line('mount (render + first frame)', 'mountMs');
    line(`filter "${FILTER}" (${items.filter((t) => t.includes(FILTER)).length.toLocaleString('en-US')} rows left)`, 'filterMs');
    line(`clear the filter (all rows again)`, 'clearMs');
    line('scroll, p95 frame, 100 px/frame', 'steadyP95');
    line('scroll, p95 frame, list in 300', 'flingP95');

    // Berth itself: the list as a person gets it, from navigation to the complete count.
    const client = new RegistryHttpClient(registry.url, null);
    const image = buildSingleImage('bench/many', 'latest', { os: 'linux', architecture: 'amd64' }, { layers: [[{ path: 'x', content: 'x\n' }]] });
    await pushLayoutOverHttp(registry.url, 'bench/many', 'latest', image.layout, null, client);
    const manifest = image.layout.blob(image.image.manifest.digest);
    const t0 = performance.now();
    await pool(items.slice(1), 16, async (tag) => void (await client.putManifest('bench/many', tag, MT.ociManifest, manifest)));
    const pushed = (performance.now() - t0) / 1000;
    app = await startBerthServer(root, { ALLOWED_REGISTRIES: registry.url });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const url = `${app.origin}/${registry.host}/bench/many`;
    await appLoad(page, url); // warm-up: server code, token-free registry, browser cache
    const loads: { firstRow: number; complete: number }[] = [];
    for (let r = 0; r < REPEATS; r++) loads.push(await appLoad(page, url));
    console.log(
      `\nBerth (production server, ${TAGS.toLocaleString('en-US')} tags pushed in ${pushed.toFixed(1)} s), after navigation: first tag row ${spread(
        loads.map((l) => l.firstRow),
        2,
        ' s',
      )}, list complete ${spread(
        loads.map((l) => l.complete),
        2,
        ' s',
      )}`,
    );
  } finally {
    app?.stop();
    await registry.stop();
  }
}

/** Everything the run prints, for docs/benchmarks.md. */
const printed: string[] = [];
const print = console.log.bind(console);
console.log = (...args: unknown[]) => {
  printed.push(args.map(String).join(' '));
  print(...args);
};

/** Runs `work` in a Chromium of its own against a fresh production build, and closes it. */
async function withChromium<T>(work: (browser: Browser) => Promise<T>): Promise<T> {
  ensureFreshBuild();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    return await work(browser);
  } finally {
    await browser.close();
  }
}

async function all(): Promise<void> {
  const started = new Date();
  if (process.env.BENCH_SKIP_SERVER !== '1') await serverBench();
  if (process.env.BENCH_SKIP_UI !== '1') await withChromium(listBench);
  const startBerth = (env: Record<string, string>) => startBerthServer(root, env);
  const details = process.env.BENCH_SKIP_DETAILS === '1' ? [] : await withChromium((browser) => detailsBench({ browser, repeats: REPEATS, startBerth }));
  const index = process.env.BENCH_SKIP_INDEX === '1' ? [] : await withChromium((browser) => indexBench({ browser, repeats: REPEATS, startBerth }));
  const tags = process.env.BENCH_SKIP_TAGS === '1' ? [] : await withChromium((browser) => tagsBench({ browser, repeats: REPEATS, startBerth }));
  let files: string[] = [];
  if (process.env.BENCH_SKIP_FILES !== '1') {
    ensureFreshBuild();
    files = await filesBench({ repeats: REPEATS, startBerth });
  }
  if (process.env.BENCH_SKIP_LOAD !== '1') {
    ensureFreshBuild();
    await loadBench();
  }
  let api: string[] = [];
  if (process.env.BENCH_SKIP_API !== '1') {
    ensureFreshBuild();
    api = await apiBench();
  }
  if (process.env.BENCH_SKIP_ATTACKS !== '1') {
    ensureFreshBuild();
    await attackBench();
  }
  if (process.env.BENCH_NO_WRITE === '1') return;
  const load = (await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
  const report = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${(await import('node:os')).cpus().length} CPUs, load average ${load} at the end.`,
    'Absolute times depend on the machine and what else it runs; the ratios, each against a baseline in the same run, and the request counts are the point.',
    '',
    ...(details.length ? ['## Tag lists with details', '', '| measured | result |', '|---|---|', ...details, ''] : []),
    ...(index.length ? ['## The index view', '', '| measured | result |', '|---|---|', ...index, ''] : []),
    ...(api.length
      ? [
          '## API throughput against the registry direct',
          '',
          '| request kind | registry direct: req/s, p50 / p99 | Berth: req/s, p50 / p99, server CPU per answer | Berth/direct | target |',
          '|---|---|---|---|---|',
          ...api,
          '',
        ]
      : []),
    ...(tags.length ? ['## Large tag lists', '', '| measured | result |', '|---|---|', ...tags, ''] : []),
    ...(files.length ? ['## Files inside an image', '', '| measured | result |', '|---|---|', ...files, ''] : []),
    '## The whole run, as printed',
    '',
    '```',
    ...printed,
    '```',
    '',
  ];
  writeFileSync(join(root, 'docs', 'benchmarks.md'), report.join('\n'));
}

all().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
