import { RegistryError } from '../registry/errors';

/**
 * State-changing routes (sign-in, sign-out, delete) accept only same-origin requests
 * (docs/architecture.md "Security policy"): the browser's Origin must name the host the request
 * was sent to. No Origin, `Origin: null` (sandboxed frames, some redirects) and anything
 * unparsable are refused. Kept free of Next.js so it can be tested alone; lib/server/api.ts
 * re-exports it for the route handlers.
 */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get('origin');
  // Behind proxies X-Forwarded-Host may list several hosts: the first is the one the browser used.
  const host = (request.headers.get('x-forwarded-host') ?? request.headers.get('host'))?.split(',')[0]?.trim();
  let ok = false;
  if (origin && host) {
    try {
      ok = new URL(origin).host === host;
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new RegistryError({ code: 'CROSS_ORIGIN', message: 'This request did not come from a Berth page. Reload Berth and try again.' });
  }
}
