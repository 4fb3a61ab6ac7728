import { NextResponse, type NextRequest } from 'next/server';
import { resolveRoute } from '@/lib/route-target';

// Image-reference URLs answer with real HTTP semantics before any rendering (DESIGN.md "Links
// are image references"): short and non-canonical forms redirect (/alpine:3.20 →
// /docker.io/library/alpine:3.20), and an invalid reference is a 400 that still renders the
// page saying which part is wrong.
export function proxy(request: NextRequest): NextResponse {
  const target = resolveRoute(request.nextUrl.pathname.split('/').filter(Boolean));
  if (target.kind === 'redirect') {
    // Against the Host the browser used: Next's own request URL may name another interface.
    const proto = request.headers.get('x-forwarded-proto') ?? request.nextUrl.protocol.replace(':', '');
    const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host') ?? request.nextUrl.host;
    return NextResponse.redirect(new URL(target.to, `${proto}://${host}`), 308);
  }
  if (target.kind === 'invalid') return NextResponse.next({ status: 400 });
  return NextResponse.next();
}

export const config = {
  // Only the image-reference pages: not Berth's own routes, assets or API.
  matcher: ['/((?!api/|_next/|login|icon|favicon).+)'],
};
