// npm run mutate: Stryker over the measured files (scripts/mutation-files.mjs), then a check that
// every file scores at least MUTATION_FLOOR on its own (Stryker's own threshold is for the total).
// Passing runs record each file's score, with a hash of it and of its tests, in
// mutation-scores.json; `npm run mutate -- --changed` measures only the files whose source or
// tests changed since, which is what CI runs (nothing, when none did).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { MEASURED, MUTATION_FLOOR } from './mutation-files.mjs';

const RECORD = 'mutation-scores.json';
const hashOf = (m) => {
  const h = createHash('sha256');
  for (const file of [m.source, ...m.tests]) h.update(`${file}\0`).update(readFileSync(file));
  return h.digest('hex').slice(0, 16);
};

const record = existsSync(RECORD) ? JSON.parse(readFileSync(RECORD, 'utf8')) : {};
const changedOnly = process.argv.includes('--changed');
const files = changedOnly ? MEASURED.filter((m) => record[m.source]?.hash !== hashOf(m)) : MEASURED;
if (files.length === 0) {
  console.log(`mutate: no measured file or its tests changed since ${RECORD} was written; nothing to measure.`);
  process.exit(0);
}
console.log(`mutate: measuring ${files.map((m) => m.source).join(', ')}`);
const run = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, BERTH_MUTATE_ONLY: files.map((m) => m.source).join(',') } });

/** Per file: killed + timed out over everything but the mutants no test reaches and those that cannot compile or run. */
const report = existsSync('reports/mutation/mutation.json') ? JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8')) : { files: {} };
let failed = run.status !== 0;
console.log(`\nmutation score per file (floor ${MUTATION_FLOOR} %):`);
for (const m of files) {
  const mutants = report.files?.[m.source]?.mutants ?? [];
  const counted = mutants.filter((x) => !['CompileError', 'RuntimeError', 'Ignored'].includes(x.status));
  const detected = counted.filter((x) => x.status === 'Killed' || x.status === 'Timeout').length;
  const score = counted.length ? (100 * detected) / counted.length : NaN;
  const ok = score >= MUTATION_FLOOR;
  if (!ok) failed = true;
  console.log(
    `  ${m.source.padEnd(34)} ${Number.isNaN(score) ? 'no mutants' : `${score.toFixed(1)} %`} (${detected} of ${counted.length})${ok ? '' : '  BELOW THE FLOOR'}`,
  );
  if (ok) record[m.source] = { hash: hashOf(m), score: Number(score.toFixed(1)) };
}
writeFileSync(RECORD, `${JSON.stringify(Object.fromEntries(Object.entries(record).sort()), null, 2)}\n`);
if (failed) {
  console.error(
    `mutate: a file scored below ${MUTATION_FLOOR} %, or Stryker failed: see the list above and reports/mutation/index.html for the mutants no test noticed.`,
  );
  process.exit(1);
}
