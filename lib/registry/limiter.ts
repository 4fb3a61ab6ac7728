// Bounds how many requests Berth has in flight: to each registry origin (a small fixed pool, so
// a page asking for the details of many tags cannot flood one registry) and in all (so many
// people together cannot exhaust the server's sockets). Waiters are served in arrival order.

export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** The most requests this semaphore ever had in flight at once. */
  peak = 0;

  constructor(readonly limit: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    this.peak = Math.max(this.peak, this.active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next)
        next(); // the slot passes straight to the next waiter
      else this.active--;
    };
  }

  get inFlight(): number {
    return this.active;
  }
}

export interface LimiterOptions {
  /** Requests in flight to one origin. */
  perOrigin: number;
  /** Requests in flight in all. */
  total: number;
}

export class UpstreamLimiter {
  private readonly origins = new Map<string, Semaphore>();
  readonly total: Semaphore;

  constructor(readonly options: LimiterOptions) {
    this.total = new Semaphore(options.total);
  }

  origin(origin: string): Semaphore {
    let s = this.origins.get(origin);
    if (!s) {
      s = new Semaphore(this.options.perOrigin);
      this.origins.set(origin, s);
    }
    return s;
  }

  /** Runs `fn` holding one slot for `origin` and one in all. */
  async run<T>(origin: string, fn: () => Promise<T>): Promise<T> {
    const semaphore = this.origin(origin);
    const releaseOrigin = await semaphore.acquire();
    let releaseTotal: (() => void) | undefined;
    try {
      releaseTotal = await this.total.acquire();
      return await fn();
    } finally {
      releaseTotal?.();
      releaseOrigin();
      // Forget idle origins so the map stays as small as what is in use.
      if (semaphore.inFlight === 0 && this.origins.get(origin) === semaphore) this.origins.delete(origin);
    }
  }
}
