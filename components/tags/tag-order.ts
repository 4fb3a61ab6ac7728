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

/**
 * A tag name as it sorts: a sequence of parts compared one by one, numbers as numbers and the rest
 * as words (1.9 before 1.10; nightly-9 before nightly-10). A semantic version (a leading v
 * dropped) is its major, minor and patch, then a pre-release mark and its identifiers, or a
 * release mark that sorts after anything else starting with the same numbers: 2.0.0-rc.1, then
 * 2.0.0.1, then 2.0.0. Every name has one key, and keys compare part by part, so the order is the
 * same whichever names are compared first (a sort, or picking the first rows of a long list,
 * gives one answer).
 */
type Part = number | string | typeof PRE | typeof RELEASE;
const PRE = Symbol('pre-release');
const RELEASE = Symbol('release');

/** Numbers first, then the pre-release mark, then words, then the release mark. */
function rank(part: Part): number {
  return typeof part === 'number' ? 0 : part === PRE ? 1 : typeof part === 'string' ? 2 : 3;
}

function compareParts(a: readonly Part[], b: readonly Part[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    const r = rank(x) - rank(y);
    if (r !== 0) return r;
    if (typeof x === 'number' && typeof y === 'number' && x !== y) return x - y;
    if (typeof x === 'string' && typeof y === 'string') {
      const c = natural.compare(x, y);
      if (c !== 0) return c;
    }
  }
  return a.length - b.length;
}

/** Runs of digits as numbers, everything between them as words. */
function partsOf(text: string): Part[] {
  return (text.match(/\d+|\D+/g) ?? []).map((run) => (/^\d/.test(run) ? Number(run) : run));
}

interface NameKey {
  tag: string;
  parts: Part[];
}

function nameKey(tag: string): NameKey {
  const v = SEMVER.exec(tag);
  if (!v) return { tag, parts: partsOf(tag) };
  const pre = v[4];
  const version: Part[] = [Number(v[1]), '.', Number(v[2]), '.', Number(v[3])];
  // Pre-release identifiers: numeric ones as numbers (they come first), the others as words.
  const rest: Part[] = pre === undefined ? [RELEASE] : [PRE, ...pre.split('.').map((id): Part => (/^\d+$/.test(id) ? Number(id) : id))];
  return { tag, parts: [...version, ...rest] };
}

function compareNameKeys(a: NameKey, b: NameKey): number {
  return compareParts(a.parts, b.parts);
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
