// How a tag list is ordered, filtered and trimmed: pure functions, shared by the table and its
// tests. Sort orders are part of the page's link (?sort=).
import type { ReferenceDetail } from '@/lib/api/types';

/** Rows on the first screen of a tag list: rendered on the server, with their details when they come quickly. */
export const FIRST_SCREEN_ROWS = 16;
/**
 * Rows a first render puts in order: the first screen and those the table renders ahead of it
 * (tag-table.tsx's overscan); the rest of the list is ordered a moment later.
 */
export const FIRST_RENDER_ROWS = FIRST_SCREEN_ROWS * 2 + 8;
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

interface NameKey {
  tag: string;
  /** Major, minor and patch of a semantic version, with its pre-release; undefined for other names. */
  version: [number, number, number, string | undefined] | undefined;
}

function nameKey(tag: string): NameKey {
  const v = SEMVER.exec(tag);
  return { tag, version: v ? [Number(v[1]), Number(v[2]), Number(v[3]), v[4]] : undefined };
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
  return natural.compare(a.tag, b.tag);
}

/**
 * Tag names in the order people expect: numbers compare as numbers (1.9 before 1.10), and
 * versions follow semantic-version precedence (2.0.0-rc.1 before 2.0.0).
 */
export function compareTagNames(a: string, b: string): number {
  return compareNameKeys(nameKey(a), nameKey(b));
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

/** A tag with what its order is decided by, worked out once per tag rather than once per comparison. */
interface SortKey extends NameKey {
  /** Date or size, newest or largest first; undefined: not known (such tags go last). */
  value: number | undefined;
}

function sortKeys(tags: readonly string[], sort: TagSort, details: Details): SortKey[] {
  const valueOf = sort === 'newest' ? (t: string) => createdOf(details.get(t)) : (t: string) => sizeOf(details.get(t));
  return tags.map((tag) => {
    const key = nameKey(tag) as SortKey;
    key.value = sort === 'name' ? undefined : valueOf(tag);
    return key;
  });
}

function compareSortKeys(a: SortKey, b: SortKey): number {
  if (a.value !== undefined && b.value !== undefined && a.value !== b.value) return b.value - a.value; // newest / largest first
  if (a.value === undefined && b.value !== undefined) return 1;
  if (b.value === undefined && a.value !== undefined) return -1;
  return compareNameKeys(a, b);
}

/**
 * Orders tags. By date or size, tags whose details are not known yet go last, in name order, so
 * the order only ever improves as details arrive. Tags that compare equal keep the list's order.
 */
export function sortTags(tags: readonly string[], sort: TagSort, details: Details): string[] {
  return sortKeys(tags, sort, details)
    .sort(compareSortKeys)
    .map((k) => k.tag);
}

/**
 * The first `count` tags of sortTags(tags, sort, details), found without ordering the whole list:
 * one pass that keeps the best so far in order, which on a list of 20,000 tags costs a fraction of
 * sorting it.
 */
export function firstTags(tags: readonly string[], sort: TagSort, details: Details, count: number): string[] {
  const best: SortKey[] = [];
  if (count <= 0) return [];
  for (const key of sortKeys(tags, sort, details)) {
    const last = best[best.length - 1];
    if (best.length === count && last && compareSortKeys(key, last) >= 0) continue;
    // After the equal ones already kept: ties stay in the list's order, as sortTags keeps them.
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareSortKeys(key, best[mid] as SortKey) < 0) hi = mid;
      else lo = mid + 1;
    }
    best.splice(lo, 0, key);
    if (best.length > count) best.pop();
  }
  return best.map((k) => k.tag);
}

/**
 * The order of a first render: the first `count` tags in order, then the others as they are listed.
 * A table shows only its first rows at first, so the whole list's order can come a moment later.
 */
export function firstTagsThenTheRest(tags: readonly string[], sort: TagSort, details: Details, count: number): string[] {
  const first = firstTags(tags, sort, details, count);
  const placed = new Set(first);
  return [...first, ...tags.filter((t) => !placed.has(t))];
}

/** The tags whose details the first screen needs, in the order it shows them. */
export function firstScreen(tags: readonly string[], sort: TagSort): string[] {
  const shown = tags.filter((t) => !isSignatureTag(t));
  if (sort !== 'name' && shown.length <= AUTO_DETAILS) return shown;
  return firstTags(shown, 'name', new Map(), FIRST_SCREEN_ROWS + 8);
}
