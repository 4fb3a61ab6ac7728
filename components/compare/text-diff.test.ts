import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAX_CELLS, diffLines, hunksOf } from './text-diff';

const kinds = (lines: ReturnType<typeof diffLines>) => lines?.map((l) => `${l.kind}${l.text}`);

test('lines kept, removed and added, the common start and end set aside', () => {
  assert.deepEqual(kinds(diffLines(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd', 'e'])), [' a', '-b', '+x', ' c', ' d', '+e']);
  assert.deepEqual(kinds(diffLines([], ['a'])), ['+a']);
  assert.deepEqual(kinds(diffLines(['a'], [])), ['-a']);
  assert.deepEqual(kinds(diffLines(['same'], ['same'])), [' same']);
});

test('texts too different to compare here are said so, not compared', () => {
  const side = (c: string) => Array.from({ length: Math.sqrt(MAX_CELLS) + 1 }, (_, i) => `${c}${i}`);
  assert.equal(diffLines(side('a'), side('b')), undefined);
  // The same lengths with a common start and end are compared: only the middle counts.
  const common = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
  assert.deepEqual(
    kinds(diffLines([...common, 'x', ...common], [...common, 'y', ...common]))?.filter((l) => !l.startsWith(' ')),
    ['-x', '+y'],
  );
});

test('whatever the texts, keeping the kept and removed lines gives A, the kept and added ones B, and nothing kept could be longer', () => {
  const text = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 });
  fc.assert(
    fc.property(text, text, (a, b) => {
      const lines = diffLines(a, b)!;
      assert.deepEqual(
        lines.filter((l) => l.kind !== '+').map((l) => l.text),
        a,
      );
      assert.deepEqual(
        lines.filter((l) => l.kind !== '-').map((l) => l.text),
        b,
      );
      // The kept lines are a longest common subsequence: no diff keeps more.
      const kept = lines.filter((l) => l.kind === ' ').length;
      const lcs = (x: string[], y: string[]): number => {
        const t = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
        for (let i = x.length - 1; i >= 0; i--)
          for (let j = y.length - 1; j >= 0; j--) t[i]![j] = x[i] === y[j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
        return t[0]![0]!;
      };
      assert.equal(kept, lcs(a, b));
    }),
    { numRuns: 500 },
  );
});

test('hunks: each change with three lines of context, changes close together in one hunk, line numbers of both sides', () => {
  const a = Array.from({ length: 20 }, (_, i) => `l${i + 1}`);
  const b = [...a];
  b[4] = 'five';
  b[6] = 'seven';
  b.splice(17, 0, 'new');
  const hunks = hunksOf(diffLines(a, b)!);
  assert.equal(hunks.length, 2);
  assert.deepEqual([hunks[0]!.aStart, hunks[0]!.bStart], [2, 2]);
  assert.deepEqual(kinds(hunks[0]!.lines), [' l2', ' l3', ' l4', '-l5', '+five', ' l6', '-l7', '+seven', ' l8', ' l9', ' l10']);
  assert.deepEqual([hunks[1]!.aStart, hunks[1]!.bStart], [15, 15]);
  assert.deepEqual(kinds(hunks[1]!.lines), [' l15', ' l16', ' l17', '+new', ' l18', ' l19', ' l20']);
  assert.deepEqual(hunksOf(diffLines(a, a)!), []);
});
