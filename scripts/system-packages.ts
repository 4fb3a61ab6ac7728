// The system programs Berth's demo and tests run beside Node: finding them, and installing the
// missing ones with apt-get where that is possible (Debian or Ubuntu, as root).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function onPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

/** True where `apt-get install` can run: Debian or Ubuntu, as root. */
export function canAptInstall(): boolean {
  return existsSync('/etc/debian_version') && process.getuid?.() === 0 && onPath('apt-get');
}

/** Installs Debian packages (apt-get update first); true when apt-get succeeded. */
export function aptInstall(packages: string[]): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (update.status !== 0) return false;
  return spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env }).status === 0;
}
