// Paths inside an image: what a person types or a link holds ("/usr/lib/", "./etc//os-release")
// made canonical, and symbolic links followed as the container would see them: an absolute
// target from the image's root, a relative one from the link's directory, ".." never above the
// root. Nothing here touches a disk: it walks a merged tree (./merge.ts).
import type { FsNode } from './merge';

/** Links followed in one path at most, as Linux does (ELOOP). */
export const MAX_LINK_HOPS = 40;

/** "usr/lib" from "/usr/lib/", "./usr//lib" or "/usr/../usr/lib"; "" is the root. */
export function canonicalPath(input: string): string {
  const parts: string[] = [];
  for (const part of input.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/** A link followed on the way: its path, and its target as written. */
export interface FollowedLink {
  from: string;
  to: string;
}

export type Resolution =
  { found: true; node: FsNode; path: string; followed: FollowedLink[] } | { found: false; why: 'missing' | 'loop'; path: string; followed: FollowedLink[] };

/**
 * The node `input` names under `root`, following links in every component, and in the last one
 * too unless `followLast` is false. `path` is where it was found (or where the walk stopped),
 * with a leading "/".
 */
export function resolvePath(root: FsNode, input: string, followLast = true): Resolution {
  let pending = input.split('/');
  const nodes: FsNode[] = [root];
  const names: string[] = [];
  const followed: FollowedLink[] = [];
  const here = (name?: string) => `/${[...names, ...(name === undefined ? [] : [name])].join('/')}`;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (nodes.length > 1) {
        nodes.pop();
        names.pop();
      }
      continue;
    }
    const child = nodes[nodes.length - 1]!.children?.get(part);
    if (child === undefined) return { found: false, why: 'missing', path: here(part), followed };
    const last = !pending.some((p) => p !== '' && p !== '.');
    if (child.entry.type === 'symlink' && (!last || followLast)) {
      if (followed.length === MAX_LINK_HOPS) return { found: false, why: 'loop', path: here(part), followed };
      const target = child.entry.link ?? '';
      followed.push({ from: here(part), to: target });
      // An empty target names nothing (Linux: ENOENT), not the link's own directory.
      if (target === '') return { found: false, why: 'missing', path: here(part), followed };
      if (target.startsWith('/')) {
        nodes.length = 1;
        names.length = 0;
      }
      pending = [...target.split('/'), ...pending];
      continue;
    }
    nodes.push(child);
    names.push(part);
  }
  return { found: true, node: nodes[nodes.length - 1]!, path: here(), followed };
}
