// An image's files: its layers' tables of contents (layers.ts, each read once as its blob streams
// through) merged as the container sees them (../layers/merge.ts), and a file's bytes read again
// from its layer when someone opens it. Only image manifests have files: an index names one image
// per platform, an artifact's layers are not filesystems.
import type { Descriptor } from '../manifest';
import { RegistryError } from '../errors';
import { filesIn, largestFiles, mergeLayers, type FsNode, type MergedImage } from '../layers/merge';
import { canonicalPath, resolvePath, type FollowedLink } from '../layers/paths';
import type { TocEntry } from '../layers/tar';
import { validateDigest, validateRepository } from '../reference';
import { CONTENT_TTL_MS, contentKey, type Connection } from './connection';
import { getLayerToc, layerFacts, layerProgress, readLayerContent, tocKey } from './layers';
import { getManifest } from './manifests';

/** Layers of one image Berth reads at most. */
export const MAX_IMAGE_LAYERS = 128;
/** Entries of all an image's layers together at most (each layer may hold 500,000): what one merged image may cost. */
export const MAX_IMAGE_ENTRIES = 2_000_000;
/** The largest files of an image, as "where the bytes go" lists them. */
export const LARGEST_FILES = 20;

/** What an image's merged filesystem holds, worked out once and kept with it. */
export interface ImageFilesystem {
  merged: MergedImage;
  largest: FsNode[];
  /** Regular files and their bytes, as the container sees them. */
  files: number;
  bytes: number;
}

export interface ImageFiles {
  digest: string;
  layers: Descriptor[];
  tocs: TocEntry[][];
  fs: ImageFilesystem;
}

/** Layer media types that are filesystem changesets (tar, compressed or not), OCI's and Docker's. */
export function isFilesystemLayer(mediaType: string): boolean {
  return /^application\/vnd\.(oci\.image\.layer(\.nondistributable)?\.v1\.tar|docker\.image\.rootfs\.(foreign\.)?diff\.tar)(\.gzip|\+gzip|\+zstd)?$/.test(
    mediaType,
  );
}

const notAnImage = (message: string) => new RegistryError({ code: 'NOT_AN_IMAGE', message });

/** The layers of image `digest` of `repository`, refused with a sentence where it has no filesystem. */
async function imageLayers(c: Connection, repository: string, digest: string): Promise<Descriptor[]> {
  validateRepository(repository);
  validateDigest(digest);
  const { parsed } = await getManifest(c, repository, digest);
  if (parsed.kind === 'index') {
    throw notAnImage(`${digest} is an index of ${parsed.manifest.manifests.length} images (one per platform, say); open the files of one of them.`);
  }
  if (parsed.kind === 'legacy') throw notAnImage(`${digest} is a Docker schema 1 manifest; Berth lists the files of schema 2 and OCI images only.`);
  const { layers } = parsed.manifest;
  const other = layers.find((layer) => !isFilesystemLayer(layer.mediaType));
  if (other) throw notAnImage(`${digest} is an artifact, not a container image: its layers (${other.mediaType}) are not filesystems.`);
  if (layers.length > MAX_IMAGE_LAYERS)
    throw notAnImage(`${digest} has ${layers.length} layers; Berth lists the files of images of at most ${MAX_IMAGE_LAYERS}.`);
  return layers;
}

/** What a merged filesystem takes in memory, roughly: a node and a map slot per entry (the entries are the tables'). */
function filesystemBytes(tocs: readonly TocEntry[][]): number {
  return tocs.reduce((sum, toc) => sum + toc.length * 120, 0);
}

/** Image `digest`'s layers read (each once, for everyone) and merged. */
export async function getImageFiles(c: Connection, repository: string, digest: string): Promise<ImageFiles> {
  const layers = await imageLayers(c, repository, digest);
  const tocs: TocEntry[][] = [];
  let entries = 0;
  // One after another: a person reads one layer at a time (layers.ts), so the first is done soonest.
  for (const layer of layers) {
    const toc = await getLayerToc(c, repository, layer.digest, layerFacts(layer));
    entries += toc.length;
    if (entries > MAX_IMAGE_ENTRIES) {
      throw notAnImage(`${digest}'s first ${tocs.length + 1} layers hold ${entries} entries; Berth lists the files of images of at most ${MAX_IMAGE_ENTRIES}.`);
    }
    tocs.push(toc);
  }
  // Every table was served to this connection, so the registry let it read the repository.
  const key = contentKey(c, repository, digest);
  let fs = c.context.mergedImages.get(key);
  if (fs === undefined) {
    const merged = mergeLayers(tocs);
    fs = { merged, largest: largestFiles(merged, LARGEST_FILES), files: 0, bytes: 0 };
    for (const node of filesIn(merged.root)) {
      fs.files++;
      fs.bytes += node.entry.size;
    }
    c.context.mergedImages.set(key, fs, CONTENT_TTL_MS, filesystemBytes(tocs));
  }
  return { digest, layers, tocs, fs };
}

/** How far one layer of an image has been read for its files. */
export interface LayerReadProgress {
  digest: string;
  size: number;
  read: number;
  done: boolean;
}

/**
 * How far each layer of image `digest` has been read: all of it once its table is known. With the
 * tables as far as they are read (`tocs`: a layer's whole table, the entries found so far of the
 * one being read, nothing of those not begun).
 */
export async function imageFilesProgress(
  c: Connection,
  repository: string,
  digest: string,
): Promise<{ layers: LayerReadProgress[]; tocs: Array<readonly TocEntry[] | undefined> }> {
  const layers = await imageLayers(c, repository, digest);
  const tocs: Array<readonly TocEntry[] | undefined> = [];
  const progress = layers.map((layer) => {
    const key = tocKey(c, repository, layer.digest, layerFacts(layer).tocDigest);
    const known = c.context.layerTocs.get(key);
    if (known !== undefined) {
      tocs.push(known);
      return { digest: layer.digest, size: layer.size, read: layer.size, done: true };
    }
    const reading = layerProgress(c, key);
    tocs.push(reading?.found);
    return { digest: layer.digest, size: layer.size, read: Math.min(layer.size, reading?.done ?? 0), done: false };
  });
  return { layers: progress, tocs };
}

/** A file of an image as found: its node (after links), where, and the links followed to it. */
export interface FoundFile {
  node: FsNode;
  path: string;
  followed: FollowedLink[];
}

const noSuchFile = (message: string) => new RegistryError({ code: 'NO_SUCH_FILE', message });

/** The entry at `path` of `image`, links followed; a path that names nothing is refused with a sentence. */
export function findFile(image: ImageFiles, path: string): FoundFile {
  const found = resolvePath(image.fs.merged.root, path);
  const shown = `/${canonicalPath(path)}`;
  if (!found.found) {
    if (found.why === 'loop') throw noSuchFile(`${shown} leads through more links than Berth follows (a loop?): the last was ${found.path}.`);
    const via = found.followed.length > 0 ? ` (following ${found.followed.map((l) => `${l.from} → ${l.to}`).join(', ')})` : '';
    throw noSuchFile(`This image has no ${found.path}${via}.`);
  }
  return { node: found.node, path: found.path, followed: found.followed };
}

/**
 * Where a file's content lies: the layer that put it there and its place in that layer's tar. A
 * hard link's content is its target's, in the same layer.
 */
export function contentOf(image: ImageFiles, node: FsNode): { layer: Descriptor; entry: TocEntry } {
  const layer = image.layers[node.layer - 1]!;
  if (node.entry.type === 'hardlink') {
    const target = canonicalPath(node.entry.link ?? '');
    const entry = image.tocs[node.layer - 1]!.find((e) => e.path === target && e.type === 'file');
    if (entry === undefined) throw noSuchFile(`/${node.entry.path} is a hard link to /${target}, which its layer does not hold.`);
    return { layer, entry };
  }
  // An empty file has its content (none) wherever it is; a file with bytes needs their place.
  if (node.entry.type !== 'file' || (node.entry.size > 0 && node.entry.offset === undefined && node.entry.blob === undefined)) {
    throw noSuchFile(`/${node.entry.path} is ${node.entry.type === 'dir' ? 'a directory' : `a ${node.entry.type}`}, not a file with content.`);
  }
  return { layer, entry: node.entry };
}

/** Up to `limit` bytes of a file's content, from its start, handed to `take` as they pass. */
export function readFileContent<T>(
  c: Connection,
  repository: string,
  image: ImageFiles,
  node: FsNode,
  limit: number,
  take: (bytes: AsyncIterable<Uint8Array>) => Promise<T>,
): Promise<T> {
  const { layer, entry } = contentOf(image, node);
  return readLayerContent(c, repository, layer.digest, entry, Math.min(entry.size, limit), take);
}
