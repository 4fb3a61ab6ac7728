// Runs after `next build` (npm run build): copies what Next's standalone output leaves out, the
// browser assets (<distDir>/static) and public/ if there is one, into <distDir>/standalone, with
// Berth's entry point (start.mjs: Next's server.js plus a graceful shutdown), so that folder runs
// alone with `node <distDir>/standalone/start.mjs` (no node_modules beside it). The container
// image copies just that folder. BERTH_DIST_DIR picks the build, as in next.config.js.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = process.env.BERTH_DIST_DIR || '.next';
const standalone = join(root, distDir, 'standalone');
if (!existsSync(join(standalone, 'server.js'))) {
  console.error(`standalone-assets: ${join(distDir, 'standalone', 'server.js')} is missing; run next build first (output: 'standalone').`);
  process.exit(1);
}

const copies = [
  [join(root, distDir, 'static'), join(standalone, distDir, 'static')],
  [join(root, 'public'), join(standalone, 'public')],
  [join(root, 'scripts', 'standalone-start.mjs'), join(standalone, 'start.mjs')],
];
for (const [from, to] of copies) {
  if (!existsSync(from)) continue;
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
}
console.log(`standalone-assets: ${join(distDir, 'standalone')} is ready (node ${join(distDir, 'standalone', 'start.mjs')})`);
