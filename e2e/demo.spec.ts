import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './fixtures/registry';
import { test, expect } from './support';

// The README's first line: `npm ci && npm run demo`. Start it as a newcomer would (dependencies
// are already installed here), sign in as a demo user, open a multi-platform tag, press Ctrl-C.
test('npm run demo shows Berth on a real registry and stops cleanly', async ({ page }) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'berth-demo-e2e-'));
  const registryPort = await freePort();
  const appPort = await freePort();
  const demo = spawn('npm', ['run', 'demo'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(appPort), BERTH_DEMO_REGISTRY_PORT: String(registryPort), BERTH_DEMO_DIR: dir, ALLOWED_REGISTRIES: '' },
  });
  let output = '';
  demo.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  demo.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));
  try {
    await expect.poll(() => output, { timeout: 150_000, message: 'the demo prints its URL' }).toContain('Berth is running');
    const url = /Berth is running: (\S+)/.exec(output)?.[1] ?? '';
    const host = /Demo registry (\S+)/.exec(output)?.[1] ?? '';
    expect(output).toContain('viewer / berth-viewer');
    await page.goto(`${url}/${host}/acme/web:1.4.2`);
    await expect(page).toHaveURL(/\/login\?/);
    await page.getByLabel('Username').fill('viewer');
    await page.getByLabel('Password or token').fill('berth-viewer');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(`${url}/${host}/acme/web:1.4.2`);
    for (const label of ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7']) {
      await expect(page.getByRole('cell', { name: label, exact: true })).toBeVisible();
    }
  } finally {
    if (demo.pid) process.kill(-demo.pid, 'SIGINT'); // Ctrl-C reaches the whole process group
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
  // Everything it started is gone: its registry port is free again.
  await expect
    .poll(
      async () =>
        fetch(`http://127.0.0.1:${registryPort}/v2/`).then(
          () => 'up',
          () => 'down',
        ),
      { timeout: 10_000 },
    )
    .toBe('down');
});
