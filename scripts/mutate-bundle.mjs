// Bundles test files for `npm run mutate` (stryker.config.mjs buildCommand): each argument is
// `test.ts=out.js`. Sources are bundled in (Stryker has instrumented them in its sandbox);
// packages stay outside, resolved by the runner's node (scripts/unit-test-setup.mjs lets
// 'server-only' modules load, as in the unit suite).
import { build } from 'esbuild';

const pairs = process.argv.slice(2).map((arg) => arg.split('='));
await Promise.all(
  pairs.map(([entry, outfile]) =>
    build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning' }),
  ),
);
