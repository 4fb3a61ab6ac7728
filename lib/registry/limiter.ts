// Bounds the requests Berth has in flight to registries, and shares them fairly between the
// people using it (docs/architecture.md "Limits"):
// - per client (a session, or an address when anonymous): a few in flight, a bounded queue, so
//   one visitor pointing Berth at slow registries holds a few slots, not all of them;
// - per registry origin: a small pool, so a page asking for many tags cannot flood one registry;
// - in all: so everyone together cannot exhaust the server's sockets.
// Where several clients wait for the same pool, they take turns (round robin), so a client with a
// long queue delays another by one request at most, not by its whole queue. A request that has
// waited past its deadline, or whose person left (its AbortSignal), gives up its place; a queue
// already full refuses at once (BUSY, with a time to retry) instead of growing.
import { RegistryError } from './errors';

type Release = () => void;

interface Waiter {
  client: string;
  grant: (release: Release) => void;
  fail: (e: unknown) => void;
}

/** Why a request gave up its place in a queue. */
export type GiveUp = () => RegistryError;

/**
 * A counting semaphore whose waiters are served one client at a time in turn. With a single
 * client it is first come, first served.
 */
export class Semaphore {
  private active = 0;
  /** Waiters per client; the Map's order is the turn order. */
  private readonly queues = new Map<string, Waiter[]>();
  private queued = 0;
  /** The most this semaphore ever had in flight at once. */
  peak = 0;

  constructor(readonly limit: number) {}

  get inFlight(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queued;
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.nextWaiter();
      if (next)
        next.grant(this.releaser()); // the slot passes straight to the next waiter
      else this.active--;
    };
  }

  /** The first waiter of the client whose turn it is; that client goes to the back of the turns. */
  private nextWaiter(): Waiter | undefined {
    const first = this.queues.entries().next();
    if (first.done) return undefined;
    const [client, queue] = first.value;
    this.queues.delete(client);
    const waiter = queue.shift();
    if (queue.length > 0) this.queues.set(client, queue);
    this.queued--;
    return waiter;
  }

  /**
   * A slot, now or when it is `client`'s turn. `signal` and `deadline` (ms since the epoch) end
   * the wait with the error `giveUp` makes.
   */
  acquire(client = '', options: { signal?: AbortSignal; deadline?: number; giveUp?: GiveUp } = {}): Promise<Release> {
    if (this.active < this.limit) {
      this.active++;
      this.peak = Math.max(this.peak, this.active);
      return Promise.resolve(this.releaser());
    }
    const giveUp = options.giveUp ?? (() => new RegistryError({ code: 'BUSY', message: 'Berth is busy. Try again in a moment.' }));
    if (options.signal?.aborted) return Promise.reject(giveUp());
    return new Promise<Release>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => leave();
      const settle = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        client,
        grant: (release) => {
          settle();
          resolve(release);
        },
        fail: reject,
      };
      const leave = () => {
        settle();
        const queue = this.queues.get(client);
        const at = queue?.indexOf(waiter) ?? -1;
        if (queue && at !== -1) {
          queue.splice(at, 1);
          this.queued--;
          if (queue.length === 0) this.queues.delete(client);
        }
        reject(giveUp());
      };
      const queue = this.queues.get(client);
      if (queue) queue.push(waiter);
      else this.queues.set(client, [waiter]);
      this.queued++;
      options.signal?.addEventListener('abort', onAbort);
      if (options.deadline !== undefined) timer = setTimeout(leave, Math.max(0, options.deadline - Date.now()));
    });
  }
}

export interface LimiterOptions {
  /** Requests in flight to one origin. */
  perOrigin: number;
  /** Requests in flight in all. */
  total: number;
  /** Requests in flight for one client. */
  perClient: number;
  /** Requests one client may have waiting; more are refused at once. */
  queuedPerClient: number;
  /** Requests waiting in all; more are refused at once. */
  queuedTotal: number;
}

export const DEFAULT_LIMITS: LimiterOptions = { perOrigin: 6, total: 64, perClient: 16, queuedPerClient: 128, queuedTotal: 2048 };

/** Who a request is for and how long it may wait. */
export interface RunOptions {
  /** The client whose budget the request uses ('' for Berth's own work). */
  client?: string;
  signal?: AbortSignal;
  /** When the request must have started, ms since the epoch. */
  deadline?: number;
  /** Names the registry in messages. */
  host?: string;
}

/** How long a refused request is asked to wait before trying again, in seconds. */
const RETRY_AFTER_SECONDS = 5;

export class UpstreamLimiter {
  private readonly origins = new Map<string, Semaphore>();
  private readonly clients = new Map<string, Semaphore>();
  readonly total: Semaphore;
  readonly options: LimiterOptions;

  constructor(options: Partial<LimiterOptions> = {}) {
    this.options = { ...DEFAULT_LIMITS, ...options };
    this.total = new Semaphore(this.options.total);
  }

  origin(origin: string): Semaphore {
    return this.pool(this.origins, origin, this.options.perOrigin);
  }

  private pool(map: Map<string, Semaphore>, key: string, limit: number): Semaphore {
    let s = map.get(key);
    if (!s) {
      s = new Semaphore(limit);
      map.set(key, s);
    }
    return s;
  }

  /** Forgets an idle pool so the maps stay as small as what is in use. */
  private forget(map: Map<string, Semaphore>, key: string, s: Semaphore): void {
    if (s.inFlight === 0 && s.waiting === 0 && map.get(key) === s) map.delete(key);
  }

  /** Pools held now, per origin and per client (an idle one is forgotten). */
  get tracked(): { origins: number; clients: number } {
    return { origins: this.origins.size, clients: this.clients.size };
  }

  /** Requests waiting for a slot, of every client. */
  get waiting(): number {
    let n = this.total.waiting;
    for (const s of this.origins.values()) n += s.waiting;
    for (const s of this.clients.values()) n += s.waiting;
    return n;
  }

  /** Runs `fn` holding a slot of its client, of `origin` and of the total. */
  async run<T>(origin: string, fn: () => Promise<T>, options: RunOptions = {}): Promise<T> {
    const client = options.client ?? '';
    const where = options.host ?? new URL(origin).host;
    const giveUp: GiveUp = () =>
      options.signal?.aborted
        ? new RegistryError({ code: 'CANCELLED', host: where, message: 'The request was cancelled before Berth sent it.' })
        : new RegistryError({
            code: 'BUSY',
            host: where,
            retryAfter: RETRY_AFTER_SECONDS,
            message: `Berth is busy with other requests to registries right now, so this one to ${where} was not sent. Try again in a few seconds.`,
          });
    const clientPool = this.pool(this.clients, client, client === '' ? Infinity : this.options.perClient);
    if (clientPool.waiting >= this.options.queuedPerClient || this.waiting >= this.options.queuedTotal) {
      this.forget(this.clients, client, clientPool);
      throw giveUp();
    }
    const originPool = this.origin(origin);
    const wait = { signal: options.signal, deadline: options.deadline, giveUp };
    const releases: Release[] = [];
    try {
      releases.push(await clientPool.acquire(client, wait));
      releases.push(await originPool.acquire(client, wait));
      releases.push(await this.total.acquire(client, wait));
      return await fn();
    } finally {
      for (const release of releases.reverse()) release();
      this.forget(this.origins, origin, originPool);
      this.forget(this.clients, client, clientPool);
    }
  }
}
