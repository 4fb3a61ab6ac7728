// Two texts compared line by line, for a changed text file in Compare: the lines both have in
// common first and last are set aside, the rest compared by longest common subsequence (bounded:
// beyond MAX_CELLS the texts are called too different to show here), and the result cut into
// hunks with a few lines of context, as `diff -u` shows them. Pure: tested on its own.

/** Lines of the middle parts compared at most: their product (the table's cells). */
export const MAX_CELLS = 1_000_000;
const CONTEXT = 3;

export interface DiffLine {
  kind: ' ' | '-' | '+';
  text: string;
}

/** A run of changes with its context; `aStart` and `bStart` are 1-based line numbers. */
export interface Hunk {
  aStart: number;
  bStart: number;
  lines: DiffLine[];
}

/** Every line of `a` and `b` as kept, removed or added; undefined when they are too different to compare here. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] | undefined {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_CELLS) return undefined;
  // lcs[i * (m + 1) + j]: the longest common subsequence of a[start + i..] and b[start + j..].
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] = a[start + i] === b[start + j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const out: DiffLine[] = a.slice(0, start).map((text) => ({ kind: ' ', text }));
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      out.push({ kind: ' ', text: a[start + i]! });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
      // Removed lines before added ones, as `diff -u` writes them.
      out.push({ kind: '-', text: a[start + i]! });
      i++;
    } else {
      out.push({ kind: '+', text: b[start + j]! });
      j++;
    }
  }
  for (const text of a.slice(endA)) out.push({ kind: ' ', text });
  return out;
}

/** The changed lines with `CONTEXT` lines around them, in hunks; none when nothing changed. */
export function hunksOf(lines: readonly DiffLine[]): Hunk[] {
  const hunks: Hunk[] = [];
  let aLine = 1;
  let bLine = 1;
  let current: Hunk | undefined;
  let lastChange = -Infinity;
  const position: Array<[number, number]> = [];
  for (const line of lines) {
    position.push([aLine, bLine]);
    if (line.kind !== '+') aLine++;
    if (line.kind !== '-') bLine++;
  }
  lines.forEach((line, index) => {
    if (line.kind === ' ') return;
    if (current === undefined || index - lastChange > 2 * CONTEXT) {
      current?.lines.push(...lines.slice(lastChange + 1, lastChange + 1 + CONTEXT));
      const from = Math.max(0, index - CONTEXT);
      current = { aStart: position[from]![0], bStart: position[from]![1], lines: lines.slice(from, index) as DiffLine[] };
      hunks.push(current);
    } else {
      current.lines.push(...lines.slice(lastChange + 1, index));
    }
    current.lines.push(line);
    lastChange = index;
  });
  if (current !== undefined) current.lines.push(...lines.slice(lastChange + 1, lastChange + 1 + CONTEXT));
  return hunks;
}
