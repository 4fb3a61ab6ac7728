// Which registry the demo runs: BERTH_REGISTRY_BIN, Debian's docker-registry or a `registry`
// binary on the PATH, docker-registry installed with apt-get when running as root on Debian, or the
// registry:2 image where only a Docker engine is available.
import { execFileSync, spawnSync } from 'node:child_process';
import type { Issuer, RunningRegistry } from '../../e2e/fixtures';
import { aptInstall, canAptInstall, onPath } from '../system-packages';
import { fail, log } from './log';

export function registryBinary(): string | 'docker' {
  if (process.env.BERTH_REGISTRY_BIN) return process.env.BERTH_REGISTRY_BIN;
  for (const bin of ['docker-registry', 'registry']) if (onPath(bin)) return bin;
  if (canAptInstall()) {
    log('installing the CNCF distribution registry: apt-get install docker-registry …');
    if (aptInstall(['docker-registry']) && onPath('docker-registry')) return 'docker-registry';
  }
  if (onPath('docker') && spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0) return 'docker';
  fail(
    'no container registry to run. Install the CNCF distribution registry and run the demo again:\n' +
      '  Debian/Ubuntu: sudo apt-get install docker-registry\n' +
      '  elsewhere:     a `registry` binary from github.com/distribution/distribution releases on your PATH,\n' +
      '                 or a running Docker engine (the demo then uses the registry:2 image).',
  );
}

export async function startRegistryContainer(issuer: Issuer, port: number, dataDir: string): Promise<RunningRegistry> {
  const args = [
    'run',
    '-d',
    '--rm',
    '--name',
    'berth-demo-registry',
    '-p',
    `127.0.0.1:${port}:5000`,
    '-v',
    `${dataDir}:/var/lib/registry`,
    '-v',
    `${issuer.rootCertBundle}:/certs/issuer.pem:ro`,
    '-e',
    `REGISTRY_AUTH_TOKEN_REALM=${issuer.tokenUrl}`,
    '-e',
    `REGISTRY_AUTH_TOKEN_SERVICE=${issuer.service}`,
    '-e',
    `REGISTRY_AUTH_TOKEN_ISSUER=${issuer.issuer}`,
    '-e',
    'REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE=/certs/issuer.pem',
    '-e',
    'REGISTRY_STORAGE_DELETE_ENABLED=true',
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
