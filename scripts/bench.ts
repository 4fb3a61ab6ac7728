// npm run bench — what Berth's server-side caches buy, measured against a baseline in the same
// run on a real token-auth registry (CNCF distribution + the bed's issuer) on loopback.
//
// Baseline: what a naive proxy does for every view: ping /v2/, fetch a token, then the request.
// Berth: one RegistryContext per server (pings, tokens, digest-addressed content cached), a fresh
// RegistryClient per request as the route handlers make them.
// Figures are ratios of the two; absolute times depend on the machine.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from '@playwright/test';
import { startIssuer } from '../e2e/fixtures/issuer';
import { freePort, startRegistry } from '../e2e/fixtures/registry';
import { RegistryHttpClient } from '../e2e/fixtures/registry-client';
import { MT, buildMultiPlatform, buildSingleImage, pushLayoutOverHttp } from '../e2e/fixtures/oci-layout';
import { pool } from '../e2e/fixtures/seed';
import { AddressPolicy, RegistryClient, RegistryContext } from '../lib/registry';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

interface Result {
  name: string;
  msPerOp: number;
  upstreamPerOp: number;
  tokensPerOp: number;
}

async function measure(name: string, issuerStats: () => number, op: () => Promise<{ requests: number }>): Promise<Result> {
  for (let i = 0; i < 10; i++) await op(); // warm up sockets and JIT
  const tokens0 = issuerStats();
  let requests = 0;
  const t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) requests += (await op()).requests;
  const ms = performance.now() - t0;
  return { name, msPerOp: ms / ROUNDS, upstreamPerOp: requests / ROUNDS, tokensPerOp: (issuerStats() - tokens0) / ROUNDS };
}

async function main(): Promise<void> {
  const issuer = await startIssuer({ users: [{ username: 'bench', password: 'bench-pass', access: { repositories: { '*': ['*'] }, catalog: true } }] });
  const registry = await startRegistry({ mode: 'token', issuer });
  try {
    const credentials = { username: 'bench', password: 'bench-pass' };
    const multi = buildMultiPlatform('bench/app', '1.0');
    await pushLayoutOverHttp(registry.url, 'bench/app', '1.0', multi.layout, credentials);
    const digest = multi.index.digest;
    const policy = new AddressPolicy({ allowed: [registry.url, issuer.url], dockerHubRegistryUrl: 'https://registry-1.docker.io' });
    const shared = new RegistryContext({ policy });
    const client = (context: RegistryContext) => new RegistryClient({ host: registry.host, baseUrl: registry.url, credentials, context });
    const tokens = () => issuer.stats().tokenRequests;
    const view = (context: RegistryContext, reference: string) => async () => {
      const before = context.stats.requests;
      await client(context).getManifest('bench/app', reference);
      return { requests: context.stats.requests - before };
    };
    const fresh = (reference: string) => async () => {
      const context = new RegistryContext({ policy });
      return view(context, reference)();
    };

    const pairs: Array<[Result, Result]> = [
      [await measure('manifest by tag — baseline (ping + token + GET)', tokens, fresh('1.0')), await measure('manifest by tag — Berth (cached ping and token)', tokens, view(shared, '1.0'))],
      [await measure('manifest by digest — baseline', tokens, fresh(digest)), await measure('manifest by digest — Berth (HEAD + cached bytes)', tokens, view(shared, digest))],
    ];

    console.log(`Berth benchmark: ${ROUNDS} rounds each against distribution ${registry.url} (token auth)\n`);
    console.log('scenario'.padEnd(52), 'ms/op'.padStart(8), 'upstream req/op'.padStart(16), 'tokens/op'.padStart(10));
    for (const pair of pairs) {
      for (const r of pair) {
        console.log(r.name.padEnd(52), r.msPerOp.toFixed(2).padStart(8), r.upstreamPerOp.toFixed(2).padStart(16), r.tokensPerOp.toFixed(3).padStart(10));
      }
      const [base, berth] = pair;
      console.log(`  → Berth is ${(base.msPerOp / berth.msPerOp).toFixed(1)}× faster, ${(base.upstreamPerOp / berth.upstreamPerOp).toFixed(1)}× fewer upstream requests\n`);
    }
  } finally {
    await registry.stop();
    await issuer.stop();
  }
}

// ---- the list view: 10,000 tags, Berth's virtualised list against a plain list ---------------------

const TAGS = Number(process.env.BENCH_TAGS ?? 10_000);
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Scrolls the list's scroll container top to bottom in fixed steps, one step per frame. Written as
 * page source (not a transpiled function) so the browser runs exactly this.
 */
const SCROLL_SCRIPT = `async (sel, pxPerFrame) => {
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
  const at = (q) => frames[Math.min(frames.length - 1, Math.floor(q * frames.length))];
  return { medianMs: at(0.5), p95Ms: at(0.95), worstMs: frames[frames.length - 1], domRows: el.querySelectorAll('a').length };
}`;

interface Frames {
  medianMs: number;
  p95Ms: number;
  worstMs: number;
  domRows: number;
}

/** pxPerFrame 0: the whole list in 300 frames (a fling); otherwise a steady wheel-like scroll. */
async function scrollFrames(page: Page, selector: string, pxPerFrame: number): Promise<Frames> {
  return page.evaluate(`(${SCROLL_SCRIPT})(${JSON.stringify(selector)}, ${pxPerFrame})`);
}

async function listBench(): Promise<void> {
  const root = join(__dirname, '..');
  if (!existsSync(join(root, '.next', 'BUILD_ID'))) {
    const r = spawnSync('npx', ['next', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    if (r.status !== 0) throw new Error('next build failed');
  }
  const registry = await startRegistry({ mode: 'anonymous' });
  const port = await freePort();
  const app = spawn('npx', ['next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, NODE_ENV: 'production', SESSION_SECRET: randomBytes(32).toString('hex'), ALLOWED_REGISTRIES: registry.url, NEXT_TELEMETRY_DISABLED: '1' },
  });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const image = buildSingleImage('bench/many', 'latest', { os: 'linux', architecture: 'amd64' }, { layers: [[{ path: 'x', content: 'x\n' }]] });
    const client = new RegistryHttpClient(registry.url, null);
    await pushLayoutOverHttp(registry.url, 'bench/many', 'latest', image.layout, null, client);
    const manifest = image.layout.blob(image.image.manifest.digest);
    const tags = Array.from({ length: TAGS - 1 }, (_, i) => `build-${String(i).padStart(5, '0')}`);
    const t0 = performance.now();
    await pool(tags, 16, async (tag) => void (await client.putManifest('bench/many', tag, MT.ociManifest, manifest)));
    console.log(`\nList view: ${TAGS.toLocaleString('en-US')} tags pushed in ${((performance.now() - t0) / 1000).toFixed(1)} s; 300 frames of scrolling each (headless Chromium, no GPU)`);
    for (let i = 0; i < 100; i++) {
      if (await fetch(`http://127.0.0.1:${port}/api/session`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

    // Baseline: the same rows as a plain (not virtualised) list, as simpler registry UIs render them.
    await page.setContent(
      `<div id="list" style="height:600px;overflow:auto;font:14px monospace"><ul style="margin:0;padding:0">${[ 'latest', ...tags]
        .map((t) => `<li style="height:40px;display:flex;align-items:center;border-bottom:1px solid #eee"><a href="#${t}">${t}</a></li>`)
        .join('')}</ul></div>`,
    );
    const plain = { steady: await scrollFrames(page, '#list', 100), fling: await scrollFrames(page, '#list', 0) };

    const t1 = performance.now();
    await page.goto(`http://127.0.0.1:${port}/${registry.host}/bench/many`);
    await page.getByText(`${TAGS.toLocaleString('en-US')} tags`, { exact: true }).waitFor({ timeout: 60_000 });
    const loadMs = performance.now() - t1;
    const berth = { steady: await scrollFrames(page, 'div.overflow-auto', 100), fling: await scrollFrames(page, 'div.overflow-auto', 0) };

    console.log('list'.padEnd(44), 'rows in DOM'.padStart(12), 'median frame'.padStart(13), 'p95 frame'.padStart(10), 'worst'.padStart(8));
    const rows: Array<[string, Frames]> = [
      ['plain list (baseline), 100 px/frame', plain.steady],
      ['Berth (virtualised), 100 px/frame', berth.steady],
      ['plain list (baseline), whole list in 300', plain.fling],
      ['Berth (virtualised), whole list in 300', berth.fling],
    ];
    for (const [name, r] of rows) {
      console.log(name.padEnd(44), String(r.domRows).padStart(12), `${r.medianMs.toFixed(1)} ms`.padStart(13), `${r.p95Ms.toFixed(1)} ms`.padStart(10), `${r.worstMs.toFixed(0)} ms`.padStart(8));
    }
    const ratio = (a: number, b: number) => (a / Math.max(b, 0.1)).toFixed(2);
    console.log(
      `  → Berth keeps ${(plain.steady.domRows / Math.max(berth.steady.domRows, 1)).toFixed(0)}× fewer rows in the page; p95 frame time vs the baseline: ${ratio(berth.steady.p95Ms, plain.steady.p95Ms)}× steady, ${ratio(berth.fling.p95Ms, plain.fling.p95Ms)}× fling; the list was complete ${(loadMs / 1000).toFixed(1)} s after navigation`,
    );
  } finally {
    await browser.close();
    if (app.pid) process.kill(-app.pid, 'SIGTERM');
    await registry.stop();
  }
}

async function all(): Promise<void> {
  await main();
  if (process.env.BENCH_SKIP_UI !== '1') await listBench();
}

all().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
