// npm run demo — Berth on a real local registry in one command.
//
// Starts the CNCF distribution registry (token auth, the test bed's issuer) with sample images,
// builds Berth if needed, starts it pre-connected to that registry, prints the URL and the demo
// accounts, and stops everything on Ctrl-C. Data lives in .berth/demo (ignored by git); seeding is
// idempotent. Environment: PORT (Berth, default 3000), BERTH_DEMO_REGISTRY_PORT (default 5123),
// BERTH_DEMO_DIR (default .berth/demo).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startIssuer, type Issuer, type IssuerUser } from '../e2e/fixtures/issuer';
import { freePort, portIsFree, startRegistry, type RunningRegistry } from '../e2e/fixtures/registry';
import { RegistryHttpClient } from '../e2e/fixtures/registry-client';
import {
  MT,
  OciLayout,
  addArtifact,
  addImage,
  addReferrersIndex,
  buildMultiPlatform,
  buildSingleImage,
  hexOf,
  pushLayoutOverHttp,
  type Descriptor,
} from '../e2e/fixtures/oci-layout';
import { pool } from '../e2e/fixtures/seed';

const root = resolve(__dirname, '..');
const stateDir = process.env.BERTH_DEMO_DIR ? resolve(process.env.BERTH_DEMO_DIR) : join(root, '.berth', 'demo');
const pidFile = join(stateDir, 'pids.json');

export const DEMO_USERS: Array<IssuerUser & { description: string }> = [
  { username: 'admin', password: 'berth-admin', description: 'everything', access: { repositories: { '*': ['*'] }, catalog: true } },
  {
    username: 'viewer',
    password: 'berth-viewer',
    description: 'pull only, not private/*',
    access: { repositories: { 'private/*': [], '*': ['pull'] }, catalog: true },
  },
];
const ANONYMOUS = { repositories: { 'public/*': ['pull' as const] } };

const log = (msg: string) => console.log(`[demo] ${msg}`);

function fail(msg: string): never {
  console.error(`\nBerth demo: ${msg}\n`);
  process.exit(1);
}

// ---- the registry binary: Debian's docker-registry, a `registry` binary, or install it ----------

function onPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

function registryBinary(): string | 'docker' {
  if (process.env.BERTH_REGISTRY_BIN) return process.env.BERTH_REGISTRY_BIN;
  for (const bin of ['docker-registry', 'registry']) if (onPath(bin)) return bin;
  const isDebian = existsSync('/etc/debian_version');
  if (isDebian && process.getuid?.() === 0 && onPath('apt-get')) {
    log('installing the CNCF distribution registry: apt-get install docker-registry …');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', 'docker-registry'], { stdio: 'inherit', env }) : update;
    if (install.status === 0 && onPath('docker-registry')) return 'docker-registry';
  }
  if (onPath('docker') && spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0) return 'docker';
  fail(
    'no container registry to run. Install the CNCF distribution registry and run the demo again:\n' +
      '  Debian/Ubuntu: sudo apt-get install docker-registry\n' +
      '  elsewhere:     a `registry` binary from github.com/distribution/distribution releases on your PATH,\n' +
      '                 or a running Docker engine (the demo then uses the registry:2 image).',
  );
}

// ---- leftovers from an earlier run --------------------------------------------------------------

function stopLeftovers(): void {
  if (!existsSync(pidFile)) return;
  let pids: number[] = [];
  try {
    pids = (JSON.parse(readFileSync(pidFile, 'utf8')) as { pids: number[] }).pids;
  } catch {
    /* unreadable: nothing to stop */
  }
  for (const pid of pids) {
    // Only a process that is still Berth's server: after a reboot the pid may be anyone's.
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // gone (or no /proc): nothing to stop
    }
    if (!/next/.test(cmdline)) continue;
    try {
      process.kill(-pid, 'SIGTERM');
      log(`stopped a leftover demo process group ${pid}`);
    } catch {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  }
  if (onPath('docker')) spawnSync('docker', ['rm', '-f', 'berth-demo-registry'], { stdio: 'ignore' });
}

// ---- the registry in a container, where only a Docker engine is available ------------------------

async function startRegistryContainer(issuer: Issuer, port: number, dataDir: string): Promise<RunningRegistry> {
  const args = [
    'run', '-d', '--rm', '--name', 'berth-demo-registry',
    '-p', `127.0.0.1:${port}:5000`,
    '-v', `${dataDir}:/var/lib/registry`,
    '-v', `${issuer.rootCertBundle}:/certs/issuer.pem:ro`,
    '-e', `REGISTRY_AUTH_TOKEN_REALM=${issuer.tokenUrl}`,
    '-e', `REGISTRY_AUTH_TOKEN_SERVICE=${issuer.service}`,
    '-e', `REGISTRY_AUTH_TOKEN_ISSUER=${issuer.issuer}`,
    '-e', 'REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE=/certs/issuer.pem',
    '-e', 'REGISTRY_STORAGE_DELETE_ENABLED=true',
    'registry:2',
  ];
  execFileSync('docker', args, { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`${url}/v2/`);
      if (res.status === 401) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async () => {
    spawnSync('docker', ['rm', '-f', 'berth-demo-registry'], { stdio: 'ignore' });
  };
  return { mode: 'token', url, host: `127.0.0.1:${port}`, port, workDir: dataDir, dataDir, logFile: '', logTail: async () => '', stop };
}

// ---- sample content, pushed over the registry HTTP API (no skopeo) -------------------------------

interface Pushed {
  repositories: number;
  tags: number;
  multi: string;
}

async function exists(client: RegistryHttpClient, repo: string, tag: string, digest: string): Promise<boolean> {
  try {
    return (await client.headManifest(repo, tag)).digest === digest;
  } catch {
    return false;
  }
}

async function push(client: RegistryHttpClient, url: string, repo: string, tag: string, layout: OciLayout, desc: Descriptor, creds: { username: string; password: string }): Promise<boolean> {
  if (await exists(client, repo, tag, desc.digest)) return false;
  await pushLayoutOverHttp(url, repo, tag, layout, creds, client);
  return true;
}

export async function seedDemo(url: string): Promise<Pushed> {
  const admin = DEMO_USERS[0];
  if (!admin) throw new Error('no admin user');
  const creds = { username: admin.username, password: admin.password };
  const client = new RegistryHttpClient(url, creds);
  let pushed = 0;

  // A multi-platform image (amd64, arm64/v8, arm/v7 with attestations), in two repositories.
  const web = buildMultiPlatform('acme/web', '1.4.2');
  for (const tag of ['1.4.2', '1.4', 'latest']) web.layout.tag(web.index, tag);
  for (const tag of ['1.4.2', '1.4', 'latest']) if (await push(client, url, 'acme/web', tag, web.layout, web.index, creds)) pushed++;
  const hello = buildMultiPlatform('public/hello', 'latest');
  if (await push(client, url, 'public/hello', 'latest', hello.layout, hello.index, creds)) pushed++;

  // A Docker schema2 image and an OCI image with realistic configs.
  const apiConfig = {
    User: '10001',
    ExposedPorts: { '8080/tcp': {}, '9090/tcp': {} },
    Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'API_LOG_LEVEL=info', 'API_LISTEN=:8080', 'TZ=UTC'],
    Entrypoint: ['/usr/local/bin/api'],
    Cmd: ['serve', '--config', '/etc/api/config.yaml'],
    Volumes: { '/var/lib/api': {} },
    WorkingDir: '/srv',
    Labels: {
      'org.opencontainers.image.title': 'acme api',
      'org.opencontainers.image.version': '2.0.1',
      'org.opencontainers.image.source': 'https://git.example.com/acme/api',
      'org.opencontainers.image.licenses': 'Apache-2.0',
    },
    StopSignal: 'SIGTERM',
  };
  const v1 = new OciLayout();
  const v1Image = addImage(v1, { name: 'acme/api', platform: { os: 'linux', architecture: 'amd64' }, format: 'docker', created: '2025-09-14T08:21:07Z', config: { ...apiConfig, Labels: { ...apiConfig.Labels, 'org.opencontainers.image.version': '1.9.0' } } });
  v1.tag(v1Image.manifest, '1.9.0');
  if (await push(client, url, 'acme/api', '1.9.0', v1, v1Image.manifest, creds)) pushed++;
  const v2 = new OciLayout();
  const v2Image = addImage(v2, { name: 'acme/api', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, created: '2026-10-02T16:45:00Z', config: apiConfig, annotations: { 'org.opencontainers.image.created': '2026-10-02T16:45:00Z' } });
  v2.tag(v2Image.manifest, '2.0.1');
  if (await push(client, url, 'acme/api', '2.0.1', v2, v2Image.manifest, creds)) pushed++;

  // A signature-like artifact whose subject is acme/web:1.4.2, with the referrers fallback tag.
  const sig = new OciLayout();
  const artifact = addArtifact(sig, { subject: web.index });
  const referrers = addReferrersIndex(sig, [artifact]);
  const referrersTag = `sha256-${hexOf(web.index.digest)}`;
  sig.tag(referrers, referrersTag);
  if (!(await exists(client, 'acme/web', referrersTag, referrers.digest))) {
    await pushLayoutOverHttp(url, 'acme/web', referrersTag, sig, creds, client);
    pushed++;
  }

  // Something the viewer may not pull.
  const vault = buildSingleImage('private/vault', '3.1.0');
  if (await push(client, url, 'private/vault', '3.1.0', vault.layout, vault.image.manifest, creds)) pushed++;

  // A repository with a few hundred tags (one manifest under many names).
  const nightly = buildSingleImage('acme/nightly', 'latest', { os: 'linux', architecture: 'amd64' }, { layers: [[{ path: 'build.txt', content: 'nightly build\n' }]] });
  await push(client, url, 'acme/nightly', 'latest', nightly.layout, nightly.image.manifest, creds);
  const manifest = nightly.layout.blob(nightly.image.manifest.digest);
  const nightlyTags: string[] = [];
  for (let day = 0; day < 300; day++) {
    const d = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000);
    nightlyTags.push(`nightly-${d.toISOString().slice(0, 10)}`);
  }
  const have = new Set(await listTags(client, 'acme/nightly'));
  await pool(nightlyTags.filter((t) => !have.has(t)), 8, async (tag) => {
    await client.putManifest('acme/nightly', tag, MT.ociManifest, manifest);
    pushed++;
  });

  // A few dozen repositories across namespaces, blobs cross-mounted.
  const namespaces = ['billing', 'search', 'platform', 'data'];
  const services = ['gateway', 'worker', 'scheduler', 'indexer', 'exporter', 'migrator', 'notifier', 'auth', 'cache'];
  const repos = namespaces.flatMap((ns) => services.map((s) => `${ns}/${s}`));
  const blobs = [nightly.image.config, ...nightly.image.layers];
  await pool(repos, 8, async (repo) => {
    if (await exists(client, repo, 'latest', nightly.image.manifest.digest)) return;
    for (const b of blobs) await client.mountBlob(repo, b.digest, 'acme/nightly', nightly.layout.blob(b.digest));
    await client.putManifest(repo, 'latest', MT.ociManifest, manifest);
    pushed++;
  });
  return { repositories: repos.length + 5, tags: pushed, multi: `acme/web:1.4.2` };
}

async function listTags(client: RegistryHttpClient, repo: string): Promise<string[]> {
  const res = await client.request('GET', `/v2/${repo}/tags/list`, { scopes: [`repository:${repo}:pull`] });
  if (res.status !== 200) return [];
  return ((JSON.parse(res.body.toString('utf8')) as { tags?: string[] | null }).tags ?? []).filter(Boolean);
}

// ---- Berth itself -------------------------------------------------------------------------------

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

// The standalone build, as the container image runs it (npm run build; docs/deploy.md).
const serverEntry = join(root, '.next', 'standalone', 'start.mjs');

function ensureBuild(): void {
  const buildId = join(root, '.next', 'BUILD_ID');
  const sources = Math.max(...['app', 'components', 'lib'].map((d) => newestMtime(join(root, d))), statSync(join(root, 'package.json')).mtimeMs);
  if (existsSync(serverEntry) && existsSync(buildId) && statSync(buildId).mtimeMs > sources) return;
  log('building Berth (npm run build) …');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) fail('the build failed (see above).');
}

async function main(): Promise<void> {
  const t0 = Date.now();
  mkdirSync(stateDir, { recursive: true });
  stopLeftovers();
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

  ensureBuild();
  const wantedAppPort = Number(process.env.PORT ?? 3000);
  const port = (await portIsFree(wantedAppPort, '0.0.0.0')) ? wantedAppPort : await freePort();
  const app = spawn(process.execPath, [serverEntry], {
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
