// Mutation testing of the protocol core's parsers, address policy and authoriser (`npm run mutate`;
// docs/testing.md). Stryker changes one thing at a time in these files (a condition, an operator,
// a string) and runs the unit tests that reach it: a change no test notices is a gap in the tests.
// Too slow for `npm test` (minutes on two cores); run it by hand after changing these files.

/** The files measured, each beside its own node:test file. */
const measured = ['reference', 'challenge', 'scope', 'link', 'policy', 'auth'];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  mutate: measured.map((name) => `lib/registry/${name}.ts`),
  // The test files are bundled once with their (instrumented) sources after Stryker has written
  // the sandbox, then loaded into Stryker's worker by the runner in scripts/stryker-node-test.mjs,
  // which calls their tests directly: a new `node --test` process for every mutant would cost far
  // more CPU than the tests themselves. Only the tests that reach a mutant run for it.
  buildCommand: `esbuild ${measured.map((name) => `lib/registry/${name}.test.ts`).join(' ')} --bundle --platform=node --format=cjs --target=node20 --packages=external --outdir=mutate-build --log-level=warning`,
  plugins: ['./scripts/stryker-node-test.mjs'],
  testRunner: 'node-test',
  nodeTest: { testFiles: measured.map((name) => `mutate-build/${name}.test.js`) },
  coverageAnalysis: 'perTest',
  // The machine is shared: two test processes at most.
  concurrency: Number(process.env.BERTH_MUTATE_CONCURRENCY ?? 2),
  // A busy machine runs a test file slower than the dry run did: allow for it before calling a
  // mutant a time-out (an endless loop is caught sooner by Stryker's hit limit).
  timeoutMS: 20_000,
  // Only lib/ is needed to run these tests; the rest of the tree stays out of the sandbox.
  ignorePatterns: ['/*', '!/lib', '!/package.json', '!/tsconfig.json'],
  tempDirName: '.stryker-tmp',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false },
  incrementalFile: 'reports/mutation/incremental.json',
  thresholds: { high: 90, low: 85, break: null },
};

export default config;
