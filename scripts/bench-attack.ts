// npm run bench, attacks: what an anonymous visitor can make Berth spend through a hostile
// registry (e2e/fixtures/hostile-registry.ts) or names whose DNS never answers, against the
// standalone build as it runs in production. Each attack runs for BENCH_ATTACK_SECONDS (10) while
// another person browses a healthy registry (a real CNCF distribution registry on loopback); the
// same browsing is timed without the attack first, so each attack's cost to others is a ratio.
// Reported per attack: the server's resident memory (VmRSS) before, at its highest during and
// after; the requests that reached the hostile registry; the visitor's p50 latency without and
// during the attack (and its failures); Berth's own 5xx (its refusals to the attacker, 503 BUSY,
// counted apart); and whether the server still answers afterwards.
// Targets: memory under 384 MiB throughout, the visitor's p50 during any attack at most 3× its p50
// without, no 5xx of Berth's own, the server alive. BENCH_SKIP_ATTACKS=1 skips this part.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { sealData } from 'iron-session';
import {
  buildSingleImage,
  pushLayoutOverHttp,
  startAppServer,
  startHostileRegistry,
  startRegistry,
  startSilentResolver,
  type AppServer,
  type HostileRegistry,
} from '../e2e/fixtures';

const SECONDS = Number(process.env.BENCH_ATTACK_SECONDS ?? 10);
const LIMIT_MIB = 384;

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

interface Visits {
  ms: number[];
  failed: number;
}

/** A person browsing one URL for `ms`, in a process of its own (scripts/bench-visitor.ts). */
function browse(url: string, headers: Record<string, string>, ms: number): Promise<Visits> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'bench-visitor.ts')], {
      env: { ...process.env, BENCH_VISIT_URL: url, BENCH_VISIT_HEADERS: JSON.stringify(headers), BENCH_VISIT_MS: String(ms) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out) as Visits);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

/** Statuses the attacker got: Berth's refusals (503 BUSY) apart from its own failures. */
class Tally {
  readonly statuses = new Map<number, number>();
  ownFailures = 0;
  refusals = 0;
  add(status: number, code?: string): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status === 503 && code === 'BUSY') this.refusals++;
    // A 5xx that is not a registry's fault named in Berth's envelope (502 UNREACHABLE, 504 TIMEOUT…) is Berth's own.
    else if (status === 500 || (status >= 500 && code === undefined)) this.ownFailures++;
  }
}

async function tallied(tally: Tally, request: Promise<Response>): Promise<void> {
  try {
    const res = await request;
    // Only a failure's envelope is read: the attacker's successes are dropped unparsed.
    let code: string | undefined;
    if (res.status >= 400) {
      try {
        code = ((await res.json()) as { error?: { code?: string } }).error?.code;
      } catch {
        code = undefined;
      }
    } else await res.body?.cancel();
    tally.add(res.status, code);
  } catch {
    tally.add(0);
  }
}

/** Keeps `concurrency` requests made by `make` in flight until `until`. */
async function flood(until: number, concurrency: number, make: (i: number) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) await make(i++);
    }),
  );
}

/** A client that asks and never reads the answer: the server keeps what it could not send. */
function slowReader(origin: string, path: string, client: string): Socket {
  const url = new URL(origin);
  const socket = connect(Number(url.port), url.hostname, () => {
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nX-Forwarded-For: ${client}\r\nConnection: keep-alive\r\n\r\n`);
    socket.pause();
  });
  socket.on('error', () => undefined);
  return socket;
}

interface Attack {
  name: string;
  /** Runs the attack until `until`; answers what it did. */
  run(until: number): Promise<{ tally: Tally; note?: string }>;
}

interface Outcome {
  name: string;
  rss: { before: number; peak: number; after: number };
  upstream: number;
  visitorWithout: number;
  visitorDuring: number;
  visitorFailures: number;
  tally: Tally;
  alive: boolean;
  note?: string;
}

async function measure(
  server: AppServer,
  hostile: HostileRegistry | undefined,
  visitorUrl: string,
  visitorHeaders: Record<string, string>,
  attack: Attack,
): Promise<Outcome> {
  const quiet = await browse(visitorUrl, visitorHeaders, 3000);
  hostile?.reset();
  const before = rssMiB(server.pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(server.pid))), 100);
  const until = Date.now() + SECONDS * 1000;
  const [{ tally, note }, during] = await Promise.all([attack.run(until), browse(visitorUrl, visitorHeaders, until - Date.now())]);
  clearInterval(sampler);
  await new Promise((r) => setTimeout(r, 1000));
  const after = rssMiB(server.pid);
  peak = Math.max(peak, after);
  const alive = await fetch(`${server.site}/api/health`).then(
    (r) => r.ok,
    () => false,
  );
  return {
    name: attack.name,
    rss: { before, peak, after },
    upstream: hostile?.requests() ?? 0,
    visitorWithout: median(quiet.ms),
    visitorDuring: median(during.ms),
    visitorFailures: during.failed,
    tally,
    alive,
    ...(note ? { note } : {}),
  };
}

function report(outcomes: Outcome[]): void {
  console.log(
    `\nAttacks: each for ${SECONDS} s against the standalone build, an anonymous attacker and a visitor browsing a healthy registry meanwhile (targets: memory < ${LIMIT_MIB} MiB, visitor p50 ≤ 3× without, no 5xx of Berth's own, alive)\n`,
  );
  for (const o of outcomes) {
    const ratio = o.visitorDuring / o.visitorWithout;
    const statuses = [...o.tally.statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${n}×${s || 'cut'}`)
      .join(' ');
    console.log(`${o.name}`);
    console.log(
      `  memory: ${o.rss.before.toFixed(0)} MiB before, ${o.rss.peak.toFixed(0)} MiB at most, ${o.rss.after.toFixed(0)} MiB after ${o.rss.peak < LIMIT_MIB ? '(under the limit)' : '(OVER THE LIMIT)'}`,
    );
    console.log(`  requests that reached the hostile side: ${o.upstream}`);
    console.log(
      `  visitor p50: ${o.visitorWithout.toFixed(1)} ms without, ${o.visitorDuring.toFixed(1)} ms during: ${ratio.toFixed(2)}× ${ratio <= 3 ? '(within 3×)' : '(OVER 3×)'}; ${o.visitorFailures} failed`,
    );
    console.log(
      `  attacker's answers: ${statuses || 'none'}; Berth's own 5xx: ${o.tally.ownFailures}; refused as busy: ${o.tally.refusals}; server alive after: ${o.alive ? 'yes' : 'NO'}`,
    );
    if (o.note) console.log(`  ${o.note}`);
  }
}

export async function attackBench(): Promise<void> {
  const hostile = await startHostileRegistry({ listeners: 40, slowMs: 15_000 });
  const healthy = await startRegistry({ mode: 'anonymous' });
  const { layout } = buildSingleImage('visit/app', 'v1', { os: 'linux', architecture: 'amd64' }, { layers: [[{ path: 'hello', content: 'hello\n' }]] });
  await pushLayoutOverHttp(healthy.url, 'visit/app', 'v1', layout);
  const secret = randomBytes(32).toString('hex');
  const outcomes: Outcome[] = [];
  let server: AppServer | undefined;
  try {
    server = await startAppServer({
      env: { SESSION_SECRET: secret, ALLOWED_REGISTRIES: [...hostile.urls, healthy.url].join(','), TRUSTED_PROXIES: '1', UPSTREAM_TIMEOUT_MS: '15000' },
    });
    const site = server.site;
    const visitor = {
      url: `${site}/api/registries/${encodeURIComponent(healthy.host)}/manifest?repository=visit/app&reference=v1`,
      headers: { 'x-forwarded-for': '198.51.100.1' },
    };
    const hostileApi = (origin: string, path: string) => `${site}/api/registries/${encodeURIComponent(origin)}/${path}`;
    const attacker = (n: number) => `203.0.${Math.floor(n / 250) % 250}.${n % 250}`;

    const attacks: Attack[] = [
      {
        name: 'Large documents and slow readers: 50 clients ask for an 8 MiB layer as a document and for a 5,000-platform index’s summary, and never read',
        run: async (until) => {
          const tally = new Tally();
          const sockets: Socket[] = [];
          for (let i = 0; i < 50; i++) {
            sockets.push(
              slowReader(
                site,
                `/api/registries/${encodeURIComponent(hostile.host)}/document?repository=bigblob/app&kind=blob&digest=${hostile.bigBlobDigest}`,
                attacker(i),
              ),
            );
            sockets.push(slowReader(site, `/api/registries/${encodeURIComponent(hostile.host)}/details?repository=wideindex/app&ref=latest`, attacker(i)));
          }
          // Beside them one more client asks for the layer as a document again and again (each refused
          // before its bytes are read), so the tally shows what the readers' neighbours are answered.
          await flood(until, 1, () =>
            tallied(
              tally,
              fetch(hostileApi(hostile.host, `document?repository=bigblob/app&kind=blob&digest=${hostile.bigBlobDigest}`), {
                headers: { 'x-forwarded-for': attacker(100) },
              }),
            ),
          );
          for (const s of sockets) s.destroy();
          return { tally };
        },
      },
      {
        name: 'Endless digests: every tag answered with a new 15.8 KB Docker-Content-Digest, 100 tags a request',
        run: async (until) => {
          const tally = new Tally();
          await flood(until, 8, (i) =>
            tallied(
              tally,
              fetch(hostileApi(hostile.host, `details?repository=longdigest/app&${Array.from({ length: 100 }, (_, j) => `ref=t${i}-${j}`).join('&')}`), {
                headers: { 'x-forwarded-for': attacker(i % 20) },
              }),
            ),
          );
          return { tally };
        },
      },
      {
        name: 'Indexes of 5,000 platform images each: one client asks for a new one as soon as the last is answered (each its own digest, none cached)',
        run: async (until) => {
          const tally = new Tally();
          const first = await fetch(hostileApi(hostile.host, 'details?repository=wideindex/app&ref=first'), { headers: { 'x-forwarded-for': attacker(0) } });
          await first.arrayBuffer();
          const once = hostile.requests();
          await flood(until, 1, (i) =>
            tallied(tally, fetch(hostileApi(hostile.host, `details?repository=wideindex/app&ref=v${i}`), { headers: { 'x-forwarded-for': attacker(0) } })),
          );
          return {
            tally,
            note: `the first index's summary cost ${once} requests to the registry (at most 2 + 2 × 64); later ones 2 each, their images being known`,
          };
        },
      },
      {
        name: 'Slow registries: 40 origins that answer after 15 s, 300 requests kept in flight by 3 clients',
        run: async (until) => {
          const tally = new Tally();
          const controller = new AbortController();
          const stop = setTimeout(() => controller.abort(), until - Date.now());
          await flood(until, 300, (i) =>
            tallied(
              tally,
              fetch(hostileApi(new URL(hostile.urls[i % hostile.urls.length] ?? '').host, `details?repository=slow/app&ref=t${i}`), {
                headers: { 'x-forwarded-for': attacker(i % 3) },
                signal: controller.signal,
              }),
            ),
          );
          clearTimeout(stop);
          await new Promise((r) => setTimeout(r, 1000));
          const stats = (await (await fetch(`${hostile.url}/_hostile/stats`)).json()) as { open: number };
          return { tally, note: `the attacker gone, requests still open at the slow registries a second later: ${stats.open}` };
        },
      },
    ];
    for (const attack of attacks) outcomes.push(await measure(server, hostile, visitor.url, visitor.headers, attack));
  } finally {
    await server?.stop();
  }

  // Names whose DNS never answers: Berth in open mode (any public registry), asking a silent DNS
  // server; the visitor's request reads their session (which needs the same thread pool DNS lookups
  // once took).
  const silent = await startSilentResolver();
  let open: AppServer | undefined;
  try {
    open = await startAppServer({
      env: { SESSION_SECRET: secret, ALLOWED_REGISTRIES: '', DNS_SERVERS: silent.address, TRUSTED_PROXIES: '1', UPSTREAM_TIMEOUT_MS: '15000' },
    });
    const cookie = await sealData({ registries: [{ host: 'ghcr.io', url: 'https://ghcr.io', username: 'visitor', password: 'secret' }] }, { password: secret });
    const site = open.site;
    outcomes.push(
      await measure(
        open,
        undefined,
        `${site}/api/session`,
        { cookie: `__Host-berth_session=${cookie}`, 'x-forwarded-for': '198.51.100.1' },
        {
          name: 'Names whose DNS never answers: 200 lookups kept waiting by 40 clients, in open mode',
          run: async (until) => {
            const tally = new Tally();
            await flood(until, 200, (i) =>
              tallied(tally, fetch(`${site}/api/registries/never-${i}.example/tags?repository=a`, { headers: { 'x-forwarded-for': `203.0.113.${i % 40}` } })),
            );
            return { tally, note: `DNS queries the silent server read: ${silent.queries()}` };
          },
        },
      ),
    );
  } finally {
    await open?.stop();
    await silent.stop();
    await hostile.stop();
    await healthy.stop();
  }
  report(outcomes);
}
