// A small OCI image made of three real layers (GNU tar; gzip, gzip and zstd), an index of it and
// an artifact, served by the stub registry: what the tests of an image's files read. For tests
// only: no production code imports it.
import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { RegistryClient } from './client/index';
import { MediaType, sha256Digest } from './manifest';
import type { TransportRequest } from './net/transport';
import type { HttpResponse } from './net/http';
import { REGISTRY, respond, testContext, testRegistry, type Answer } from './test-registry';

const dir = mkdtempSync(join(tmpdir(), 'berth-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A layer made by GNU tar from `files` (path → content, or a symlink / hard link), compressed with `compress`. */
function layer(
  name: string,
  files: Record<string, string | Buffer | { symlink: string } | { hardlink: string } | { mode: number; content: string }>,
  compress: string[],
): Buffer {
  const root = join(dir, name);
  for (const [path, what] of Object.entries(files)) {
    const at = join(root, path);
    mkdirSync(join(at, '..'), { recursive: true });
    if (typeof what === 'string' || Buffer.isBuffer(what)) writeFileSync(at, what);
    else if ('symlink' in what) symlinkSync(what.symlink, at);
    else if ('hardlink' in what) linkSync(join(root, what.hardlink), at);
    else {
      writeFileSync(at, what.content);
      chmodSync(at, what.mode);
    }
  }
  const tar = execFileSync('tar', ['-C', root, '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-cf', '-', '.']);
  return execFileSync(compress[0]!, compress.slice(1), { input: tar });
}

export const binary = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
export const layers = [
  layer(
    'one',
    { 'etc/os-release': 'NAME="One"\n', 'usr/lib/libx.so.1': binary, 'usr/lib/libx.so': { symlink: 'libx.so.1' }, 'tmp/gone.txt': 'x'.repeat(1000) },
    ['gzip', '-c', '-n'],
  ),
  layer(
    'two',
    { 'tmp/.wh.gone.txt': '', 'usr/bin/tool': { mode: 0o755, content: '#!/bin/sh\necho tool\n' }, 'usr/bin/tool-link': { hardlink: 'usr/bin/tool' } },
    ['gzip', '-c', '-n'],
  ),
  layer('three', { 'etc/os-release': 'NAME="Three"\nVERSION=3\n' }, ['zstd', '-c', '-q']),
];
const layerTypes = [
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
];
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, history: [] }));
/** The image of the first `count` layers. */
const manifestOf = (count: number) =>
  Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: sha256Digest(config), size: config.length },
      layers: layers.slice(0, count).map((bytes, i) => ({ mediaType: layerTypes[i], digest: sha256Digest(bytes), size: bytes.length })),
    }),
  );
const manifest = manifestOf(3);
/** The image: all three layers. */
export const image = sha256Digest(manifest);
const earlierManifest = manifestOf(2);
/** The image before its third layer (the one that rewrote /etc/os-release). */
export const earlier = sha256Digest(earlierManifest);
export const index = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [{ mediaType: MediaType.OciManifest, digest: image, size: manifest.length, platform: { os: 'linux', architecture: 'amd64' } }],
  }),
);
export const artifact = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: 'application/vnd.example.chart',
    config: { mediaType: MediaType.OciEmpty, digest: sha256Digest(Buffer.from('{}')), size: 2 },
    layers: [{ mediaType: 'application/vnd.example.chart.v1.tar+gzip', digest: sha256Digest(layers[0]!), size: layers[0]!.length }],
  }),
);

/** An uncompressed layer: its files lie in the blob as they are. */
export const plainLayer = layer('plain', { 'etc/motd': 'a plain tar layer\n', 'etc/empty': '', 'usr/share/data.bin': binary }, ['cat']);
/** A gzip layer holding files named as eStargz's own entries are, in an image that does not say it is eStargz: they are its files. */
export const lookalikeLayer = layer('lookalike', { 'stargz.index.json': '{}', '.no.prefetch.landmark': 'x', 'etc/motd': 'hi\n' }, ['gzip', '-c', '-n']);
const imageOf = (descriptors: Array<{ mediaType: string; digest: string; size: number; annotations?: Record<string, string> }>) =>
  Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: sha256Digest(config), size: config.length },
      layers: descriptors,
    }),
  );
const plainManifest = imageOf([{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256Digest(plainLayer), size: plainLayer.length }]);
/** The image of the uncompressed layer alone. */
export const plainImage = sha256Digest(plainManifest);

// The same three layers as the files view's test image, converted to eStargz by a real tool (testdata/estargz/README.md).
/** Where the eStargz layers lie: from the repository's root, where the tests run (bundled for mutation testing, a test file has moved). */
export const ESTARGZ_TESTDATA = join(process.cwd(), 'lib', 'registry', 'layers', 'testdata', 'estargz');
const estargzDir = ESTARGZ_TESTDATA;
type LayerDescriptor = { mediaType: string; digest: string; size: number; annotations: Record<string, string> };
export const estargzDescriptors = (JSON.parse(readFileSync(join(estargzDir, 'layers.json'), 'utf8')) as { layers: LayerDescriptor[] }).layers;
export const estargzLayers = [1, 2, 3].map((n) => readFileSync(join(estargzDir, `layer${n}.tar.gz`)));
const estargzManifest = imageOf(estargzDescriptors);
/** The eStargz image: three layers whose manifest names their tables of contents. */
export const estargzImage = sha256Digest(estargzManifest);
const wrongTocManifest = imageOf(
  estargzDescriptors.map((d) => ({
    ...d,
    annotations: { ...d.annotations, 'containerd.io/snapshot/stargz/toc.digest': sha256Digest(Buffer.from('another table')) },
  })),
);
/** The same layers, with a manifest naming tables of contents they do not hold. */
export const wrongTocImage = sha256Digest(wrongTocManifest);
const wrongSizeManifest = imageOf(estargzDescriptors.map((d) => ({ ...d, size: d.size + 1000 })));
/** The same layers, with a manifest giving each a size 1000 bytes larger than it is. */
export const wrongSizeImage = sha256Digest(wrongSizeManifest);

const lookalikeManifest = imageOf([
  { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256Digest(lookalikeLayer), size: lookalikeLayer.length },
]);
export const lookalikeImage = sha256Digest(lookalikeManifest);

const manifests = new Map([
  [image, manifest],
  [earlier, earlierManifest],
  [sha256Digest(index), index],
  [sha256Digest(artifact), artifact],
  [plainImage, plainManifest],
  [estargzImage, estargzManifest],
  [wrongTocImage, wrongTocManifest],
  [wrongSizeImage, wrongSizeManifest],
  [lookalikeImage, lookalikeManifest],
]);
const blobs = new Map([...layers, plainLayer, lookalikeLayer, ...estargzLayers].map((bytes) => [sha256Digest(bytes), bytes]));

/**
 * An image of `layers` (each a blob the stub registry serves, unless `missing`, with its
 * annotations), added to what the stub registries hold: its manifest's digest.
 */
export function imageOfLayers(layerBlobs: Array<{ bytes: Buffer; annotations?: Record<string, string>; missing?: boolean }>): string {
  const doc = imageOf(
    layerBlobs.map(({ bytes, annotations }) => ({
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: sha256Digest(bytes),
      size: bytes.length,
      ...(annotations ? { annotations } : {}),
    })),
  );
  for (const { bytes, missing } of layerBlobs) if (!missing) blobs.set(sha256Digest(bytes), bytes);
  manifests.set(sha256Digest(doc), doc);
  return sha256Digest(doc);
}

/** A Range request's answer, where the registry honours it: the bytes asked for, or 416 where there are none. */
function ranged(blob: Buffer, range: string, { shift = 0, pad = 0, contentRange = (h: string) => h }: RangeAnswers): Answer {
  const match = /^bytes=(\d+)-(\d+)$/.exec(range);
  const start = Number(match?.[1]) + shift;
  const end = Math.min(Number(match?.[2]), blob.length - 1);
  if (!match || start > end) return { status: 416, headers: { 'content-range': `bytes */${blob.length}` } };
  const body = pad >= 0 ? Buffer.concat([blob.subarray(start, end + 1), Buffer.alloc(pad, 7)]) : blob.subarray(start, end + 1 + pad);
  return { status: 206, headers: { 'content-range': contentRange(`bytes ${start}-${end}/${blob.length}`), 'content-length': String(body.length) }, body };
}

/** How the stub registry answers ranges, where it does (see `registryOf`). */
interface RangeAnswers {
  /** Every range answered moved by that many bytes (a registry answering other bytes). */
  shift?: number;
  /** Bytes added to (or, negative, taken from) every range's body, its Content-Range unchanged. */
  pad?: number;
  /** The Content-Range header as sent. */
  contentRange?: (header: string) => string;
}

/**
 * The stub registry holding the images; `gate` (when given) holds each blob GET until it
 * resolves, or until the request is ended; `ranges` (when given) says whether it answers a Range
 * request with those bytes (206) or, as a registry that ignores the header, with the whole blob
 * (RangeAnswers: how it gets them wrong).
 */
export function registryOf(options: { gate?: (req: TransportRequest) => Promise<void>; ranges?: () => boolean } & RangeAnswers = {}) {
  const seen: string[] = [];
  const context = testContext();
  const { transport } = testRegistry(
    async (req): Promise<Answer> => {
      const last = req.url.pathname.split('/').pop() ?? '';
      const range = req.headers.range;
      seen.push(`${req.method} ${req.url.pathname.includes('/blobs/') ? 'blob' : 'manifest'} ${last.slice(7, 19)}${range ? ` ${range}` : ''}`);
      const doc = manifests.get(last);
      if (req.url.pathname.includes('/manifests/') && doc) {
        return { headers: { 'content-type': (JSON.parse(doc.toString()) as { mediaType: string }).mediaType, 'docker-content-digest': last }, body: doc };
      }
      const blob = blobs.get(last);
      if (!blob) return { status: 404, body: { errors: [{ code: 'BLOB_UNKNOWN' }] } };
      if (req.method === 'GET' && options.gate) await options.gate(req);
      if (req.method === 'GET' && range !== undefined && options.ranges?.()) return ranged(blob, range, options);
      return { headers: { 'content-length': String(blob.length) }, body: req.method === 'HEAD' ? undefined : blob };
    },
    { handshake: { scheme: 'none' } },
  );
  const as = (client: string, signal?: AbortSignal) =>
    new RegistryClient({ host: 'r.example', baseUrl: REGISTRY, context, transport, scope: { client, ...(signal ? { signal } : {}) } });
  return { as, seen, context };
}

/**
 * The stub registry of the image whose blob GETs send the first half of the blob, then hold the
 * rest until `resume()` (or end with `fail(e)`), for tests of a read under way. `paused()`: a
 * promise of the next GET to reach its pause.
 */
export function pausedRegistryOf() {
  const context = testContext();
  let holding = true;
  let failure: Error | undefined;
  const held: Array<() => void> = [];
  let onPause = () => {};
  const transport = async (req: TransportRequest): Promise<HttpResponse> => {
    const last = req.url.pathname.split('/').pop() ?? '';
    const blob = blobs.get(last);
    if (!req.url.pathname.includes('/blobs/') || req.method !== 'GET' || !blob || !req.consume) return baseTransport(req);
    const half = Math.floor(blob.length / 2);
    async function* chunks() {
      yield blob!.subarray(0, half);
      if (holding) {
        const resumed = new Promise<void>((resolve) => held.push(resolve));
        onPause();
        await resumed;
      }
      if (failure) throw failure;
      yield blob!.subarray(half);
    }
    const res = respond(req, { headers: { 'content-length': String(blob.length) } });
    return { ...res, consumed: await req.consume(chunks(), { status: res.status, headers: res.headers }) };
  };
  const { transport: baseTransport } = testRegistry(
    (req): Answer | undefined => {
      const last = req.url.pathname.split('/').pop() ?? '';
      const doc = manifests.get(last);
      if (req.url.pathname.includes('/manifests/') && doc) {
        return { headers: { 'content-type': (JSON.parse(doc.toString()) as { mediaType: string }).mediaType, 'docker-content-digest': last }, body: doc };
      }
      const blob = blobs.get(last);
      if (!blob) return { status: 404, body: { errors: [{ code: 'BLOB_UNKNOWN' }] } };
      return { headers: { 'content-length': String(blob.length) }, body: req.method === 'HEAD' ? undefined : blob };
    },
    { handshake: { scheme: 'none' } },
  );
  const release = () => {
    holding = false;
    for (const open of held.splice(0)) open();
  };
  return {
    as: (client: string) => new RegistryClient({ host: 'r.example', baseUrl: REGISTRY, context, transport, scope: { client } }),
    context,
    paused: () => new Promise<void>((resolve) => (onPause = resolve)),
    resume: release,
    fail: (e: Error) => {
      failure = e;
      release();
    },
  };
}
