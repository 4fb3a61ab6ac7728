# Berth's container image (docs/deploy.md):
#   docker build -t berth .
#   docker run -e SESSION_SECRET="$(openssl rand -hex 32)" -e ALLOWED_REGISTRIES=https://registry.example.com -p 3000:3000 berth
# The build runs the same commands as CI (npm ci, npm run build) and the image runs what the
# end-to-end tests run: the standalone server, node start.mjs, with no node_modules of its own.
# No secret is baked in: SESSION_SECRET comes from the environment at run time.

# Node.js 20.9 or newer runs Berth; CI tests on 20.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Serving under a path behind a reverse proxy is fixed at build time: --build-arg BASE_PATH=/registry
ARG BASE_PATH=""
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0
# Root owns the code; the unprivileged `node` user (uid 1000) may write only Next's cache folder
# (an emptyDir under Kubernetes' read-only root filesystem).
COPY --from=build /app/.next/standalone ./
RUN mkdir -p .next/cache && chown node:node .next/cache
USER node
EXPOSE 3000
# /api/health under the base path the image was built with, on $PORT.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "const base = require('./.next/required-server-files.json').config.basePath; fetch(`http://127.0.0.1:${process.env.PORT}${base}/api/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "start.mjs"]
