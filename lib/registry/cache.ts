// A small bounded LRU with per-entry expiry, used for every server-side cache (tokens, pings,
// content, summaries, tag digests…). Each cache is bounded twice: by entries and by bytes, where an
// entry's bytes are its key plus the size of its value (given by the caller, or estimated), so
// neither many small entries nor a few huge keys can grow it past its limit. Expired entries are
// dropped when read and swept out of the whole cache at least once a minute, so a cache nobody
// reads does not keep dead entries until it is full. Map keeps insertion order, so re-inserting
// on read makes it LRU.

export interface BoundedCacheOptions {
  maxEntries: number;
  /** The most bytes held: keys and values together. */
  maxBytes: number;
  now?: () => number;
  /** How often expired entries are swept out (ms); default a minute. */
  sweepEveryMs?: number;
}

/** What an entry costs beyond its key and value: the map slot, the entry object, the timers. */
const ENTRY_OVERHEAD = 64;

/** A value's size in bytes when the caller does not say: strings by length, anything else the overhead alone. */
function estimate(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number; size: number }>();
  private totalSize = 0;
  private nextSweep: number;

  constructor(private readonly options: BoundedCacheOptions) {
    this.nextSweep = this.now() + (options.sweepEveryMs ?? 60_000);
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  /** Drops every expired entry, at most once per sweep interval. */
  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + (this.options.sweepEveryMs ?? 60_000);
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.delete(key);
  }

  get(key: string): V | undefined {
    const now = this.now();
    this.sweep(now);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** `size`: the value's bytes (the key's are added); estimated when not given. */
  set(key: string, value: V, ttlMs: number, size?: number): void {
    const now = this.now();
    this.sweep(now);
    const cost = key.length + (size ?? estimate(value)) + ENTRY_OVERHEAD;
    this.delete(key);
    if (cost > this.options.maxBytes || this.options.maxEntries <= 0) return;
    this.entries.set(key, { value, expiresAt: now + ttlMs, size: cost });
    this.totalSize += cost;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries && this.totalSize <= this.options.maxBytes) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.totalSize -= entry.size;
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** What is held now, in bytes: keys, values and the per-entry overhead. */
  get totalBytes(): number {
    return this.totalSize;
  }
}
