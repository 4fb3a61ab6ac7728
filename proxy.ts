import { NextResponse, type NextRequest } from 'next/server';
import { RegistryError } from '@/lib/registry/errors';
import { resolveRoute } from '@/lib/route-target';
import { contentSecurityPolicy, STRICT_TRANSPORT_SECURITY } from '@/lib/security-headers';
import { parsePublicOrigins } from '@/lib/server/env';
import { assertPublicHost } from '@/lib/server/origin';

// Runs before every request but Next's static files:
// - With PUBLIC_ORIGIN set, a request sent to any other host is refused, pages and API alike
//   (lib/server/origin.ts says why: DNS rebinding). The health check answers whatever the host:
//   probes call it by the pod's address.
// - Image-reference URLs answer with real HTTP semantics before any rendering (docs/architecture.md
//   "URLs"): short and non-canonical forms redirect (/alpine:3.20 → /docker.io/library/alpine:3.20),
//   and an invalid reference is a 400 that still renders the page saying which part is wrong.
// - Every page, link prefetches included, gets a Content-Security-Policy with a fresh nonce, which
//   Next.js puts on its own scripts (docs/architecture.md "Security policy"); over https,
//   Strict-Transport-Security too.

let publicOrigins: { value: string | undefined; origins: string[] | null } | undefined;

/** PUBLIC_ORIGIN, parsed once (start-up has already refused a value that does not parse). */
function configuredOrigins(): string[] | null {
  const value = process.env.PUBLIC_ORIGIN;
  if (!publicOrigins || publicOrigins.value !== value) publicOrigins = { value, origins: parsePublicOrigins(value) };
  return publicOrigins.origins;
}

export function proxy(request: NextRequest): NextResponse {
  const path = request.nextUrl.pathname;
  const https = request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
  if (path !== '/api/health') {
    try {
      assertPublicHost(request.headers, configuredOrigins());
    } catch (e) {
      const err = e as RegistryError;
      if (path.startsWith('/api/')) {
        return withTransport(NextResponse.json({ error: { code: err.code, message: err.message, status: err.status } }, { status: err.status }), https);
      }
      // A person opening Berth at a name it does not answer to: the sentence, as a page.
      const page = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Berth: wrong address</title><style>${REFUSAL_STYLE}</style></head><body><main><h1>Wrong address</h1><p role="alert">${escapeHtml(err.message)}</p></main></body></html>`;
      // The page runs nothing and loads nothing; its one style sheet is inline.
      const response = new NextResponse(page, {
        status: err.status,
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': REFUSAL_POLICY },
      });
      return withTransport(response, https);
    }
  }
  if (path.startsWith('/api/')) return withTransport(NextResponse.next(), https);
  if (path !== '/' && path !== '/login') {
    const target = resolveRoute(path.split('/').filter(Boolean));
    if (target.kind === 'redirect') {
      // Based on Next's own view of this request, not on X-Forwarded-* headers a client can forge.
      // nextUrl.pathname has the base path (BASE_PATH) taken off; the Location needs it back.
      return withTransport(NextResponse.redirect(new URL(request.nextUrl.basePath + target.to, request.nextUrl), 308), https);
    }
    if (target.kind === 'invalid') return withPolicy(request, https, 400);
  }
  return withPolicy(request, https);
}

/** The refusal page's look: Berth's type and colours, light or dark as the system is. */
const REFUSAL_STYLE =
  'body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#18181b;background:#fff}main{max-width:40rem;margin:4rem auto;padding:0 1.5rem}h1{font-size:1.25rem}p{padding:.75rem 1rem;border:1px solid #fca5a5;border-radius:.5rem;background:#fef2f2}@media (prefers-color-scheme:dark){body{color:#e4e4e7;background:#18181b}p{border-color:#7f1d1d;background:#2a1212}}';
const REFUSAL_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function withTransport(response: NextResponse, https: boolean): NextResponse {
  if (https) response.headers.set('strict-transport-security', STRICT_TRANSPORT_SECURITY);
  return response;
}

function withPolicy(request: NextRequest, https: boolean, status?: number): NextResponse {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const policy = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === 'development', https });
  const headers = new Headers(request.headers);
  // Next.js reads the nonce from the request's policy and applies it to the scripts it renders.
  headers.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers }, ...(status ? { status } : {}) });
  response.headers.set('content-security-policy', policy);
  return withTransport(response, https);
}

export const config = {
  // Everything but Next's own static files and the icons: pages, link prefetches and the API.
  matcher: ['/((?!_next/static/|_next/image|icon|favicon|robots\\.txt).*)'],
};
