// The files `npm run mutate` measures, each with the unit tests that guard it (stryker.config.mjs,
// scripts/mutate.mjs). Each must score at least MUTATION_FLOOR on its own.

export const MUTATION_FLOOR = 85;

const AUTH_TESTS = 'lib/registry/auth/authorizer.test.ts';
const CLIENT_TESTS = 'lib/registry/client/index.test.ts';
const HUB_TESTS = 'lib/registry/hub/index.test.ts';
const DIAGNOSE_TESTS = 'lib/registry/diagnose/index.test.ts';

/** @type {Array<{ source: string; tests: string[] }>} */
export const MEASURED = [
  // The protocol core: parsers and the address policy.
  ...['reference', 'challenge', 'scope', 'link', 'policy'].map((name) => ({
    source: `lib/registry/${name}.ts`,
    tests: [`lib/registry/${name}.test.ts`],
  })),
  // The handshake, the authoriser that runs it with its caches and retries, and Docker Hub's API sign-in.
  { source: 'lib/registry/auth/handshake.ts', tests: [AUTH_TESTS, DIAGNOSE_TESTS] },
  { source: 'lib/registry/auth/authorizer.ts', tests: [AUTH_TESTS] },
  { source: 'lib/registry/auth/token-cache.ts', tests: [AUTH_TESTS, HUB_TESTS] },
  { source: 'lib/registry/auth/hub-login.ts', tests: [HUB_TESTS] },
  // The recording transport the diagnosis sends through: each exchange kept, timed, its secrets redacted.
  { source: 'lib/registry/net/record.ts', tests: ['lib/registry/net/record.test.ts', DIAGNOSE_TESTS] },
  // What bounds the server: caches, counters, the fair limiter, pull limits, a connection's wait after a 429.
  ...['cache', 'counter', 'limiter', 'pull-limit'].map((name) => ({ source: `lib/registry/${name}.ts`, tests: [`lib/registry/${name}.test.ts`] })),
  { source: 'lib/registry/wait.ts', tests: ['lib/registry/wait.test.ts', CLIENT_TESTS, HUB_TESTS] },
  // The operations (content and summary caches, verification, deletion), one file each, and what they share.
  ...['index', 'connection', 'listing', 'manifests', 'blobs', 'summaries', 'deletion', 'referrers'].map((name) => ({
    source: `lib/registry/client/${name}.ts`,
    tests: [CLIENT_TESTS],
  })),
  { source: 'lib/registry/client/pull-limit.ts', tests: [CLIENT_TESTS, HUB_TESTS] },
  // Reading layers: decompressing and parsing a blob as it passes, eStargz tables of contents, merging layers, paths and links in
  // the merged tree, two trees compared, one read for everyone waiting for it, the client's reads,
  // and what the API answers of them.
  { source: 'lib/registry/layers/tar.ts', tests: ['lib/registry/layers/tar.test.ts', 'lib/registry/layers/merge.test.ts'] },
  { source: 'lib/registry/layers/decompress.ts', tests: ['lib/registry/layers/tar.test.ts'] },
  { source: 'lib/registry/layers/estargz.ts', tests: ['lib/registry/layers/estargz.test.ts', 'lib/registry/client/ranges.test.ts'] },
  { source: 'lib/registry/layers/merge.ts', tests: ['lib/registry/layers/merge.test.ts'] },
  { source: 'lib/registry/layers/paths.ts', tests: ['lib/registry/layers/paths.test.ts'] },
  { source: 'lib/registry/shared-work.ts', tests: ['lib/registry/shared-work.test.ts'] },
  { source: 'lib/registry/layers/diff.ts', tests: ['lib/registry/layers/diff.test.ts'] },
  {
    source: 'lib/registry/client/layers.ts',
    tests: ['lib/registry/client/layers.test.ts', 'lib/registry/client/files.test.ts', 'lib/registry/client/ranges.test.ts'],
  },
  { source: 'lib/registry/client/files.ts', tests: ['lib/registry/client/files.test.ts'] },
  { source: 'lib/server/files.ts', tests: ['lib/server/files.test.ts'] },
  { source: 'lib/registry/paging.ts', tests: [CLIENT_TESTS, HUB_TESTS] },
  // A repository's storage (logical, unique, exclusive) from its manifests, and its manifests read from the registry.
  { source: 'lib/registry/storage.ts', tests: ['lib/registry/storage.test.ts'] },
  { source: 'lib/registry/client/storage.ts', tests: ['lib/registry/client/storage.test.ts'] },
  { source: 'lib/registry/response-error.ts', tests: ['lib/registry/response-error.test.ts', CLIENT_TESTS, HUB_TESTS, AUTH_TESTS] },
  // The Docker Hub API client.
  ...['index', 'summaries'].map((name) => ({ source: `lib/registry/hub/${name}.ts`, tests: [HUB_TESTS] })),
  // The server's own rules: who is asking, same origin and public host, sign-in limits, answers in flight, configuration, opened session cookies.
  ...['client-address', 'origin', 'attempts', 'answers', 'env', 'opened-sessions'].map((name) => ({
    source: `lib/server/${name}.ts`,
    tests: [`lib/server/${name}.test.ts`],
  })),
  // The route handlers' shared preamble and body reading, through the real handlers; the page policy and the proxy.
  { source: 'lib/server/api.ts', tests: ['lib/server/api.test.ts', 'app/api/routes.test.ts'] },
  { source: 'lib/server/body.ts', tests: ['app/api/routes.test.ts'] },
  { source: 'lib/security-headers.ts', tests: ['lib/security-headers.test.ts'] },
  { source: 'proxy.ts', tests: ['proxy.test.ts'] },
];
