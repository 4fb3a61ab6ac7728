import { NextResponse, type NextRequest } from 'next/server';
import { resolveRoute } from '@/lib/route-target';

// Image-reference URLs answer with real HTTP semantics before any rendering (docs/architecture.md
// "URLs"): short and non-canonical forms redirect (/alpine:3.20 →
// /docker.io/library/alpine:3.20), and an invalid reference is a 400 that still renders the
// page saying which part is wrong.
export function proxy(request: NextRequest): NextResponse {
  const target = resolveRoute(request.nextUrl.pathname.split('/').filter(Boolean));
  if (target.kind === 'redirect') {
    // Based on Next's own view of this request, not on X-Forwarded-* headers a client can forge.
    return NextResponse.redirect(new URL(target.to, request.nextUrl), 308);
  }
  if (target.kind === 'invalid') return NextResponse.next({ status: 400 });
  return NextResponse.next();
}

export const config = {
  // Only the image-reference pages: not Berth's own routes, assets or API.
  matcher: ['/((?!api/|_next/|login|icon|favicon|robots\.txt).+)'],
};
