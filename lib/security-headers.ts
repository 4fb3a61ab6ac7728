// The Content-Security-Policy of Berth's pages. It carries a per-request nonce and is set by
// proxy.ts; the headers that never change (X-Frame-Options, nosniff, Referrer-Policy…) go on
// every response from next.config.js.

/** Scripts only from Berth with this request's nonce; nothing framed, posted or loaded elsewhere. */
export function contentSecurityPolicy(nonce: string, options: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    // React needs eval only in development, for its error overlay.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    // Rows of long lists are placed with style attributes (server-rendered, then moved by React).
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** Over https: browsers keep to https for this host for a year (not its subdomains, which Berth does not own). */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';
