// npm run demo — Berth on a real local registry in one command.
//
// Starts the CNCF distribution registry (token auth, the test bed's issuer) with sample images,
// builds Berth if needed, starts it pre-connected to that registry, prints the URL and the demo
// accounts, and stops everything on Ctrl-C. Data lives in .berth/demo (ignored by git); seeding is
// idempotent. Environment: PORT (Berth, default 3000), BERTH_DEMO_REGISTRY_PORT (default 5123),
// BERTH_DEMO_DIR (default .berth/demo).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, portIsFree, startIssuer, startRegistry } from '../e2e/fixtures';
import { ensureBuild, serverEntry } from './demo/berth';
import { ANONYMOUS, DEMO_USERS, seedDemo } from './demo/content';
import { stopLeftovers } from './demo/leftovers';
import { log } from './demo/log';
import { registryBinary, startRegistryContainer } from './demo/registry-binary';

const root = resolve(__dirname, '..');
const stateDir = process.env.BERTH_DEMO_DIR ? resolve(process.env.BERTH_DEMO_DIR) : join(root, '.berth', 'demo');
const pidFile = join(stateDir, 'pids.json');

async function main(): Promise<void> {
  const t0 = Date.now();
  mkdirSync(stateDir, { recursive: true });
  stopLeftovers(pidFile);
  const bin = registryBinary();

  const issuer = await startIssuer({ users: DEMO_USERS, anonymous: ANONYMOUS, service: 'berth-demo', issuer: 'berth-demo-issuer', expiresIn: 900 });
  const wantedPort = Number(process.env.BERTH_DEMO_REGISTRY_PORT ?? 5123);
  const dataDir = join(stateDir, 'registry');
  mkdirSync(dataDir, { recursive: true });
  const registry =
    bin === 'docker'
      ? await startRegistryContainer(issuer, (await portIsFree(wantedPort)) ? wantedPort : await freePort(), dataDir)
      : await startRegistry({ mode: 'token', issuer, dataDir, port: wantedPort, bin });
  log(`registry ${registry.url} (CNCF distribution, token auth) — data in ${dataDir}`);

  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) {
      try {
        if (c.pid) process.kill(-c.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    await registry.stop().catch(() => {});
    await issuer.stop().catch(() => {});
    try {
      writeFileSync(pidFile, JSON.stringify({ pids: [] }));
    } catch {
      /* state dir gone */
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const seedStart = Date.now();
  const seeded = await seedDemo(registry.url);
  log(`sample images ready in ${((Date.now() - seedStart) / 1000).toFixed(1)} s (${seeded.tags} pushed now; the rest were already there)`);

  ensureBuild(root);
  const wantedAppPort = Number(process.env.PORT ?? 3000);
  const port = (await portIsFree(wantedAppPort, '0.0.0.0')) ? wantedAppPort : await freePort();
  const app = spawn(process.execPath, [serverEntry(root)], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      HOSTNAME: '0.0.0.0',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      // Served over plain http, to this machine or others on the network: a Secure cookie would
      // reach only browsers that treat localhost as secure.
      SESSION_COOKIE_SECURE: process.env.SESSION_COOKIE_SECURE ?? '0',
      // The registry and its token service (a realm on another port must be listed too).
      ALLOWED_REGISTRIES: [registry.url, issuer.url].join(','),
    },
  });
  children.push(app);
  writeFileSync(pidFile, JSON.stringify({ pids: [app.pid] }));
  app.on('exit', (code) => {
    if (!stopping) {
      console.error(`Berth exited (code ${code}); stopping the demo.`);
      void stopAll(code ?? 1);
    }
  });
  await new Promise<void>((resolveReady) => {
    app.stdout?.on('data', (chunk: Buffer) => {
      if (/Ready|started server/i.test(chunk.toString())) resolveReady();
    });
  });
  const base = `http://localhost:${port}`;
  const host = registry.host;
  console.log(`
  Berth is running: ${base}   (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)

  Demo registry ${host} (CNCF distribution, token auth). Sign in as:
    admin  / berth-admin    everything
    viewer / berth-viewer   pull only, not private/*
    (or leave the username empty: public/* is anonymous)

  Try:
    ${base}/${host}                       repositories
    ${base}/${host}/acme/web:1.4.2        a multi-platform image
    ${base}/${host}/acme/api:2.0.1        an OCI image with its config
    ${base}/${host}/public/hello:latest   opens without signing in

  Ctrl-C stops Berth and the registry.
`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
