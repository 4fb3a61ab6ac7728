const BASE = 'http://berth.invalid';

/** `//host` and `/\host` are another host to a browser. */
const startsLikeHost = (path: string) => path.startsWith('//') || path.startsWith('/\\');

/**
 * Where sign-in may return to: a path on this site, as a browser would navigate to it (dot
 * segments resolved, also percent-encoded ones, and `\` read as `/`), with its query and hash.
 * Undefined for anything else, including paths that normalise to `//host` (`/.//evil.com`,
 * `/%2e%2e//x`) or decode to it (`/%2f%2fevil.com`). Callers navigate to the returned value only.
 */
export function safeNextPath(next: string | null | undefined): string | undefined {
  if (!next) return undefined;
  if (!next.startsWith('/') || startsLikeHost(next)) return undefined;
  if (/[\u0000-\u001f\u007f]/.test(next)) return undefined;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return undefined;
  }
  if (url.origin !== BASE) return undefined;
  // Whatever later decodes the path (once or more) must not find another host in it either.
  let path = url.pathname;
  for (let i = 0; i < 5; i++) {
    if (startsLikeHost(path)) return undefined;
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    if (decoded === path) break;
    path = decoded;
  }
  if (startsLikeHost(path)) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}

export function isSafeNextPath(next: string | null | undefined): boolean {
  return safeNextPath(next) !== undefined;
}

export function signInHref(registry: string | undefined, next?: string): string {
  const params = new URLSearchParams();
  if (registry) params.set('registry', registry);
  const safe = safeNextPath(next);
  if (safe) params.set('next', safe);
  const query = params.toString();
  return query ? `/login?${query}` : '/login';
}
