import 'server-only';
import { createHash } from 'node:crypto';
import { unsealData } from 'iron-session';
import { BoundedCache } from '@/lib/registry/cache';

// Opening a sealed session cookie costs two PBKDF2 key derivations (its encryption key and its
// integrity key), the largest part of what an API answer from the caches costs the server. A
// person's requests carry the same cookie again and again, so what a cookie opened to is kept for
// a minute, keyed by the sealed value itself and the secret that opened it: a cookie that differs
// in any byte is opened afresh, and an entry never outlives the seal's own expiry. What is kept is
// what the cookie holds (the registries and their credentials), in the server's memory only, as it
// is during each request anyway; each read gets its own copy.

/** How long what a cookie opened to is kept after it was opened. */
export const OPENED_FOR_MS = 60_000;

export interface OpenerOptions {
  now?: () => number;
  unseal?: typeof unsealData;
  maxEntries?: number;
  maxBytes?: number;
}

export type OpenSession = <T extends object>(sealed: string, password: string, ttlSeconds: number) => Promise<T>;

/** When a seal made by iron-session stops opening (ms since the epoch); 0 for never; undefined when it cannot be read. */
export function sealExpiry(sealed: string): number | undefined {
  const parts = (sealed.split('~')[0] ?? '').split('*');
  if (parts.length !== 8) return undefined;
  const expiry = parts[5] ?? '';
  if (expiry === '') return 0;
  const ms = Number(expiry);
  return /^\d+$/.test(expiry) && Number.isSafeInteger(ms) ? ms : undefined;
}

export function sessionOpener(options: OpenerOptions = {}): OpenSession {
  const now = options.now ?? Date.now;
  const unseal = options.unseal ?? unsealData;
  const opened = new BoundedCache<string>({ maxEntries: options.maxEntries ?? 2_000, maxBytes: options.maxBytes ?? 8 * 1024 * 1024, now });
  return async <T extends object>(sealed: string, password: string, ttlSeconds: number): Promise<T> => {
    const key = `${createHash('sha256').update(password).digest('base64url')} ${ttlSeconds} ${sealed}`;
    const kept = opened.get(key);
    if (kept !== undefined) return JSON.parse(kept) as T;
    let data: T;
    try {
      data = await unseal<T>(sealed, { password, ttl: ttlSeconds });
    } catch {
      // A cookie iron-session cannot even parse (an expiry that is not a number, for one) is no session.
      return {} as T;
    }
    const expiry = sealExpiry(sealed);
    const at = now();
    if (expiry !== undefined) {
      const keepFor = expiry === 0 ? OPENED_FOR_MS : Math.min(OPENED_FOR_MS, expiry - at);
      const text = JSON.stringify(data);
      if (keepFor > 0) opened.set(key, text, keepFor, text.length);
    }
    return data;
  };
}

/** The server's one memory of opened session cookies. */
export const openSession: OpenSession = sessionOpener();
