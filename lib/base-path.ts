// Berth can be served under a path behind a reverse proxy (BASE_PATH=/registry at build time, see
// next.config.js and docs/deploy.md). Next adds it to <Link>, the router and redirect() itself;
// these are for the URLs Berth builds by hand: fetch paths, proxy redirects, the cookie path,
// links pasted back in. Pure: usable from server and client code.

/** "" or "/registry"; inlined at build time (next.config.js `env`). */
export const basePath: string = process.env.BERTH_BASE_PATH ?? '';

/** "/api/session" → "/registry/api/session". */
export function withBasePath(path: string, base: string = basePath): string {
  return base + path;
}

/** "/registry/docker.io" → "/docker.io": a browser pathname as Next's router wants it. */
export function withoutBasePath(pathname: string, base: string = basePath): string {
  if (!base) return pathname;
  if (pathname === base) return '/';
  return pathname.startsWith(`${base}/`) ? pathname.slice(base.length) : pathname;
}
