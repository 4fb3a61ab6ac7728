// npm run bench, load: Berth's production build (the standalone server, as the container image
// runs it) in front of a real token-auth registry (CNCF distribution and the bed's token issuer)
// on loopback, signed in once, then many connections browsing its API at once with autocannon,
// each as a person of its own (its own X-Forwarded-For, the server told it is behind one proxy):
// the repository list, tag lists, manifests by tag and by digest, image configs and tag details.
// Identical runs (two by default), so that what the first leaves behind in memory shows on the next.
// Reported: requests/s, p50 and p99 latency, the answers that were not 2xx split into Berth's own
// 5xx (expected: none) and those a registry caused, and the server's resident memory (VmRSS of
// its process) before and after each run.
// BENCH_LOAD_SECONDS (30), BENCH_LOAD_CONNECTIONS (200), BENCH_LOAD_RUNS (2); BENCH_SKIP_LOAD=1 skips it.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { buildMultiPlatform, buildSingleImage, pushLayoutOverHttp, startAppServer, startIssuer, startRegistry, type AppServer } from '../e2e/fixtures';

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 200);
const RUNS = Math.max(1, Number(process.env.BENCH_LOAD_RUNS ?? 2));
const user = { username: 'bench', password: 'bench-pass' };

/** The server's resident and peak resident memory, in MiB, from /proc. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** CPU time a process has used so far, in ms (user + system; clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Seeded {
  repository: string;
  tags: string[];
  /** manifest digests (the images', or the index's) */
  digests: string[];
  /** image config digests */
  configs: string[];
}

/** Three repositories of three images each, and a multi-platform index. */
async function seed(registryUrl: string): Promise<Seeded[]> {
  const seeded: Seeded[] = [];
  for (const n of [1, 2, 3]) {
    const repository = `load/app-${n}`;
    const entry: Seeded = { repository, tags: [], digests: [], configs: [] };
    for (const tag of ['1.0', '1.1', '2.0']) {
      const { layout, image } = buildSingleImage(
        repository,
        tag,
        { os: 'linux', architecture: 'amd64' },
        { layers: [[{ path: 'version', content: `${repository}:${tag}\n` }]] },
      );
      await pushLayoutOverHttp(registryUrl, repository, tag, layout, user);
      entry.tags.push(tag);
      entry.digests.push(image.manifest.digest);
      entry.configs.push(image.config.digest);
    }
    seeded.push(entry);
  }
  const multi = buildMultiPlatform('load/multi', 'latest');
  await pushLayoutOverHttp(registryUrl, 'load/multi', 'latest', multi.layout, user);
  seeded.push({ repository: 'load/multi', tags: ['latest'], digests: [multi.index.digest], configs: multi.images.map((i) => i.config.digest) });
  return seeded;
}

/** One connection's round through the API: every view of every repository once. */
function browsing(host: string, seeded: Seeded[]): string[] {
  const api = (resource: string, params: [string, string][]) =>
    `/api/registries/${encodeURIComponent(host)}/${resource}?${new URLSearchParams(params).toString()}`;
  const paths: string[] = [];
  for (const { repository, tags, digests, configs } of seeded) {
    paths.push(api('repositories', [['n', '100']]));
    paths.push(api('tags', [['repository', repository]]));
    paths.push(api('details', [['repository', repository], ...tags.map((t): [string, string] => ['ref', t])]));
    for (const tag of tags)
      paths.push(
        api('manifest', [
          ['repository', repository],
          ['reference', tag],
        ]),
      );
    for (const digest of digests)
      paths.push(
        api('manifest', [
          ['repository', repository],
          ['reference', digest],
        ]),
      );
    for (const digest of configs)
      paths.push(
        api('config', [
          ['repository', repository],
          ['digest', digest],
        ]),
      );
  }
  return paths;
}

async function signIn(server: AppServer, host: string): Promise<string> {
  const res = await fetch(`${server.site}/api/session/registries`, {
    method: 'POST',
    headers: { origin: server.url, 'content-type': 'application/json' },
    body: JSON.stringify({ registry: host, ...user }),
  });
  if (!res.ok) throw new Error(`sign-in to ${host} failed: HTTP ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

interface Run {
  result: autocannon.Result;
  /** the server's CPU time for the run, in ms */
  cpu: number;
  /** `status code` → count, for the answers that were not 2xx */
  failures: Map<string, number>;
}

/** Berth's own failure: a 500, or a 5xx without Berth's error envelope. Its other 5xx (502, 504) name what a registry did. */
function isBerths(key: string): boolean {
  const [status = '', code = ''] = key.split(' ');
  return Number(status) >= 500 && (status === '500' || code === 'INTERNAL' || code === '(no envelope)');
}

async function run(server: AppServer, cookie: string, paths: string[]): Promise<Run> {
  const failures = new Map<string, number>();
  const onResponse = (status: number, body: string) => {
    if (status < 300) return;
    let code = '(no envelope)';
    try {
      code = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? code;
    } catch {
      /* not Berth's envelope */
    }
    const key = `${status} ${code}`;
    failures.set(key, (failures.get(key) ?? 0) + 1);
  };
  const cpu0 = cpuMs(server.pid);
  let people = 0;
  const result = await autocannon({
    url: server.site,
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 60,
    headers: { cookie, accept: 'application/json' },
    // Each round of a connection through the API is one person at their own address (the server
    // runs as behind one proxy), as many people browsing would be: Berth's per-person limits are
    // for one person each. (A connection's context starts afresh with each round.)
    requests: paths.map((path) => ({
      method: 'GET' as const,
      path,
      onResponse,
      setupRequest: (request: autocannon.Request, context: { person?: string }) => {
        context.person ??= `198.18.${(people >> 8) & 0xff}.${people++ & 0xff}`;
        return { ...request, headers: { ...request.headers, 'x-forwarded-for': context.person } };
      },
    })),
  });
  return { result, cpu: cpuMs(server.pid) - cpu0, failures };
}

const mib = (v: number) => `${v.toFixed(0)} MiB`;

export async function loadBench(): Promise<void> {
  const issuer = await startIssuer({ users: [{ ...user, access: { repositories: { '*': ['*'] }, catalog: true } }] });
  const registry = await startRegistry({ mode: 'token', issuer });
  let server: AppServer | undefined;
  try {
    const seeded = await seed(registry.url);
    server = await startAppServer({
      env: {
        SESSION_SECRET: randomBytes(32).toString('hex'),
        ALLOWED_REGISTRIES: `${registry.url},${issuer.url}`,
        UPSTREAM_TIMEOUT_MS: '15000',
        TRUSTED_PROXIES: '1',
      },
    });
    const cookie = await signIn(server, registry.host);
    const paths = browsing(registry.host, seeded);
    // Every route once, so the first run does not also pay for loading the server's code.
    for (const path of paths) await fetch(`${server.site}${path}`, { headers: { cookie } }).then((r) => r.arrayBuffer());
    const before = memory(server.pid);
    const runs: Run[] = [];
    const after: ReturnType<typeof memory>[] = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await run(server, cookie, paths));
      after.push(memory(server.pid));
    }

    console.log(
      `\nLoad: ${CONNECTIONS} connections browsing for ${SECONDS} s per run (autocannon), against Berth's standalone build and distribution ${registry.url} (token auth, loopback);`,
    );
    console.log(
      `each connection goes round ${paths.length} API requests over ${seeded.length} repositories: repositories, tags, details, manifest by tag and by digest, config\n`,
    );
    const row = (label: string, f: (r: Run, i: number) => string) => console.log(`${label.padEnd(30)}${runs.map((r, i) => f(r, i).padStart(20)).join('')}`);
    row('', (_, i) => `run ${i + 1}`);
    row('requests/s (mean)', (r) => r.result.requests.average.toFixed(0));
    row('latency p50 / p99', (r) => `${r.result.latency.p50} / ${r.result.latency.p99} ms`);
    row('answers', (r) => String(r.result.requests.total));
    // What one answer costs the server, whatever else the machine is doing.
    row('server CPU per answer', (r) => `${(r.cpu / Math.max(r.result.requests.total, 1)).toFixed(1)} ms`);
    row('not 2xx', (r) => String(r.result.non2xx));
    const count = (r: Run, kind: (key: string) => boolean) => [...r.failures].filter(([k]) => kind(k)).reduce((n, [, v]) => n + v, 0);
    const is5xx = (key: string) => key.startsWith('5');
    row("  Berth's own 5xx", (r) => String(count(r, isBerths)));
    row('  5xx caused by the registry', (r) => String(count(r, (k) => is5xx(k) && !isBerths(k))));
    row('  4xx', (r) => String(count(r, (k) => k.startsWith('4'))));
    row('connection errors (timeouts)', (r) => `${r.result.errors} (${r.result.timeouts})`);
    row('server VmRSS after the run', (_, i) => mib(after[i]?.rss ?? NaN));
    for (const [i, r] of runs.entries()) {
      for (const [key, n] of r.failures) console.log(`  run ${i + 1}: ${n} × ${key}${isBerths(key) ? " (Berth's own)" : ''}`);
    }
    const [first, last] = [after[0], after[after.length - 1]];
    if (first && last) {
      const grew = last.rss - first.rss;
      console.log(
        `\nserver memory (VmRSS): before ${mib(before.rss)}, after run 1 ${mib(first.rss)}, after run ${after.length} ${mib(last.rss)}: ${grew >= 0 ? '+' : ''}${grew.toFixed(0)} MiB since run 1 (${(last.rss / first.rss).toFixed(2)}× run 1's); peak ${mib(last.peak)}`,
      );
    }
  } finally {
    await server?.stop();
    await registry.stop();
    await issuer.stop();
  }
}
