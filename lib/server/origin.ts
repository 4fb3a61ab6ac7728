import { RegistryError } from '../registry/errors';

// Which host a request was sent to, and whether it may be served (docs/architecture.md "Security
// policy"). Kept free of Next.js so it can be tested alone; proxy.ts checks the host of every
// request, lib/server/api.ts re-exports the Origin check for the state-changing routes.

interface HeaderSource {
  get(name: string): string | null;
}

/** The first value of a header a proxy may have made a list ("a.example, b.example"). */
const firstOf = (value: string | null): string | undefined => value?.split(',')[0]?.trim() || undefined;

/** `host[:port]` as URL.host writes it for `protocol` (lower case, the default port left out), or undefined if it is no host. */
function normalHost(host: string, protocol: string): string | undefined {
  if (/[/?#@\\\s]/.test(host)) return undefined;
  try {
    return new URL(`${protocol}//${host}`).host;
  } catch {
    return undefined;
  }
}

/** Whether `host` (a Host header) is the host of one of `origins`. */
function isPublicHost(host: string | undefined, origins: readonly string[]): boolean {
  if (!host) return false;
  return origins.some((origin) => {
    const url = new URL(origin);
    return normalHost(host, url.protocol) === url.host;
  });
}

/**
 * With PUBLIC_ORIGIN set, a request whose Host (or X-Forwarded-Host, where a proxy sets one) is
 * not one of Berth's public hosts is refused: a page on another name that resolves to Berth's
 * address (DNS rebinding) would otherwise be same-origin with Berth in the browser, and could
 * read Berth's answers and pass the Origin check below. Both headers are checked, because a
 * script can send X-Forwarded-Host itself.
 */
export function assertPublicHost(headers: HeaderSource, publicOrigins: readonly string[] | null): void {
  if (!publicOrigins) return;
  const host = headers.get('host') ?? undefined;
  const forwarded = firstOf(headers.get('x-forwarded-host'));
  if (isPublicHost(host, publicOrigins) && (forwarded === undefined || isPublicHost(forwarded, publicOrigins))) return;
  throw new RegistryError({
    code: 'HOST_NOT_ALLOWED',
    message: `This Berth answers only at ${publicOrigins.join(', ')} (PUBLIC_ORIGIN), not at the address this request was sent to. Open Berth at its own address; if that is what you did, ask the administrator to add it to PUBLIC_ORIGIN.`,
  });
}

/**
 * State-changing routes (sign-in, sign-out, delete) accept only same-origin requests: the
 * browser's Origin must be one of PUBLIC_ORIGIN's origins exactly, or, where that is unset, name
 * the host the request was sent to. No Origin, `Origin: null` (sandboxed frames, some redirects)
 * and anything unparsable are refused.
 */
export function assertSameOrigin(request: Request, publicOrigins: readonly string[] | null = null): void {
  const origin = request.headers.get('origin');
  let ok = false;
  if (origin) {
    try {
      const url = new URL(origin);
      if (publicOrigins) {
        ok = publicOrigins.includes(url.origin) && origin === url.origin;
      } else {
        // Behind proxies X-Forwarded-Host may list several hosts: the first is the one the browser used.
        const host = firstOf(request.headers.get('x-forwarded-host')) ?? firstOf(request.headers.get('host'));
        ok = host !== undefined && normalHost(host, url.protocol) === url.host;
      }
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new RegistryError({ code: 'CROSS_ORIGIN', message: 'This request did not come from a Berth page. Reload Berth and try again.' });
  }
}
