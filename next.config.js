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
  // What the container image ships: .next/standalone runs without node_modules beside it
  // (scripts/standalone-assets.mjs adds the static files and the entry point, start.mjs).
  output: 'standalone',
  outputFileTracingRoot: __dirname,
  // Berth shows no raster images, so the image optimiser and its native library stay out.
  images: { unoptimized: true },
  outputFileTracingExcludes: { '*': ['node_modules/sharp/**', 'node_modules/@img/**'] },
  // A second build can go to its own folder (BERTH_DIST_DIR; scripts/standalone-assets.mjs reads it too).
  distDir: process.env.BERTH_DIST_DIR || '.next',
};

module.exports = nextConfig;
