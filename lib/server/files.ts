import 'server-only';
import { createHash } from 'node:crypto';
import type { FileBody, FileRow, FilesBody, FilesDiffBody, FilesProgressBody } from '@/lib/api/types';
import { RegistryError, type RegistryClient } from '@/lib/registry';
import { contentOf } from '@/lib/registry/client/files';
import { diffTrees } from '@/lib/registry/layers/diff';
import { layerChanges, mergeLayers, type FsNode, type LayerChange } from '@/lib/registry/layers/merge';
import { canonicalPath, resolvePath } from '@/lib/registry/layers/paths';
import type { TocEntry } from '@/lib/registry/layers/tar';

// The files of an image as Berth's API answers them (lib/api/endpoints.ts `files`, `file`,
// `fileDownload`): one directory at a time (the merged image, or one layer on its own), one
// file's first bytes, or a file's whole content as a download.

/** Entries of one directory an answer carries at most. */
export const MAX_DIRECTORY_ROWS = 10_000;
/** A text file is shown up to this many bytes. */
export const TEXT_PREVIEW_BYTES = 1024 * 1024;
/** A binary file is shown (as hex) up to this many bytes. */
export const BINARY_PREVIEW_BYTES = 64 * 1024;

function rowOf(entry: TocEntry, name: string, layer: number): FileRow {
  const row: FileRow = { name, type: entry.type, size: entry.size, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime, layer };
  if (entry.uname) row.uname = entry.uname;
  if (entry.gname) row.gname = entry.gname;
  if (entry.link !== undefined) row.link = entry.link;
  return row;
}

function nodeRow(node: FsNode, name: string): FileRow {
  const row = rowOf(node.entry, name, node.layer);
  if (node.children) row.entries = node.children.size;
  if (node.implied) row.implied = true;
  return row;
}

const byName = (a: FileRow, b: FileRow) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const noSuchFile = (message: string) => new RegistryError({ code: 'NO_SUCH_FILE', message });

/** "/usr/lib/" for "usr/lib", "/" for the root. */
const directoryPath = (path: string) => (path === '' ? '/' : `/${path}/`);

/** The directory at `path` of the merged image, links followed. */
function mergedDirectory(root: FsNode, path: string): { path: string; rows: FileRow[] } {
  const found = resolvePath(root, path);
  if (!found.found) throw noSuchFile(`This image has no ${found.path}.`);
  if (!found.node.children) throw noSuchFile(`${found.path} is not a directory in this image; open it as a file.`);
  const rows = [...found.node.children].map(([name, node]) => nodeRow(node, name));
  return { path: canonicalPath(found.path), rows };
}

/**
 * The directory at `path` of layer `layer` seen on its own: what the layer adds or changes there,
 * and what it deletes (whiteouts, shown as deleted entries; an opaque one marks its directory).
 */
function layerDirectory(toc: readonly TocEntry[], layer: number, path: string): { path: string; rows: FileRow[] } {
  const prefix = path === '' ? '' : `${path}/`;
  const rows = new Map<string, FileRow>();
  const below = new Map<string, Set<string>>();
  const implied = (name: string): FileRow => {
    let row = rows.get(name);
    if (row === undefined) {
      row = { name, type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: 0, layer, implied: true };
      rows.set(name, row);
    }
    return row;
  };
  let seen = path === '';
  for (const change of layerChanges(toc) as LayerChange[]) {
    if (change.path === path && path !== '') seen = true;
    if (!change.path.startsWith(prefix) || change.path === path) continue;
    seen = true;
    const rest = change.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    const name = slash === -1 ? rest : rest.slice(0, slash);
    if (slash !== -1) {
      implied(name);
      const names = below.get(name) ?? new Set<string>();
      names.add(rest.slice(slash + 1).split('/')[0]!);
      below.set(name, names);
      continue;
    }
    if (change.deleted) {
      if (change.opaque) implied(name).opaque = true;
      else if (!rows.has(name)) rows.set(name, { name, type: 'deleted', size: 0, mode: 0, uid: 0, gid: 0, mtime: 0, layer });
      continue;
    }
    const row = rowOf(change, name, layer);
    const before = rows.get(name);
    if (before?.opaque) row.opaque = true;
    rows.set(name, row);
  }
  if (!seen) throw noSuchFile(`Layer ${layer} changes nothing at /${path}.`);
  for (const [name, row] of rows) if (row.type === 'dir') row.entries = below.get(name)?.size ?? 0;
  return { path, rows: [...rows.values()] };
}

export async function fetchFilesBody(
  client: RegistryClient,
  repository: string,
  digest: string,
  options: { path?: string; layer?: number },
): Promise<FilesBody> {
  const image = await client.getImageFiles(repository, digest);
  const { layer } = options;
  if (layer !== undefined && layer > image.layers.length) {
    throw new RegistryError({
      code: 'INVALID_REQUEST',
      message: `This image has ${image.layers.length} layer${image.layers.length === 1 ? '' : 's'}; there is no layer ${layer}.`,
    });
  }
  const asked = canonicalPath(options.path ?? '');
  const listed = layer === undefined ? mergedDirectory(image.fs.merged.root, asked) : layerDirectory(image.tocs[layer - 1]!, layer, asked);
  const rows = listed.rows.sort(byName);
  const { merged, largest } = image.fs;
  return {
    repository,
    digest,
    path: directoryPath(listed.path),
    ...(layer !== undefined ? { layer } : {}),
    entries: rows.slice(0, MAX_DIRECTORY_ROWS),
    more: Math.max(0, rows.length - MAX_DIRECTORY_ROWS),
    layers: image.layers.map((l, i) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size, ...merged.layers[i]! })),
    files: image.fs.files,
    bytes: image.fs.bytes,
    wastedBytes: merged.wastedBytes,
    largest: largest.map((node) => ({ path: `/${node.entry.path}`, size: node.entry.size, layer: node.layer })),
  };
}

/** Entries a progress answer lists of what was found so far, at most. */
export const MAX_FOUND_ROWS = 1000;
/** Entries found so far past which a progress answer no longer lists them (merging them at each ask would cost too much). */
const MAX_FOUND_ENTRIES = 200_000;

/**
 * How far each layer of an image has been read; with `path`, that directory as far as the layers
 * read so far make it (the layers before the one being read, and what it has shown of itself).
 */
export async function fetchFilesProgressBody(client: RegistryClient, repository: string, digest: string, path?: string): Promise<FilesProgressBody> {
  const { layers, tocs } = await client.imageFilesProgress(repository, digest);
  const body: FilesProgressBody = { layers };
  const notBegun = tocs.findIndex((toc) => toc === undefined);
  const begun = (notBegun === -1 ? tocs : tocs.slice(0, notBegun)) as Array<readonly TocEntry[]>;
  if (path === undefined || begun.length === 0 || begun.reduce((n, toc) => n + toc.length, 0) > MAX_FOUND_ENTRIES) return body;
  try {
    // A copy of the table being read: it grows while this runs.
    const { rows } = mergedDirectory(mergeLayers(begun.map((toc) => toc.slice())).root, canonicalPath(path));
    rows.sort(byName);
    return { ...body, found: rows.slice(0, MAX_FOUND_ROWS), more: Math.max(0, rows.length - MAX_FOUND_ROWS) };
  } catch (e) {
    if (e instanceof RegistryError && e.code === 'NO_SUCH_FILE') return { ...body, found: [], more: 0 };
    throw e;
  }
}

/** Whether bytes are text to show as they are: UTF-8 (a sequence cut at the end aside), no NUL. */
export function isText(bytes: Uint8Array, cut: boolean): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: cut });
    return true;
  } catch {
    return false;
  }
}

/** The bytes as one buffer (readFileContent bounds how many). */
async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

export async function fetchFileBody(client: RegistryClient, repository: string, digest: string, path: string): Promise<FileBody> {
  const image = await client.getImageFiles(repository, digest);
  const file = client.findFile(image, path);
  const { node } = file;
  if (node.children) throw noSuchFile(`${file.path} is a directory; list it instead.`);
  const body: FileBody = {
    repository,
    digest,
    path: file.path,
    followed: file.followed,
    entry: nodeRow(node, file.path.slice(file.path.lastIndexOf('/') + 1)),
  };
  if (node.entry.type !== 'file' && node.entry.type !== 'hardlink') return body;
  const content = contentOf(image, node);
  // A hard link's size is its content's.
  body.entry.size = content.entry.size;
  const bytes = await client.readFileContent(repository, image, file, TEXT_PREVIEW_BYTES, collect);
  const whole = bytes.length === content.entry.size;
  if (whole && content.entry.digest && `sha256:${createHash('sha256').update(bytes).digest('hex')}` !== content.entry.digest) {
    throw new RegistryError({
      code: 'BAD_RESPONSE',
      message: `The content of ${file.path} read now is not what its layer held when Berth listed it; try again.`,
    });
  }
  if (isText(bytes, !whole)) {
    body.content = { kind: 'text', data: bytes.toString('utf8'), bytes: bytes.length, truncated: !whole };
  } else {
    const shown = bytes.subarray(0, BINARY_PREVIEW_BYTES);
    body.content = { kind: 'binary', data: shown.toString('base64'), bytes: shown.length, truncated: !whole || shown.length < bytes.length };
  }
  return body;
}

/** `filename` of a Content-Disposition: printable ASCII as is (quotes and backslashes replaced), and UTF-8 as `filename*`. */
export function dispositionOf(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_') || 'file';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * A file's whole content as a download: streamed from its layer as it is read (never kept whole),
 * its hash checked at the end against the layer's table of contents (a mismatch breaks the
 * download off). Never shown inline: an attachment, not sniffed, sandboxed if opened anyway.
 */
export async function fileDownloadResponse(client: RegistryClient, repository: string, digest: string, path: string): Promise<Response> {
  const image = await client.getImageFiles(repository, digest);
  const file = client.findFile(image, path);
  if (file.node.children) throw noSuchFile(`${file.path} is a directory; Berth downloads files one at a time.`);
  const { entry } = contentOf(image, file.node);
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  let opened = () => {};
  const open = new Promise<'open'>((resolve) => (opened = () => resolve('open')));
  const reading = client.readFileContent(repository, image, file, entry.size, async (bytes) => {
    opened();
    const hash = createHash('sha256');
    // The last piece is held back until the whole file hashed right: a file that is not what the
    // table of contents says never arrives complete (its Content-Length is not met).
    let held: Uint8Array | undefined;
    for await (const chunk of bytes) {
      hash.update(chunk);
      if (held !== undefined) {
        await writer.ready;
        await writer.write(held);
      }
      held = chunk;
    }
    if (entry.digest && `sha256:${hash.digest('hex')}` !== entry.digest) throw new Error('content does not match the table of contents');
    if (held !== undefined) {
      await writer.ready;
      await writer.write(held);
    }
  });
  // The registry's answer decides the status: a failure before the first byte is an error answer.
  await Promise.race([open, reading]);
  reading.then(
    () => writer.close(),
    (e: unknown) => writer.abort(e).catch(() => {}),
  );
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  return new Response(readable, {
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(entry.size),
      'content-disposition': dispositionOf(name),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
    },
  });
}

/** Changes one comparison lists at most. */
export const MAX_DIFF_ROWS = 5000;

/** What changed from image `a` to image `b` (both digests of image manifests) at and below `path`. */
export async function fetchFilesDiffBody(client: RegistryClient, repository: string, a: string, b: string, path?: string): Promise<FilesDiffBody> {
  // One after the other: a person reads one layer at a time anyway.
  const ia = await client.getImageFiles(repository, a);
  const ib = await client.getImageFiles(repository, b);
  const under = canonicalPath(path ?? '');
  const diff = diffTrees(ia.fs.merged.root, ib.fs.merged.root, { under, max: MAX_DIFF_ROWS });
  const row = (node: FsNode | undefined, at: string) => (node ? nodeRow(node, at.slice(at.lastIndexOf('/') + 1)) : undefined);
  return {
    repository,
    a,
    b,
    path: directoryPath(under),
    changes: diff.changes.map((c) => ({
      path: c.path,
      kind: c.kind,
      ...(c.what ? { what: c.what } : {}),
      ...(c.below !== undefined ? { below: c.below } : {}),
      ...(c.a ? { a: row(c.a, c.path) } : {}),
      ...(c.b ? { b: row(c.b, c.path) } : {}),
    })),
    counts: diff.counts,
    more: diff.more,
  };
}
