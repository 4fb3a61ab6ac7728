import { defineConfig, devices } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

// End-to-end tests: real Chromium (Debian's) against a production build of Berth talking to the
// real registries of the test bed. Run through e2e/fixtures/with-bed.ts, which sets BERTH_BED,
// BERTH_APP_PORT and ALLOWED_REGISTRIES; `npm test` does that after `next build`.
const port = Number(process.env.BERTH_APP_PORT ?? 3123);
const baseURL = `http://127.0.0.1:${port}`;

// Docker Hub cannot be reached here: the bed's Docker Hub stand-in takes its place (its Hub API,
// and registry-1, a real distribution registry behind a pull-limit proxy, with its token service),
// so docker.io links exercise Berth's Hub handling end to end.
const bed = process.env.BERTH_BED ? (JSON.parse(readFileSync(process.env.BERTH_BED, 'utf8')) as { hub: { apiUrl: string; registryUrl: string } }) : undefined;
const allowed = [process.env.ALLOWED_REGISTRIES ?? '', bed ? 'docker.io' : ''].filter(Boolean).join(',');

// Workers re-read this file: keep the secret stable across them.
process.env.BERTH_E2E_SECRET ??= randomBytes(32).toString('hex');

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  fullyParallel: false,
  // One worker: the token-count test reads the issuer's global counter, which parallel tests would move.
  workers: 1,
  retries: 0,
  timeout: 45_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: {
    command: `npx next start -p ${port} -H 127.0.0.1`,
    url: `${baseURL}/api/session`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      NODE_ENV: 'production',
      SESSION_SECRET: process.env.BERTH_E2E_SECRET,
      ALLOWED_REGISTRIES: allowed,
      ...(bed ? { DOCKER_HUB_API_URL: bed.hub.apiUrl, DOCKER_HUB_REGISTRY_URL: bed.hub.registryUrl } : {}),
      UPSTREAM_TIMEOUT_MS: '5000',
      NEXT_TELEMETRY_DISABLED: '1',
    },
  },
});
