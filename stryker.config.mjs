// Mutation testing (`npm run mutate`, which runs scripts/mutate.mjs around Stryker; README "Test
// strength"). Stryker changes one thing at a time in the measured files (a condition, an operator,
// a string) and runs the unit tests that reach it: a change no test notices is a gap in the tests.
// scripts/mutate.mjs narrows the run to some files with BERTH_MUTATE_ONLY (comma-separated
// sources) and fails when any file scores below MUTATION_FLOOR.
import { MEASURED } from './scripts/mutation-files.mjs';

const only = process.env.BERTH_MUTATE_ONLY?.split(',').filter(Boolean);
const measured = only ? MEASURED.filter((m) => only.includes(m.source)) : MEASURED;
const tests = [...new Set(measured.flatMap((m) => m.tests))];
/** Where esbuild writes a test file's bundle: its path with / as __, .ts as .js. */
const bundled = (test) => `mutate-build/${test.replace(/\.ts$/, '').replaceAll('/', '__')}.js`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  mutate: measured.map((m) => m.source),
  // The test files are bundled once with their (instrumented) sources after Stryker has written
  // the sandbox, then loaded into Stryker's worker by the runner in scripts/stryker-node-test.mjs,
  // which calls their tests directly: a new `node --test` process for every mutant would cost far
  // more CPU than the tests themselves. Only the tests that reach a mutant run for it. Modules
  // that import 'server-only' load as in the unit suite (scripts/unit-test-setup.mjs).
  buildCommand: `node scripts/mutate-bundle.mjs ${tests.map((t) => `${t}=${bundled(t)}`).join(' ')}`,
  plugins: ['./scripts/stryker-node-test.mjs'],
  testRunner: 'node-test',
  testRunnerNodeArgs: ['--import', './scripts/unit-test-setup.mjs'],
  nodeTest: { testFiles: tests.map(bundled) },
  coverageAnalysis: 'perTest',
  // The machine is shared: two test processes at most.
  concurrency: Number(process.env.BERTH_MUTATE_CONCURRENCY ?? 2),
  // A busy machine runs a test file slower than the dry run did: allow for it before calling a
  // mutant a time-out (an endless loop is caught sooner by Stryker's hit limit).
  timeoutMS: 20_000,
  // What these tests need (sources, the bundler, Next's config and the route handlers the route
  // tests call); the rest of the tree stays out of the sandbox.
  ignorePatterns: [
    '/*',
    '!/lib',
    '!/components',
    '!/app',
    '!/scripts',
    '!/proxy.ts',
    '!/proxy.test.ts',
    '!/next.config.js',
    '!/package.json',
    '!/tsconfig.json',
  ],
  tempDirName: '.stryker-tmp',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false },
  incrementalFile: 'reports/mutation/incremental.json',
  // Every file must reach the floor on its own: scripts/mutate.mjs checks each and fails the run.
  thresholds: { high: 90, low: 85, break: 85 },
};

export default config;
