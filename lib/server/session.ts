import 'server-only';
import { cookies, headers } from 'next/headers';
import { getIronSession, type IronSession } from 'iron-session';
import type { SessionBody, SessionRegistry } from '@/lib/api/types';
import { basePath } from '@/lib/base-path';
import { config } from './config';
import { openSession } from './opened-sessions';

// The sealed cookie holds, per registry, the base URL and credentials (docs/architecture.md
// "Session"). Bearer tokens never go in it: they live in the server-side token cache.

export interface StoredRegistry {
  host: string;
  url: string;
  username: string | null;
  password: string | null;
}

export interface SessionData {
  registries?: StoredRegistry[];
}

/** The cookie's name; with the __Host- prefix (Secure, Path=/, no Domain) wherever it can have it. */
export const SESSION_COOKIE = 'berth_session';
export const HOST_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

async function secureCookie(): Promise<boolean> {
  if (config().secureCookie === 'always') return true;
  const h = await headers();
  const proto = h.get('x-forwarded-proto')?.split(',')[0]?.trim();
  return proto === 'https';
}

type CookieStore = Awaited<ReturnType<typeof cookies>>;

/** The store as if it held no session cookie (reads only; writes go through). */
function withoutSessionCookie(store: CookieStore): Pick<CookieStore, 'get' | 'set'> {
  const get = ((...args: Parameters<CookieStore['get']>) =>
    args[0] === SESSION_COOKIE || args[0] === HOST_SESSION_COOKIE ? undefined : store.get(...args)) as CookieStore['get'];
  return { get, set: store.set.bind(store) };
}

export async function getSession(): Promise<IronSession<SessionData>> {
  const c = config();
  const store = await cookies();
  const secure = await secureCookie();
  // Under a base path the cookie goes only to Berth's own paths on that host (and so cannot be a
  // __Host- cookie, which must have Path=/).
  const path = basePath || '/';
  const cookieName = secure && path === '/' ? HOST_SESSION_COOKIE : SESSION_COOKIE;
  const options = {
    cookieName,
    password: c.sessionSecret,
    ttl: c.sessionMaxAgeSeconds,
    cookieOptions: { httpOnly: true, sameSite: 'lax' as const, secure, path },
  };
  // The session object is made without the cookie (so iron-session opens nothing) and filled with
  // what the cookie opens to, through the memory of opened cookies (lib/server/opened-sessions.ts).
  // A cookie Berth cannot open (tampered, truncated, sealed elsewhere) is no session, never an
  // error; the next save replaces it.
  const session = await getIronSession<SessionData>(withoutSessionCookie(store), options);
  const sealed = store.get(cookieName)?.value;
  if (sealed) {
    let data = await openSession<SessionData>(sealed, c.sessionSecret, c.sessionMaxAgeSeconds);
    // Rotation: a cookie sealed with the previous secret is still read; the next save re-seals it
    // with the current one. (iron-session's own password map picks the sealing password by the
    // highest id, which breaks on the second rotation.)
    if (!data.registries && c.previousSessionSecret) data = await openSession<SessionData>(sealed, c.previousSessionSecret, c.sessionMaxAgeSeconds);
    if (data.registries) session.registries = data.registries;
  }
  return session;
}

export function publicView(r: StoredRegistry): SessionRegistry {
  return { host: r.host, url: r.url, username: r.username };
}

/** The session as the browser may see it: each registry's host, address and username, never a password. */
export async function sessionBody(): Promise<SessionBody> {
  return { registries: ((await getSession()).registries ?? []).map(publicView) };
}

export async function storedRegistry(host: string): Promise<StoredRegistry | undefined> {
  const session = await getSession();
  return session.registries?.find((r) => r.host === host);
}
