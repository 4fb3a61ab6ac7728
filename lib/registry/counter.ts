// Fixed-window counters in memory: sign-in attempts per account, per client and in all; diagnoses
// per client; Docker Hub pulls per anonymous client. Bounded in entries and in bytes (a key longer
// than KEY_BYTES is replaced by its hash), and windows that are over are swept out, so counting
// every address that ever asked cannot grow the server. Each replica counts its own.
import { createHash } from 'node:crypto';

export interface WindowLimit {
  /** Counts allowed per window. */
  max: number;
  windowMs: number;
}

/** Keys longer than this are kept as their hash. */
const KEY_BYTES = 128;

export class WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private nextSweep: number;

  constructor(
    readonly limit: WindowLimit,
    private readonly maxKeys = 50_000,
    private readonly now: () => number = Date.now,
  ) {
    this.nextSweep = now() + limit.windowMs;
  }

  private keyOf(key: string): string {
    return key.length <= KEY_BYTES ? key : `#${createHash('sha256').update(key).digest('base64url')}`;
  }

  /** The current window of `key`, or undefined when it has none running. */
  private current(key: string, now: number): { start: number; count: number } | undefined {
    const w = this.windows.get(key);
    return w && now - w.start < this.limit.windowMs ? w : undefined;
  }

  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + this.limit.windowMs;
    for (const [key, w] of this.windows) if (now - w.start >= this.limit.windowMs) this.windows.delete(key);
  }

  /** Seconds until `key` may count again, or 0 when it may now. Does not count. */
  blockedFor(key: string): number {
    const now = this.now();
    const w = this.current(this.keyOf(key), now);
    if (!w || w.count < this.limit.max) return 0;
    return Math.max(1, Math.ceil((w.start + this.limit.windowMs - now) / 1000));
  }

  count(key: string): void {
    const now = this.now();
    this.sweep(now);
    const k = this.keyOf(key);
    let w = this.current(k, now);
    if (!w) {
      w = { start: now, count: 0 };
      this.windows.delete(k);
      this.windows.set(k, w);
      // The oldest windows go first when too many clients are counted at once.
      for (const oldest of this.windows.keys()) {
        if (this.windows.size <= this.maxKeys) break;
        this.windows.delete(oldest);
      }
    }
    w.count++;
  }

  /**
   * Checks and counts in one step: 0 when `key` was counted, otherwise the seconds to wait (and
   * nothing counted). Concurrent callers cannot all pass the check before any of them is counted.
   */
  take(key: string): number {
    const wait = this.blockedFor(key);
    if (wait === 0) this.count(key);
    return wait;
  }

  /** Takes back one count of `key` (an attempt that turned out to be no failure). */
  forgive(key: string): void {
    const w = this.current(this.keyOf(key), this.now());
    if (w && w.count > 0) w.count--;
  }

  reset(key: string): void {
    this.windows.delete(this.keyOf(key));
  }

  /** Keys counted now (for tests and the bench). */
  get size(): number {
    return this.windows.size;
  }

  /** The characters of the keys held: what long keys would grow if they were kept whole. */
  get keyBytes(): number {
    let n = 0;
    for (const key of this.windows.keys()) n += key.length;
    return n;
  }
}
