// @ts-check

// Serving Berth under a path behind a reverse proxy (https://example.com/registry/…) is a build-time
// choice in Next.js: BASE_PATH=/registry npm run build. See docs/deploy.md.
const basePath = process.env.BASE_PATH?.replace(/\/+$/, '') ?? '';
if (basePath && !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) {
  throw new Error(`BASE_PATH must look like /registry (a leading slash, no trailing one); it is ${JSON.stringify(process.env.BASE_PATH)}`);
}

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
  // A second build (the base-path variant the tests use) can go to its own folder.
  distDir: process.env.BERTH_DIST_DIR || '.next',
  basePath,
  // `npm test` type-checks once (npm run typecheck); its second build, the base-path variant of
  // the same code, skips the check to save CI time. Ordinary builds always check.
  typescript: { ignoreBuildErrors: process.env.BERTH_SKIP_TYPECHECK === '1' },
  // Code that builds URLs by hand (fetch paths, the cookie path) reads it from here.
  env: { BERTH_BASE_PATH: basePath },
};

module.exports = nextConfig;
