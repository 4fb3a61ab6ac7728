import { NextResponse, type NextRequest } from 'next/server';
import { resolveRoute } from '@/lib/route-target';
import { contentSecurityPolicy } from '@/lib/security-headers';

// Runs before every page (not the API or static files):
// - Image-reference URLs answer with real HTTP semantics before any rendering (docs/architecture.md
//   "URLs"): short and non-canonical forms redirect (/alpine:3.20 → /docker.io/library/alpine:3.20),
//   and an invalid reference is a 400 that still renders the page saying which part is wrong.
// - Every page gets a Content-Security-Policy with a fresh nonce, which Next.js puts on its own
//   scripts (docs/architecture.md "Security policy").
export function proxy(request: NextRequest): NextResponse {
  const path = request.nextUrl.pathname;
  if (path !== '/' && path !== '/login') {
    const target = resolveRoute(path.split('/').filter(Boolean));
    if (target.kind === 'redirect') {
      // Based on Next's own view of this request, not on X-Forwarded-* headers a client can forge.
      // nextUrl.pathname has the base path (BASE_PATH) taken off; the Location needs it back.
      return NextResponse.redirect(new URL(request.nextUrl.basePath + target.to, request.nextUrl), 308);
    }
    if (target.kind === 'invalid') return withPolicy(request, 400);
  }
  return withPolicy(request);
}

function withPolicy(request: NextRequest, status?: number): NextResponse {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const policy = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === 'development', https: request.nextUrl.protocol === 'https:' });
  const headers = new Headers(request.headers);
  // Next.js reads the nonce from the request's policy and applies it to the scripts it renders.
  headers.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers }, ...(status ? { status } : {}) });
  response.headers.set('content-security-policy', policy);
  return response;
}

export const config = {
  // Pages only: not Berth's API, its static files, the icon or robots.txt; not link prefetches.
  matcher: [
    {
      source: '/((?!api/|_next/|icon|favicon|robots\\.txt).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
