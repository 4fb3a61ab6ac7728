// A demo stopped without Ctrl-C (a closed terminal) leaves Berth's server running: the next run
// stops it, by the process ids it wrote down, if they still belong to Berth.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { log } from './log';
import { onPath } from '../system-packages';

export function stopLeftovers(pidFile: string): void {
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
