// An image's filesystem as its container sees it: layer tables of contents (./tar.ts) applied in
// order, with OCI whiteouts honoured (image-spec "Applying Changesets"): `.wh.NAME` removes NAME of
// the layers below, `.wh..wh..opq` removes everything the layers below put in its directory; an
// entry replaces what was at its path (a directory over a directory keeps what is in it). Computed
// from tables of contents only: no layer is read again. Also what each layer does on its own
// (what it adds, changes and deletes) and the bytes wasted: file content a later layer overwrites
// or deletes, which every pull still downloads.
import type { TocEntry } from './tar';

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

export interface FsNode {
  entry: TocEntry;
  /** The layer (1-based) that last put this entry here. */
  layer: number;
  /** Directories: what is in them, by name. */
  children?: Map<string, FsNode>;
  /** A directory no layer lists, made to hold what a layer put in it. */
  implied?: boolean;
}

export interface MergedImage {
  root: FsNode;
  /** Bytes of file content in a layer that a later layer overwrote or deleted. */
  wastedBytes: number;
  /** Per layer (index 0 is layer 1): its own files and their bytes, and its share of the waste. */
  layers: Array<{ files: number; bytes: number; wastedBytes: number }>;
}

/** One entry of a layer seen on its own: whiteouts become the deletions they stand for. */
export type LayerChange = (TocEntry & { deleted?: false }) | { path: string; deleted: true; opaque?: boolean };

const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

function directory(path: string, layer: number): FsNode {
  return { entry: { path, type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: 0 }, layer, children: new Map(), implied: true };
}

/** Every regular file below (and at) `node`, with its layer. */
export function* filesIn(node: FsNode): Generator<FsNode> {
  if (node.entry.type === 'file') yield node;
  for (const child of node.children?.values() ?? []) yield* filesIn(child);
}

/** A layer's entries as changes: `.wh.NAME` is NAME deleted, `.wh..wh..opq` the directory emptied of what is below. */
export function layerChanges(toc: readonly TocEntry[]): LayerChange[] {
  return toc.flatMap((entry): LayerChange[] => {
    const name = nameOf(entry.path);
    if (name === OPAQUE) return [{ path: parentOf(entry.path), deleted: true, opaque: true }];
    if (name.startsWith(WHITEOUT)) {
      const parent = parentOf(entry.path);
      const target = name.slice(WHITEOUT.length);
      return [{ path: parent ? `${parent}/${target}` : target, deleted: true }];
    }
    return [entry];
  });
}

/** The image's filesystem from its layers' tables of contents, lowest layer first. */
export function mergeLayers(tocs: readonly (readonly TocEntry[])[]): MergedImage {
  const root: FsNode = directory('', 0);
  const layers = tocs.map(() => ({ files: 0, bytes: 0, wastedBytes: 0 }));
  let wastedBytes = 0;
  const waste = (node: FsNode) => {
    for (const file of filesIn(node)) {
      wastedBytes += file.entry.size;
      layers[file.layer - 1]!.wastedBytes += file.entry.size;
    }
  };
  /** The directory node at `path`, made (implied) where missing; a non-directory in the way is replaced. */
  const dirAt = (path: string, layer: number): FsNode => {
    let node = root;
    if (path === '') return node;
    let walked = '';
    for (const part of path.split('/')) {
      walked = walked ? `${walked}/${part}` : part;
      let child = node.children!.get(part);
      if (!child?.children) {
        if (child) waste(child);
        child = directory(walked, layer);
        node.children!.set(part, child);
      }
      node = child;
    }
    return node;
  };

  tocs.forEach((toc, i) => {
    const layer = i + 1;
    const changes = layerChanges(toc);
    // Deletions apply to the layers below, before this layer's own entries.
    for (const change of changes) {
      if (!change.deleted) continue;
      if (change.opaque) {
        const dir = nodeAt(root, change.path);
        if (dir?.children) {
          for (const child of dir.children.values()) waste(child);
          dir.children = new Map();
        }
        continue;
      }
      const parent = nodeAt(root, parentOf(change.path));
      const gone = parent?.children?.get(nameOf(change.path));
      if (gone) {
        waste(gone);
        parent!.children!.delete(nameOf(change.path));
      }
    }
    for (const change of changes) {
      if (change.deleted) continue;
      if (change.type === 'file') {
        layers[i]!.files++;
        layers[i]!.bytes += change.size;
      }
      if (change.path === '') {
        root.entry = change;
        root.layer = layer;
        root.implied = false;
        continue;
      }
      const parent = dirAt(parentOf(change.path), layer);
      const name = nameOf(change.path);
      const before = parent.children!.get(name);
      if (change.type === 'dir' && before?.children) {
        // A directory over a directory: its metadata changes, what is in it stays.
        before.entry = change;
        before.layer = layer;
        before.implied = false;
        continue;
      }
      if (before) waste(before);
      parent.children!.set(name, { entry: change, layer, ...(change.type === 'dir' ? { children: new Map() } : {}) });
    }
  });
  return { root, wastedBytes, layers };
}

/** The node at `path` ("" or "/" for the root), or undefined. */
export function lookup(image: MergedImage, path: string): FsNode | undefined {
  return nodeAt(
    image.root,
    path
      .split('/')
      .filter((p) => p !== '' && p !== '.')
      .join('/'),
  );
}

/** The node at a canonical `path` below `root` ("usr/lib"; "" is `root` itself), links not followed. */
export function nodeAt(root: FsNode, path: string): FsNode | undefined {
  let node: FsNode | undefined = root;
  for (const part of path ? path.split('/') : []) node = node?.children?.get(part);
  return node;
}

/** Largest first; of equal size, in path order. */
const bySize = (a: FsNode, b: FsNode) => b.entry.size - a.entry.size || (a.entry.path < b.entry.path ? -1 : a.entry.path > b.entry.path ? 1 : 0);

/** The `n` largest files of the image, largest first (of equal size, in path order). */
export function largestFiles(image: MergedImage, n: number): FsNode[] {
  const top: FsNode[] = [];
  if (n <= 0) return top;
  for (const file of filesIn(image.root)) {
    if (top.length === n && bySize(file, top[n - 1]!) >= 0) continue;
    top.push(file);
    top.sort(bySize);
    if (top.length > n) top.pop();
  }
  return top;
}
