// How a tag list is ordered, filtered and trimmed: pure functions, shared by the table and its
// tests. Sort orders are part of the page's link (?sort=).
import type { ReferenceDetail } from '@/lib/api/types';

/** Rows on the first screen of a tag list: rendered on the server, with their details when they come quickly. */
export const FIRST_SCREEN_ROWS = 16;
/** Sorting by date or size loads every tag's details by itself up to this many tags; beyond, it asks. */
export const AUTO_DETAILS = 100;

export const SORTS = ['name', 'newest', 'size'] as const;
export type TagSort = (typeof SORTS)[number];

export const SORT_LABELS: Record<TagSort, string> = { name: 'Name', newest: 'Newest first', size: 'Size' };

export function parseSort(value: string | null | undefined, fallback: TagSort = 'name'): TagSort {
  return SORTS.includes(value as TagSort) ? (value as TagSort) : fallback;
}

const natural = new Intl.Collator('en', { numeric: true });
const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Semantic-version precedence for pre-releases: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-beta < 1.0.0. */
function comparePrerelease(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1; // a release follows its pre-releases
  if (b === undefined) return -1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1; // numeric identifiers come first
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** A tag name as it sorts: its semantic version, when it is one, read once. */
interface NameKey {
  name: string;
  /** major, minor and patch as numbers, and the pre-release */
  version?: [number, number, number, string | undefined];
}

function nameKey(name: string): NameKey {
  const v = SEMVER.exec(name);
  return v ? { name, version: [Number(v[1]), Number(v[2]), Number(v[3]), v[4]] } : { name };
}

function compareNameKeys(a: NameKey, b: NameKey): number {
  const va = a.version;
  const vb = b.version;
  if (va && vb) {
    for (let i = 0; i < 3; i++) {
      const d = (va[i] as number) - (vb[i] as number);
      if (d !== 0) return d;
    }
    const pre = comparePrerelease(va[3], vb[3]);
    if (pre !== 0) return pre;
  }
  return natural.compare(a.name, b.name);
}

/**
 * Tag names in the order people expect: numbers compare as numbers (1.9 before 1.10), and
 * versions follow semantic-version precedence (2.0.0-rc.1 before 2.0.0).
 */
export function compareTagNames(a: string, b: string): number {
  return compareNameKeys(nameKey(a), nameKey(b));
}

/** Tags in name order (compareTagNames), each name read once rather than at every comparison. */
function inNameOrder(tags: readonly string[]): string[] {
  return tags
    .map(nameKey)
    .sort(compareNameKeys)
    .map((k) => k.name);
}

const REFERRER_TAG = /^(sha256|sha512)-([a-f0-9]{64}|[a-f0-9]{128})(?:\.(sig|att|sbom))?$/;

/** Cosign signature/attestation/SBOM tags and OCI referrers fallback tags: `sha256-<hex>[.sig|.att|.sbom]`. */
export function isSignatureTag(tag: string): boolean {
  return REFERRER_TAG.test(tag);
}

/** Digests (`sha256:<hex>`) that have signature, attestation, SBOM or referrer tags in this list. */
export function digestsWithSignatures(tags: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const tag of tags) {
    const m = REFERRER_TAG.exec(tag);
    if (m) out.add(`${m[1]}:${m[2]}`);
  }
  return out;
}

export type TagFilter = { ok: true; test: (tag: string) => boolean; active: boolean } | { ok: false; error: string };

/** Substring match (case-insensitive), or a regular expression written `/…/` (flags after the last `/`). */
export function parseTagFilter(text: string): TagFilter {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, test: () => true, active: false };
  const re = /^\/(.+)\/([a-z]*)$/.exec(trimmed);
  if (re) {
    try {
      const pattern = new RegExp(re[1] ?? '', re[2]);
      return { ok: true, test: (tag) => pattern.test(tag), active: true };
    } catch (e) {
      return { ok: false, error: `Not a valid regular expression: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  const needle = trimmed.toLowerCase();
  return { ok: true, test: (tag) => tag.toLowerCase().includes(needle), active: true };
}

type Details = ReadonlyMap<string, ReferenceDetail>;

const createdOf = (d: ReferenceDetail | undefined) => {
  const t = d?.created ? Date.parse(d.created) : NaN;
  return Number.isNaN(t) ? undefined : t;
};

/** The largest image a tag stands for (an index: its largest platform). */
export function sizeOf(d: ReferenceDetail | undefined): number | undefined {
  if (!d) return undefined;
  if (d.size !== undefined) return d.size;
  const sizes = d.platforms.map((p) => p.size).filter((s): s is number => s !== undefined);
  return sizes.length ? Math.max(...sizes) : undefined;
}

/**
 * Orders tags. By date or size, tags whose details are not known yet go last, in name order, so
 * the order only ever improves as details arrive.
 */
export function sortTags(tags: readonly string[], sort: TagSort, details: Details): string[] {
  const byName = inNameOrder(tags);
  if (sort === 'name') return byName;
  const key = sort === 'newest' ? (t: string) => createdOf(details.get(t)) : (t: string) => sizeOf(details.get(t));
  const rank = new Map(byName.map((t, i) => [t, i]));
  return byName.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== undefined && kb !== undefined && ka !== kb) return kb - ka; // newest / largest first
    if (ka === undefined && kb !== undefined) return 1;
    if (kb === undefined && ka !== undefined) return -1;
    return (rank.get(a) ?? 0) - (rank.get(b) ?? 0);
  });
}

/** The tags whose details the first screen needs, in the order it shows them. */
export function firstScreen(tags: readonly string[], sort: TagSort): string[] {
  const shown = tags.filter((t) => !isSignatureTag(t));
  if (sort !== 'name' && shown.length <= AUTO_DETAILS) return shown;
  return sortTags(shown, 'name', new Map()).slice(0, FIRST_SCREEN_ROWS + 8);
}
