// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // The protocol core runs only on the server; keep its Node APIs out of client bundles.
  serverExternalPackages: [],
};

module.exports = nextConfig;
