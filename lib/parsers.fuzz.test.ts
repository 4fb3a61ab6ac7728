// The parsers that read what people type and what registries send, fed arbitrary and hostile
// input: they answer, or throw a RegistryError with a sentence — never anything else — and their
// time grows linearly with the input (no regular expression that backtracks without bound).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { parseChallenges } from './registry/challenge';
import { RegistryError, parseErrorBody, parseRetryAfter } from './registry/errors';
import { parseNextLink } from './registry/link';
import { parseManifest } from './registry/manifest';
import { isValidDigest, isValidRepository, isValidTag, parseHost, parseImageReference, parseRegistryAddress } from './registry/reference';
import { decodeGrantedAccess, mergeScopes, parseScope } from './registry/scope';
import { resolveRoute } from './route-target';
import { HOSTILE_SHAPES } from './hostile-input';

const RUNS = 2000;

/** Strings built from the characters each grammar cares about, so the fuzzing reaches deep. */
const pieces = (alphabet: string[]) => fc.array(fc.constantFrom(...alphabet), { maxLength: 80 }).map((a) => a.join(''));
const referenceish = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  pieces(['a', 'Z', '0', '.', '-', '_', '__', '/', ':', '@', 'sha256:', 'f'.repeat(64), 'docker.io', 'localhost', '[::1]', '5000', ' ', '%2F', 'http://']),
);
const challengeish = fc.oneof(
  fc.string({ maxLength: 200 }),
  pieces(['Bearer ', 'Basic ', 'realm=', 'service=', 'scope=', 'error=', '"', '\\', ',', ' ', '=', 'https://a/b', 'repository:x:pull', 'abc==']),
);
const linkish = fc.oneof(
  fc.string({ maxLength: 200 }),
  pieces(['<', '>', '/v2/_catalog?last=a&n=1', ';', ' rel="next"', 'rel=next', ',', '"', 'http://other/', '%']),
);
const scopeish = fc.oneof(
  fc.string({ maxLength: 120 }),
  pieces(['repository', 'registry', ':', 'a/b', 'host:5000/x', 'pull', ',', 'push', '*', ' ', '(plugin)']),
);

/** Runs `fn` and accepts only an answer or a RegistryError whose message is a sentence. */
function answersOrRegistryError(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof RegistryError, `threw ${String(e)}`);
    assert.ok(e.message.length > 10, 'with a sentence');
  }
}

describe('never throw anything but RegistryError', () => {
  test('references, hosts and registry addresses', () => {
    fc.assert(
      fc.property(referenceish, (s) => {
        answersOrRegistryError(() => parseImageReference(s));
        answersOrRegistryError(() => parseRegistryAddress(s));
        answersOrRegistryError(() => parseHost(s));
        for (const check of [isValidRepository, isValidTag, isValidDigest]) assert.equal(typeof check(s), 'boolean');
      }),
      { numRuns: RUNS },
    );
  });

  test('image-reference URLs', () => {
    fc.assert(
      fc.property(fc.array(referenceish, { maxLength: 6 }), (segments) => {
        const target = resolveRoute(segments);
        assert.ok(typeof target.kind === 'string');
      }),
      { numRuns: RUNS },
    );
  });

  test('challenges, links, scopes, error bodies, Retry-After', () => {
    fc.assert(
      fc.property(challengeish, linkish, scopeish, (challenge, link, scope) => {
        assert.ok(Array.isArray(parseChallenges(challenge)));
        const next = parseNextLink(link, new URL('https://r.example/v2/_catalog'));
        assert.ok(next === undefined || next instanceof URL);
        parseScope(scope);
        assert.ok(Array.isArray(mergeScopes([scope], [challenge])));
        const decoded = decodeGrantedAccess(`${Buffer.from(challenge).toString('base64url')}.${Buffer.from(scope).toString('base64url')}.x`);
        assert.ok(decoded === undefined || Array.isArray(decoded));
        assert.ok(Array.isArray(parseErrorBody(challenge)));
        const wait = parseRetryAfter(link);
        assert.ok(wait === undefined || (wait >= 0 && wait <= 86_400));
      }),
      { numRuns: RUNS },
    );
  });

  test('manifests', () => {
    const json = fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 200 }));
    fc.assert(
      fc.property(
        json,
        fc.constantFrom(undefined, 'application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json', 'application/json', 'text/html'),
        (body, type) => {
          answersOrRegistryError(() => parseManifest(Buffer.from(body), type, 'r.example'));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('linear time on hostile input', () => {
  // Each shape runs in a worker that is stopped after a few seconds: a pattern that backtracks
  // without bound would otherwise hang the test instead of failing it.
  for (const name of Object.keys(HOSTILE_SHAPES)) {
    test(name, async () => {
      const times = await timeInWorker(name, [20_000, 160_000], 15_000);
      assert.notEqual(times, 'timeout', `${name} did not finish within 15 s`);
      if (times === 'timeout') return;
      const [small = 0, large = 0] = times;
      // Eight times the input: linear code takes about eight times as long; quadratic, sixty-four.
      assert.ok(large < small * 24 + 20, `20k chars: ${small.toFixed(2)} ms, 160k chars: ${large.toFixed(2)} ms`);
    });
  }
});

function timeInWorker(shape: string, sizes: number[], limitMs: number): Promise<number[] | 'timeout'> {
  return new Promise((resolve, reject) => {
    // A worker's own module is loaded before any --import hook: register tsx there first.
    const code = `require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'hostile-input.ts'))});`;
    const worker = new Worker(code, { eval: true, workerData: { shape, sizes } });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve('timeout');
    }, limitMs);
    worker.once('message', (times: number[]) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(times);
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
