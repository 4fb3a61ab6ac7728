import 'server-only';
import { cookies, headers } from 'next/headers';
import { getIronSession, type IronSession } from 'iron-session';
import type { SessionRegistry } from '@/lib/api-types';
import { config } from './config';

// The sealed cookie holds, per registry, the base URL and credentials (DESIGN.md "Session
// model"). Bearer tokens never go in it: they live in the server-side token cache.

export interface StoredRegistry {
  host: string;
  url: string;
  username: string | null;
  password: string | null;
}

export interface SessionData {
  registries?: StoredRegistry[];
}

export const SESSION_COOKIE = 'berth_session';

async function servedOverHttps(): Promise<boolean> {
  const h = await headers();
  const proto = h.get('x-forwarded-proto')?.split(',')[0]?.trim();
  return proto === 'https';
}

export async function getSession(): Promise<IronSession<SessionData>> {
  const c = config();
  return getIronSession<SessionData>(await cookies(), {
    cookieName: SESSION_COOKIE,
    password: c.sessionPasswords,
    ttl: c.sessionMaxAgeSeconds,
    cookieOptions: { httpOnly: true, sameSite: 'lax', secure: await servedOverHttps(), path: '/' },
  });
}

export function publicView(r: StoredRegistry): SessionRegistry {
  return { host: r.host, url: r.url, username: r.username };
}

export async function storedRegistry(host: string): Promise<StoredRegistry | undefined> {
  const session = await getSession();
  return session.registries?.find((r) => r.host === host);
}
