// The demo's sample content, pushed over the registry HTTP API (no skopeo needed): a
// multi-platform image, Docker and OCI images with realistic configs, a signature found through the
// referrers tag, a private repository, a repository of 300 nightly tags and a few dozen
// repositories across namespaces. Pushing is idempotent: what is already there is left alone.
import {
  MT,
  OciLayout,
  RegistryHttpClient,
  addArtifact,
  addImage,
  addReferrersIndex,
  buildMultiPlatform,
  buildSingleImage,
  hexOf,
  pool,
  pushLayoutOverHttp,
  type Descriptor,
  type IssuerUser,
} from '../../e2e/fixtures';

export const DEMO_USERS: Array<IssuerUser & { description: string }> = [
  { username: 'admin', password: 'berth-admin', description: 'everything', access: { repositories: { '*': ['*'] }, catalog: true } },
  {
    username: 'viewer',
    password: 'berth-viewer',
    description: 'pull only, not private/*',
    access: { repositories: { 'private/*': [], '*': ['pull'] }, catalog: true },
  },
];
export const ANONYMOUS = { repositories: { 'public/*': ['pull' as const] } };

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

async function push(
  client: RegistryHttpClient,
  url: string,
  repo: string,
  tag: string,
  layout: OciLayout,
  desc: Descriptor,
  creds: { username: string; password: string },
): Promise<boolean> {
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
  const v1Image = addImage(v1, {
    name: 'acme/api',
    platform: { os: 'linux', architecture: 'amd64' },
    format: 'docker',
    created: '2025-09-14T08:21:07Z',
    config: { ...apiConfig, Labels: { ...apiConfig.Labels, 'org.opencontainers.image.version': '1.9.0' } },
  });
  v1.tag(v1Image.manifest, '1.9.0');
  if (await push(client, url, 'acme/api', '1.9.0', v1, v1Image.manifest, creds)) pushed++;
  const v2 = new OciLayout();
  const v2Image = addImage(v2, {
    name: 'acme/api',
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    created: '2026-10-02T16:45:00Z',
    config: apiConfig,
    annotations: { 'org.opencontainers.image.created': '2026-10-02T16:45:00Z' },
  });
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
  const nightly = buildSingleImage(
    'acme/nightly',
    'latest',
    { os: 'linux', architecture: 'amd64' },
    { layers: [[{ path: 'build.txt', content: 'nightly build\n' }]] },
  );
  await push(client, url, 'acme/nightly', 'latest', nightly.layout, nightly.image.manifest, creds);
  const manifest = nightly.layout.blob(nightly.image.manifest.digest);
  const nightlyTags: string[] = [];
  for (let day = 0; day < 300; day++) {
    const d = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000);
    nightlyTags.push(`nightly-${d.toISOString().slice(0, 10)}`);
  }
  const have = new Set(await listTags(client, 'acme/nightly'));
  await pool(
    nightlyTags.filter((t) => !have.has(t)),
    8,
    async (tag) => {
      await client.putManifest('acme/nightly', tag, MT.ociManifest, manifest);
      pushed++;
    },
  );

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
