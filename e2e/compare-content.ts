// Purpose-made images to compare, pushed into the bed's scratch registry (e2e/compare.spec.ts, and
// the screenshots of a comparison).
import type { BedRegistry } from './fixtures/bed-state';
import type { ContainerConfig, TarEntry } from './fixtures/oci-layout';
import { pushImage, pushIndex } from './scratch';

export const COMPARE_REPO = 'e2e-compare/app';
const REPO = COMPARE_REPO;
const BASE: TarEntry[] = [{ path: 'etc/' }, { path: 'etc/os-release', content: 'NAME="Compare base"\n' }];
const annotations = { 'org.opencontainers.image.base.name': 'example.invalid/base:1', 'org.opencontainers.image.base.digest': `sha256:${'b'.repeat(64)}` };

function config(version: string, extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    User: 'app',
    Env: ['PATH=/usr/bin:/bin', 'APP_MODE=prod'],
    Entrypoint: ['/app/server'],
    Cmd: ['--port', '8080'],
    ExposedPorts: { '8080/tcp': {} },
    WorkingDir: '/app',
    Labels: { 'org.opencontainers.image.version': version },
    ...extra,
  };
}

/**
 * Two images on a shared base (v1, v2: one layer more, the env, a label and a port changed, made
 * three days apart) and two indexes (multi-1, multi-2: B has a platform more). Same digests on
 * every run: pushing again changes nothing.
 */
export async function pushCompareContent(scratch: BedRegistry) {
  await pushImage(scratch, REPO, ['v1'], {
    name: 'compare-v1',
    layers: [BASE, [{ path: 'app/' }, { path: 'app/server', content: 'v1\n' }]],
    config: config('1.0'),
    created: '2025-01-01T10:00:00Z',
    annotations,
  });
  await pushImage(scratch, REPO, ['v2'], {
    name: 'compare-v2',
    layers: [BASE, [{ path: 'app/' }, { path: 'app/server', content: 'v2, rewritten\n' }], [{ path: 'app/assets.txt', content: 'x'.repeat(4000) }]],
    config: config('2.0', { Env: ['PATH=/usr/bin:/bin', 'APP_MODE=debug'], ExposedPorts: { '8080/tcp': {}, '9090/tcp': {} } }),
    created: '2025-01-04T10:00:00Z',
    annotations,
  });
  const amd64 = { os: 'linux', architecture: 'amd64' };
  const arm64 = { os: 'linux', architecture: 'arm64', variant: 'v8' };
  const platformImage = (version: string) => (platform: { architecture: string }) => ({
    name: `compare-multi-${version}-${platform.architecture}`,
    config: config(version),
  });
  await pushIndex(scratch, REPO, ['multi-1'], [amd64, arm64], platformImage('1.0'));
  await pushIndex(scratch, REPO, ['multi-2'], [amd64, arm64, { os: 'linux', architecture: 'arm', variant: 'v7' }], platformImage('2.0'));
}
