// @ts-check

/**
 * On every response, pages and API alike. The Content-Security-Policy, which needs a fresh nonce
 * per page, is set by proxy.ts (lib/security-headers.ts).
 */
const securityHeaders = [
  // A framed sign-in page is a phishing aid.
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  // Registry paths in a URL are nobody else's business.
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

module.exports = nextConfig;
