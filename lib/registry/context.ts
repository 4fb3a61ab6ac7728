// Process-wide state shared by every registry client of one server: the address policy, the
// caches and the counters. What each cache may share between people is explained in
// docs/architecture.md ("Caches").
import { BoundedCache } from './cache';
import type { AddressPolicy } from './policy';
import type { GrantedAccess } from './scope';

export interface Credentials {
  username: string;
  password: string;
}

/** How a registry wants to be spoken to, learnt from `GET /v2/`. */
export type PingResult =
  | { scheme: 'none' }
  | { scheme: 'basic' }
  | { scheme: 'bearer'; realm: string; service?: string };

export interface CachedToken {
  token: string;
  access?: GrantedAccess[];
}

export interface CachedContent {
  bytes: Buffer;
  mediaType: string;
}

/** Make one per server. */
export class RegistryContext {
  readonly policy: AddressPolicy;
  readonly timeoutMs: number;
  /** Keyed by connection (origin + credentials), realm, service and scopes: never shared between people. */
  readonly tokens = new BoundedCache<CachedToken>({ maxEntries: 2000 });
  /** Keyed by origin: how a registry authenticates is the same for everyone. */
  readonly pings = new BoundedCache<PingResult>({ maxEntries: 500 });
  /** Digest-addressed bytes; served only after the registry confirms the requester's access. */
  readonly content = new BoundedCache<CachedContent>({ maxEntries: 5000, maxSize: 64 * 1024 * 1024 });
  private readonly inflightTokens = new Map<string, Promise<CachedToken>>();
  readonly stats = { tokenFetches: 0, requests: 0, pings: 0, contentHits: 0 };

  constructor(options: { policy: AddressPolicy; timeoutMs?: number }) {
    this.policy = options.policy;
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** Shares one token fetch between concurrent requests that need the same token. */
  dedupeToken(key: string, fetcher: () => Promise<CachedToken>): Promise<CachedToken> {
    const running = this.inflightTokens.get(key);
    if (running) return running;
    const p = fetcher().finally(() => this.inflightTokens.delete(key));
    this.inflightTokens.set(key, p);
    return p;
  }
}
