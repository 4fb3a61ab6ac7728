// A small bounded LRU with per-entry expiry. Used for bearer tokens, ping results and
// digest-addressed content. Map keeps insertion order, so re-inserting on read makes it LRU.

export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number; size: number }>();
  private totalSize = 0;

  constructor(private readonly options: { maxEntries: number; maxSize?: number; now?: () => number }) {}

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number, size = 1): void {
    const maxSize = this.options.maxSize ?? Infinity;
    if (size > maxSize) return;
    this.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs, size });
    this.totalSize += size;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries && this.totalSize <= maxSize) break;
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

  /** The sum of the sizes given to `set` for what is held now. */
  get totalBytes(): number {
    return this.totalSize;
  }
}
