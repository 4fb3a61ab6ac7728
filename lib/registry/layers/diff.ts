// What changed between two images' filesystems (./merge.ts), path by path: added, removed, and
// changed (its kind, size, mode, owner, link target or content differ; a modification time alone
// is no change: every build rewrites them). A directory only one side has is one change, with
// the number of entries below it, rather than one per file. Computed from the merged trees only.
import { nodeAt, type FsNode } from './merge';
import { canonicalPath } from './paths';

export type DiffKind = 'added' | 'removed' | 'changed';
export type ChangedAspect = 'type' | 'size' | 'mode' | 'owner' | 'link' | 'content';

export interface PathChange {
  /** With a leading "/". */
  path: string;
  kind: DiffKind;
  /** The entry in A (removed, changed) and in B (added, changed). */
  a?: FsNode;
  b?: FsNode;
  /** What differs, for a changed entry. */
  what?: ChangedAspect[];
  /** A directory added or removed whole: how many entries were below it. */
  below?: number;
}

export interface TreeDiff {
  /** In path order, at most `max`. */
  changes: PathChange[];
  counts: Record<DiffKind, number>;
  /** Changes past `max`, not listed. */
  more: number;
}

/** How `a` and `b` (the same path in two images) differ. */
export function aspectsChanged(a: FsNode, b: FsNode): ChangedAspect[] {
  const x = a.entry;
  const y = b.entry;
  if (x.type !== y.type) return ['type'];
  const what: ChangedAspect[] = [];
  if (x.type === 'file' && x.size !== y.size) what.push('size');
  if (x.mode !== y.mode) what.push('mode');
  if (x.uid !== y.uid || x.gid !== y.gid) what.push('owner');
  if ((x.type === 'symlink' || x.type === 'hardlink') && x.link !== y.link) what.push('link');
  if (x.type === 'file' && x.size === y.size && x.digest !== y.digest) what.push('content');
  return what;
}

function entriesBelow(node: FsNode): number {
  let n = 0;
  for (const child of node.children?.values() ?? []) n += 1 + entriesBelow(child);
  return n;
}

/** The changes from `a` to `b` at and below `under` ("/usr"; the root by default), `max` of them listed. */
export function diffTrees(a: FsNode, b: FsNode, options: { under?: string; max: number }): TreeDiff {
  const diff: TreeDiff = { changes: [], counts: { added: 0, removed: 0, changed: 0 }, more: 0 };
  const note = (change: PathChange) => {
    diff.counts[change.kind]++;
    if (diff.changes.length < options.max) diff.changes.push(change);
    else diff.more++;
  };
  const compare = (path: string, x: FsNode | undefined, y: FsNode | undefined) => {
    const shown = `/${path}`;
    if (x === undefined && y === undefined) return;
    if (x === undefined) return note({ path: shown, kind: 'added', b: y, ...(y!.children ? { below: entriesBelow(y!) } : {}) });
    if (y === undefined) return note({ path: shown, kind: 'removed', a: x, ...(x.children ? { below: entriesBelow(x) } : {}) });
    const what = path === '' ? [] : aspectsChanged(x, y);
    if (what.length > 0) note({ path: shown, kind: 'changed', a: x, b: y, what });
    if (!x.children || !y.children) return;
    const names = [...new Set([...x.children.keys(), ...y.children.keys()])].sort();
    for (const name of names) compare(path ? `${path}/${name}` : name, x.children.get(name), y.children.get(name));
  };
  const under = canonicalPath(options.under ?? '');
  compare(under, nodeAt(a, under), nodeAt(b, under));
  return diff;
}
