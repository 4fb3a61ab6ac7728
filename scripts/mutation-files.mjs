// The files `npm run mutate` measures, each with the unit tests that guard it (stryker.config.mjs,
// scripts/mutate.mjs). Each must score at least MUTATION_FLOOR on its own.

export const MUTATION_FLOOR = 85;

/** @type {Array<{ source: string; tests: string[] }>} */
export const MEASURED = [
  // The protocol core: parsers, the address policy, the authoriser.
  ...['reference', 'challenge', 'scope', 'link', 'policy', 'auth'].map((name) => ({
    source: `lib/registry/${name}.ts`,
    tests: [`lib/registry/${name}.test.ts`],
  })),
  // What bounds the server: caches, counters, the fair limiter, pull limits.
  ...['cache', 'counter', 'limiter', 'pull-limit'].map((name) => ({ source: `lib/registry/${name}.ts`, tests: [`lib/registry/${name}.test.ts`] })),
  // The operations (content and summary caches, verification, deletion) and the Docker Hub client.
  { source: 'lib/registry/client.ts', tests: ['lib/registry/client.test.ts'] },
  { source: 'lib/registry/hub.ts', tests: ['lib/registry/hub.test.ts'] },
  // The server's own rules: who is asking, same origin and public host, sign-in limits, answers in flight, configuration.
  ...['client-address', 'origin', 'attempts', 'answers', 'env'].map((name) => ({ source: `lib/server/${name}.ts`, tests: [`lib/server/${name}.test.ts`] })),
  // The route handlers' shared preamble and body reading, through the real handlers; the page policy and the proxy.
  { source: 'lib/server/api.ts', tests: ['lib/server/api.test.ts', 'app/api/routes.test.ts'] },
  { source: 'lib/server/body.ts', tests: ['app/api/routes.test.ts'] },
  { source: 'lib/security-headers.ts', tests: ['lib/security-headers.test.ts'] },
  { source: 'proxy.ts', tests: ['proxy.test.ts'] },
];
