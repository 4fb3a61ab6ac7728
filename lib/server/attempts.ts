// Counts sign-in attempts so that Berth is no password-guessing relay: per account (registry and
// username, whoever asks), per client, and in all. Fixed windows in memory, bounded; each replica
// counts its own.

export interface WindowLimit {
  /** Attempts allowed per window. */
  max: number;
  windowMs: number;
}

export class AttemptCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: WindowLimit,
    private readonly maxKeys = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` may try again, or 0 when it may now. Does not count. */
  blockedFor(key: string): number {
    const w = this.windows.get(key);
    const now = this.now();
    if (!w || now - w.start >= this.limit.windowMs || w.count < this.limit.max) return 0;
    return Math.max(1, Math.ceil((w.start + this.limit.windowMs - now) / 1000));
  }

  count(key: string): void {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.limit.windowMs) {
      w = { start: now, count: 0 };
      this.windows.delete(key);
      this.windows.set(key, w);
      // The oldest windows go first when too many clients are counted at once.
      for (const oldest of this.windows.keys()) {
        if (this.windows.size <= this.maxKeys) break;
        this.windows.delete(oldest);
      }
    }
    w.count++;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }
}

export interface SignInLimits {
  /** Failed sign-ins to one account (registry and username), from anywhere. */
  account: AttemptCounter;
  /** Sign-in attempts from one client (the first X-Forwarded-For address, when a proxy sets it). */
  client: AttemptCounter;
  /** Sign-in attempts in all. */
  total: AttemptCounter;
}

export function signInLimits(): SignInLimits {
  return {
    account: new AttemptCounter({ max: 10, windowMs: 15 * 60_000 }),
    client: new AttemptCounter({ max: 60, windowMs: 60_000 }),
    total: new AttemptCounter({ max: 600, windowMs: 60_000 }),
  };
}
