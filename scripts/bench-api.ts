// npm run bench, API throughput against the registry direct: how many answers a second Berth
// gives, and how fast, next to the registry answering the same request itself. Berth's API is a
// layer in front of a registry: what it adds per request (its own HTTP handling, session, limits,
// checks, JSON) is the cost to keep down, and a ratio against the registry on the same machine
// in the same run says how much that is, whatever the machine.
// A real anonymous CNCF distribution registry on loopback (with no auth, a direct request and
// Berth's request ask the registry for the same work), holding a multi-platform index (three
// platforms, each with an attestation) and a repository of 1,500 tags; Berth's production build
// (the standalone server, as the container image runs it) in front of it. autocannon sends each
// request kind for BENCH_API_SECONDS (10) over BENCH_API_CONNECTIONS (50) connections, after a
// short warm-up, first to the registry, then to Berth:
// - a manifest by digest: Berth answers it from its content cache (the registry let this
//   connection read the repository a moment ago), target ≥ 0.8× the registry's requests/s;
// - a manifest by tag: Berth asks the registry each time (a tag may move), target ≥ 0.5×;
// - the 1,500-tag list, as the browser asks for it (a page of up to 1,000, which distribution
//   answers with the whole list), target ≥ 0.5×;
// - the page of the index (/HOST/REPO:TAG, rendered on the server with its data: the index and
//   its platforms' details) against the registry's GET of the index by tag, in pages/s, also
//   printed on its own against its target: 3× the 56 pages/s measured before (p50 801 ms, 50
//   connections, 10 s); and the tag-list page (/HOST/REPO: the tag list and the first screen's
//   details) against the registry's tag list.
// Berth limits what each person may have in flight (lib/registry/limiter.ts): every request goes
// out as one of as many people as there are connections, in turn (its own X-Forwarded-For, the
// server told it is behind one proxy), so the figures are those of many people browsing, not of
// one person's queue. Each answer must be a 200: the run fails otherwise. Beside Berth's figures,
// the server's CPU time per answer (from /proc): what an answer costs, whatever else the machine runs.
// BENCH_API_SECONDS, BENCH_API_CONNECTIONS, BENCH_API_WARMUP (seconds, 2), BENCH_API_ONLY (request kinds
// whose name contains one of these comma-separated words, e.g. "by tag,index page"); BENCH_SKIP_API=1
// skips it. With BERTH_CPU_PROF=<dir> Berth writes a V8 CPU profile there when it stops.
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import {
  MT,
  RegistryHttpClient,
  buildMultiPlatform,
  buildSingleImage,
  pool,
  pushLayoutOverHttp,
  startAppServer,
  startRegistry,
  type AppServer,
} from '../e2e/fixtures';
import { MANIFEST_ACCEPT } from '../lib/registry/manifest';
import { cpuMs } from './bench-load';

const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 50);
const WARMUP = Number(process.env.BENCH_API_WARMUP ?? 2);
const INDEX_REPO = 'bench/api-index';
const INDEX_TAG = '1.0';
const TAGS_REPO = 'bench/api-tags';
const TAGS = 1500;
/** The pages/s of the index page measured before this benchmark existed (50 connections, 10 s). */
const PAGES_BEFORE = 56;

interface Figures {
  rps: number;
  /** the server's CPU time per answer, in ms (Berth only) */
  cpu?: number;
  p50: number;
  p99: number;
  answers: number;
  /** answers that were not 200, and connection errors */
  failed: string[];
}

interface Side {
  origin: string;
  paths: string[];
  headers: Record<string, string>;
  /** One address per person, each request from the next one in turn (Berth only). */
  people?: boolean;
  /** The server's process, whose CPU time is counted (Berth only). */
  pid?: number;
}

async function cannon(side: Side, seconds: number): Promise<Figures> {
  const failures = new Map<string, number>();
  let turn = 0;
  const result = await autocannon({
    url: side.origin,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 30,
    headers: side.headers,
    requests: side.paths.map((path) => ({
      method: 'GET' as const,
      path,
      onResponse: (status: number) => {
        if (status !== 200) failures.set(`HTTP ${status}`, (failures.get(`HTTP ${status}`) ?? 0) + 1);
      },
      ...(side.people
        ? {
            setupRequest: (request: autocannon.Request) => {
              const person = turn++ % CONNECTIONS;
              return { ...request, headers: { ...request.headers, 'x-forwarded-for': `198.18.${person >> 8}.${person & 0xff}` } };
            },
          }
        : {}),
    })),
  });
  const failed = [...failures].map(([k, n]) => `${n} × ${k}`);
  if (result.errors) failed.push(`${result.errors} connection errors (${result.timeouts} timeouts)`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, answers: result.requests.total, failed };
}

/** Each path answered 200 once (what the measurement relies on), then a short warm-up, then the run. */
async function measure(side: Side): Promise<Figures> {
  for (const path of side.paths) {
    const res = await fetch(`${side.origin}${path}`, { headers: side.headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${side.origin}${path}: HTTP ${res.status}`);
  }
  if (WARMUP > 0) await cannon(side, WARMUP);
  const cpu0 = side.pid ? cpuMs(side.pid) : 0;
  const figures = await cannon(side, SECONDS);
  if (side.pid) figures.cpu = (cpuMs(side.pid) - cpu0) / Math.max(figures.answers, 1);
  if (figures.failed.length) throw new Error(`GET ${side.origin}${side.paths[0]}…: ${figures.failed.join(', ')}`);
  return figures;
}

interface Kind {
  name: string;
  direct: Side;
  berth: Side;
  /** What the ratio Berth/direct should reach. */
  target: number;
  /** How the rate is counted: "req/s", or "pages/s" for a page against the registry's request. */
  unit: string;
}

/** A tag list answered whole, in one request: what the comparison relies on. */
async function wholeList(url: string, count: number): Promise<void> {
  const res = await fetch(url);
  const body = (await res.json()) as { tags?: string[]; next?: string | null };
  if (body.tags?.length !== count || res.headers.get('link') || body.next) throw new Error(`${url}: expected all ${count} tags in one answer`);
}

/** Runs the measurements; prints them and answers them as Markdown table rows. */
export async function apiBench(): Promise<string[]> {
  const registry = await startRegistry({ mode: 'anonymous' });
  let server: AppServer | undefined;
  try {
    const multi = buildMultiPlatform(INDEX_REPO, INDEX_TAG);
    await pushLayoutOverHttp(registry.url, INDEX_REPO, INDEX_TAG, multi.layout);
    const client = new RegistryHttpClient(registry.url, null);
    const image = buildSingleImage(TAGS_REPO, 'latest', { os: 'linux', architecture: 'amd64' }, { layers: [[{ path: 'f', content: 'bench\n' }]] });
    await pushLayoutOverHttp(registry.url, TAGS_REPO, 'latest', image.layout, null, client);
    const manifest = image.layout.blob(image.image.manifest.digest);
    const tags = Array.from({ length: TAGS - 1 }, (_, i) => `1.0.${i}`);
    await pool(tags, 16, async (tag) => void (await client.putManifest(TAGS_REPO, tag, MT.ociManifest, manifest)));

    server = await startAppServer({
      env: {
        SESSION_SECRET: randomBytes(32).toString('hex'),
        ALLOWED_REGISTRIES: registry.url,
        UPSTREAM_TIMEOUT_MS: '15000',
        TRUSTED_PROXIES: '1',
      },
    });
    const host = encodeURIComponent(registry.host);
    const api = (resource: string, params: Record<string, string>) => `/api/registries/${host}/${resource}?${new URLSearchParams(params).toString()}`;
    const direct = (paths: string[], accept = MANIFEST_ACCEPT): Side => ({ origin: registry.url, paths, headers: { accept } });
    const berth = (paths: string[], accept = 'application/json'): Side => ({
      origin: server!.site,
      paths,
      headers: { accept },
      people: true,
      pid: server!.pid,
    });
    const digest = multi.index.digest;
    // As the browser asks (a page of up to 1,000, components/data/queries.ts); distribution answers the whole list at once.
    const tagList = `/v2/${TAGS_REPO}/tags/list?n=1000`;
    const berthTagList = api('tags', { repository: TAGS_REPO, n: '1000' });
    await wholeList(`${registry.url}${tagList}`, TAGS);
    await wholeList(`${server.site}${berthTagList}`, TAGS);
    const kinds: Kind[] = [
      {
        name: 'manifest by digest (cached)',
        direct: direct([`/v2/${INDEX_REPO}/manifests/${digest}`]),
        berth: berth([api('manifest', { repository: INDEX_REPO, reference: digest })]),
        target: 0.8,
        unit: 'req/s',
      },
      {
        name: 'manifest by tag',
        direct: direct([`/v2/${INDEX_REPO}/manifests/${INDEX_TAG}`]),
        berth: berth([api('manifest', { repository: INDEX_REPO, reference: INDEX_TAG })]),
        target: 0.5,
        unit: 'req/s',
      },
      {
        name: `${TAGS.toLocaleString('en-US')}-tag list`,
        direct: direct([tagList], 'application/json'),
        berth: berth([berthTagList]),
        target: 0.5,
        unit: 'req/s',
      },
      {
        name: 'index page (SSR) vs index GET',
        direct: direct([`/v2/${INDEX_REPO}/manifests/${INDEX_TAG}`]),
        berth: berth([`/${registry.host}/${INDEX_REPO}:${INDEX_TAG}`], 'text/html'),
        target: 0.5,
        unit: 'pages/s',
      },
      {
        name: 'tag-list page (SSR) vs tag list',
        direct: direct([tagList], 'application/json'),
        berth: berth([`/${registry.host}/${TAGS_REPO}`], 'text/html'),
        target: 0.5,
        unit: 'pages/s',
      },
    ];

    const only = (process.env.BENCH_API_ONLY ?? '').split(',').filter(Boolean);
    const results: { kind: Kind; direct: Figures; berth: Figures }[] = [];
    for (const kind of kinds.filter((k) => only.length === 0 || only.some((word) => k.name.includes(word)))) {
      const d = await measure(kind.direct);
      const b = await measure(kind.berth);
      results.push({ kind, direct: d, berth: b });
    }

    const rate = (f: Figures) => f.rps.toFixed(0);
    const lat = (f: Figures) => `${f.p50} / ${f.p99} ms${f.cpu !== undefined ? `, CPU ${f.cpu.toFixed(1)} ms/answer` : ''}`;
    const lines = results.map(({ kind, direct: d, berth: b }) => {
      const ratio = b.rps / d.rps;
      return `| ${kind.name} | ${rate(d)} req/s, ${lat(d)} | ${rate(b)} ${kind.unit}, ${lat(b)} | ${ratio.toFixed(2)}× | ≥ ${kind.target}× ${ratio >= kind.target ? '(met)' : '(not met)'} |`;
    });
    const page = results.find((r) => r.kind.name.startsWith('index page'))?.berth;
    if (page) {
      const ratio = page.rps / PAGES_BEFORE;
      lines.push(
        `| index page (SSR), absolute | – | ${rate(page)} pages/s, p50 ${page.p50} ms | ${ratio.toFixed(2)}× the ${PAGES_BEFORE} pages/s before (p50 801 ms) | ≥ 3× (${3 * PAGES_BEFORE} pages/s) ${ratio >= 3 ? '(met)' : '(not met)'} |`,
      );
    }

    console.log(
      `\nAPI throughput: ${CONNECTIONS} connections for ${SECONDS} s per request kind (autocannon, after ${WARMUP} s of warm-up), Berth's standalone build in front of distribution ${registry.url} (anonymous, loopback), against the registry answering the same request itself; p50 / p99 latency`,
    );
    const header = ['request kind', 'registry direct', 'Berth', 'Berth/direct', 'target'];
    const widths = [34, 28, 48, 42, 28];
    const printRow = (cells: string[]) => console.log(`  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' ')}`.trimEnd());
    printRow(header);
    for (const l of lines) printRow(l.slice(2, -2).split(' | '));
    return lines;
  } finally {
    await server?.stop();
    await registry.stop();
  }
}
