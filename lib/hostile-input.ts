// Inputs shaped to make a backtracking regular expression explode — long runs of characters a
// pattern may split many ways, ending in one that makes the whole match fail — and, run as a
// worker, the time each parser takes on them (parsers.fuzz.test.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { parseChallenges } from './registry/challenge';
import { parseNextLink } from './registry/link';
import { isValidDigest, isValidRepository, isValidTag, parseHost, parseImageReference, parseRegistryAddress } from './registry/reference';
import { mergeScopes } from './registry/scope';
import { resolveRoute } from './route-target';

export const HOSTILE_SHAPES: Record<string, [(s: string) => unknown, (n: number) => string]> = {
  'parseHost, a long label': [parseHost, (n) => `a.${'a'.repeat(n)}!`],
  'parseHost, many labels': [parseHost, (n) => `${'a-a.'.repeat(n / 4)}!`],
  'parseImageReference, separators': [parseImageReference, (n) => `r.io/${'a-'.repeat(n / 2)}!`],
  'parseImageReference, components': [parseImageReference, (n) => `r.io/${'a/'.repeat(n / 2)}A`],
  parseRegistryAddress: [parseRegistryAddress, (n) => `https://${'a.'.repeat(n / 2)}-`],
  resolveRoute: [(s) => resolveRoute(s.split('/')), (n) => `a.${'a'.repeat(n)}!/x`],
  'isValidDigest, separators': [isValidDigest, (n) => `${'a.'.repeat(n / 2)}a`],
  'isValidDigest, a long run': [isValidDigest, (n) => `${'a'.repeat(n)}!`],
  'isValidRepository, a long run': [isValidRepository, (n) => `${'a'.repeat(n)}!`],
  'isValidTag, a long run': [isValidTag, (n) => `${'a'.repeat(n)}!`],
  parseChallenges: [parseChallenges, (n) => `Bearer ${'a=b, '.repeat(n / 5)}"${'\\'.repeat(n / 5)}`],
  parseNextLink: [(s) => parseNextLink(s, new URL('https://r.example/')), (n) => `<${'a,'.repeat(n / 2)}`],
  mergeScopes: [(s) => mergeScopes([s]), (n) => `repository:${':'.repeat(n)}`],
};

/** The fastest of seven runs of `fn(input)`, in milliseconds: the least disturbed by the rest of the machine. */
function timeOf(fn: (s: string) => unknown, input: string): number {
  const runs: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    try {
      fn(input);
    } catch {
      /* errors are fine here: only the time counts */
    }
    runs.push(performance.now() - t);
  }
  return Math.min(...runs);
}

if (parentPort && workerData) {
  const { shape, sizes } = workerData as { shape: string; sizes: number[] };
  const entry = HOSTILE_SHAPES[shape];
  if (!entry) throw new Error(`no hostile shape ${shape}`);
  const [fn, make] = entry;
  parentPort.postMessage(sizes.map((n) => timeOf(fn, make(n))));
}
