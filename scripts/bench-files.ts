// npm run bench, files inside an image: what opening an image's files costs against the plain
// tools a person would reach for instead, on the same machine in the same run. A real anonymous
// CNCF distribution registry behind a counting proxy; Berth's production build (the standalone
// server) in front of the proxy, started once and warmed up on the small "files" test image. Images:
// - `big` (e2e/fixtures/files-image.ts, built with buildah; needs root): one gzip layer holding
//   /data/big.bin, 100 MB of incompressible pseudo-random bytes, so a ~100 MB blob, pushed with
//   skopeo --preserve-digests;
// - `many`: one gzip layer of 20,000 small files (GNU tar + gzip), pushed over HTTP.
// Every run mounts the image's blobs into a repository of its own (a cross-repository blob mount,
// no bytes copied): Berth keeps tables of contents by registry, repository and digest, so each
// run's first open is cold without restarting the server (whose code stays warm, as in service).
// Measured, each the median of the runs after a warm-up run, with the range:
// 1. the first open (GET files?path=/ on a cold cache) against `curl BLOB | tar -tz` of the same
//    blob through the same proxy, as a ratio (target ≤ 1.3×); the registry requests it took;
// 2. the second open (the tables kept): ms (target ≤ 200 ms), and its registry requests (target 0 blob GETs);
// 3. Berth's memory during the first open: VmRSS sampled every 50 ms, and VmHWM (reset before
//    through /proc/PID/clear_refs), each minus VmRSS just before (target 64 MiB);
// 4. the whole 100 MB file downloaded (GET file/download, received by curl) against curl of the
//    blob alone, and against `curl BLOB | tar -xzO FILE`: bytes/s and the ratios; and the preview
//    (GET file), which reads only the start (the file is the layer's only one: none lies further in);
// 5. where the first open's time goes: Berth's own steps (lib/registry/layers) in this process on
//    the blob in memory, and gzip -dc / tar -tzf on the registry's file of it;
// 6. that GET files/progress answers part-way reads during a first open (the warm-up run's);
// 7. the first open of the big image converted to eStargz (containerd's ctr-remote,
//    e2e/fixtures/estargz.ts): its table of contents read from the layer's end, against the same
//    baseline and against the gzip image's first open;
// 8. a file at the end of the big layer (a small text after the big file) previewed, tables
//    known: from the gzip image (the layer read up to it) against `curl BLOB | tar -xzO FILE`, and
//    from the eStargz image (one Range request).
// The baselines run before Berth in even runs and after it in odd ones, so drift touches both.
// BENCH_SKIP_FILES=1 skips this part; BENCH_FILES_BYTES sets the big file's size (100000000),
// BENCH_FILES_MANY the small files' count (20000). Needs root (buildah, containerd), skopeo, ctr-remote, curl, GNU tar, gzip.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import {
  FILES_BIG_IMAGE,
  MT,
  buildEstargz,
  OciLayout,
  RegistryHttpClient,
  buildFilesImages,
  pushLayoutOverHttp,
  skopeoCopy,
  startRegistry,
  type Descriptor,
} from '../e2e/fixtures';
import type { FileBody, FilesBody, FilesProgressBody } from '../lib/api/types';
import { decompressed } from '../lib/registry/layers/decompress';
import { readTarToc } from '../lib/registry/layers/tar';
import { countingProxy, type BerthServer } from './bench-details';

const execFileP = promisify(execFile);

const BIG_BYTES = Number(process.env.BENCH_FILES_BYTES ?? 100_000_000);
const MANY = Number(process.env.BENCH_FILES_MANY ?? 20_000);
const WARM = 'bench/files-warm';
const SOURCE = { big: 'bench/files-big', many: 'bench/files-many', estargz: 'bench/files-big-estargz' } as const;
type Kind = keyof typeof SOURCE;
const LAST = FILES_BIG_IMAGE.last;
const MiB = 1024 * 1024;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};

/** "412 ms (398–455)": the median and the range of the runs. */
function spread(xs: number[], digits = 0, unit = ''): string {
  const f = (v: number) => v.toFixed(digits);
  return xs.length === 1 ? `${f(xs[0] ?? NaN)}${unit}` : `${f(median(xs))}${unit} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
}

export interface FilesBenchOptions {
  repeats: number;
  startBerth: (env: Record<string, string>) => Promise<BerthServer>;
}

/** An image in the registry: its manifest and the blobs a new repository needs mounted. */
interface Pushed {
  repository: string;
  manifest: { digest: string; mediaType: string; body: Buffer };
  layer: Descriptor;
  config: Descriptor;
}

/** What the registry was asked, by kind: "1 manifest GET, 1 blob GET". */
function requestsOf(seen: string[]): { text: string; blobGets: number; manifestGets: number; total: number } {
  const kinds = new Map<string, number>();
  let blobGets = 0;
  let manifestGets = 0;
  for (const line of seen) {
    const [method = '', path = ''] = line.split(' ');
    const what = /\/manifests\//.test(path) ? 'manifest' : /\/blobs\//.test(path) ? 'blob' : path.split('?')[0] === '/v2/' ? 'ping' : 'other';
    if (method === 'GET' && what === 'blob') blobGets++;
    if (method === 'GET' && what === 'manifest') manifestGets++;
    const k = `${what} ${method}`;
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  const text = kinds.size ? [...kinds].map(([k, n]) => `${n} ${k}`).join(', ') : 'none';
  return { text, blobGets, manifestGets, total: seen.length };
}

/** The most frequent request summary of the runs (they should all be alike), and whether they were. */
function usual(texts: string[]): string {
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
  const [top = ''] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  return counts.size > 1 ? `${top} (in ${counts.get(top)} of ${texts.length} runs; others: ${[...counts.keys()].filter((t) => t !== top).join(' / ')})` : top;
}

/** Wall time of a shell pipeline, and what it printed. */
async function timeShell(script: string): Promise<{ ms: number; out: string }> {
  const t0 = performance.now();
  const { stdout } = await execFileP('sh', ['-c', script], { maxBuffer: 16 * MiB });
  return { ms: performance.now() - t0, out: stdout.trim() };
}

/** A process's memory now, in bytes: resident, and the peak since the last clear_refs. */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kB('VmRSS'), hwm: kB('VmHWM') };
}

/** Sets the peak resident memory (VmHWM) back to the current one (Linux, as root). */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Pushes a layout to the anonymous registry at `host` as seeding does (the layers as they are). */
const push = (host: string, layout: { dir: string; tag: string }, repository: string, tag: string) =>
  skopeoCopy({ url: `http://${host}`, host, creds: null }, layout.dir, layout.tag, repository, tag, { preserveDigests: true });

/** A gzip layer of `count` small text files (GNU tar, sorted, owner root, mtime 0), and its image. */
async function manyFilesImage(dir: string, count: number): Promise<OciLayout> {
  const src = join(dir, 'rootfs');
  const perDir = 100;
  for (let d = 0; d * perDir < count; d++) {
    const sub = join(src, 'srv', `d${String(d).padStart(4, '0')}`);
    mkdirSync(sub, { recursive: true });
    for (let f = d * perDir; f < Math.min(count, (d + 1) * perDir); f++) {
      writeFileSync(join(sub, `f${String(f).padStart(5, '0')}.txt`), `small file ${f} of ${count}\n`.padEnd(200, '.') + '\n');
    }
  }
  const tar = join(dir, 'layer.tar');
  await execFileP('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', src, '-cf', tar, 'srv']);
  await execFileP('sh', ['-c', `gzip -n -6 -c "${tar}" > "${tar}.gz"`]);
  const uncompressed = readFileSync(tar);
  const layout = new OciLayout();
  const layer = { mediaType: MT.ociLayerGzip, ...layout.addBlob(readFileSync(`${tar}.gz`)) };
  const config = layout.addJson(MT.ociConfig, {
    created: '1970-01-01T00:00:00Z',
    architecture: 'amd64',
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: [`sha256:${createHash('sha256').update(uncompressed).digest('hex')}`] },
    history: [{ created: '1970-01-01T00:00:00Z', created_by: `berth bench: ${count} small files under /srv (GNU tar + gzip)` }],
  });
  const manifest = layout.addJson(MT.ociManifest, { schemaVersion: 2, mediaType: MT.ociManifest, config, layers: [layer] });
  layout.tag(manifest, 'many');
  return layout;
}

async function pushedImage(client: RegistryHttpClient, repository: string, tag: string): Promise<Pushed> {
  const manifest = await client.getManifest(repository, tag);
  const parsed = JSON.parse(manifest.body.toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
  const [layer] = parsed.layers;
  if (!layer || parsed.layers.length !== 1) throw new Error(`${repository}:${tag}: expected one layer`);
  return { repository, manifest, layer, config: parsed.config };
}

/** The image again in repository `to`, its blobs mounted from where they are (no bytes copied). */
async function mountInto(client: RegistryHttpClient, image: Pushed, to: string): Promise<Pushed> {
  for (const blob of [image.config, image.layer]) {
    if ((await client.mountBlob(to, blob.digest, image.repository)) !== 'mounted') throw new Error(`${blob.digest}: not mounted into ${to}`);
  }
  await client.putManifest(to, image.manifest.digest, image.manifest.mediaType, image.manifest.body);
  return { ...image, repository: to };
}

/** Where Berth's time on a layer goes, in this process on the blob in memory (64 KiB chunks, no network): ms. */
interface Stages {
  /** SHA-256 of the blob (Berth checks the digest). */
  hash: number;
  /** gunzip alone. */
  inflate: number;
  /** gunzip and the tar's table of contents (each file's content hashed on the way). */
  toc: number;
  /** All of it, as lib/registry/client/layers.ts does it. */
  all: number;
}

async function stagesOf(blob: Buffer): Promise<Stages> {
  const CHUNK = 64 * 1024;
  const maxBytes = 64 * 1024 * 1024 * 1024;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < blob.length; at += CHUNK) yield blob.subarray(at, at + CHUNK);
  }
  const time = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };
  const hash = await time(async () => {
    const h = createHash('sha256');
    for await (const chunk of chunks()) h.update(chunk);
    h.digest();
  });
  const inflate = await time(async () => {
    for await (const chunk of decompressed(chunks(), { maxBytes })) void chunk;
  });
  const toc = await time(() => readTarToc(decompressed(chunks(), { maxBytes })));
  const all = await time(async () => {
    const h = createHash('sha256');
    async function* hashed() {
      for await (const chunk of chunks()) {
        h.update(chunk);
        yield chunk;
      }
    }
    await readTarToc(decompressed(hashed(), { maxBytes }));
    h.digest();
  });
  return { hash, inflate, toc, all };
}

interface OpenRun {
  /** First open (cold) and its baseline, ms. */
  first: number;
  baseline: number;
  /** The baseline straight to the registry, without the proxy. */
  direct: number;
  firstRequests: string;
  second: number;
  secondRequests: string;
  secondBlobGets: number;
  /** Bytes: VmRSS just before, the sampled peak, VmHWM after; and how many samples were taken. */
  idle: number;
  sampledPeak: number;
  hwm: number;
  samples: number;
}

/** The big layer's last file (a small text after the big one) previewed, its tables known: ms and registry requests. */
interface NearEndRun {
  gzip: number;
  gzipRequests: string;
  /** `curl BLOB | tar -xzO LAST`: the file out of the blob without Berth. */
  extract: number;
  estargz: number;
  estargzRequests: string;
}

interface DownloadRun {
  download: number;
  downloadBytes: number;
  blobOnly: number;
  /** `curl BLOB | tar -xzO FILE`: the file out of the blob without Berth. */
  extract: number;
  downloadRequests: string;
  preview: number;
  previewRequests: string;
}

export async function filesBench({ repeats, startBerth }: FilesBenchOptions): Promise<string[]> {
  if (process.getuid?.() !== 0) {
    console.log('\nFiles inside an image: skipped (building the test image with buildah needs root).');
    return [];
  }
  const work = mkdtempSync(join(tmpdir(), 'berth-bench-files-'));
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  process.once('exit', removeWork);
  const registry = await startRegistry({ mode: 'anonymous' });
  const proxy = await countingProxy(registry.url);
  let berth: BerthServer | undefined;
  const runs: {
    big: OpenRun[];
    many: OpenRun[];
    estargz: OpenRun[];
    download: DownloadRun[];
    nearEnd: NearEndRun[];
    stages: Stages[];
    tools: Array<{ gzip: number; tar: number }>;
  } = {
    big: [],
    many: [],
    estargz: [],
    nearEnd: [],
    download: [],
    stages: [],
    tools: [],
  };
  const progress = { polls: 0, partial: 0, lastRead: 0 };
  let hwmWorks = false;
  let warmUp: OpenRun | undefined;
  const sizes = { bigBlob: 0, manyBlob: 0, manyFiles: 0, estargzBlob: 0 };
  let seeded = NaN;
  try {
    const t0 = performance.now();
    const [images, many] = await Promise.all([buildFilesImages(join(work, 'images'), { bigLayerBytes: BIG_BYTES }), manyFilesImage(join(work, 'many'), MANY)]);
    if (!images.big) throw new Error('buildFilesImages made no big image');
    await push(registry.host, images.big, SOURCE.big, 'big');
    await push(registry.host, images.gzip, WARM, 'gzip');
    // The big image converted to eStargz by containerd's ctr-remote: the same files, each layer ending in its table of contents.
    await push(registry.host, await buildEstargz(images.big, join(work, 'estargz'), { tag: 'big' }), SOURCE.estargz, 'big');
    await pushLayoutOverHttp(registry.url, SOURCE.many, 'many', many);
    seeded = (performance.now() - t0) / 1000;
    rmSync(join(work, 'images'), { recursive: true, force: true });
    rmSync(join(work, 'many'), { recursive: true, force: true });
    rmSync(join(work, 'estargz'), { recursive: true, force: true });

    const client = new RegistryHttpClient(registry.url, null);
    const source = {
      big: await pushedImage(client, SOURCE.big, 'big'),
      many: await pushedImage(client, SOURCE.many, 'many'),
      estargz: await pushedImage(client, SOURCE.estargz, 'big'),
    };
    const warm = await client.getManifest(WARM, 'gzip');
    sizes.bigBlob = source.big.layer.size;
    sizes.manyBlob = source.many.layer.size;
    sizes.estargzBlob = source.estargz.layer.size;

    berth = await startBerth({ ALLOWED_REGISTRIES: proxy.url });
    const pid = berth.pid;
    if (pid === undefined) throw new Error('Berth started without a process id');
    const origin = berth.origin;
    if (
      !(await fetch(`${origin}/api/health`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      throw new Error(`Berth did not start (${origin})`);
    const api = (resource: string, params: Record<string, string>) =>
      `${origin}/api/registries/${encodeURIComponent(proxy.host)}/${resource}?${new URLSearchParams(params).toString()}`;
    const listRoot = async ({ repository, manifest }: Pick<Pushed, 'repository' | 'manifest'>): Promise<{ ms: number; body: FilesBody }> => {
      const started = performance.now();
      const res = await fetch(api('files', { repository, digest: manifest.digest, path: '/' }), { headers: { accept: 'application/json' } });
      const text = await res.text();
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`files of ${repository}: HTTP ${res.status} ${text.slice(0, 300)}`);
      return { ms, body: JSON.parse(text) as FilesBody };
    };
    const blobUrl = (base: string, image: Pushed) => `${base}/v2/${image.repository}/blobs/${image.layer.digest}`;
    // What a person does without Berth: the blob, listed by tar (GNU tar runs gzip -d); the count checks it listed something.
    const curlTar = async (base: string, image: Pushed) => {
      const r = await timeShell(`curl -sSf '${blobUrl(base, image)}' | tar -tzf - | wc -l`);
      if (!(Number(r.out) > 0)) throw new Error(`curl | tar -tz of ${image.repository} listed nothing`);
      return r.ms;
    };
    /** curl to /dev/null, checked to be a 200 of `bytes` bytes. */
    const curlBytes = async (url: string, bytes: number) => {
      const r = await timeShell(`curl -sS -o /dev/null -w '%{http_code} %{size_download}' '${url}'`);
      if (r.out !== `200 ${bytes}`) throw new Error(`curl ${url}: ${r.out} (expected 200 ${bytes})`);
      return r.ms;
    };

    // Warm-up: the server's code for files, on the small test image.
    await listRoot({ repository: WARM, manifest: warm });

    let sequence = 0;
    const fresh = (kind: Kind) => mountInto(client, source[kind], `bench/files-${kind}-${++sequence}`);

    /** The first open of a fresh repository's image (memory sampled meanwhile), the second, and the baselines. */
    const openRun = async (kind: Kind, r: number, watchProgress: boolean): Promise<OpenRun> => {
      const image = await fresh(kind);
      const baselines = async () => ({ baseline: await curlTar(proxy.url, image), direct: await curlTar(registry.url, image) });
      const before = r % 2 === 0 ? await baselines() : undefined;

      await new Promise((resolve) => setTimeout(resolve, 200)); // let the server settle
      hwmWorks = resetPeak(pid);
      const idle = memoryOf(pid).rss;
      let sampledPeak = idle;
      let samples = 0;
      const sampler = setInterval(() => {
        sampledPeak = Math.max(sampledPeak, memoryOf(pid).rss);
        samples++;
      }, 50);
      let polling = true;
      const poller = watchProgress
        ? (async () => {
            while (polling) {
              const res = await fetch(api('files/progress', { repository: image.repository, digest: image.manifest.digest }));
              if (res.status === 200) {
                const layer = ((await res.json()) as FilesProgressBody).layers[0];
                progress.polls++;
                if (layer && !layer.done && layer.read > 0 && layer.read < layer.size) progress.partial++;
                if (layer && !layer.done) progress.lastRead = Math.max(progress.lastRead, layer.read);
              } else await res.arrayBuffer();
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
          })()
        : undefined;
      proxy.reset();
      let first: { ms: number; body: FilesBody };
      try {
        first = await listRoot(image);
      } finally {
        clearInterval(sampler);
        polling = false;
        await poller;
      }
      const after = memoryOf(pid);
      sampledPeak = Math.max(sampledPeak, after.rss);
      const firstReq = requestsOf(proxy.seen);
      const wanted = kind === 'many' ? 'srv' : 'data';
      if (!first.body.entries.some((e) => e.name === wanted && e.type === 'dir'))
        throw new Error(`files of ${image.repository}: no /${wanted} in ${JSON.stringify(first.body.entries)}`);
      if (kind === 'many') sizes.manyFiles = first.body.files;

      proxy.reset();
      const second = await listRoot(image);
      const secondReq = requestsOf(proxy.seen);
      const after2 = before ?? (await baselines());
      return {
        first: first.ms,
        baseline: after2.baseline,
        direct: after2.direct,
        firstRequests: firstReq.text,
        second: second.ms,
        secondRequests: secondReq.text,
        secondBlobGets: secondReq.blobGets,
        idle,
        sampledPeak,
        hwm: hwmWorks ? after.hwm : NaN,
        samples,
      };
    };

    /** The whole big file downloaded through Berth (its tables known), and the blob alone. */
    const downloadRun = async (r: number): Promise<DownloadRun> => {
      const image = await fresh('big');
      await listRoot(image); // the tables of contents, as a person opening the file has them
      const url = api('file/download', { repository: image.repository, digest: image.manifest.digest, path: FILES_BIG_IMAGE.path });
      const baselines = async () => {
        const blob = await curlBytes(blobUrl(proxy.url, image), image.layer.size);
        // tar is last in the pipeline, so its status is the shell's: it fails where the file is not found.
        const out = await timeShell(`curl -sSf '${blobUrl(proxy.url, image)}' | tar -xzOf - '${FILES_BIG_IMAGE.path.slice(1)}' > /dev/null`);
        return { blob, extract: out.ms };
      };
      const before = r % 2 === 0 ? await baselines() : undefined;
      proxy.reset();
      const download = await curlBytes(url, BIG_BYTES);
      const downloadRequests = requestsOf(proxy.seen).text;
      proxy.reset();
      const started = performance.now();
      const res = await fetch(api('file', { repository: image.repository, digest: image.manifest.digest, path: FILES_BIG_IMAGE.path }));
      await res.arrayBuffer();
      const preview = performance.now() - started;
      if (res.status !== 200) throw new Error(`file ${FILES_BIG_IMAGE.path}: HTTP ${res.status}`);
      const previewRequests = requestsOf(proxy.seen).text;
      const base = before ?? (await baselines());
      return { download, downloadBytes: BIG_BYTES, blobOnly: base.blob, extract: base.extract, downloadRequests, preview, previewRequests };
    };

    /** The big layer's last file previewed, in the gzip image and in the eStargz one, their tables known; and the baseline. */
    const nearEndRun = async (r: number): Promise<NearEndRun> => {
      const [gzip, estargz] = [await fresh('big'), await fresh('estargz')];
      await listRoot(gzip);
      await listRoot(estargz);
      const baseline = async () => {
        const out = await timeShell(`curl -sSf '${blobUrl(proxy.url, gzip)}' | tar -xzOf - '${LAST.path.slice(1)}'`);
        if (out.out !== LAST.text.trim()) throw new Error(`curl | tar -xzO ${LAST.path}: ${out.out.slice(0, 100)}`);
        return out.ms;
      };
      const before = r % 2 === 0 ? await baseline() : undefined;
      const previewOf = async (image: Pushed) => {
        proxy.reset();
        const started = performance.now();
        const res = await fetch(api('file', { repository: image.repository, digest: image.manifest.digest, path: LAST.path }));
        const body = (await res.json()) as FileBody;
        const ms = performance.now() - started;
        if (res.status !== 200 || body.content?.data !== LAST.text) throw new Error(`file ${LAST.path} of ${image.repository}: HTTP ${res.status}`);
        return { ms, requests: requestsOf(proxy.seen).text };
      };
      const g = await previewOf(gzip);
      const e = await previewOf(estargz);
      const extract = before ?? (await baseline());
      return { gzip: g.ms, gzipRequests: g.requests, extract, estargz: e.ms, estargzRequests: e.requests };
    };

    for (let r = 0; r < repeats + 1; r++) {
      const big = await openRun('big', r, r === 0);
      const estargz = await openRun('estargz', r, false);
      const manyRun = await openRun('many', r, false);
      const download = await downloadRun(r);
      const nearEnd = await nearEndRun(r);
      if (r === 0) {
        warmUp = big; // the warm-up, which also watched the progress answers
        continue;
      }
      runs.big.push(big);
      runs.estargz.push(estargz);
      runs.many.push(manyRun);
      runs.download.push(download);
      runs.nearEnd.push(nearEnd);
    }

    // Where the time goes: Berth's steps in this process on the blob in memory, and the baseline's
    // tools on the registry's own file of it (no network either).
    const blob = Buffer.from(await (await fetch(blobUrl(registry.url, source.big))).arrayBuffer());
    const stored = join(registry.dataDir, 'docker/registry/v2/blobs/sha256', source.big.layer.digest.slice(7, 9), source.big.layer.digest.slice(7), 'data');
    for (let r = 0; r < repeats; r++) {
      runs.stages.push(await stagesOf(blob));
      runs.tools.push({ gzip: (await timeShell(`gzip -dc '${stored}' > /dev/null`)).ms, tar: (await timeShell(`tar -tzf '${stored}' > /dev/null`)).ms });
    }
  } finally {
    try {
      berth?.stop();
    } catch {
      // already gone: what failed is the error to see
    }
    await proxy.close();
    await registry.stop();
    removeWork();
    process.off('exit', removeWork);
  }

  const { big, many, download, estargz, nearEnd } = runs;
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const mib = (bytes: number) => (bytes / MiB).toFixed(1);
  const ratio = (rs: OpenRun[]) => rs.map((x) => x.first / x.baseline);
  const within = (value: number, target: number) => (value <= target ? '(met)' : '(not met)');
  const firstRatio = median(ratio(big));
  const second = median(big.map((x) => x.second));
  const grown = big.map((x) => x.sampledPeak - x.idle);
  const grownHwm = big.map((x) => Math.max(0, x.hwm - x.idle));
  const worst = Math.max(...grown, ...grownHwm.filter((x) => !Number.isNaN(x)));
  const downloadRatio = download.map((x) => x.download / x.blobOnly);
  const rate = (bytes: number, ms: number) => `${(((bytes / ms) * 1000) / MiB).toFixed(0)} MiB/s`;
  const n = (x: number) => x.toLocaleString('en-US');
  const stage = (k: keyof Stages) => median(runs.stages.map((x) => x[k]));
  const lines = [
    `| first open of a ${mb(sizes.bigBlob)} gzip layer (a ${mb(BIG_BYTES)} file, a small one after it), cold: GET files?path=/ | ${spread(
      big.map((x) => x.first),
      0,
      ' ms',
    )}: ${firstRatio.toFixed(2)}× the baseline (runs ${Math.min(...ratio(big)).toFixed(2)}–${Math.max(...ratio(big)).toFixed(2)}×; target ≤ 1.3× ${within(firstRatio, 1.3)}) |`,
    `| … baseline: \`curl BLOB \\| tar -tz\` through the same proxy / straight to the registry | ${spread(
      big.map((x) => x.baseline),
      0,
      ' ms',
    )} / ${spread(
      big.map((x) => x.direct),
      0,
      ' ms',
    )} |`,
    `| … registry requests | ${usual(big.map((x) => x.firstRequests))} |`,
    `| first open of the same image as eStargz (converted by ctr-remote; the layer ${mb(sizes.estargzBlob)}), cold: its table of contents read from the layer's end | ${spread(
      estargz.map((x) => x.first),
      1,
      ' ms',
    )}: ${median(ratio(estargz)).toFixed(3)}× \`curl \\| tar -tz\` of its blob (${spread(
      estargz.map((x) => x.baseline),
      0,
      ' ms',
    )}); ${median(estargz.map((x) => x.first)) > 0 ? (median(big.map((x) => x.first)) / median(estargz.map((x) => x.first))).toFixed(0) : '?'}× faster than the gzip image's first open; registry requests: ${usual(
      estargz.map((x) => x.firstRequests),
    )}; memory +${spread(
      estargz.map((x) => Math.max(0, x.hwm - x.idle) / MiB),
      1,
      ' MiB',
    )} (VmHWM) |`,
    `| second open (tables of contents kept): GET files?path=/ | ${spread(
      big.map((x) => x.second),
      1,
      ' ms',
    )} (target ≤ 200 ms ${within(second, 200)}); registry requests: ${usual(big.map((x) => x.secondRequests))} (target 0 blob GETs ${within(
      Math.max(...big.map((x) => x.secondBlobGets)),
      0,
    )}) |`,
    `| Berth's memory during the first open, above its VmRSS just before (${spread(
      big.map((x) => x.idle / MiB),
      0,
      ' MiB',
    )}): VmRSS sampled every 50 ms / VmHWM | ${spread(
      grown.map((x) => x / MiB),
      1,
      ' MiB',
    )} / ${
      hwmWorks
        ? spread(
            grownHwm.map((x) => x / MiB),
            1,
            ' MiB',
          )
        : 'not known (no clear_refs)'
    } (target ≤ 64 MiB ${within(worst / MiB, 64)}; worst run ${mib(worst)} MiB; ${median(big.map((x) => x.samples))} samples a run). The server's first big open (the warm-up run): +${mib(
      warmUp ? Math.max(warmUp.sampledPeak, Number.isNaN(warmUp.hwm) ? 0 : warmUp.hwm) - warmUp.idle : NaN,
    )} MiB over ${mib(warmUp?.idle ?? NaN)} MiB |`,
    `| first open of ${n(sizes.manyFiles)} small files in one ${mb(sizes.manyBlob)} gzip layer, cold | ${spread(
      many.map((x) => x.first),
      0,
      ' ms',
    )}: ${median(ratio(many)).toFixed(2)}× \`curl \\| tar -tz\` (${spread(
      many.map((x) => x.baseline),
      0,
      ' ms',
    )}; runs ${Math.min(...ratio(many)).toFixed(2)}–${Math.max(...ratio(many)).toFixed(2)}×); memory +${spread(
      many.map((x) => Math.max(0, x.hwm - x.idle) / MiB),
      1,
      ' MiB',
    )} (VmHWM) |`,
    `| … second open; registry requests first / second | ${spread(
      many.map((x) => x.second),
      1,
      ' ms',
    )}; ${usual(many.map((x) => x.firstRequests))} / ${usual(many.map((x) => x.secondRequests))} |`,
    `| the whole ${mb(BIG_BYTES)} file downloaded (GET file/download, to curl), tables known | ${spread(
      download.map((x) => x.download),
      0,
      ' ms',
    )}, ${rate(BIG_BYTES, median(download.map((x) => x.download)))}: ${median(downloadRatio).toFixed(2)}× curl of the blob alone (${spread(
      download.map((x) => x.blobOnly),
      0,
      ' ms',
    )}, ${rate(sizes.bigBlob, median(download.map((x) => x.blobOnly)))}; runs ${Math.min(...downloadRatio).toFixed(2)}–${Math.max(...downloadRatio).toFixed(2)}×); registry requests: ${usual(
      download.map((x) => x.downloadRequests),
    )} |`,
    `| … baseline: the file out of the blob, \`curl BLOB \\| tar -xzO ${FILES_BIG_IMAGE.path.slice(1)}\` | ${spread(
      download.map((x) => x.extract),
      0,
      ' ms',
    )}: Berth's download ${median(download.map((x) => x.download / x.extract)).toFixed(2)}× that |`,
    `| its preview (GET file: the layer read up to the file's first 1 MiB, 64 KiB of it shown as hex) | ${spread(
      download.map((x) => x.preview),
      1,
      ' ms',
    )}; registry requests: ${usual(download.map((x) => x.previewRequests))} |`,
    `| a file at the layer's end (${LAST.path}, after the ${mb(BIG_BYTES)} file), its preview (GET file), tables known: gzip / eStargz | ${spread(
      nearEnd.map((x) => x.gzip),
      0,
      ' ms',
    )} (${median(nearEnd.map((x) => x.gzip / x.extract)).toFixed(2)}× \`curl BLOB \\| tar -xzO ${LAST.path.slice(1)}\`, ${spread(
      nearEnd.map((x) => x.extract),
      0,
      ' ms',
    )}; registry requests: ${usual(nearEnd.map((x) => x.gzipRequests))}) / ${spread(
      nearEnd.map((x) => x.estargz),
      1,
      ' ms',
    )} (${median(nearEnd.map((x) => x.estargz / x.extract)).toFixed(3)}× that baseline; registry requests: ${usual(nearEnd.map((x) => x.estargzRequests))}) |`,
    `| where the first open's time goes: Berth's steps on the ${mb(sizes.bigBlob)} blob in memory, one process (SHA-256 of the blob / gunzip / gunzip + tar headers + each file's SHA-256 / all of it; not additive: gunzip runs on libuv's threads beside the hashing) | ${stage('hash').toFixed(0)} / ${stage(
      'inflate',
    ).toFixed(0)} / ${stage('toc').toFixed(0)} / ${stage('all').toFixed(0)} ms; the baseline's tools on the registry's file of the blob: \`gzip -dc\` ${median(
      runs.tools.map((x) => x.gzip),
    ).toFixed(0)} ms, \`tar -tzf\` ${median(runs.tools.map((x) => x.tar)).toFixed(0)} ms |`,
    `| progress answers (GET files/progress every 100 ms during the warm-up's first open) | ${progress.polls} answers, ${progress.partial} of them part way (${mb(progress.lastRead)} read at the last) |`,
  ];
  console.log(
    `\nFiles inside an image (images built and pushed in ${seeded.toFixed(1)} s; anonymous registry behind a counting proxy; Berth started once; a fresh repository per run (blobs mounted) so every first open is cold; median (range) of ${big.length} runs after a warm-up):`,
  );
  for (const l of lines) console.log(`  ${l.replace(/^\| /, '').replace(/ \| /, ': ').replace(/ \|$/, '').replaceAll('\\|', '|')}`);
  return lines;
}
