import { defineConfig, devices } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { appEnv, standaloneEntry } from './e2e/fixtures/app-server';

// End-to-end tests: real Chromium (Debian's) against the standalone production build of Berth
// (what the container image runs) talking to the real registries of the test bed. Run through
// e2e/fixtures/with-bed.ts, which sets BERTH_BED, BERTH_APP_PORT and ALLOWED_REGISTRIES;
// `npm test` does that after `npm run build`. The environment (Docker Hub played by the bed's
// Docker Hub stand-in) is appEnv() in e2e/fixtures/app-server.ts.
const port = Number(process.env.BERTH_APP_PORT ?? 3123);
const baseURL = `http://127.0.0.1:${port}`;

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
  // A stray test.only would quietly shrink the run to one test: refuse it unless asked for locally.
  forbidOnly: process.env.BERTH_ALLOW_ONLY !== '1',
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
    command: `node ${standaloneEntry()}`,
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    // As behind one reverse proxy: each test is its own client (e2e/support.ts gives each its own
    // X-Forwarded-For), so one test's sign-ins and requests do not spend the next one's limits.
    env: { ...appEnv(), PORT: String(port), HOSTNAME: '127.0.0.1', TRUSTED_PROXIES: '1' },
  },
});
