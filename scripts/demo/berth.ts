// Berth's standalone build, as the container image runs it (npm run build; docs/deploy.md), made
// when it is missing or older than the code.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fail, log } from './log';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export const serverEntry = (root: string) => join(root, '.next', 'standalone', 'start.mjs');

export function ensureBuild(root: string): void {
  const buildId = join(root, '.next', 'BUILD_ID');
  const sources = Math.max(...['app', 'components', 'lib'].map((d) => newestMtime(join(root, d))), statSync(join(root, 'package.json')).mtimeMs);
  if (existsSync(serverEntry(root)) && existsSync(buildId) && statSync(buildId).mtimeMs > sources) return;
  log('building Berth (npm run build) …');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) fail('the build failed (see above).');
}
